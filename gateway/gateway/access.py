"""Who may call which public route: the "who" column of API.md, enforced at the door.

The services check again (they trust only the identity the gateway signed, and they alone know
who owns a ticket or who it is assigned to: those give 404/403 from the service). This table
makes every route answer 401 without a login and 403 for a role the contract leaves out, the
same way everywhere. A route that is not listed here is passed on unchecked: add a row when a
route joins the contract."""
from __future__ import annotations

import re
from dataclasses import dataclass

from servicedesk_common.identity import (
    ADMIN,
    CLIENT,
    KNOWLEDGE_MANAGER,
    OPERATOR,
    STAFF,
    SUPERVISOR,
    TECHNICIAN,
    Identity,
)


@dataclass(frozen=True)
class Rule:
    login: bool = False          # anonymous callers get 401
    roles: tuple[str, ...] = ()  # when given, users of other roles get 403
    token_ok: bool = False       # an anonymous caller holding a tracking token (?token=) may pass


ANYONE = Rule()
ANY_USER = Rule(login=True)


def only(*roles: str, token_ok: bool = False) -> Rule:
    return Rule(login=True, roles=tuple(roles), token_ok=token_ok)


_N = r"[^/]+"  # one path segment: a ticket number, an id, a survey token
POLICY: list[tuple[str, str, Rule]] = [
    # Auth and accounts (the gateway's own)
    ("POST", r"/auth/login", ANYONE),
    ("GET", r"/auth/me", ANY_USER),
    ("POST", r"/auth/logout", ANY_USER),
    ("POST", r"/auth/password", ANY_USER),
    ("GET", r"/users", only(ADMIN)),
    ("POST", r"/users", only(ADMIN)),
    ("GET", rf"/users/{_N}", only(ADMIN)),
    ("PATCH", rf"/users/{_N}", only(ADMIN)),
    # Tickets (owner checks are the service's: someone else's ticket is a 404)
    # a guest or a client reports; the desk records on someone's behalf
    ("POST", r"/tickets", Rule(roles=(CLIENT, OPERATOR, SUPERVISOR))),
    ("GET", r"/tickets", ANY_USER),
    ("GET", rf"/tickets/{_N}", ANY_USER),
    ("PATCH", rf"/tickets/{_N}", only(OPERATOR, SUPERVISOR)),
    ("POST", rf"/tickets/{_N}/replies", ANY_USER),
    ("POST", rf"/tickets/{_N}/attachments", Rule(login=True, token_ok=True)),
    ("GET", rf"/tickets/{_N}/attachments/{_N}", Rule(login=True, token_ok=True)),
    ("POST", rf"/tickets/{_N}/assign", only(OPERATOR, SUPERVISOR)),
    ("POST", rf"/tickets/{_N}/resolve", only(TECHNICIAN, OPERATOR)),
    ("POST", rf"/tickets/{_N}/close", only(OPERATOR, SUPERVISOR)),
    ("POST", rf"/tickets/{_N}/reopen", only(OPERATOR, SUPERVISOR, CLIENT)),
    ("POST", rf"/tickets/{_N}/hold", only(OPERATOR, SUPERVISOR, TECHNICIAN)),
    ("DELETE", rf"/tickets/{_N}/hold", only(OPERATOR, SUPERVISOR, TECHNICIAN)),
    ("GET", rf"/tickets/{_N}/sla/explain", only(*STAFF)),
    ("GET", rf"/tickets/{_N}/history", only(*STAFF)),
    # Public tracking
    ("GET", rf"/track/{_N}", ANYONE),
    ("POST", rf"/track/{_N}/replies", ANYONE),
    # Catalog and priority
    ("GET", r"/catalog", ANYONE),
    ("GET", r"/priority-matrix", ANYONE),
    ("PUT", r"/priority-matrix", only(ADMIN)),
    # SLA
    ("GET", r"/sla/policies", only(*STAFF)),
    ("GET", r"/sla/tickets", only(*STAFF)),
    # Escalation
    ("GET", r"/groups", only(*STAFF)),
    ("GET", r"/escalations", only(TECHNICIAN, OPERATOR)),
    ("GET", r"/notifications/preferences", only(*STAFF)),
    ("PUT", r"/notifications/preferences", only(*STAFF)),
    # Survey
    ("GET", r"/surveys", only(SUPERVISOR)),
    ("GET", r"/surveys/user-groups", only(*STAFF)),
    ("PUT", r"/surveys/user-groups", only(ADMIN)),
    ("GET", rf"/surveys/{_N}", ANYONE),
    ("POST", rf"/surveys/{_N}", ANYONE),
    ("PATCH", rf"/surveys/{_N}/evaluation", only(SUPERVISOR)),
    # Knowledge base
    ("GET", r"/kb/articles", ANYONE),
    ("POST", r"/kb/articles", only(*STAFF)),
    ("PATCH", rf"/kb/articles/{_N}", only(KNOWLEDGE_MANAGER)),
    ("GET", r"/kb/suggest", only(*STAFF)),
    # Reports
    ("GET", r"/reports/kpi", only(SUPERVISOR, ADMIN)),
]

_COMPILED = [(method, re.compile(rf"^/api/v1{path}/?$"), rule) for method, path, rule in POLICY]


def rule_for(method: str, path: str) -> Rule | None:
    method = "GET" if method == "HEAD" else method
    for rule_method, pattern, rule in _COMPILED:
        if rule_method == method and pattern.match(path):
            return rule
    return None


def refusal(rule: Rule | None, identity: Identity | None, *, has_token: bool) -> int | None:
    """401 or 403 when the contract refuses this caller, None when the call may go on."""
    if rule is None:
        return None
    if identity is None:
        return None if not rule.login or (rule.token_ok and has_token) else 401
    if rule.roles and identity.role not in rule.roles:
        return 403
    return None
