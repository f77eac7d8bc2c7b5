"""Who handles a ticket, and what a staff digest mail says: plain functions."""
from escalation import domain


def test_the_handler_is_the_assigned_technician_else_the_operators():
    assert domain.handlers_of("tech-network-1", ["operator1", "operator2"]) == ["tech-network-1"]
    assert domain.handlers_of(None, ["operator1", "operator2"]) == ["operator1", "operator2"]


def test_a_digest_of_one_names_its_ticket_and_of_many_counts_them():
    one = [{"kind": "to_verify", "number": "INC-2026-000042",
            "message": "Tiket baru INC-2026-000042 menunggu verifikasi: Printer"}]
    subject, body = domain.digest(one, name="Operator1", console_url="https://d/staf/pemberitahuan")
    assert subject == "[INC-2026-000042] Tiket baru menunggu verifikasi"
    assert "Yth. Operator1," in body and "https://d/staf/pemberitahuan" in body
    many = one * 80
    subject, body = domain.digest(many, name=None, console_url="https://d/staf/pemberitahuan")
    assert subject == "[Service Desk] 80 pemberitahuan baru"
    assert body.count("- Tiket baru INC-2026-000042") == 80


def test_a_long_client_reply_is_cut_to_an_excerpt_on_one_line():
    text = domain.excerpt("Masih mati.\n\n" + "x" * 300)
    assert len(text) == 120 and text.startswith("Masih mati. x") and text.endswith("...")


def test_an_alert_is_told_unless_the_ticket_was_done_when_it_happened():
    alert_at = "2026-12-03T10:00:00+00:00"
    assert domain.closed_before("done", "2026-12-03T09:00:00+00:00", alert_at)
    # closed after the breach, the closure merely handled first: the breach is still told
    assert not domain.closed_before("done", "2026-12-03T11:00:00+00:00", alert_at)
    assert not domain.closed_before("in_progress", "2026-12-03T09:00:00+00:00", alert_at)
