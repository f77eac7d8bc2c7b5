"""Bad input to tickets and replies is a 4xx in the contract's shape, never a 500, and
nothing of a refused request is kept."""
import pytest

from ..conftest import GUEST_TICKET


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json["error"]) == {"code", "message", "details"}
    return response.json["error"]


@pytest.mark.parametrize("field", ["title", "body", "guest_email", "contact_name", "agency"])
def test_a_nul_byte_in_a_new_ticket_is_a_422_naming_the_field(desk, field):
    before = desk.counts()
    body = {**GUEST_TICKET, "contact_name": "Budi", "agency": "Dinas", field: "ab\x00c"}
    response = desk.http.post("/api/v1/tickets", json=body)
    assert field in _error(response, 422)["details"]
    assert desk.counts() == before


def test_a_nul_byte_in_a_reply_is_a_422(desk):
    number = desk.create()["number"]
    response = desk.http.post(f"/api/v1/tickets/{number}/replies", headers=desk.operator,
                              json={"body": "Sudah dicek\x00"})
    assert "body" in _error(response, 422)["details"]
    assert desk.get(number)["replies"] == []


def test_line_breaks_and_tabs_in_a_body_are_kept(desk):
    ticket = desk.create(body="Baris satu\nBaris dua\r\n\tberindentasi")
    assert desk.get(ticket["number"])["body"] == "Baris satu\nBaris dua\r\n\tberindentasi"


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=0", "per_page=1000000",
                                   "priority=99999999999999999999", "q=printer%00"])
def test_a_listing_argument_out_of_range_is_a_422(desk, query):
    _error(desk.http.get(f"/api/v1/tickets?{query}", headers=desk.operator), 422)


def test_a_ticket_number_with_a_nul_byte_is_a_404(desk):
    _error(desk.http.get("/api/v1/tickets/INC-2026-00%0001", headers=desk.operator), 404)


def test_an_attachment_id_no_column_holds_is_a_404(desk):
    number = desk.create()["number"]
    _error(desk.http.get(f"/api/v1/tickets/{number}/attachments/35184372088832",
                         headers=desk.operator), 404)


def test_an_integer_field_out_of_range_is_a_422(desk):
    number = desk.create()["number"]
    response = desk.patch(number, priority=2 ** 70)
    assert "priority" in _error(response, 422)["details"]
