"""Categorisation KPI (DOMAIN.md "Indikator Pengukuran Kinerja"): of the tickets recorded in the
period, how many kept the category they were recorded with (right first time) and how many an
operator recategorised. A change of service within the same category is not a
recategorisation of the category; it is counted apart (`service_changed`).

GET /api/v1/classifications/kpi?from=&to= (supervisor, admin): `from`/`to` are dates (whole
days in Asia/Jakarta, `to` included) or moments with an offset (`to` excluded)."""
from __future__ import annotations

from collections import defaultdict

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from servicedesk_common.identity import ADMIN, SUPERVISOR
from servicedesk_common.periods import PeriodArgs, bounds
from servicedesk_common.web import request_id, require, runtime

from .adapters import TriageUnitOfWork
from .models import Classification, Recategorisation

blp = Blueprint("classification_kpi", __name__, url_prefix="/api/v1/classifications",
                description="Categorisation KPI")


def _counts() -> dict:
    return {"classified": 0, "recategorised": 0, "right_first_time": 0, "service_changed": 0}


def categorisation_kpi(classifications: list, changes: list) -> dict:
    """classifications: (number, category, priority); changes: (number, from_category,
    to_category) of their recategorisations. Split by the category a ticket has now (the
    right one) and by its priority."""
    moved_category = {n for n, old, new in changes if old != new}
    moved_service = {n for n, old, new in changes if old == new}
    total = _counts()
    by = {"category": defaultdict(_counts), "priority": defaultdict(_counts)}
    for number, category, priority in classifications:
        recategorised = number in moved_category
        for bucket in (total, by["category"][category or "none"],
                       by["priority"][str(priority) if priority else "none"]):
            bucket["classified"] += 1
            bucket["recategorised"] += recategorised
            bucket["right_first_time"] += not recategorised
            bucket["service_changed"] += number in moved_service and not recategorised
    return {**total, **{f"by_{name}": dict(sorted(split.items())) for name, split in by.items()}}


@blp.route("/kpi")
class CategorisationKpi(MethodView):
    @require(SUPERVISOR, ADMIN)
    @blp.arguments(PeriodArgs, location="query")
    def get(self, args):
        """Tickets classified in the period: right first time and recategorised."""
        start, end = bounds(args["start"], args["end"])
        in_period = (Classification.created_at >= start, Classification.created_at < end)
        with TriageUnitOfWork(runtime().sessions, producer="triage",
                              correlation_id=request_id()) as uow:
            rows = uow.session.execute(select(
                Classification.number, Classification.category, Classification.priority)
                .where(*in_period)).all()
            changes = uow.session.execute(select(
                Recategorisation.number, Recategorisation.from_category,
                Recategorisation.to_category).where(Recategorisation.number.in_(
                    select(Classification.number).where(*in_period)))).all()
        return {"from": start.isoformat(), "to": end.isoformat(),
                **categorisation_kpi(rows, changes)}
