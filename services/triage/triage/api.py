"""Triage's HTTP edge: the catalog and the priority matrix."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.errors import Invalid
from servicedesk_common.identity import ADMIN
from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app, current_identity, request_id, require, runtime

from . import domain
from .adapters import TriageUnitOfWork
from .handlers import now
from .schemas import CatalogOut, MatrixSchema

blp = Blueprint("triage", __name__, url_prefix="/api/v1", description="Catalog and priority")


def unit_of_work() -> TriageUnitOfWork:
    return TriageUnitOfWork(runtime().sessions, producer="triage", correlation_id=request_id())


def catalog_view(tree: dict) -> dict:
    return {
        "types": [{**t, "categories": domain.TYPE_CATEGORIES[t["code"]]}
                  for t in domain.TICKET_TYPES],
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
        with unit_of_work() as uow:
            return catalog_view(uow.catalog.as_tree())


@blp.route("/priority-matrix")
class PriorityMatrixView(MethodView):
    @blp.response(200, MatrixSchema)
    def get(self):
        with unit_of_work() as uow:
            return uow.catalog.matrix()

    @require(ADMIN)
    @blp.arguments(MatrixSchema)
    @blp.response(200, MatrixSchema)
    def put(self, matrix):
        errors = domain.validate_matrix(matrix)
        if errors:
            raise Invalid("The priority matrix is not valid.", details=errors)
        with unit_of_work() as uow:
            uow.catalog.set_matrix(matrix, by=current_identity().username, at=now())
            uow.commit()
        return matrix


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("triage")
    app, api = create_base_app(settings, title="Triage", engine=engine)
    api.register_blueprint(blp)
    return app
