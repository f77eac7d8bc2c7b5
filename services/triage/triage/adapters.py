"""Triage's unit of work and repositories."""
from __future__ import annotations

from sqlalchemy import func, select

from servicedesk_common.db import UnitOfWork

from .domain import DEFAULT_MATRIX, CatalogData
from .models import (
    CatalogService,
    CatalogType,
    Classification,
    PriorityMatrix,
    PriorityOverride,
    Recategorisation,
)


class Catalog:
    def __init__(self, session):
        self.session = session

    def services(self, *, include_inactive: bool = False) -> list[CatalogService]:
        query = select(CatalogService).order_by(CatalogService.position, CatalogService.id)
        if not include_inactive:
            query = query.where(CatalogService.active.is_(True))
        return list(self.session.execute(query).scalars())

    def service(self, code: str) -> CatalogService | None:
        return self.session.execute(
            select(CatalogService).where(CatalogService.code == code)).scalar_one_or_none()

    def service_named(self, category: str, name: str) -> CatalogService | None:
        return self.session.execute(select(CatalogService).where(
            CatalogService.category == category, CatalogService.name == name)
        ).scalar_one_or_none()

    def add_service(self, service: CatalogService) -> None:
        if service.position is None:
            last = self.session.execute(select(func.max(CatalogService.position))).scalar()
            service.position = (last or 0) + 1
        self.session.add(service)
        self.session.flush()

    def types(self) -> list[CatalogType]:
        return list(self.session.execute(
            select(CatalogType).order_by(CatalogType.position, CatalogType.code)).scalars())

    def type(self, code: str) -> CatalogType | None:
        return self.session.get(CatalogType, code)

    def as_tree(self) -> dict:
        """category -> detail -> [service names], in catalog order."""
        tree: dict = {}
        for entry in self.services():
            tree.setdefault(entry.category, {}).setdefault(entry.detail, []).append(entry.name)
        return tree

    def data(self) -> CatalogData:
        return CatalogData(types={t.code: list(t.categories) for t in self.types()},
                           tree=self.as_tree())

    def matrix(self) -> dict:
        row = self.session.get(PriorityMatrix, 1)
        return row.matrix if row else DEFAULT_MATRIX

    def set_matrix(self, matrix: dict, *, by: str, at) -> None:
        row = self.session.get(PriorityMatrix, 1)
        if row is None:
            row = PriorityMatrix(id=1)
            self.session.add(row)
        row.matrix, row.changed_by, row.changed_at = matrix, by, at


class Classifications:
    def __init__(self, session):
        self.session = session

    def get(self, number: str) -> Classification | None:
        query = select(Classification).where(Classification.number == number)
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return self.session.execute(query).scalar_one_or_none()

    def add(self, classification: Classification) -> None:
        self.session.add(classification)
        self.session.flush()

    def record_recategorisation(self, **fields) -> None:
        self.session.add(Recategorisation(**fields))

    def record_override(self, **fields) -> None:
        self.session.add(PriorityOverride(**fields))

    def recategorisations(self, number: str) -> list[Recategorisation]:
        return list(self.session.execute(select(Recategorisation).where(
            Recategorisation.number == number).order_by(Recategorisation.id)).scalars())

    def overrides(self, number: str) -> list[PriorityOverride]:
        return list(self.session.execute(select(PriorityOverride).where(
            PriorityOverride.number == number).order_by(PriorityOverride.id)).scalars())


class TriageUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        self.catalog = Catalog(self.session)
        self.classifications = Classifications(self.session)
