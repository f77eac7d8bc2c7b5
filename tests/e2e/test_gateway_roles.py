"""The contract's "who" column, walked as a table over the running stack: every route x every
role + anonymous -> the status class a caller gets (2xx, 401, 403, 404, or 422 where the route
is open to all and only the body is wrong).

To extend: add a `route(...)` row. A path may name subjects made once per run ({own}: a ticket
of client1 with an attachment, {guest}/{guest_token}: a guest's ticket, {user}, {article},
{survey_token}/{survey_id}) or made afresh for every call ({fresh}: a new ticket,
{fresh_in_progress}, {fresh_on_hold}, {fresh_done_own}: closed, owned by client1).
"""
from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field

import pytest

ANON = "anonymous"
USERS = {"client": "client1", "operator": "operator1", "technician": "tech-network-1",
         "knowledge_manager": "km1", "supervisor": "supervisor1", "admin": "admin"}
ROLES = (ANON, *USERS)
STAFF = ("operator", "technician", "knowledge_manager", "supervisor", "admin")
OK = "2xx"

TICKET = {"title": "Matriks peran", "body": "Uji hak akses.", "category": "Jaringan",
          "service": "Internet mati", "guest_email": "matriks@example.com"}
MATRIX = {"high": {"high": 1, "medium": 1, "low": 2}, "medium": {"high": 1, "medium": 2,
          "low": 3}, "low": {"high": 2, "medium": 3, "low": 3}}
ARTICLE = {"title": "Internet mati di kantor", "category": "Jaringan", "service": "Internet mati",
           "symptoms": "Tidak ada koneksi.", "solution": "Mulai ulang router.",
           "keywords": ["internet", "router"]}


def expect(*allowed: str, anonymous=401, others=403, **special) -> dict:
    """role -> expected: OK for the allowed roles, `others` for the rest, 401 for anonymous."""
    table = {role: (OK if role in allowed else others) for role in USERS}
    table[ANON] = OK if ANON in allowed else anonymous
    table.update(special)
    return table


def everyone(status=OK) -> dict:
    return {role: status for role in ROLES}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    expected: dict
    body: object = None        # dict, or a callable(subjects) -> dict
    files: dict | None = None  # multipart instead of JSON
    marks: tuple = field(default=())


def route(method, path, expected, *, body=None, files=None, marks=()) -> Route:
    return Route(method, path, expected, body, files, tuple(marks))


TXT = {"file": ("catatan.txt", b"Catatan uji matriks.\n", "text/plain")}

ROUTES = [
    # Auth and accounts
    route("POST", "/api/v1/auth/login", everyone(),
          body=lambda s: {"username": "client1", "password": s.password}),
    route("GET", "/api/v1/auth/me", expect(*USERS)),
    route("GET", "/api/v1/users", expect("admin")),
    route("POST", "/api/v1/users", expect("admin"), body=lambda s: {
        "username": f"matrix-{uuid.uuid4().hex[:8]}", "password": "matrix-password-1",
        "role": "client"}),
    route("GET", "/api/v1/users/{user}", expect("admin")),
    route("PATCH", "/api/v1/users/{user}", expect("admin"), body={"name": "Matriks"}),
    # Tickets
    route("POST", "/api/v1/tickets", expect(ANON, "client", "operator", "supervisor"),
          body=TICKET),
    route("GET", "/api/v1/tickets", expect(*USERS)),
    route("GET", "/api/v1/tickets/{own}", expect(*USERS)),
    route("GET", "/api/v1/tickets/{guest}", expect(*STAFF, client=404)),
    route("PATCH", "/api/v1/tickets/{own}", expect("operator", "supervisor"),
          body={"title": "Matriks peran (diubah)"}),
    route("POST", "/api/v1/tickets/{own}/replies", expect(*USERS), body={"body": "Balasan."}),
    route("POST", "/api/v1/tickets/{guest}/replies", expect(*STAFF, client=404),
          body={"body": "Balasan."}),
    route("POST", "/api/v1/tickets/{own}/attachments", expect(*USERS), files=TXT),
    route("POST", "/api/v1/tickets/{guest}/attachments?token={guest_token}",
          expect(ANON, *USERS), files=TXT),
    route("GET", "/api/v1/tickets/{own}/attachments/{own_attachment}", expect(*USERS)),
    route("POST", "/api/v1/tickets/{fresh}/assign", expect("operator", "supervisor"),
          body={"group": "network", "diagnosis": "Cek awal.", "reason": "Perlu teknisi."}),
    # tech-network-1 is not assigned to a fresh ticket: the service refuses (403)
    route("POST", "/api/v1/tickets/{fresh}/resolve", expect("operator"),
          body={"solution": "Router dimulai ulang."}),
    route("POST", "/api/v1/tickets/{fresh}/close", expect("operator", "supervisor"),
          body={"resolution": "Selesai."}),
    route("POST", "/api/v1/tickets/{fresh_done_own}/reopen",
          expect("operator", "supervisor", "client"), body={"reason": "Masih mati."}),
    # (and the technician the ticket is assigned to)
    route("POST", "/api/v1/tickets/{fresh_in_progress}/hold", expect("operator", "supervisor"),
          body={"reason": "waiting_client", "note": "Menunggu jawaban."}),
    route("DELETE", "/api/v1/tickets/{fresh_on_hold}/hold", expect("operator", "supervisor")),
    route("GET", "/api/v1/tickets/{own}/sla/explain", expect(*STAFF)),
    route("GET", "/api/v1/tickets/{own}/history", expect(*STAFF)),
    # Public tracking
    route("GET", "/api/v1/track/{guest}?token={guest_token}", everyone()),
    route("GET", "/api/v1/track/{guest}?token=wrong-token-0000000000", everyone(404)),
    route("POST", "/api/v1/track/{guest}/replies?token={guest_token}", everyone(),
          body={"body": "Balasan tamu."}),
    # Catalog and priority
    route("GET", "/api/v1/catalog", everyone()),
    route("GET", "/api/v1/priority-matrix", everyone()),
    route("PUT", "/api/v1/priority-matrix", expect("admin"), body=MATRIX),
    # SLA and escalation
    route("GET", "/api/v1/sla/policies", expect(*STAFF)),
    route("GET", "/api/v1/sla/tickets?state=at_risk", expect(*STAFF)),
    route("GET", "/api/v1/groups", expect(*STAFF)),
    route("GET", "/api/v1/escalations?assignee=me&state=open", expect("technician", "operator")),
    # Survey
    route("GET", "/api/v1/surveys/{survey_token}", everyone()),
    route("POST", "/api/v1/surveys/{survey_token}", everyone(422), body={}),
    route("GET", "/api/v1/surveys", expect("supervisor")),
    route("PATCH", "/api/v1/surveys/{survey_id}/evaluation", expect("supervisor"),
          body={"severity": "non_major", "target_quarter": 2, "note": "Matriks.",
                "approved": True}),
    # Knowledge base
    route("GET", "/api/v1/kb/articles", everyone()),
    route("POST", "/api/v1/kb/articles", expect(*STAFF), body=ARTICLE),
    route("PATCH", "/api/v1/kb/articles/{article}", expect("knowledge_manager"),
          body={"title": "Internet mati di kantor (diubah)"}),
    route("GET", "/api/v1/kb/suggest?text=internet+mati", expect(*STAFF)),
    # Reports
    route("GET", "/api/v1/reports/kpi?from=2026-01-01&to=2026-12-31",
          expect("supervisor", "admin")),
]


class Subjects(dict):
    """Format values for the paths: made on first use, or afresh for every `fresh*` key."""

    def __init__(self, stack, clients):
        super().__init__()
        self.stack = stack
        self.clients = clients
        self.password = stack.demo_password

    def __missing__(self, key):
        value = getattr(self, f"make_{key}")()
        if not key.startswith("fresh"):
            self[key] = value
        return value

    def _ticket(self, client, **extra) -> dict:
        response = client.post("/api/v1/tickets", json={**TICKET, **extra})
        assert response.status_code == 201, response.text
        return response.json()

    def _desk(self, number: str, method: str, suffix: str = "", **body) -> None:
        response = self.clients["operator"].request(
            method, f"/api/v1/tickets/{number}{suffix}", json=body or None)
        assert response.status_code < 300, response.text

    def make_own(self) -> str:
        return self._ticket(self.clients["client"])["number"]

    def make_own_attachment(self) -> int:
        response = self.clients["client"].post(f"/api/v1/tickets/{self['own']}/attachments",
                                               files=TXT)
        assert response.status_code == 201, response.text
        return response.json()[0]["id"]

    def make_guest(self) -> str:
        ticket = self._ticket(self.stack.client())
        self["guest_token"] = ticket["tracking_token"]
        return ticket["number"]

    def make_guest_token(self) -> str:
        self["guest"]  # makes the guest's ticket and its token together
        return dict.__getitem__(self, "guest_token")

    def make_user(self) -> str:
        username = f"matrix-{uuid.uuid4().hex[:8]}"
        response = self.clients["admin"].post("/api/v1/users", json={
            "username": username, "password": "matrix-password-1", "role": "client"})
        assert response.status_code == 201, response.text
        return username

    def make_fresh(self) -> str:  # complete enough to close (SOP step 16)
        return self._ticket(self.clients["operator"], urgency="medium",
                            impact="medium")["number"]

    def make_fresh_in_progress(self) -> str:
        number = self.make_fresh()
        self._desk(number, "PATCH", status="new")
        self._desk(number, "PATCH", status="in_progress")
        return number

    def make_fresh_on_hold(self) -> str:
        number = self.make_fresh_in_progress()
        self._desk(number, "POST", "/hold", reason="waiting_vendor", note="Vendor.")
        return number

    def make_fresh_done_own(self) -> str:
        number = self._ticket(self.clients["client"])["number"]
        self._desk(number, "PATCH", urgency="medium", impact="medium")
        self._desk(number, "POST", "/close", resolution="Selesai.")
        return number

    def _closed_with_survey(self) -> tuple[str, str]:
        number = self._ticket(self.stack.client())["number"]
        self._desk(number, "PATCH", urgency="medium", impact="medium")
        self._desk(number, "POST", "/close", resolution="Selesai.")
        ticket = self.clients["operator"].eventually(
            f"/api/v1/tickets/{number}", lambda t: (t.get("survey") or {}).get("url"),
            timeout=20)
        return number, ticket["survey"]["url"].rstrip("/").rsplit("/", 1)[-1]

    def make_survey_token(self) -> str:
        return self._closed_with_survey()[1]

    def make_survey_id(self) -> int:
        """An answered survey (only those can be evaluated)."""
        number, token = self._closed_with_survey()
        answered = self.stack.client().post(f"/api/v1/surveys/{token}", json={
            "answers": [5, 4, 4, 5, 5, 4, 3, 4, 5, 4], "respondent": {"name": "Matriks"}})
        assert answered.status_code == 201, answered.text
        return answered.json()["id"]

    def make_article(self) -> int:
        response = self.clients["knowledge_manager"].post("/api/v1/kb/articles", json=ARTICLE)
        assert response.status_code == 201, response.text
        return response.json()["id"]


@pytest.fixture(scope="module")
def clients(stack):
    made = {role: stack.client(username) for role, username in USERS.items()}
    made[ANON] = stack.client()
    return made


@pytest.fixture(scope="module")
def subjects(stack, clients):
    return Subjects(stack, clients)


def _cases():
    for row, role in itertools.product(ROUTES, ROLES):
        yield pytest.param(row, role, id=f"{row.method} {row.path} as {role}", marks=row.marks)


@pytest.mark.parametrize("row,role", list(_cases()))
def test_role_matrix(row: Route, role: str, clients, subjects):
    client = clients[role]
    path = row.path.format_map(subjects)
    kwargs = {}
    if row.files is not None:
        kwargs["files"] = row.files
    elif row.body is not None:
        kwargs["json"] = row.body(subjects) if callable(row.body) else row.body
    response = client.request(row.method, path, **kwargs)
    expected = row.expected[role]
    got = response.status_code
    detail = f"{row.method} {path} as {role}: {got} {response.text[:300]}"
    if expected == OK:
        assert 200 <= got < 300, detail
    else:
        assert got == expected, detail
        assert response.headers["Content-Type"].startswith("application/json"), detail
        error = response.json()["error"]
        assert error["code"] and error["message"], detail
