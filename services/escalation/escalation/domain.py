"""Escalation rules (SOP-Dinkominfo-001 steps 9-14): level-2 groups, who gets a ticket, who may
act on an escalation, and what each party is told. Plain data in, plain data out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from servicedesk_common.identity import OPERATOR, SUPERVISOR, TECHNICIAN

# DOMAIN.md Tabel 2: the level-2 groups, the categories each takes by default, and the demo
# technicians (gateway DEMO_ACCOUNTS) as members. Seeded once; an admin edits them afterwards.
DEFAULT_GROUPS = [
    {"code": "egov", "name": "E-Government",
     "description": "Implementasi e-government: proses bisnis dan interoperabilitas.",
     "categories": ["Aplikasi"], "members": ["tech-egov-1", "tech-egov-2"]},
    {"code": "webapi", "name": "Website / API",
     "description": "Administrator website dan API hub daerah.",
     "categories": ["Data"], "members": ["tech-webapi-1"]},
    {"code": "network", "name": "Jaringan Komputer",
     "description": "Staf jaringan komputer intra pemerintah.",
     "categories": ["Jaringan", "Hardware"], "members": ["tech-network-1", "tech-network-2"]},
]


class State(str, Enum):
    OPEN = "open"
    RESOLVED = "resolved"
    REASSIGNED = "reassigned"  # moved to another group or member: a new escalation follows
    RETURNED = "returned"      # back to level 1 with a reason
    CLOSED = "closed"          # the ticket was closed while the escalation was still open


STATES = [state.value for state in State]
ASSIGNERS = (OPERATOR, SUPERVISOR)


@dataclass(frozen=True)
class Candidate:
    """A group member as the least-loaded rule sees them."""
    username: str
    open_escalations: int
    last_assigned_at: datetime | None = None
    position: int = 0


def least_loaded(candidates: list[Candidate]) -> str | None:
    """Fewest open escalations; ties go round-robin: whoever was given a ticket longest ago
    (never beats any time), then the member listed first."""
    if not candidates:
        return None
    return min(candidates, key=lambda c: (
        c.open_escalations, c.last_assigned_at is not None,
        c.last_assigned_at or datetime.min, c.position, c.username)).username


def acting_on_escalation(*, role: str, username: str, assignee: str | None,
                         allowed_roles: tuple[str, ...]) -> str | None:
    """Why this caller may not resolve/reassign/return an escalation; None when they may.
    The assigned technician always may; of the other roles, only `allowed_roles`."""
    if role == TECHNICIAN:
        if assignee is None:
            return "Only an operator may do this for a ticket that is not escalated."
        if assignee != username:
            return f"This ticket is assigned to {assignee}, not to you."
        return None
    if role in allowed_roles:
        return None
    return f"Your role ({role}) may not do this."


def may_resolve(*, role: str, username: str, assignee: str | None) -> str | None:
    return acting_on_escalation(role=role, username=username, assignee=assignee,
                                allowed_roles=(OPERATOR,))


def may_move(*, role: str, username: str, assignee: str | None) -> str | None:
    """Reassign or return to level 1: the operator or supervisor, or the assignee himself."""
    return acting_on_escalation(role=role, username=username, assignee=assignee,
                                allowed_roles=ASSIGNERS)


def queue_scope(*, role: str, username: str, assignee: str | None, group: str | None,
                member_of: set[str]) -> tuple[str | None, str | None, str | None]:
    """(assignee, group, refusal) the queue may show this caller. A technician sees his own
    queue and his groups' queues; staff who assign see every queue."""
    wanted = username if assignee == "me" else assignee
    if role != TECHNICIAN:
        return wanted, group, None
    if wanted is None and group is None:
        return username, None, None
    if wanted is not None and wanted != username:
        return None, None, "A technician sees only his own queue and his groups' queues."
    if group is not None and group not in member_of:
        return None, None, f"You are not a member of group {group!r}."
    return wanted, group, None


def route_errors(*, group_code: str | None, category: str | None, groups: dict,
                 routes: dict) -> tuple[str | None, dict]:
    """The group an escalation goes to: the one asked for, else the category's.
    `groups` maps code -> active flag, `routes` category -> code. Returns (code, errors)."""
    if group_code is None:
        group_code = routes.get(category)
        if group_code is None:
            return None, {"group": [f"No group takes category {category!r} by default; "
                                    "choose a group."]}
    if group_code not in groups:
        known = ", ".join(sorted(groups)) or "none"
        return None, {"group": [f"Unknown group {group_code!r}; choose one of {known}."]}
    if not groups[group_code]:
        return None, {"group": [f"Group {group_code!r} is inactive; choose another group."]}
    return group_code, {}


def take_group(*, current_group: str | None, category_group: str | None,
               my_groups: set[str]) -> tuple[str | None, str | None]:
    """"Ambil": the group a staff member takes a ticket into, himself as its assignee. The
    ticket's current group or, not escalated yet, its category's, if he is a member there;
    else his only group. Returns (code, refusal)."""
    wanted = current_group or category_group
    if wanted in my_groups:
        return wanted, None
    if current_group is not None:
        return None, f"The ticket is with group {current_group!r}; you are not a member of it."
    if len(my_groups) == 1:
        return next(iter(my_groups)), None
    if not my_groups:
        return None, "You are not a member of any level-2 group; assign the ticket instead."
    return None, ("You are a member of several groups and none takes this category; "
                  "assign the ticket to one of them instead.")


def assignee_errors(assignee: str, group_code: str, members: list[str]) -> dict:
    if assignee in members:
        return {}
    listed = ", ".join(members) or "nobody yet"
    return {"assignee": [f"{assignee} is not a member of group {group_code!r} "
                         f"(members: {listed})."]}


# What people are told (Bahasa Indonesia: the words reach the staff screens as they are).
MESSAGES = {
    "assigned": "Tiket {number} ditugaskan kepada Anda (grup {group}): {title}",
    "resolved": "Tiket {number} telah diselesaikan oleh {by}: {solution}",
    "returned": "Tiket {number} dikembalikan ke level 1 oleh {by}: {reason}",
    "reassigned_away": "Tiket {number} dialihkan dari Anda ke grup {group} oleh {by}: {reason}",
    "ticket_closed": "Tiket {number} telah ditutup saat eskalasi masih terbuka.",
    "sla_at_risk": "SLA tiket {number} (grup {group}, target {target}) hampir terlampaui; "
                   "batas waktu {due_at}.",
    "sla_breached": "SLA tiket {number} (grup {group}, target {target}) telah terlampaui; "
                    "batas waktu {due_at}.",
    "to_verify": "Tiket baru {number} menunggu verifikasi: {title}",
    "client_replied": "Klien membalas tiket {number}: {excerpt}",
    "p1_unverified": "Tiket prioritas 1 {number} belum diverifikasi setelah {minutes} menit: "
                     "{title}",
}
# What a person can turn off by e-mail, with the label the console shows.
NOTIFY_KINDS = {
    "to_verify": "Tiket baru menunggu verifikasi",
    "client_replied": "Balasan klien",
    "assigned": "Tiket ditugaskan kepada saya",
    "sla_at_risk": "SLA hampir terlampaui (75%)",
    "sla_breached": "SLA terlampaui",
    "p1_unverified": "Prioritas 1 belum diverifikasi",
    "resolved": "Eskalasi diselesaikan level 2",
    "returned": "Eskalasi dikembalikan ke level 1",
    "reassigned_away": "Tiket dialihkan dari saya",
    "ticket_closed": "Tiket ditutup saat eskalasi terbuka",
}


def message(kind: str, **fields) -> str:
    text = MESSAGES[kind].format_map({k: ("-" if v is None else v) for k, v in fields.items()})
    return text if len(text) <= 500 else text[:497] + "..."


def sla_recipients(members: list[str], supervisors: list[str]) -> list[str]:
    """Every member of the group, then every supervisor, each once, in that order."""
    return each_once([*members, *supervisors])


def each_once(usernames: list[str]) -> list[str]:
    return list(dict.fromkeys(usernames))


def closed_before(status: str | None, status_at: str | None, moment: str) -> bool:
    """Whether a ticket was already done at `moment` (ISO text, as events carry it). A ticket
    done only later was open when that moment's alert happened: the alert is still told, as
    it would have been had the events arrived in their order."""
    return status == "done" and (status_at is None or status_at <= moment)


def handlers_of(assignee: str | None, operators: list[str]) -> list[str]:
    """Who handles a ticket (DOMAIN.md): its assigned technician, else the operators."""
    return [assignee] if assignee else list(operators)


def excerpt(text: str | None, limit: int = 120) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[:limit - 3] + "..."


def digest(items: list[dict], *, name: str | None, console_url: str) -> tuple[str, str]:
    """One mail for everything a person was told since their last one: (subject, body).
    `items`: {kind, number, message, created_at} oldest first."""
    if len(items) == 1:
        item = items[0]
        label = NOTIFY_KINDS.get(item["kind"], "Pemberitahuan")
        subject = f"[{item['number']}] {label}" if item.get("number") else label
    else:
        subject = f"[Service Desk] {len(items)} pemberitahuan baru"
    lines = [f"- {item['message']}" for item in items]
    body = (f"Yth. {name or 'Bapak/Ibu'},\n\n" + "\n".join(lines)
            + f"\n\nLihat di konsol: {console_url}\n\n"
            "Atur e-mail pemberitahuan per jenis di halaman Pemberitahuan.\n")
    return subject[:250], body
