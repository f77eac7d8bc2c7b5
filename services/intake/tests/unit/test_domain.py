"""Intake's pure rules: status moves, numbers, tracking tokens, holds, reopening, catalog."""
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from intake import domain
from intake.domain import Status

CATALOG = {
    "types": [{"code": "incident", "categories": ["Jaringan", "Hardware"]},
              {"code": "access_request", "categories": ["Akses"]}],
    "categories": [
        {"name": "Jaringan", "details": [{"name": "Internet", "services": [
            {"code": "internet-mati", "name": "Internet mati"}]}]},
        {"name": "Hardware", "details": [{"name": "WAN", "services": [
            {"code": "wan-mati", "name": "WAN mati"}]}]},
    ],
}

ALLOWED = {("submitted", "new"), ("new", "in_progress"), ("in_progress", "done"),
           ("submitted", "done"), ("new", "done"), ("done", "in_progress")}
ALL_MOVES = [(a.value, b.value) for a, b in product(Status, Status) if a != b]


@pytest.mark.parametrize(("current", "wanted"), sorted(ALLOWED))
def test_each_move_of_the_sop_is_allowed(current, wanted):
    domain.check_move(current, wanted)


@pytest.mark.parametrize(("current", "wanted"), [m for m in ALL_MOVES if m not in ALLOWED])
def test_every_other_move_is_refused_saying_what_is_allowed(current, wanted):
    with pytest.raises(domain.ForbiddenMove) as refused:
        domain.check_move(current, wanted)
    allowed = sorted(b for a, b in ALLOWED if a == current)
    assert refused.value.allowed == allowed
    assert f"allowed: {', '.join(allowed)}" in str(refused.value)


@pytest.mark.parametrize(("ticket_type", "prefix"), [
    ("incident", "INC"), ("service_request", "REQ"), ("access_request", "ACC"),
    ("other", "TKT")])
def test_numbers_say_the_type_the_year_and_a_six_digit_sequence(ticket_type, prefix):
    assert domain.ticket_number(ticket_type, 2026, 42) == f"{prefix}-2026-000042"
    assert domain.looks_like_number(f"{prefix}-2026-000042")


def test_the_year_of_a_number_is_the_year_in_madiun():
    new_year_in_wib = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 WIB on 1 January
    assert domain.jakarta_year(new_year_in_wib) == 2027


def test_odd_numbers_are_not_numbers():
    for text in ("INC-2026-42", "XYZ-2026-000001", "INC-2026-000001/../x", "inc-2026-000001"):
        assert not domain.looks_like_number(text)


def test_tracking_tokens_are_unguessable_and_kept_only_hashed():
    tokens = {domain.new_tracking_token() for _ in range(1000)}
    assert len(tokens) == 1000
    token = tokens.pop()
    assert len(token) >= 32  # 24 random bytes in URL-safe base64: 192 bits
    stored = domain.hash_token(token)
    assert token not in stored
    assert domain.token_matches(token, stored)
    assert not domain.token_matches(token[:-1] + ("A" if token[-1] != "A" else "B"), stored)
    assert not domain.token_matches(None, stored) and not domain.token_matches(token, None)


@pytest.mark.parametrize("status", ["submitted", "new", "done"])
def test_only_a_ticket_in_progress_can_be_held(status):
    with pytest.raises(domain.HoldRefused, match=f"this one is '{status}'"):
        domain.check_hold(status, None)
    domain.check_hold("in_progress", None)


def test_a_held_ticket_cannot_be_held_again():
    with pytest.raises(domain.HoldRefused, match="already on hold"):
        domain.check_hold("in_progress", "waiting_vendor")


def test_an_owner_may_reopen_within_the_window_only():
    closed = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert domain.owner_may_reopen(closed, closed + timedelta(days=7), days=7)
    assert not domain.owner_may_reopen(closed, closed + timedelta(days=7, seconds=1), days=7)
    assert not domain.owner_may_reopen(None, closed, days=7)


@pytest.mark.parametrize(("ticket_type", "category", "service"), [
    ("incident", "Jaringan", "Internet mati"), ("incident", "Jaringan", "internet-mati"),
    ("incident", "Hardware", None), ("access_request", "Akses", None)])
def test_a_valid_classification_passes(ticket_type, category, service):
    assert domain.classification_errors(CATALOG, ticket_type=ticket_type, category=category,
                                        service=service) == {}


@pytest.mark.parametrize(("ticket_type", "category", "service", "field"), [
    ("problem", "Jaringan", None, "type"),
    ("incident", "Printer", None, "category"),
    ("incident", "Akses", None, "category"),
    ("incident", "Jaringan", "WAN mati", "service"),
    ("incident", "Jaringan", "Printer macet", "service"),
    ("access_request", "Akses", "Internet mati", "service")])
def test_an_invalid_classification_names_its_field(ticket_type, category, service, field):
    errors = domain.classification_errors(CATALOG, ticket_type=ticket_type, category=category,
                                          service=service)
    assert list(errors) == [field] and errors[field][0]


def test_a_service_code_is_kept_as_its_name():
    assert domain.service_name(CATALOG, "Jaringan", "internet-mati") == "Internet mati"
    assert domain.service_name(None, "Jaringan", "internet-mati") == "internet-mati"


def test_a_type_with_one_category_needs_none_given():
    assert domain.default_category(CATALOG, "access_request") == "Akses"
    assert domain.default_category(CATALOG, "incident") is None
    assert domain.default_category(None, "other") == "Lainnya"
