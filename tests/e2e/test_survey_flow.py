"""Closing the loop with the client, through the gateway as users do it: the ticket is closed,
the survey link shows on the ticket, the client answers on /survei/{token} (no JavaScript),
the supervisor sees the low score, follows it up and evaluates it."""
from __future__ import annotations

import re

LOW = {f"q{n}": "2" if n % 2 else "3" for n in range(1, 11)}  # mean 2.5: a follow-up


def close(operator, number: str) -> None:
    assert operator.patch(f"/api/v1/tickets/{number}", json={
        "urgency": "medium", "impact": "medium"}).status_code == 200
    closed = operator.post(f"/api/v1/tickets/{number}/close",
                           json={"resolution": "Kabel jaringan diganti."})
    assert closed.status_code == 200, closed.text


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_client_answers_the_survey_page_and_the_supervisor_follows_up(stack, anonymous,
                                                                      operator):
    created = anonymous.post("/api/v1/tickets", json={
        "title": "Printer jaringan tidak terdeteksi", "body": "Sejak pindah ruangan.",
        "category": "Jaringan", "service": "Perbaikan jaringan",
        "guest_email": "sari@example.com", "contact_name": "Sari"})
    assert created.status_code == 201, created.text
    ticket = created.json()
    number = ticket["number"]
    close(operator, number)

    seen = operator.eventually(f"/api/v1/tickets/{number}",
                               lambda t: (t.get("survey") or {}).get("url"), timeout=15)
    url = seen["survey"]["url"]
    assert seen["survey"]["status"] == "sent"
    token = url.rsplit("/", 1)[1]
    assert url.endswith(f"/survei/{token}") and len(token) >= 32
    link_replies = [r for r in seen["replies"] if r["kind"] == "survey"]
    assert len(link_replies) == 1 and url in link_replies[0]["body"]
    assert link_replies[0]["internal"] is False  # the client sees it
    tracking = anonymous.get("/lacak", params={"number": number,
                                              "token": ticket["tracking_token"]})
    assert tracking.status_code == 200 and url in tracking.text

    api_view = anonymous.get(f"/api/v1/surveys/{token}")
    assert api_view.status_code == 200
    assert api_view.json()["number"] == number and len(api_view.json()["questions"]) == 10

    page = anonymous.get(f"/survei/{token}")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="id">' in html and "Survei Kepuasan Pelanggan" in html
    assert "Apakah anda puas dengan metode penyampaian masalah?" in html
    assert html.count('type="radio"') == 50 and html.count("<fieldset") == 10
    assert "Sangat Memuaskan" in html and 'value="Sari"' in html  # prefilled name
    assert "<script>" not in html
    csrf = csrf_of(html)

    missing = anonymous.post(f"/survei/{token}", data={
        "csrf_token": csrf, "name": "Sari", "email": "bukan-email",
        **{k: v for k, v in LOW.items() if k != "q3"}}, allow_redirects=False)
    assert missing.status_code == 422
    assert "Pertanyaan 3: Pilih salah satu jawaban." in missing.text
    assert 'id="f-q3-error"' in missing.text and 'id="f-email-error"' in missing.text
    assert 'value="bukan-email"' in missing.text  # what was typed stays
    assert re.search(r'name="q1" value="2" checked', missing.text)

    forged = anonymous.post(f"/survei/{token}", data={"name": "Sari", **LOW},
                            allow_redirects=False)
    assert forged.status_code == 400
    assert anonymous.get(f"/api/v1/surveys/{token}").json()["state"] == "open"

    sent = anonymous.post(f"/survei/{token}", data={
        "csrf_token": csrf, "name": "Sari", "agency": "Dinas Pendidikan",
        "user_group": "panitia", "suggestion": "Mohon lebih cepat.", **LOW},
        allow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert sent.headers["Location"].endswith(f"/survei/{token}/terima-kasih")
    thanks = anonymous.get(sent.headers["Location"])
    assert thanks.status_code == 200 and "Terima kasih" in thanks.text

    again = anonymous.get(f"/survei/{token}")
    assert again.status_code == 409 and "Survei sudah diisi" in again.text
    twice = anonymous.post(f"/api/v1/surveys/{token}", json={
        "answers": [5] * 10, "respondent": {"name": "Sari"}})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "survey_answered"
    assert anonymous.get("/survei/abcdefghijklmnopqrstuvwxyz012345").status_code == 404

    answered = operator.eventually(
        f"/api/v1/tickets/{number}",
        lambda t: (t.get("survey") or {}).get("status") == "answered", timeout=15)
    assert answered["survey"]["score"] == 2.5
    assert answered["survey"]["url"] == url
    follow_up = [r for r in answered["replies"] if r["kind"] == "follow_up"]
    assert len(follow_up) == 1 and follow_up[0]["internal"] is True

    supervisor = stack.client("supervisor1")
    assert operator.get("/api/v1/surveys").status_code == 403
    assert anonymous.get("/api/v1/surveys").status_code == 401
    listed = supervisor.get("/api/v1/surveys", params={"follow_up": "open", "per_page": 200})
    assert listed.status_code == 200
    mine = next(i for i in listed.json()["items"] if i["number"] == number)
    assert mine["respondent"]["agency"] == "Dinas Pendidikan"
    assert mine["suggestion"] == "Mohon lebih cepat."
    evaluated = supervisor.patch(f"/api/v1/surveys/{mine['id']}/evaluation", json={
        "severity": "non_major", "target_quarter": 3, "note": "Tambah printer cadangan.",
        "approved": True})
    assert evaluated.status_code == 200, evaluated.text
    assert evaluated.json()["follow_up_open"] is False
    refused = supervisor.patch(f"/api/v1/surveys/{mine['id']}/evaluation",
                               json={"target_quarter": 7})
    assert refused.status_code == 422 and "target_quarter" in refused.json()["error"]["details"]

    summary = supervisor.get("/api/v1/surveys/summary", params={"from": "2020-01-01"})
    assert summary.status_code == 200 and summary.json()["count"] >= 1
    assert len(summary.json()["per_question"]) == 10
    kpi = stack.client("admin").get("/api/v1/surveys/kpi", params={"from": "2020-01-01"})
    assert kpi.status_code == 200 and kpi.json()["answered"] >= 1


def test_an_expired_survey_link_shows_its_closing_date_and_takes_no_answer(stack, anonymous,
                                                                           operator):
    from sqlalchemy import create_engine, text

    from servicedesk_common.db import normalize_url

    created = anonymous.post("/api/v1/tickets", json={
        "title": "Email dinas tidak bisa login", "body": "Kata sandi ditolak.",
        "category": "Aplikasi", "service": "Aplikasi rusak", "guest_email": "dodi@example.com"})
    number = created.json()["number"]
    close(operator, number)
    seen = operator.eventually(f"/api/v1/tickets/{number}",
                               lambda t: (t.get("survey") or {}).get("url"), timeout=15)
    token = seen["survey"]["url"].rsplit("/", 1)[1]
    engine = create_engine(normalize_url(
        stack.env["SERVICEDESK_DATABASE_URL"].replace("{service}", "survey")))
    with engine.begin() as conn:  # fifteen days later
        conn.execute(text("UPDATE surveys SET expires_at = now() - interval '1 day' "
                          "WHERE number = :n"), {"n": number})
    engine.dispose()

    page = anonymous.get(f"/survei/{token}")
    assert page.status_code == 410
    assert "Masa pengisian survei sudah berakhir" in page.text and number in page.text
    assert "<form" not in page.text.split('id="konten"', 1)[1]
    late = anonymous.post(f"/api/v1/surveys/{token}", json={
        "answers": [5] * 10, "respondent": {"name": "Dodi"}})
    assert late.status_code == 410 and late.json()["error"]["code"] == "survey_expired"
    assert anonymous.get(f"/api/v1/surveys/{token}").json()["state"] == "expired"
