"""The survey page `/survei/{token}` (FRM-004 / FRM-005): the client's satisfaction survey,
working without JavaScript. It posts to itself; the survey service validates (pages/common.py
calls it as a guest) and the page shows each error next to its field, in Indonesian."""
from __future__ import annotations

import logging
import re

from flask import Blueprint, redirect, render_template, request, url_for

from servicedesk_common.errors import Unavailable

from . import render_error
from .common import api, error_details, path

log = logging.getLogger(__name__)
bp = Blueprint("survey_pages", __name__)

TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")
QUESTIONS = 10
RESPONDENT = ("name", "phone", "agency", "position", "address", "email", "user_group")
LABELS = {"name": "Nama", "phone": "Telepon/Faks", "agency": "Instansi", "position": "Jabatan",
          "address": "Alamat", "email": "Email", "user_group": "Kelompok pengguna",
          "suggestion": "Saran", **{f"q{n}": f"Pertanyaan {n}" for n in range(1, QUESTIONS + 1)}}
MESSAGES = {
    "name": "Isi nama Anda.",
    "phone": "Gunakan angka, spasi, dan tanda + ( ) - / . saja.",
    "email": "Alamat email tidak valid, misalnya nama@madiunkota.go.id.",
    "user_group": "Pilih salah satu kelompok pengguna yang tersedia.",
    "suggestion": "Saran paling banyak 4000 karakter.",
}
TOO_LONG = "Isian ini terlalu panjang; persingkat."


def form_field(api_field: str) -> str:
    """The API's error key ("answers.3", "respondent.email") -> the form's field name."""
    if api_field.startswith("answers."):
        return "q" + api_field.split(".", 1)[1]
    if api_field.startswith("respondent."):
        return api_field.split(".", 1)[1]
    return api_field


def errors_in_indonesian(details: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for api_field, messages in details.items():
        name = form_field(api_field)
        english = " ".join(messages) if isinstance(messages, list) else str(messages)
        if name.startswith("q") and name[1:].isdigit():
            message = "Pilih salah satu jawaban."
        elif "at most" in english and name != "suggestion":
            message = TOO_LONG
        elif name in MESSAGES:
            message = MESSAGES[name]
        else:
            name, message = "_form", "Sebagian jawaban belum lengkap; periksa kembali."
        errors.setdefault(name, [])
        if message not in errors[name]:
            errors[name].append(message)
    return dict(sorted(errors.items(), key=lambda item: _order(item[0])))


def _order(name: str) -> int:
    fields = list(RESPONDENT) + [f"q{n}" for n in range(1, QUESTIONS + 1)] + ["suggestion"]
    return fields.index(name) if name in fields else -1


def values_from(form) -> dict:
    values = {name: (form.get(name) or "").strip() for name in RESPONDENT}
    values.update({f"q{n}": (form.get(f"q{n}") or "").strip() for n in range(1, QUESTIONS + 1)})
    values["suggestion"] = (form.get("suggestion") or "").strip()
    return values


def payload_from(values: dict) -> dict:
    """Unanswered or unreadable questions go as null: the service names them."""
    answers = [int(v) if v.isdigit() else None
               for v in (values[f"q{n}"] for n in range(1, QUESTIONS + 1))]
    return {"answers": answers,
            "respondent": {name: values[name] or None for name in RESPONDENT},
            "suggestion": values["suggestion"] or None}


def load(token: str) -> tuple[int, dict]:
    if not TOKEN.match(token):
        return 404, {}
    return api("GET", path("/api/v1/surveys/{}", token))


def finished_page(survey: dict, status: int):
    """409: answered already; 410: the link has expired; 404: no such survey."""
    if status == 404:
        return render_error(404, "Survei tidak ditemukan. Pastikan tautan dari email Anda "
                                 "tersalin lengkap.")
    template = "survey/answered.html" if status == 409 else "survey/expired.html"
    return render_template(template, survey=survey), status


@bp.get("/survei/<token>")
def survey_form(token: str):
    status, survey = load(token)
    if status == 404:
        return finished_page({}, 404)
    if status != 200:
        _unavailable(status)
    if survey.get("state") == "answered":
        return finished_page(survey, 409)
    if survey.get("state") == "expired":
        return finished_page(survey, 410)
    prefill = {name: "" for name in RESPONDENT}
    prefill.update({k: v for k, v in (survey.get("respondent") or {}).items() if v})
    return render_template("survey/form.html", survey=survey, token=token, values=prefill,
                           errors={}, labels=LABELS)


@bp.post("/survei/<token>")
def submit_survey(token: str):
    values = values_from(request.form)
    if not TOKEN.match(token):
        return finished_page({}, 404)
    status, body = api("POST", path("/api/v1/surveys/{}", token), payload=payload_from(values))
    if status == 201:
        return redirect(url_for("survey_pages.thanks", token=token), code=303)
    if status in (404, 409, 410):
        survey = load(token)[1] if status != 404 else {}
        return finished_page(survey, status)
    if status != 422:
        _unavailable(status)
    survey_status, survey = load(token)
    if survey_status != 200:
        _unavailable(survey_status)
    log.info("event=survey_form_refused fields=%s", ",".join(sorted(error_details(body))))
    return render_template("survey/form.html", survey=survey, token=token, values=values,
                           errors=errors_in_indonesian(error_details(body)),
                           labels=LABELS), 422


@bp.get("/survei/<token>/terima-kasih")
def thanks(token: str):
    status, survey = load(token)
    if status != 200:
        return finished_page({}, 404)
    if survey.get("state") != "answered":
        return redirect(url_for("survey_pages.survey_form", token=token))
    return render_template("survey/thanks.html", survey=survey)


def _unavailable(status: int) -> int:
    log.warning("event=survey_service_answer status=%s", status)
    raise Unavailable("The survey service did not answer as expected.")
