"""Survey rules: the question sets FRM-004/FRM-005, the answer scale, the respondent form, the
score and when it asks the supervisor to follow up (SOP-Dinkominfo-001 steps 15-17)."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from enum import Enum

QUESTIONS_FRM_004 = [
    "Apakah anda puas dengan metode penyampaian masalah?",
    "Seberapa besar tingkat kepuasan anda terhadap kecepatan penanganan masalah?",
    "Seberapa puaskah anda tentang kualitas cara penyelesaian masalah dari kami?",
    "Seberapa besar kepuasan anda kepada kami terhadap kesesuaian penyelesaian masalah yang "
    "disampaikan?",
    "Apakah anda puas dengan keramahan petugas service desk kami pada saat memberikan layanan?",
    "Seberapa puaskah anda terhadap informasi yang diberikan oleh petugas kami?",
    "Apakah anda puas dengan ketepatan waktu pelayanan kami?",
    "Apakah anda merasa puas dengan kualitas pelayanan kami?",
    "Seberapa besar kepuasan anda akan fasilitas yang kami sediakan?",
    "Seberapa besar tingkat kepuasan anda terhadap kesesuaian layanan kami dengan permintaan "
    "anda?",
]
# FRM-005 (requests): the same ten with "permintaan" for "masalah" until the office changes them.
QUESTIONS_FRM_005 = [q.replace("masalah", "permintaan") for q in QUESTIONS_FRM_004]

# Seeded as data (table question_sets); an admin may change the questions later.
DEFAULT_QUESTION_SETS = [
    {"code": "FRM-004", "name": "Survei Kepuasan Pelanggan - Insiden",
     "ticket_types": ["incident", "other"], "questions": QUESTIONS_FRM_004},
    {"code": "FRM-005", "name": "Survei Kepuasan Pelanggan - Permintaan",
     "ticket_types": ["service_request", "access_request"], "questions": QUESTIONS_FRM_005},
]
FALLBACK_SET = "FRM-004"
QUESTION_COUNT = 10

SCALE = {1: "Tidak Memuaskan", 2: "Kurang Memuaskan", 3: "Cukup Memuaskan", 4: "Memuaskan",
         5: "Sangat Memuaskan"}
# FRM-004's user groups, seeded as data (table user_groups); an admin edits the list.
DEFAULT_USER_GROUPS = {"panitia": "Panitia", "penyedia": "Penyedia", "ppk": "PPK",
                       "auditor": "Auditor"}
USER_GROUP_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,19}$")
USER_GROUP_LABEL_LIMIT = 60
RESPONDENT_LIMITS = {"name": 120, "phone": 40, "agency": 160, "position": 120, "address": 300,
                     "email": 254, "user_group": 20}
SUGGESTION_LIMIT = 4000
FOLLOW_UP_AT_OR_BELOW = 2.5
PHONE = re.compile(r"^[0-9+()\-. /]{4,40}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class State(str, Enum):
    OPEN = "open"          # sent, waiting for the client
    ANSWERED = "answered"
    EXPIRED = "expired"


class Severity(str, Enum):
    MAJOR = "major"
    NON_MAJOR = "non_major"


def question_set_for(ticket_type: str | None, sets: list[dict]) -> dict:
    """The set whose ticket types include this type; FRM-004 when none does."""
    for candidate in sets:
        if ticket_type in (candidate.get("ticket_types") or []):
            return candidate
    return next((s for s in sets if s["code"] == FALLBACK_SET), sets[0])


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits: the link cannot be guessed


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expiry(sent_at: datetime, *, ttl_days: int) -> datetime:
    return sent_at + timedelta(days=ttl_days)


def survey_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/survei/{token}"


def state_of(*, answered_at: datetime | None, expires_at: datetime, now: datetime) -> State:
    if answered_at is not None:
        return State.ANSWERED
    return State.EXPIRED if now >= expires_at else State.OPEN


def score(answers: list[int]) -> float:
    """The mean of the answers, two decimals."""
    return round(sum(answers) / len(answers), 2)


def needs_follow_up(mean: float) -> bool:
    return mean <= FOLLOW_UP_AT_OR_BELOW


def check_response(data: dict, user_groups: dict[str, str] = DEFAULT_USER_GROUPS
                   ) -> dict[str, list[str]]:
    """Errors per field ("answers.3" is question 3); empty when the response can be stored."""
    errors: dict[str, list[str]] = {}
    answers = data.get("answers")
    if not isinstance(answers, list):
        errors["answers"] = [f"Give a list of {QUESTION_COUNT} answers, each 1 to 5."]
    else:
        if len(answers) != QUESTION_COUNT:
            errors["answers"] = [f"Give exactly {QUESTION_COUNT} answers, one per question; "
                                 f"got {len(answers)}."]
        for number, value in enumerate(answers[:QUESTION_COUNT], start=1):
            if not _is_scale_value(value):
                errors[f"answers.{number}"] = [
                    f"Question {number}: choose 1 to 5 ({', '.join(SCALE.values())})."]
        for number in range(len(answers) + 1, QUESTION_COUNT + 1):
            errors[f"answers.{number}"] = [f"Question {number} has no answer."]
    respondent = data.get("respondent") or {}
    if not isinstance(respondent, dict):
        return {**errors, "respondent": ["Give the respondent as an object."]}
    errors.update(_respondent_errors(respondent, user_groups))
    suggestion = data.get("suggestion")
    if suggestion is not None and (not isinstance(suggestion, str)
                                   or len(suggestion) > SUGGESTION_LIMIT):
        errors["suggestion"] = [f"Write at most {SUGGESTION_LIMIT} characters."]
    return errors


def _is_scale_value(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in SCALE


def _respondent_errors(respondent: dict, user_groups: dict[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, limit in RESPONDENT_LIMITS.items():
        value = respondent.get(name)
        if value is not None and not isinstance(value, str):
            errors[f"respondent.{name}"] = ["Must be text."]
        elif value and len(value) > limit:
            errors[f"respondent.{name}"] = [f"Write at most {limit} characters."]
    if errors:
        return errors
    if not (respondent.get("name") or "").strip():
        errors["respondent.name"] = ["Give the respondent's name."]
    email = (respondent.get("email") or "").strip()
    if email and not EMAIL.match(email):
        errors["respondent.email"] = ["Not an e-mail address (name@example.go.id)."]
    phone = (respondent.get("phone") or "").strip()
    if phone and not PHONE.match(phone):
        errors["respondent.phone"] = ["Use digits, spaces and + ( ) - / . only."]
    group = respondent.get("user_group")
    if group and user_group_code(group) not in user_groups:
        errors["respondent.user_group"] = [f"Choose one of {', '.join(user_groups)}."]
    return errors


def check_user_groups(groups: list[dict]) -> dict[str, list[str]]:
    """An admin's new list: each a code (a-z, 0-9, - or _) and a label, no code twice."""
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    if not groups:
        errors["groups"] = ["Give at least one user group."]
    for index, group in enumerate(groups):
        code, label = group["value"].strip().lower(), group["label"].strip()
        if not USER_GROUP_CODE.match(code):
            errors[f"groups.{index}.value"] = [
                "Use 1-20 lowercase letters, digits, - or _, starting with a letter or digit."]
        elif code in seen:
            errors[f"groups.{index}.value"] = [f"{code!r} is listed twice."]
        if not label or len(label) > USER_GROUP_LABEL_LIMIT:
            errors[f"groups.{index}.label"] = [
                f"Give a label of 1-{USER_GROUP_LABEL_LIMIT} characters."]
        seen.add(code)
    return errors


def user_group_code(value: str) -> str:
    """The form prints the groups as "PPK" or "Panitia": any spelling of a label counts."""
    return value.strip().lower()


def clean_respondent(respondent: dict | None) -> dict:
    respondent = respondent or {}
    cleaned = {name: ((respondent.get(name) or "").strip() or None) for name in RESPONDENT_LIMITS}
    if cleaned["user_group"]:
        cleaned["user_group"] = user_group_code(cleaned["user_group"])
    return cleaned


def check_evaluation(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data:
        errors["_body"] = ["Give at least one of severity, target_quarter, note, approved."]
    return errors


def quarter_of(moment: datetime) -> int:
    return (moment.month - 1) // 3 + 1
