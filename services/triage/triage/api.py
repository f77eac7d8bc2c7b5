"""Triage's HTTP edge: the catalog (read by anyone, edited by an admin) and the matrix."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE
from sqlalchemy.exc import IntegrityError

from servicedesk_common.errors import Conflict, Invalid, NotFound
from servicedesk_common.identity import ADMIN, STAFF
from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app, current_identity, request_id, require, runtime

from . import domain
from .adapters import TriageUnitOfWork
from .handlers import now
from .models import CatalogService
from .schemas import (
    CatalogOut,
    CatalogServiceArgs,
    CatalogServiceIn,
    CatalogServiceOut,
    CatalogServicePatch,
    CatalogTypeIn,
    MatrixSchema,
    TypeOut,
)

blp = Blueprint("triage", __name__, url_prefix="/api/v1", description="Catalog and priority")


def unit_of_work() -> TriageUnitOfWork:
    return TriageUnitOfWork(runtime().sessions, producer="triage", correlation_id=request_id())


def catalog_view(types: list, tree: dict) -> dict:
    return {
        "types": [{"code": t.code, "name": t.name, "categories": list(t.categories)}
                  for t in types],
        "categories": [
            {"name": category, "details": [
                {"name": detail, "services": [{"code": domain.service_code(s), "name": s}
                                              for s in services]}
                for detail, services in details.items()]}
            for category, details in tree.items()],
    }


@blp.route("/catalog")
class CatalogView(MethodView):
    @blp.response(200, CatalogOut)
    def get(self):
        """The whole catalog: types with their categories, categories > details > services."""
        with unit_of_work() as uow:
            return catalog_view(uow.catalog.types(), uow.catalog.as_tree())


@blp.route("/catalog/services")
class CatalogServices(MethodView):
    @require(*STAFF)
    @blp.arguments(CatalogServiceArgs, location="query", unknown=RAISE)
    @blp.response(200, CatalogServiceOut(many=True))
    def get(self, args):
        """Every service as a flat list (with the retired ones on request)."""
        with unit_of_work() as uow:
            return uow.catalog.services(include_inactive=args["include_inactive"])

    @require(ADMIN)
    @blp.arguments(CatalogServiceIn)
    @blp.response(201, CatalogServiceOut)
    def post(self, data):
        """Add a service (a new category or detail comes into being with its first service;
        offer a new category for a type with PUT /catalog/types/{code})."""
        data = {name: value.strip() if isinstance(value, str) else value
                for name, value in data.items()}
        data.setdefault("code", domain.service_code(data["name"]))
        if not data["code"]:
            raise Invalid("Give the service a code of letters or digits.", field="code")
        with unit_of_work() as uow:
            _check_free(uow, category=data["category"], name=data["name"], code=data["code"])
            service = CatalogService(active=True, **data)
            uow.catalog.add_service(service)
            _commit(uow)
            return service


@blp.route("/catalog/services/<string:code>")
class CatalogServiceItem(MethodView):
    @require(ADMIN)
    @blp.arguments(CatalogServicePatch)
    @blp.response(200, CatalogServiceOut)
    def patch(self, data, code):
        """Rename, move (to another detail or category), reorder, retire or restore a service.
        Tickets keep the service name they were recorded with."""
        with unit_of_work() as uow:
            service = _service(uow, code)
            data = {name: value.strip() if isinstance(value, str) else value
                    for name, value in data.items()}
            category = data.get("category", service.category)
            name = data.get("name", service.name)
            if (category, name) != (service.category, service.name):
                _check_free(uow, category=category, name=name)
            uow.catalog.change_service(service, data)
            _commit(uow)
            return service

    @require(ADMIN)
    @blp.response(204)
    def delete(self, code):
        """Retire a service: new tickets can no longer choose it; old tickets keep it."""
        with unit_of_work() as uow:
            uow.catalog.retire_service(_service(uow, code))
            uow.commit()


@blp.route("/catalog/types/<string:code>")
class CatalogTypeItem(MethodView):
    @require(ADMIN)
    @blp.arguments(CatalogTypeIn)
    @blp.response(200, TypeOut)
    def put(self, data, code):
        """Which categories the recording form offers for a type (the types themselves are
        fixed: ticket numbers are made from them)."""
        categories = list(dict.fromkeys(c.strip() for c in data["categories"]))
        with unit_of_work() as uow:
            ticket_type = uow.catalog.type(code)
            if ticket_type is None:
                raise NotFound(f"No ticket type {code!r}; the types are "
                               f"{', '.join(domain.TYPE_CODES)}.")
            uow.catalog.change_type(ticket_type, categories=categories,
                                    name=data["name"].strip() if data.get("name") else None)
            uow.commit()
            return {"code": ticket_type.code, "name": ticket_type.name,
                    "categories": categories}


def _service(uow, code: str) -> CatalogService:
    service = uow.catalog.service(code)
    if service is None:
        raise NotFound(f"No service with code {code!r} in the catalog.")
    return service


def _check_free(uow, *, category: str, name: str, code: str | None = None) -> None:
    if uow.catalog.service_named(category, name) is not None:
        raise Conflict(f"Category {category!r} already has a service {name!r}.",
                       details={"name": [f"Already in category {category!r}."]})
    if code and uow.catalog.service(code) is not None:
        raise Conflict(f"The code {code!r} is taken; choose another.",
                       details={"code": ["Already taken."]})


def _commit(uow) -> None:
    try:
        uow.commit()
    except IntegrityError:  # a concurrent admin took the same name or code
        uow.rollback()
        raise Conflict("Another change to the catalog took that name or code; try again.",
                       ) from None


@blp.route("/priority-matrix")
class PriorityMatrixView(MethodView):
    @blp.response(200, MatrixSchema)
    def get(self):
        """urgency -> impact -> priority (1 Tinggi, 2 Menengah, 3 Rendah)."""
        with unit_of_work() as uow:
            return uow.catalog.matrix()

    @require(ADMIN)
    @blp.arguments(MatrixSchema)
    @blp.response(200, MatrixSchema)
    def put(self, matrix):
        """Replace the matrix; it applies to every priority computed from now on."""
        with unit_of_work() as uow:
            uow.catalog.set_matrix(matrix, by=current_identity().username, at=now())
            uow.commit()
        return matrix


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("triage")
    app, api = create_base_app(settings, title="Triage", engine=engine)
    api.register_blueprint(blp)
    from .kpi import blp as kpi_blp  # the categorisation KPI (its own module)

    api.register_blueprint(kpi_blp)
    return app
