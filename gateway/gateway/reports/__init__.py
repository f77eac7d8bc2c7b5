"""GET /api/v1/reports/kpi (supervisor, admin): every KPI of DOMAIN.md for a period, put
together from the services' own KPI endpoints (asked in parallel, as the caller); JSON, or CSV
with `Accept: text/csv` or `?format=csv`. The dashboard (/dasbor) uses `build` directly."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate

from servicedesk_common.identity import ADMIN, SUPERVISOR, Identity
from servicedesk_common.schemas import Text
from servicedesk_common.web import current_identity, request_id, require, runtime

from . import export, indicators, period
from .sources import fetch_all

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="KPI report")


class KpiArgs(Schema):
    start = Text(data_key="from", metadata={
        "description": "a date (a whole office day, WIB) or a moment with an offset; "
                       "default: the first day of this month"})
    end = Text(data_key="to", metadata={
        "description": "a date (included) or a moment (excluded); default: today"})
    format = Text(validate=validate.OneOf(("json", "csv")))


def build(span: period.Period, identity: Identity | None) -> dict:
    answers = fetch_all(runtime().services, span, identity=identity, request_id=request_id())
    return indicators.report(span, answers, generated_at=datetime.now(UTC).isoformat())


def wants_csv(args: dict) -> bool:
    if args.get("format"):
        return args["format"] == "csv"
    return request.accept_mimetypes.best_match(("application/json", "text/csv")) == "text/csv"


def csv_response(report: dict) -> Response:
    return Response(export.to_csv(report), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{export.filename(report)}"'})


@blp.route("/kpi")
class KpiReport(MethodView):
    @require(SUPERVISOR, ADMIN)
    @blp.arguments(KpiArgs, location="query")
    @blp.response(200, description="The report: period, sources (which answered), "
                  "indicators (value, numerator, denominator, splits), tickets per day; or "
                  "the same as CSV, one row per indicator and split.")
    def get(self, args):
        """Every KPI of the SOP for the period, with the counts behind each value."""
        span = period.parse(args.get("start"), args.get("end"), now=datetime.now(UTC))
        report = build(span, current_identity())
        return csv_response(report) if wants_csv(args) else report
