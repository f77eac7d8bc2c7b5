"""Scores for the supervisor: means per question, category, priority, technician and period.

Plain data in (answered surveys as dicts), plain data out; periods are counted on the office's
calendar (Asia/Jakarta)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .domain import QUESTION_COUNT, needs_follow_up

OFFICE_TZ = ZoneInfo("Asia/Jakarta")
PERIODS = ("month", "quarter", "week", "day")


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def period_key(moment: datetime, period: str) -> str:
    local = moment.astimezone(OFFICE_TZ)
    if period == "day":
        return local.date().isoformat()
    if period == "week":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "quarter":
        return f"{local.year}-Q{(local.month - 1) // 3 + 1}"
    return f"{local.year}-{local.month:02d}"


def _grouped(rows: list[dict], key: Callable[[dict], object], name: str) -> list[dict]:
    groups: dict = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row["score"])
    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, str(item[0])))
    return [{name: value, "count": len(scores), "mean": _mean(scores)}
            for value, scores in ordered]


def summarize(rows: Iterable[dict], *, questions: list[str], period: str = "month") -> dict:
    """rows: {answers, score, category, priority, assignee, answered_at}."""
    rows = list(rows)
    per_question = []
    for index in range(QUESTION_COUNT):
        values = [row["answers"][index] for row in rows if len(row["answers"]) > index]
        per_question.append({"number": index + 1, "question": questions[index]
                             if index < len(questions) else None,
                             "count": len(values), "mean": _mean(values)})
    scores = [row["score"] for row in rows]
    return {
        "count": len(rows),
        "mean": _mean(scores),
        "follow_ups": sum(1 for s in scores if needs_follow_up(s)),
        "per_question": per_question,
        "per_category": _grouped(rows, lambda r: r.get("category"), "category"),
        "per_priority": _grouped(rows, lambda r: r.get("priority"), "priority"),
        "per_technician": _grouped(rows, lambda r: r.get("assignee"), "technician"),
        "per_period": _grouped(rows, lambda r: period_key(r["answered_at"], period), "period"),
        "period": period,
    }


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OFFICE_TZ)


def bounds(start: date | datetime | None, end: date | datetime | None
           ) -> tuple[datetime | None, datetime | None]:
    """Query bounds: a date means that whole office day (`to` inclusive); a datetime is exact.
    Returns [from, to) as aware datetimes."""
    low = day_start(start) if _is_date(start) else _aware(start)
    high = day_start(end + timedelta(days=1)) if _is_date(end) else _aware(end)
    return low, high


def _is_date(value) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=OFFICE_TZ)
    return value
