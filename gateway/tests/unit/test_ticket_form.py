"""The client's ticket form: choices from the catalog, field checks, intake's 422 mapped."""
import pytest

from gateway.pages import ticket_form
from gateway.pages.labels import priority_label, site_path, status_label, waktu

CATALOG = {
    "types": [
        {"code": "incident", "name": "Insiden",
         "categories": ["Aplikasi", "Jaringan", "Hardware", "Data"]},
        {"code": "service_request", "name": "Permintaan",
         "categories": ["Aplikasi", "Jaringan", "Data"]},
        {"code": "access_request", "name": "Permintaan Akses", "categories": ["Akses"]},
        {"code": "other", "name": "Lainnya", "categories": ["Lainnya"]},
    ],
    "categories": [
        {"name": "Jaringan", "details": [
            {"name": "Internet", "services": [{"code": "internet-mati", "name": "Internet mati"},
                                              {"code": "internet-lambat",
                                               "name": "Internet lambat"}]}]},
        {"name": "Hardware", "details": [
            {"name": "Komputer", "services": [{"code": "komputer-hang", "name": "Komputer hang"}]}
        ]},
    ],
}
CHOICES = ticket_form.choices_from_catalog(CATALOG)
GOOD = {"type": "incident", "category": "Jaringan", "service": "Internet mati",
        "body": "Wifi ruang rapat mati sejak pagi.", "guest_email": "warga@example.com"}


def test_choices_offer_type_only_categories_after_the_catalog_ones():
    assert CHOICES.categories == ["Jaringan", "Hardware", "Aplikasi", "Data", "Akses", "Lainnya"]
    assert CHOICES.services_of("Jaringan") == ["Internet mati", "Internet lambat"]
    assert CHOICES.types_of("Akses") == ["access_request"]


def test_a_complete_form_has_no_errors():
    assert ticket_form.check(ticket_form.clean(GOOD), CHOICES) == {}


@pytest.mark.parametrize("change,field", [
    ({"body": "  "}, "body"),
    ({"guest_email": ""}, "guest_email"),
    ({"guest_email": "warga-at-example"}, "guest_email"),
    ({"category": ""}, "category"),
    ({"category": "Dapur"}, "category"),
    ({"type": "access_request"}, "category"),          # Jaringan is no category of access
    ({"service": "Komputer hang"}, "service"),          # a Hardware service under Jaringan
    ({"contact_phone": "call me"}, "contact_phone"),
    ({"title": "ab"}, "title"),
    ({"type": "complaint"}, "type"),
    ({"agency": "x" * 161}, "agency"),
])
def test_each_mistake_is_reported_on_its_own_field(change, field):
    errors = ticket_form.check(ticket_form.clean({**GOOD, **change}), CHOICES)
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])


def test_access_requests_need_no_service():
    values = ticket_form.clean({**GOOD, "type": "access_request", "category": "Akses",
                                "service": ""})
    assert ticket_form.check(values, CHOICES) == {}


def test_the_ticket_sent_to_intake_gets_a_title_from_service_and_first_line():
    payload = ticket_form.ticket_payload(ticket_form.clean(
        {**GOOD, "body": "\n  Wifi mati\nsejak pagi", "contact_name": "Sari"}))
    assert payload["title"] == "Internet mati: Wifi mati"
    assert payload["contact_name"] == "Sari"
    assert "contact_phone" not in payload  # empty fields are not sent
    long = ticket_form.ticket_payload(ticket_form.clean({**GOOD, "body": "x" * 500}))
    assert len(long["title"]) <= 200


def test_a_title_the_client_typed_is_kept():
    payload = ticket_form.ticket_payload(ticket_form.clean({**GOOD, "title": "Wifi mati"}))
    assert payload["title"] == "Wifi mati"


def test_intake_422_details_land_on_the_form_fields_in_indonesian():
    errors = ticket_form.errors_from_api({"guest_email": ["Not a valid email address."],
                                         "channel": ["Must be one of ..."],
                                         "urgency": ["Must be one of ..."]})
    assert errors["guest_email"] == [ticket_form.API_FIELD_MESSAGES["guest_email"]]
    assert len(errors["_form"]) == 1  # fields the form does not have: one general message


def test_labels_and_times_are_shown_in_indonesian_and_wib():
    assert status_label("in_progress") == "Dalam Penanganan"
    assert priority_label(1) == "Tinggi"
    assert priority_label(None) == "Belum ditentukan"
    assert waktu("2026-01-12T07:05:00+00:00") == "12 Januari 2026 14:05 WIB"
    assert waktu(None) == "-"


def test_links_to_our_own_pages_become_paths_on_this_site():
    assert site_path("http://localhost:8080/survei/abc123") == "/survei/abc123"
    assert site_path("https://desk.example/lacak?number=X&token=Y") == "/lacak?number=X&token=Y"
    assert site_path("https://elsewhere.example/phish") == "https://elsewhere.example/phish"
