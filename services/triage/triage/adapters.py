"""Triage's unit of work and repositories."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from servicedesk_common.db import UnitOfWork
from servicedesk_common.revisions import RevisionCopies, new_revision

from .domain import DEFAULT_MATRIX, CatalogData
from .models import (
    CatalogRevision,
    CatalogService,
    CatalogType,
    Classification,
    PriorityMatrix,
    PriorityOverride,
    Recategorisation,
)

_REVISION = CatalogRevision.__table__
_READ_REVISION = select(_REVISION.c.revision).where(_REVISION.c.id == 1)
# Built once: each message only binds its values.
_CLASSIFICATIONS = Classification.__table__
_COLUMNS = [column for column in _CLASSIFICATIONS.columns if column.key != "id"]
_GET = select(Classification, _READ_REVISION.scalar_subquery()).where(
    Classification.number == bindparam("number"))
_GET_LOCKED = _GET.with_for_update(of=Classification)
_ADD_NEW = {dialect: insert(_CLASSIFICATIONS).on_conflict_do_nothing(index_elements=["number"])
            .returning(_CLASSIFICATIONS.c.id)
            for dialect, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))}


@dataclass(frozen=True)
class CatalogCopy:
    """The catalog and the matrix as one revision left them; shared by every unit of work of
    the process, so read it and never change it."""
    revision: str
    data: CatalogData
    matrix: dict


COPIES: RevisionCopies[CatalogCopy] = RevisionCopies()


class Catalog:
    """The service catalog and the priority matrix.

    Every ticket needs both and an admin changes them rarely, so the process keeps a copy
    (`COPIES`) and each unit of work checks it once, with one small read of the revision row,
    before it uses it; every admin write replaces the revision (`_changed`), so the next ticket
    gets the change, in every process (servicedesk_common.revisions).
    """

    def __init__(self, session):
        self.session = session
        self._checked: CatalogCopy | None = None  # the copy this unit of work checked
        self._changing = False  # an admin write in this (uncommitted) unit of work

    def current(self) -> CatalogCopy:
        """The catalog and matrix as committed, from the process's copy while it is current."""
        if self._checked is None:
            with self.session.no_autoflush:  # the handler's changes are written once, at the end
                self.check(self.session.execute(_READ_REVISION).scalar_one())
        return self._checked

    def check(self, revision: str) -> None:
        """This unit of work read `revision`: use the process's copy if it was made under it."""
        copy = COPIES.get(revision)
        if copy is None:
            copy = self._load(revision)
            if not self._changing:  # never share what may yet be rolled back
                COPIES.put(revision, copy)
        self._checked = copy

    def _load(self, revision: str) -> CatalogCopy:
        row = self.session.get(PriorityMatrix, 1)
        return CatalogCopy(revision=revision, matrix=row.matrix if row else DEFAULT_MATRIX,
                           data=CatalogData(types={t.code: list(t.categories)
                                                   for t in self.types()},
                                            tree=self.as_tree()))

    def _changed(self) -> None:
        """Every admin write: a new revision, committed (or rolled back) with the change."""
        self.session.execute(update(_REVISION).where(_REVISION.c.id == 1)
                             .values(revision=new_revision()))
        self._checked, self._changing = None, True

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
        self._changed()

    def change_service(self, service: CatalogService, fields: dict) -> None:
        for name, value in fields.items():
            setattr(service, name, value)
        self._changed()

    def retire_service(self, service: CatalogService) -> None:
        service.active = False
        self._changed()

    def types(self) -> list[CatalogType]:
        return list(self.session.execute(
            select(CatalogType).order_by(CatalogType.position, CatalogType.code)).scalars())

    def type(self, code: str) -> CatalogType | None:
        return self.session.get(CatalogType, code)

    def change_type(self, ticket_type: CatalogType, *, categories: list[str],
                    name: str | None = None) -> None:
        ticket_type.categories = categories
        if name is not None:
            ticket_type.name = name
        self._changed()

    def as_tree(self) -> dict:
        """category -> detail -> [service names], in catalog order."""
        tree: dict = {}
        for entry in self.services():
            tree.setdefault(entry.category, {}).setdefault(entry.detail, []).append(entry.name)
        return tree

    def data(self) -> CatalogData:
        return self.current().data

    def matrix(self) -> dict:
        return self.current().matrix

    def set_matrix(self, matrix: dict, *, by: str, at) -> None:
        row = self.session.get(PriorityMatrix, 1)
        if row is None:
            row = PriorityMatrix(id=1)
            self.session.add(row)
        row.matrix, row.changed_by, row.changed_at = matrix, by, at
        self._changed()


class Classifications:
    def __init__(self, session, *, catalog: Catalog):
        self.session = session
        self.catalog = catalog

    def get(self, number: str) -> Classification | None:
        """The ticket's classification, locked; the catalog's revision comes with it (one round
        trip for both when the ticket is known)."""
        locked = self.session.get_bind().dialect.name == "postgresql"
        row = self.session.execute(_GET_LOCKED if locked else _GET, {"number": number}).first()
        if row is None:
            return None
        self.catalog.check(row[1])
        return row[0]

    def add_new(self, classification: Classification) -> bool:
        """A ticket's first classification; False (and nothing written) when the ticket
        already has one. One INSERT .. ON CONFLICT DO NOTHING, not a SELECT and an INSERT."""
        statement = _ADD_NEW.get(self.session.get_bind().dialect.name)
        if statement is None:
            if self.get(classification.number) is not None:
                return False
            self.add(classification)
            return True
        values = {column.key: getattr(classification, column.key) for column in _COLUMNS}
        return self.session.execute(statement, values).first() is not None

    def add(self, classification: Classification) -> None:
        """Written with the rest of the unit of work (one INSERT of its final state)."""
        self.session.add(classification)

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
        self.classifications = Classifications(self.session, catalog=self.catalog)
