"""Intake's KPIs (DOMAIN.md "Indikator Pengukuran Kinerja"), of the tickets it owns: recording
(how many came through the application, channel `web`), initial diagnosis (recording to the
first move to in_progress, from the history), resolution per priority (recorded in the period,
done now) and closure (closed in the period, still done), plus tickets per office day.

Period: `from`/`to` are dates (whole days in Asia/Jakarta, `to` included) or moments with an
offset (`to` excluded). The gateway's /api/v1/reports/kpi puts this together with the rest."""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from servicedesk_common.identity import ADMIN, SUPERVISOR
from servicedesk_common.periods import OFFICE, PeriodArgs, bounds
from servicedesk_common.web import require

from ..models import HistoryEntry, Ticket
from .access import unit_of_work

DONE, IN_PROGRESS, WEB = "done", "in_progress", "web"
FIELDS = (Ticket.id, Ticket.type, Ticket.category, Ticket.channel, Ticket.priority,
          Ticket.status, Ticket.created_at)

blp = Blueprint("ticket_kpi", __name__, url_prefix="/api/v1/tickets",
                description="Ticket KPIs")


def _key(value) -> str:
    return "none" if value is None else str(value)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives naive


def _mean(seconds: list[float]) -> dict:
    return {"diagnosed": len(seconds), "total_seconds": round(sum(seconds), 3),
            "mean_seconds": round(sum(seconds) / len(seconds), 3) if seconds else None}


def ticket_kpi(created: list, first_in_progress: dict, closed: list) -> dict:
    """created: tickets recorded in the period; first_in_progress: ticket id -> moment of its
    first move to in_progress; closed: tickets closed in the period and done now."""
    recording = {"total": 0, "web": 0, "by_type": defaultdict(lambda: {"total": 0, "web": 0}),
                 "by_category": defaultdict(lambda: {"total": 0, "web": 0}),
                 "by_channel": defaultdict(int)}
    waits: list[float] = []
    waits_by = {"priority": defaultdict(list), "category": defaultdict(list)}
    resolution = defaultdict(lambda: {"total": 0, "done": 0})
    per_day: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for t in created:
        web = int(t.channel == WEB)
        for bucket in (recording, recording["by_type"][t.type],
                       recording["by_category"][_key(t.category)]):
            bucket["total"] += 1
            bucket["web"] += web
        recording["by_channel"][t.channel] += 1
        if t.id in first_in_progress:
            wait = (_aware(first_in_progress[t.id]) - _aware(t.created_at)).total_seconds()
            waits.append(wait)
            waits_by["priority"][_key(t.priority)].append(wait)
            waits_by["category"][_key(t.category)].append(wait)
        for name in (_key(t.priority), "all"):
            resolution[name]["total"] += 1
            resolution[name]["done"] += t.status == DONE
        per_day[_aware(t.created_at).astimezone(OFFICE).date().isoformat()][
            _key(t.priority)] += 1
    closure = {"done": len(closed), "by_priority": defaultdict(int),
               "by_category": defaultdict(int)}
    for t in closed:
        closure["by_priority"][_key(t.priority)] += 1
        closure["by_category"][_key(t.category)] += 1
    overall = resolution.pop("all", {"total": 0, "done": 0})
    return {
        "recording": {**recording, "by_type": dict(recording["by_type"]),
                      "by_category": dict(recording["by_category"]),
                      "by_channel": dict(recording["by_channel"])},
        "initial_diagnosis": {
            **_mean(waits),
            **{f"by_{name}": {k: _mean(v) for k, v in sorted(split.items())}
               for name, split in waits_by.items()}},
        "resolution": {**overall, "by_priority": dict(sorted(resolution.items()))},
        "closure": {**closure, "by_priority": dict(sorted(closure["by_priority"].items())),
                    "by_category": dict(sorted(closure["by_category"].items()))},
        "per_day": [{"date": day, "by_priority": dict(sorted(counts.items())),
                     "total": sum(counts.values())} for day, counts in sorted(per_day.items())],
    }


@blp.route("/kpi")
class TicketKpi(MethodView):
    @require(SUPERVISOR, ADMIN)
    @blp.arguments(PeriodArgs(), location="query")
    def get(self, args):
        """Recording, initial diagnosis, resolution and closure of the period's tickets."""
        start, end = bounds(args["start"], args["end"])
        with unit_of_work() as uow:
            created = uow.session.execute(select(*FIELDS).where(
                Ticket.created_at >= start, Ticket.created_at < end)).all()
            moves = dict(uow.session.execute(
                select(HistoryEntry.ticket_id, func.min(HistoryEntry.at))
                .where(HistoryEntry.what == "status", HistoryEntry.to_value == IN_PROGRESS,
                       HistoryEntry.ticket_id.in_(select(Ticket.id).where(
                           Ticket.created_at >= start, Ticket.created_at < end)))
                .group_by(HistoryEntry.ticket_id)).all())
            closed = uow.session.execute(select(*FIELDS).where(
                Ticket.status == DONE, Ticket.closed_at >= start, Ticket.closed_at < end)).all()
            body = ticket_kpi(created, moves, closed)
        return {"from": start.isoformat(), "to": end.isoformat(), **body}
