"""The first ticket travels the whole way: gateway -> intake -> ticket.created -> triage ->
ticket.classified -> intake's read model, over real RabbitMQ and PostgreSQL."""


def test_guest_ticket_shows_triage_answer_through_the_gateway(stack, anonymous, operator):
    created = anonymous.post("/api/v1/tickets", json={
        "title": "Internet mati di ruang rapat", "body": "Sejak pagi wifi tidak tersambung.",
        "category": "Jaringan", "service": "Internet mati", "guest_email": "warga@example.com"})
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["number"].startswith("INC-")
    assert ticket["status"] == "submitted"
    assert len(ticket["tracking_token"]) >= 22

    seen = operator.eventually(f"/api/v1/tickets/{ticket['number']}",
                               lambda t: t.get("classification") is not None, timeout=5)
    assert seen["classification"]["category_valid"] is True
    assert seen["category"] == "Jaringan"


def test_request_id_is_echoed_and_made(stack, anonymous):
    echoed = anonymous.get("/api/v1/catalog", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["X-Request-ID"] == "trace-123"
    made = anonymous.get("/api/v1/catalog")
    assert len(made.headers["X-Request-ID"]) >= 16


def test_gateway_and_services_report_ready(stack, anonymous):
    ready = anonymous.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True}  # web processes never use the broker
