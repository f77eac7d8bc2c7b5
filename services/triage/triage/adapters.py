"""Triage's unit of work and repositories."""
from __future__ import annotations

from sqlalchemy import select

from servicedesk_common.db import UnitOfWork

from .domain import DEFAULT_MATRIX
from .models import CatalogService, Classification, PriorityMatrix, Recategorisation


class Catalog:
    def __init__(self, session):
        self.session = session

    def services(self, *, include_inactive: bool = False) -> list[CatalogService]:
        query = select(CatalogService).order_by(CatalogService.position, CatalogService.id)
        if not include_inactive:
            query = query.where(CatalogService.active.is_(True))
        return list(self.session.execute(query).scalars())

    def as_tree(self) -> dict:
        """category -> detail -> [service names], in catalog order."""
        tree: dict = {}
        for entry in self.services():
            tree.setdefault(entry.category, {}).setdefault(entry.detail, []).append(entry.name)
        return tree

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
        return self.session.execute(
            select(Classification).where(Classification.number == number)).scalar_one_or_none()

    def add(self, classification: Classification) -> None:
        self.session.add(classification)
        self.session.flush()

    def record_recategorisation(self, **fields) -> None:
        self.session.add(Recategorisation(**fields))


class TriageUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        self.catalog = Catalog(self.session)
        self.classifications = Classifications(self.session)
