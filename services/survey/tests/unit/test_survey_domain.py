"""The survey's rules: which form a ticket gets, what a valid response is, the score."""
from datetime import UTC, datetime, timedelta

import pytest

from survey import domain

SETS = domain.DEFAULT_QUESTION_SETS


def response(**changes):
    data = {"answers": [4] * 10, "respondent": {"name": "Sari", "email": "sari@madiunkota.go.id",
                                                 "user_group": "ppk", "phone": "+62 351 123"},
            "suggestion": "Pertahankan."}
    data.update(changes)
    return data


@pytest.mark.parametrize("ticket_type, form", [
    ("incident", "FRM-004"), ("service_request", "FRM-005"), ("access_request", "FRM-005"),
    ("other", "FRM-004"), (None, "FRM-004"), ("something_new", "FRM-004")])
def test_incidents_get_frm_004_and_requests_get_frm_005(ticket_type, form):
    assert domain.question_set_for(ticket_type, SETS)["code"] == form


def test_request_form_asks_about_permintaan_where_incidents_ask_about_masalah():
    incident, request = SETS[0]["questions"], SETS[1]["questions"]
    assert len(incident) == len(request) == 10
    assert incident[1] == ("Seberapa besar tingkat kepuasan anda terhadap kecepatan penanganan "
                           "masalah?")
    assert request[1] == ("Seberapa besar tingkat kepuasan anda terhadap kecepatan penanganan "
                          "permintaan?")
    assert not any("masalah" in q for q in request)
    assert incident[4:] == request[4:]  # questions without "masalah" are the same


def test_scale_has_the_five_labels_of_the_form():
    assert list(domain.SCALE.values()) == ["Tidak Memuaskan", "Kurang Memuaskan",
                                           "Cukup Memuaskan", "Memuaskan", "Sangat Memuaskan"]


def test_score_is_the_mean_of_the_ten_answers():
    assert domain.score([5, 4, 4, 5, 5, 4, 3, 4, 5, 4]) == 4.3
    assert domain.score([1, 2, 2, 2, 1, 2, 1, 2, 1, 2]) == 1.6


@pytest.mark.parametrize("mean, follow_up", [(2.5, True), (1.0, True), (2.51, False),
                                             (2.6, False), (5.0, False)])
def test_a_mean_of_two_and_a_half_or_less_needs_a_follow_up(mean, follow_up):
    assert domain.needs_follow_up(mean) is follow_up


def test_a_complete_response_has_no_errors():
    assert domain.check_response(response()) == {}
    assert domain.check_response(response(respondent={"name": "Budi"}, suggestion=None)) == {}


def test_errors_name_the_question_that_is_wrong():
    errors = domain.check_response(response(answers=[4, 4, 0, 4, 6, 4, "5", 4, True, 4]))
    assert set(errors) == {"answers.3", "answers.5", "answers.7", "answers.9"}
    assert "Question 3" in errors["answers.3"][0]


def test_missing_answers_are_named_one_by_one():
    errors = domain.check_response(response(answers=[4, 4, 4]))
    assert "exactly 10" in errors["answers"][0]
    assert {f"answers.{n}" for n in range(4, 11)} <= set(errors)
    assert "answers" in domain.check_response(response(answers="4444444444"))
    assert "answers" in domain.check_response(response(answers=[4] * 11))


@pytest.mark.parametrize("respondent, field", [
    ({}, "respondent.name"), ({"name": "   "}, "respondent.name"),
    ({"name": "Sari", "email": "bukan-email"}, "respondent.email"),
    ({"name": "Sari", "phone": "telepon saya"}, "respondent.phone"),
    ({"name": "Sari", "user_group": "warga"}, "respondent.user_group"),
    ({"name": "x" * 121}, "respondent.name"),
    ({"name": "Sari", "agency": 12}, "respondent.agency")])
def test_respondent_errors_name_the_field(respondent, field):
    assert field in domain.check_response(response(respondent=respondent))


def test_suggestion_has_a_length_limit():
    assert "suggestion" in domain.check_response(response(suggestion="x" * 4001))
    assert "respondent" in domain.check_response(response(respondent=["Sari"]))


def test_respondent_is_cleaned_to_the_form_fields():
    cleaned = domain.clean_respondent({"name": " Sari ", "email": "", "extra": "dropped"})
    assert cleaned["name"] == "Sari"
    assert cleaned["email"] is None
    assert "extra" not in cleaned
    assert set(cleaned) == set(domain.RESPONDENT_LIMITS)


def test_state_answered_wins_over_expired_and_expiry_is_inclusive():
    sent = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    expires = domain.expiry(sent, ttl_days=14)
    assert expires == sent + timedelta(days=14)
    assert domain.state_of(answered_at=None, expires_at=expires, now=sent) is domain.State.OPEN
    assert domain.state_of(answered_at=None, expires_at=expires,
                           now=expires) is domain.State.EXPIRED
    assert domain.state_of(answered_at=sent, expires_at=expires,
                           now=expires + timedelta(days=1)) is domain.State.ANSWERED


def test_tokens_cannot_be_guessed_and_are_stored_hashed():
    tokens = {domain.new_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert len(token) >= 32
    assert domain.hash_token(token) != token and len(domain.hash_token(token)) == 64
    assert domain.survey_url("http://desk.example/", token) == \
        f"http://desk.example/survei/{token}"


@pytest.mark.parametrize("printed", ["PPK", "Panitia", " auditor ", "Penyedia"])
def test_user_group_as_printed_on_the_form_is_accepted_and_kept_as_its_code(printed):
    data = response(respondent={"name": "Sari", "user_group": printed})
    assert domain.check_response(data) == {}
    assert domain.clean_respondent(data["respondent"])["user_group"] == printed.strip().lower()
