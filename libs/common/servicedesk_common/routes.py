"""Every public API route, declared once: method, path, the service that answers it and who may
call it. The gateway routes, checks and documents from this table and refuses what it does not
list; tests/test_route_catalogue.py fails when a service's blueprint and this table disagree.

A new route is one `Route(...)` line here next to its blueprint. The path is under /api/v1, in
the blueprint's own rule syntax (`<int:article_id>`, `<string:number>`), so the gateway matches
exactly what the service would. The service still checks what only it knows (who owns a
ticket, who it is assigned to): a route open to any user here may still answer 403 or 404."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound as NoRule
from werkzeug.routing import Map, RequestRedirect
from werkzeug.routing import Rule as UrlRule

from .identity import (
    ADMIN,
    CLIENT,
    KNOWLEDGE_MANAGER,
    OPERATOR,
    STAFF,
    SUPERVISOR,
    TECHNICIAN,
    Identity,
)

PREFIX = "/api/v1"
GATEWAY, INTAKE, TRIAGE, ESCALATION = "gateway", "intake", "triage", "escalation"
SLA, SURVEY, KNOWLEDGE = "sla", "survey", "knowledge"


@dataclass(frozen=True)
class Access:
    login: bool = False          # anonymous callers get 401
    roles: tuple[str, ...] = ()  # when given, users of other roles get 403
    token_ok: bool = False       # an anonymous caller holding a tracking token (?token=) may pass

    def refusal(self, identity: Identity | None, *, has_token: bool) -> int | None:
        """401 or 403 when this caller may not pass, None when the call may go on."""
        if identity is None:
            return None if not self.login or (self.token_ok and has_token) else 401
        if self.roles and identity.role not in self.roles:
            return 403
        return None

    @property
    def who(self) -> str:
        if not self.login:
            return "anyone" + (f" (signed-in users: {', '.join(self.roles)})" if self.roles
                               else "")
        who = ", ".join(self.roles) if self.roles else "any signed-in user"
        return who + (", or a guest with the ticket's tracking token" if self.token_ok else "")


ANYONE = Access()
ANY_USER = Access(login=True)


def only(*roles: str, token_ok: bool = False) -> Access:
    return Access(login=True, roles=tuple(roles), token_ok=token_ok)


@dataclass(frozen=True)
class Route:
    method: str
    path: str      # under PREFIX, in the blueprint's rule syntax
    service: str
    access: Access

    @property
    def rule(self) -> str:
        return PREFIX + self.path

    @property
    def openapi_path(self) -> str:
        """`/api/v1/kb/articles/{article_id}`, as apispec writes the blueprint's rule."""
        parts = []
        for part in self.rule.split("/"):
            if part.startswith("<") and part.endswith(">"):
                part = "{" + part[1:-1].split(":")[-1] + "}"
            parts.append(part)
        return "/".join(parts)


DESK = (OPERATOR, SUPERVISOR)
KPI = (SUPERVISOR, ADMIN)

ROUTES: tuple[Route, ...] = (
    # Accounts and login (the gateway's own)
    Route("POST", "/auth/login", GATEWAY, ANYONE),
    Route("GET", "/auth/me", GATEWAY, ANY_USER),
    Route("POST", "/auth/logout", GATEWAY, ANY_USER),
    Route("POST", "/auth/password", GATEWAY, ANY_USER),
    Route("GET", "/users", GATEWAY, only(ADMIN)),
    Route("POST", "/users", GATEWAY, only(ADMIN)),
    Route("GET", "/users/<string:username>", GATEWAY, only(ADMIN)),
    Route("PATCH", "/users/<string:username>", GATEWAY, only(ADMIN)),
    Route("GET", "/reports/kpi", GATEWAY, only(*KPI)),
    Route("GET", "/openapi.json", GATEWAY, ANYONE),
    # Tickets: a guest or a client reports; the desk records on someone's behalf. Owner checks
    # are the service's: someone else's ticket is a 404.
    Route("POST", "/tickets", INTAKE, Access(roles=(CLIENT, OPERATOR, SUPERVISOR))),
    Route("GET", "/tickets", INTAKE, ANY_USER),
    Route("GET", "/tickets/kpi", INTAKE, only(*KPI)),
    Route("GET", "/tickets/<string:number>", INTAKE, ANY_USER),
    Route("PATCH", "/tickets/<string:number>", INTAKE, only(*DESK)),
    Route("POST", "/tickets/<string:number>/replies", INTAKE, ANY_USER),
    Route("POST", "/tickets/<string:number>/attachments", INTAKE, Access(login=True,
                                                                         token_ok=True)),
    Route("GET", "/tickets/<string:number>/attachments/<int:attachment_id>", INTAKE,
          Access(login=True, token_ok=True)),
    Route("POST", "/tickets/<string:number>/close", INTAKE, only(*DESK)),
    Route("POST", "/tickets/<string:number>/reopen", INTAKE, only(*DESK, CLIENT)),
    Route("POST", "/tickets/<string:number>/hold", INTAKE, only(*DESK, TECHNICIAN)),
    Route("DELETE", "/tickets/<string:number>/hold", INTAKE, only(*DESK, TECHNICIAN)),
    Route("GET", "/tickets/<string:number>/history", INTAKE, only(*STAFF)),
    Route("POST", "/tickets/<string:number>/read", INTAKE, only(*STAFF)),
    # Canned replies: the staff read them, the supervisor keeps them
    Route("GET", "/canned-replies", INTAKE, only(*STAFF)),
    Route("POST", "/canned-replies", INTAKE, only(SUPERVISOR)),
    Route("PUT", "/canned-replies/<int:reply_id>", INTAKE, only(SUPERVISOR)),
    Route("DELETE", "/canned-replies/<int:reply_id>", INTAKE, only(SUPERVISOR)),
    # Inbound mail that could not be read
    Route("GET", "/mail/quarantine", INTAKE, only(*STAFF)),
    Route("POST", "/mail/quarantine/<int:mail_id>/ticket", INTAKE, only(OPERATOR, SUPERVISOR)),
    # Public tracking (the tracking token is checked by intake)
    Route("GET", "/track/<string:number>", INTAKE, ANYONE),
    Route("POST", "/track/<string:number>/replies", INTAKE, ANYONE),
    # Catalog and priority
    Route("GET", "/catalog", TRIAGE, ANYONE),
    Route("GET", "/catalog/services", TRIAGE, only(*STAFF)),
    Route("POST", "/catalog/services", TRIAGE, only(ADMIN)),
    Route("PATCH", "/catalog/services/<string:code>", TRIAGE, only(ADMIN)),
    Route("DELETE", "/catalog/services/<string:code>", TRIAGE, only(ADMIN)),
    Route("PUT", "/catalog/types/<string:code>", TRIAGE, only(ADMIN)),
    Route("GET", "/classifications/kpi", TRIAGE, only(*KPI)),
    Route("GET", "/priority-matrix", TRIAGE, ANYONE),
    Route("PUT", "/priority-matrix", TRIAGE, only(ADMIN)),
    # Escalation: groups, queues, level-2 moves (the assigned technician is escalation's check)
    Route("GET", "/groups", ESCALATION, only(*STAFF)),
    Route("POST", "/groups", ESCALATION, only(ADMIN)),
    Route("GET", "/groups/<string:code>", ESCALATION, only(*STAFF)),
    Route("PATCH", "/groups/<string:code>", ESCALATION, only(ADMIN)),
    Route("PUT", "/groups/<string:code>/categories", ESCALATION, only(ADMIN)),
    Route("POST", "/groups/<string:code>/members", ESCALATION, only(ADMIN)),
    Route("DELETE", "/groups/<string:code>/members/<string:username>", ESCALATION,
          only(ADMIN)),
    Route("GET", "/escalations", ESCALATION, only(TECHNICIAN, OPERATOR)),
    Route("GET", "/escalations/kpi", ESCALATION, only(*KPI)),
    Route("GET", "/escalations/<int:escalation_id>", ESCALATION, only(*STAFF)),
    Route("GET", "/notifications", ESCALATION, ANY_USER),
    Route("POST", "/notifications/read-all", ESCALATION, ANY_USER),
    Route("GET", "/notifications/preferences", ESCALATION, only(*STAFF)),
    Route("PUT", "/notifications/preferences", ESCALATION, only(*STAFF)),
    Route("POST", "/notifications/<int:notification_id>/read", ESCALATION, ANY_USER),
    Route("POST", "/tickets/<string:number>/assign", ESCALATION, only(*DESK)),
    Route("POST", "/tickets/<string:number>/resolve", ESCALATION, only(TECHNICIAN, OPERATOR)),
    Route("POST", "/tickets/<string:number>/reassign", ESCALATION, only(*DESK, TECHNICIAN)),
    Route("POST", "/tickets/<string:number>/return", ESCALATION, only(*DESK, TECHNICIAN)),
    Route("POST", "/tickets/<string:number>/take", ESCALATION, only(*DESK, TECHNICIAN)),
    Route("GET", "/tickets/<string:number>/escalations", ESCALATION, only(*STAFF)),
    # SLA
    Route("GET", "/sla/policies", SLA, only(*STAFF)),
    Route("PUT", "/sla/policies/<int:priority>", SLA, only(ADMIN)),
    Route("PUT", "/sla/policies/<int:priority>/services/<string:service>", SLA, only(ADMIN)),
    Route("DELETE", "/sla/policies/<int:priority>/services/<string:service>", SLA,
          only(ADMIN)),
    Route("GET", "/sla/calendars", SLA, only(*STAFF)),
    Route("GET", "/sla/calendars/<string:name>", SLA, only(*STAFF)),
    Route("POST", "/sla/calendars/<string:name>/closed-dates", SLA, only(ADMIN)),
    Route("DELETE", "/sla/calendars/<string:name>/closed-dates/<string:day>", SLA,
          only(ADMIN)),
    Route("GET", "/sla/tickets", SLA, only(*STAFF)),
    Route("GET", "/sla/kpi", SLA, only(*STAFF)),
    Route("GET", "/tickets/<string:number>/sla", SLA, only(*STAFF)),
    Route("GET", "/tickets/<string:number>/sla/explain", SLA, only(*STAFF)),
    # Survey: a survey link is its own key
    Route("GET", "/surveys", SURVEY, only(SUPERVISOR)),
    Route("GET", "/surveys/kpi", SURVEY, only(*KPI)),
    Route("GET", "/surveys/summary", SURVEY, only(SUPERVISOR)),
    Route("GET", "/surveys/question-sets", SURVEY, only(*STAFF)),
    Route("PUT", "/surveys/question-sets/<string:code>", SURVEY, only(ADMIN)),
    Route("GET", "/surveys/user-groups", SURVEY, only(*STAFF)),
    Route("PUT", "/surveys/user-groups", SURVEY, only(ADMIN)),
    Route("GET", "/surveys/<string:token>", SURVEY, ANYONE),
    Route("POST", "/surveys/<string:token>", SURVEY, ANYONE),
    Route("PATCH", "/surveys/<int:survey_id>/evaluation", SURVEY, only(SUPERVISOR)),
    # Knowledge base: anyone reads published articles, staff see the rest
    Route("GET", "/kb/articles", KNOWLEDGE, ANYONE),
    Route("POST", "/kb/articles", KNOWLEDGE, only(*STAFF)),
    Route("POST", "/kb/articles/from-ticket", KNOWLEDGE, only(*STAFF)),
    Route("GET", "/kb/articles/<int:article_id>", KNOWLEDGE, ANYONE),
    Route("PATCH", "/kb/articles/<int:article_id>", KNOWLEDGE, only(KNOWLEDGE_MANAGER)),
    Route("GET", "/kb/articles/<int:article_id>/versions", KNOWLEDGE, only(*STAFF)),
    Route("POST", "/kb/articles/<int:article_id>/feedback", KNOWLEDGE, ANYONE),
    Route("POST", "/kb/articles/<int:article_id>/used", KNOWLEDGE, only(*DESK)),
    Route("POST", "/kb/used", KNOWLEDGE, only(*DESK)),
    Route("GET", "/kb/suggest", KNOWLEDGE, only(*STAFF)),
    Route("GET", "/kb/synonyms", KNOWLEDGE, only(*STAFF)),
    Route("PUT", "/kb/synonyms", KNOWLEDGE, only(KNOWLEDGE_MANAGER)),
    Route("GET", "/kb/kpi", KNOWLEDGE, only(*KPI)),
    Route("GET", "/tickets/<string:number>/suggestions", KNOWLEDGE, only(*STAFF)),
    Route("POST", "/tickets/<string:number>/suggestions/used", KNOWLEDGE, only(*DESK)),
)


class NotDeclared(Exception):
    """No route has this path (404)."""


class WrongMethod(Exception):
    """The path is declared, not for this method (405)."""

    def __init__(self, allowed: list[str]):
        super().__init__(", ".join(allowed))
        self.allowed = allowed


class Catalogue:
    """The declarations as werkzeug matches them: the same converters and the same precedence
    (a fixed segment before a variable one) as the services' own apps."""

    def __init__(self, routes: tuple[Route, ...] = ROUTES):
        self.routes = routes

    @cached_property
    def _adapter(self):
        rules = [UrlRule(route.rule, methods=[route.method], endpoint=index)
                 for index, route in enumerate(self.routes)]
        return Map(rules, merge_slashes=False).bind("servicedesk")

    def match(self, method: str, path: str) -> Route:
        """The declared route for this call (HEAD is judged as GET); NotDeclared or WrongMethod."""
        try:
            index, _ = self._adapter.match(path, method="GET" if method == "HEAD" else method)
        except MethodNotAllowed as exc:
            raise WrongMethod(sorted(exc.valid_methods or [])) from None
        except (NoRule, RequestRedirect):
            raise NotDeclared(path) from None
        return self.routes[index]

    def find(self, method: str, path: str) -> Route | None:
        try:
            return self.match(method, path)
        except (NotDeclared, WrongMethod):
            return None

    def of(self, service: str) -> list[Route]:
        return [route for route in self.routes if route.service == service]


CATALOGUE = Catalogue()
