"""Staff are told (DOMAIN.md): the operators on duty of a new ticket to verify and of a
priority-1 ticket nobody verified; the handler of a client reply; at an SLA warning the
handler, at a breach the supervisors too; each person turns e-mail off per kind."""
from datetime import UTC, datetime, timedelta

from escalation.handlers import notify

OPERATORS = ("operator1", "operator2")


def on_duty(desk, *users):
    """Each opens the console (the bell asks for their notifications)."""
    for user in users:
        response = desk.http.get("/api/v1/notifications", headers=desk.harness.headers(
            user, "operator" if user.startswith("operator") else "technician",
            email=f"{user}@madiunkota.go.id", name=user.title()))
        assert response.status_code == 200


def kinds(desk, user):
    return [n["kind"] for n in desk.notifications(user)]


def test_every_operator_on_duty_is_told_of_a_new_ticket_to_verify(desk):
    on_duty(desk, *OPERATORS)
    number = desk.ticket(status="submitted", title="Server SIMPEG mati")
    desk.deliver("ticket.created", number, status="submitted", title="Server SIMPEG mati")
    for user in OPERATORS:
        [told] = desk.notifications(user)  # once, though the event came twice
        assert told["kind"] == "to_verify" and number in told["message"]
        assert "Server SIMPEG mati" in told["message"]
    assert desk.notifications("operator3") == []  # never on duty: not told
    desk.ticket(status="new")  # recorded already verified: nothing to verify
    assert kinds(desk, "operator1") == ["to_verify"]


def test_a_client_reply_tells_the_technician_holding_the_ticket_else_the_operators(desk):
    on_duty(desk, *OPERATORS)
    waiting = desk.ticket()
    desk.deliver("ticket.replied", waiting, body="Masih mati, Pak.", by="client1",
                 by_role="client", author_kind="client", reply_id=41, internal=False)
    assert kinds(desk, "operator1") == ["client_replied"]
    assert "Masih mati, Pak." in desk.notifications("operator2")[0]["message"]

    held = desk.ticket()
    desk.assign(held, assignee="tech-network-1")
    desk.deliver("ticket.replied", held, body="Sudah saya restart.", by=None, by_role=None,
                 author_kind="client", reply_id=42, internal=False)
    desk.deliver("ticket.replied", held, body="Teknisi menuju lokasi.", by="operator1",
                 by_role="operator", author_kind="staff", reply_id=43, internal=False)
    assert kinds(desk, "tech-network-1") == ["client_replied", "assigned"]
    assert kinds(desk, "operator1") == ["client_replied"]  # only the first ticket's


def test_an_sla_alert_on_a_ticket_nobody_took_tells_its_operators_and_the_breach_supervisors(
        desk):
    on_duty(desk, *OPERATORS)
    number = desk.ticket()
    due = "2026-11-30T09:00:00+00:00"
    desk.deliver("sla.at_risk", number, target="resolution", due_at=due, state="at_risk")
    assert kinds(desk, "operator1") == ["sla_at_risk"]
    assert desk.notifications("supervisor1") == []
    desk.deliver("sla.breached", number, target="resolution", due_at=due, state="breached")
    assert kinds(desk, "operator2") == ["sla_breached", "sla_at_risk"]
    assert kinds(desk, "supervisor1") == ["sla_breached"]


def test_a_priority_1_ticket_nobody_verified_warns_every_operator_on_duty_once(desk,
                                                                               monkeypatch):
    monkeypatch.setenv("SERVICEDESK_P1_UNVERIFIED_MINUTES", "10")
    on_duty(desk, *OPERATORS)
    urgent = desk.ticket(status="submitted", priority=1, title="Jaringan balai kota putus")
    calm = desk.ticket(status="submitted", priority=3)
    verified = desk.ticket(status="new", priority=1)
    soon = datetime.now(UTC) + timedelta(minutes=5)
    with desk.make_uow() as uow:
        assert notify.warn_unverified_p1(uow, at=soon) == 0  # not yet 10 minutes
    later = datetime.now(UTC) + timedelta(minutes=11)
    for _ in range(2):
        with desk.make_uow() as uow:
            notify.warn_unverified_p1(uow, at=later)
    for user in OPERATORS:
        warned = [n for n in desk.notifications(user) if n["kind"] == "p1_unverified"]
        assert [n["number"] for n in warned] == [urgent]
        assert "10 menit" in warned[0]["message"]
    assert calm and verified


def test_each_person_turns_email_off_per_kind(desk):
    headers = desk.harness.headers("operator1", "operator", email="operator1@madiunkota.go.id")
    got = desk.http.get("/api/v1/notifications/preferences", headers=headers)
    assert got.status_code == 200 and got.json["email"]["to_verify"] is True
    assert set(got.json["email"]) == set(got.json["labels"])
    put = desk.http.put("/api/v1/notifications/preferences", headers=headers,
                        json={"email": {"to_verify": False}})
    assert put.status_code == 200
    assert put.json["email"]["to_verify"] is False and put.json["email"]["sla_breached"]
    again = desk.http.get("/api/v1/notifications/preferences",
                          headers=desk.harness.headers("operator1", "operator"))
    assert again.json["email"]["to_verify"] is False
    other = desk.http.get("/api/v1/notifications/preferences",
                          headers=desk.harness.headers("operator2", "operator"))
    assert other.json["email"]["to_verify"] is True  # one person's choice


def test_preferences_refuse_an_unknown_kind_or_a_non_boolean_with_a_clear_422(desk):
    headers = desk.harness.headers("operator1", "operator")
    for body in ({"email": {"birthday": False}}, {"email": {"to_verify": "nanti"}}, {}):
        response = desk.http.put("/api/v1/notifications/preferences", headers=headers,
                                 json=body)
        assert response.status_code == 422, body
        assert response.json["error"]["code"], response.json
    client = desk.http.get("/api/v1/notifications/preferences",
                           headers=desk.harness.headers("client1", "client"))
    assert client.status_code == 403
