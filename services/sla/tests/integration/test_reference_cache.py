"""Policies and calendars are kept in the worker's process between events; an admin's change
through the API is used from the next ticket on, and an unchanged copy is not read again."""
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event

from sla.calendar import office_calendar

WIB = ZoneInfo("Asia/Jakarta")
LOW = 48 * 3600  # priority 3: 6 x 8 working hours


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def next_working_day(start: datetime):
    office, day = office_calendar(), start.astimezone(WIB).date() + timedelta(days=1)
    while office.is_closed(day) or day.weekday() > 4:
        day += timedelta(days=1)
    return day


@contextmanager
def statements(sla_idle):
    engine = sla_idle.harness.app.extensions["servicedesk"].engine
    seen: list[str] = []

    def one(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", one)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", one)


def reads_reference(seen: list[str]) -> bool:
    return any(" FROM policies" in s or " FROM closed_dates" in s for s in seen)


def test_a_policy_an_admin_changes_is_used_by_the_worker_for_the_next_ticket(sla):
    start = now()
    sla.publish(sla.created("INC-2026-820001", start))
    sla.wait_outbox("INC-2026-820001", "sla.started")  # the worker holds priority 3 now
    assert (sla.row("INC-2026-820001").policy, sla.row("INC-2026-820001").calendar) == (
        "priority-3", "office")
    changed = sla.api("PUT", "/api/v1/sla/policies/3", role="admin",
                      json={"response_minutes": 30, "resolution_minutes": 120,
                            "calendar": "24x7"})
    assert changed.status_code == 200, changed.get_json()
    sla.publish(sla.created("INC-2026-820002", start))
    started = sla.wait_outbox("INC-2026-820002", "sla.started")[0]
    assert (started["policy"], started["calendar"]) == ("priority-3", "24x7")
    row = sla.row("INC-2026-820002")
    assert row.response_due_at == start + timedelta(minutes=30)
    assert row.resolution_due_at == start + timedelta(minutes=120)
    assert sla.row("INC-2026-820001").calendar == "office"  # open clocks keep their targets


def test_a_closed_date_added_or_removed_is_used_for_the_next_ticket(sla_idle):
    start = now()
    sla_idle.handle(sla_idle.created("INC-2026-820003", start))  # fills the copy
    usual = office_calendar().add_working_time(start, LOW)
    assert sla_idle.row("INC-2026-820003").resolution_due_at == usual
    day = next_working_day(start)
    added = sla_idle.api("POST", "/api/v1/sla/calendars/office/closed-dates", role="admin",
                         json={"date": day.isoformat(), "reason": "Cuti bersama"})
    assert added.status_code == 201, added.get_json()
    sla_idle.handle(sla_idle.created("INC-2026-820004", start))
    closed = office_calendar(extra_closed_dates=[day]).add_working_time(start, LOW)
    assert closed > usual
    assert sla_idle.row("INC-2026-820004").resolution_due_at == closed
    path = f"/api/v1/sla/calendars/office/closed-dates/{day.isoformat()}"
    assert sla_idle.api("DELETE", path, role="admin").status_code == 204
    sla_idle.handle(sla_idle.created("INC-2026-820005", start))
    assert sla_idle.row("INC-2026-820005").resolution_due_at == usual


def test_unchanged_policies_and_calendars_are_not_read_again_for_each_event(sla_idle):
    start = now()
    sla_idle.handle(sla_idle.created("INC-2026-820006", start))
    with statements(sla_idle) as seen:
        sla_idle.handle(sla_idle.created("INC-2026-820007", start, service="SIM down"),
                        sla_idle.event("ticket.prioritized", "INC-2026-820007", priority=1,
                                       at=(start + timedelta(minutes=1)).isoformat()))
    assert seen and not reads_reference(seen)
    assert not any(s.startswith("SELECT") and " FROM clocks" in s for s in seen)
    sla_idle.override("Server down", priority=1, response_minutes=5)
    with statements(sla_idle) as seen:
        sla_idle.handle(sla_idle.event("ticket.prioritized", "INC-2026-820007", priority=1,
                                       service="Server down",
                                       at=(start + timedelta(minutes=2)).isoformat()))
    assert reads_reference(seen)  # the admin's write changed the revision: read once
    row = sla_idle.row("INC-2026-820007")
    assert (row.policy, row.response_due_at) == ("priority-1/server-down",
                                                 start + timedelta(minutes=5))
