"""Escalation KPIs (DOMAIN.md "Indikator Pengukuran Kinerja": escalation and investigation).

An escalation is counted once from the moment a ticket is assigned to level 2 until it is
resolved, returned to level 1 or the ticket is closed; reassignments within it are links of one
chain. Each chain belongs to the period in which it started, and to the category and priority
the ticket had then. Shares are of all chains counted (open ones included), None when none."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from servicedesk_common.identity import TECHNICIAN

from .domain import State

OFFICE_ZONE = ZoneInfo("Asia/Jakarta")  # a bare date in a period is an office day in Madiun


@dataclass(frozen=True)
class Link:
    """One escalation record, as much of it as the KPIs need."""
    chain_id: int
    id: int
    number: str
    group: str
    state: str
    category: str | None
    priority: int | None
    resolved_by_role: str | None = None


def period_bounds(start: date | datetime | None, end: date | datetime | None
                  ) -> tuple[datetime | None, datetime | None]:
    """[from, to) as aware UTC datetimes. A bare `to` date counts the whole of that day; naive
    datetimes are taken as UTC."""
    def aware(moment: date | datetime | None, *, end_of_day: bool) -> datetime | None:
        if moment is None:
            return None
        if not isinstance(moment, datetime):
            day = moment + timedelta(days=1) if end_of_day else moment
            return datetime.combine(day, time.min, tzinfo=OFFICE_ZONE).astimezone(UTC)
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware(start, end_of_day=False), aware(end, end_of_day=True)


def _counts(chains: list[list[Link]]) -> dict:
    total = len(chains)
    tally: dict[str, int] = defaultdict(int)
    solved_tickets: set[str] = set()
    for chain in chains:
        first, last = chain[0], chain[-1]
        moved = any(link.group != first.group for link in chain)
        returned = any(link.state == State.RETURNED.value for link in chain)
        resolved = last.state == State.RESOLVED.value
        tally["open"] += last.state == State.OPEN.value
        tally["resolved"] += resolved
        tally["completed_first_group"] += resolved and not moved and not returned
        tally["reassigned"] += len(chain) > 1  # each reassignment adds a link
        tally["moved_group"] += moved
        tally["returned_to_level1"] += returned
        tally["closed_unresolved"] += last.state == State.CLOSED.value
        if resolved and last.resolved_by_role == TECHNICIAN:
            solved_tickets.add(last.number)  # a ticket, however often it came back, once
    tally["solved_at_level2"] = len(solved_tickets)

    def share(count: int) -> float | None:
        return round(count / total, 4) if total else None

    return {
        "total": total, "open": tally["open"], "resolved": tally["resolved"],
        **{name: {"count": tally[name], "share": share(tally[name])} for name in (
            "completed_first_group", "reassigned", "moved_group", "returned_to_level1",
            "closed_unresolved", "solved_at_level2")},
    }


def escalation_kpi(links: list[Link]) -> dict:
    """Totals, and the same per category and per priority ("none" when not yet set)."""
    chains: dict[int, list[Link]] = defaultdict(list)
    for link in sorted(links, key=lambda item: item.id):
        chains[link.chain_id].append(link)
    all_chains = list(chains.values())
    by_category: dict[str, list] = defaultdict(list)
    by_priority: dict[str, list] = defaultdict(list)
    for chain in all_chains:
        by_category[chain[0].category or "none"].append(chain)
        by_priority[str(chain[0].priority) if chain[0].priority else "none"].append(chain)
    return {
        **_counts(all_chains),
        "by_category": {name: _counts(group) for name, group in sorted(by_category.items())},
        "by_priority": {name: _counts(group) for name, group in sorted(by_priority.items())},
    }
