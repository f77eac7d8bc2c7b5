"""The SLA badge says time left in business time (the SLA service's explanation) or, where
only the due moment is known (the queue), that moment: never a wall-clock countdown."""
from datetime import UTC, datetime, timedelta

from gateway.pages.staff.labels import sla_badge

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # 17:00 WIB: the office closes
DUE = NOW + timedelta(hours=19)  # 12:00 WIB the next day: 3 h 54 min of working time left
TICKET = {"status": "in_progress", "sla": {
    "state": "ok", "responded_at": "2026-12-03T02:00:00+00:00",
    "response_due_at": "2026-12-03T03:00:00+00:00", "resolution_due_at": DUE.isoformat()}}


def test_without_the_explanation_the_badge_gives_the_due_moment_not_wall_clock_hours():
    badge = sla_badge(TICKET, now=NOW)
    assert badge["left"] == "Penyelesaian: tenggat 4 Des 12:00"
    assert "19 jam" not in badge["left"]


def test_with_the_explanation_the_badge_gives_the_working_time_left():
    explain = {"resolution": {"remaining_minutes": 234.0, "due_at": DUE.isoformat()}}
    badge = sla_badge(TICKET, now=NOW, explain=explain)
    assert badge["left"] == \
        "Penyelesaian: sisa 3 jam 54 menit kerja (tenggat 4 Des 12:00)"


def test_past_its_due_moment_the_badge_says_so():
    badge = sla_badge(TICKET, now=DUE + timedelta(minutes=5))
    assert badge["left"].startswith("Penyelesaian: lewat tenggat")
    assert badge["state"] == "ok"  # the state is the SLA service's, as it last said
