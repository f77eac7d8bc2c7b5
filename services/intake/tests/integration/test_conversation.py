"""Replies and tracking: internal notes never reach a client by any path; clients answer
through their token; a client's reply lifts a hold."""


def test_internal_notes_never_reach_the_client(desk):
    owner = desk.client("client1")
    created = desk.create(owner, guest_email=None)
    number, token = created["number"], created["tracking_token"]
    note = desk.http.post(f"/api/v1/tickets/{number}/replies", headers=desk.operator,
                          json={"body": "Pelapor sering salah lapor", "internal": True})
    public = desk.http.post(f"/api/v1/tickets/{number}/replies", headers=desk.operator,
                            json={"body": "Kami sedang memeriksa."})
    assert note.status_code == 201 and public.status_code == 201
    assert note.json["internal"] is True and note.json["author_kind"] == "staff"

    assert [r["internal"] for r in desk.get(number)["replies"]] == [True, False]
    own = desk.get(number, owner)
    assert [r["body"] for r in own["replies"]] == ["Kami sedang memeriksa."]
    listed = desk.http.get("/api/v1/tickets", headers=owner).json["items"][0]
    assert [r["body"] for r in listed["replies"]] == ["Kami sedang memeriksa."]
    tracked = desk.http.get(f"/api/v1/track/{number}?token={token}").json
    assert [r["body"] for r in tracked["replies"]] == ["Kami sedang memeriksa."]
    assert "Pelapor" not in str(tracked) and "Pelapor" not in str(own)
    told = desk.events("ticket.replied", number)
    assert told[0]["internal"] is True and told[0]["body"] is None  # not even in the event
    assert told[1]["body"] == "Kami sedang memeriksa." and told[1]["author_kind"] == "staff"


def test_a_client_cannot_write_internal_notes(desk):
    owner = desk.client("client1")
    number = desk.create(owner, guest_email=None)["number"]
    response = desk.http.post(f"/api/v1/tickets/{number}/replies", headers=owner,
                              json={"body": "rahasia", "internal": True})
    assert response.status_code == 422 and "internal" in response.json["error"]["details"]
    assert desk.get(number)["replies"] == []


def test_a_guest_follows_and_answers_through_the_token(desk):
    created = desk.create()
    number, token = created["number"], created["tracking_token"]
    tracked = desk.http.get(f"/api/v1/track/{number}?token={token}")
    assert tracked.status_code == 200
    view = tracked.json
    assert (view["number"], view["status"], view["priority"]) == (number, "submitted", None)
    assert set(view["sla"]) == {"response_due_at", "resolution_due_at", "state"}
    assert "guest_email" not in view and "escalations" not in view
    reply = desk.http.post(f"/api/v1/track/{number}/replies?token={token}",
                           json={"body": "Masih mati sampai sekarang."})
    assert reply.status_code == 201 and reply.json["author_kind"] == "client"
    told = desk.events("ticket.replied", number)[-1]
    assert (told["author_kind"], told["by"], told["by_role"]) == (
        "client", "warga@example.com", "guest")
    assert desk.get(number)["replies"][-1]["body"] == "Masih mati sampai sekarang."


def test_a_wrong_token_or_number_is_a_404_that_tells_nothing(desk):
    created = desk.create()
    number, token = created["number"], created["tracking_token"]
    other = desk.create()["tracking_token"]
    for path in (f"/api/v1/track/{number}?token={other}",
                 f"/api/v1/track/{number}?token={token[:-2]}",
                 f"/api/v1/track/INC-2026-999999?token={token}"):
        response = desk.http.get(path)
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
    assert desk.http.post(f"/api/v1/track/{number}/replies?token={other}",
                          json={"body": "x"}).status_code == 404
    assert desk.http.get(f"/api/v1/track/{number}").status_code == 422
    assert desk.http.get(f"/api/v1/tickets/{number}?token={token}").status_code == 401


def test_a_client_reply_lifts_the_hold(desk):
    created = desk.create()
    number, token = created["number"], created["tracking_token"]
    desk.patch(number, status="new")
    desk.patch(number, status="in_progress")
    desk.http.post(f"/api/v1/tickets/{number}/hold", headers=desk.operator,
                   json={"reason": "waiting_client", "note": "Minta foto modem"})
    assert desk.get(number)["on_hold"] == "waiting_client"
    desk.http.post(f"/api/v1/track/{number}/replies?token={token}",
                   json={"body": "Ini fotonya."})
    assert desk.get(number)["on_hold"] is None
    ended, = desk.events("ticket.hold_ended", number)
    assert (ended["reason"], ended["cause"]) == ("waiting_client", "client_replied")


def test_a_staff_reply_does_not_lift_the_hold(desk):
    number = desk.create()["number"]
    desk.patch(number, status="new")
    desk.patch(number, status="in_progress")
    desk.http.post(f"/api/v1/tickets/{number}/hold", headers=desk.operator,
                   json={"reason": "waiting_vendor"})
    desk.http.post(f"/api/v1/tickets/{number}/replies", headers=desk.operator,
                   json={"body": "Masih menunggu vendor."})
    assert desk.get(number)["on_hold"] == "waiting_vendor"


def test_a_reply_needs_a_body_of_sane_length(desk):
    number = desk.create()["number"]
    for body in ({}, {"body": " "}, {"body": "x" * 20001}, {"body": "ok", "cc": "x"}):
        response = desk.http.post(f"/api/v1/tickets/{number}/replies", headers=desk.operator,
                                  json=body)
        assert response.status_code == 422
    assert desk.get(number)["replies"] == []


def test_the_survey_link_is_shown_to_staff_and_the_owner(desk):
    from intake.worker import HANDLERS
    from servicedesk_common.events import Envelope
    from servicedesk_common.worker import once_per_message

    created = desk.create()
    number, token = created["number"], created["tracking_token"]
    desk.make_closable(number)
    desk.http.post(f"/api/v1/tickets/{number}/close", headers=desk.operator, json={})
    handle = once_per_message(HANDLERS["survey.sent"], lambda **kw: desk.harness.uow())
    handle(Envelope(type="survey.sent", producer="survey", payload={
        "number": number, "url": "/survei/abc123", "survey_id": 1}))
    assert desk.get(number)["survey"]["url"] == "/survei/abc123"
    assert desk.http.get(f"/api/v1/track/{number}?token={token}").json["survey"] == {
        "status": "sent", "score": None, "url": "/survei/abc123"}
