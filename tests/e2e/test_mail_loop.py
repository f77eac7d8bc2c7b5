"""The whole e-mail loop on real servers (issue 16's "done when"): an official who only has an
e-mail address writes to the office mailbox (Dovecot), gets a threaded answer with a tracking
link (aiosmtpd, the office's SMTP server), answers by mail twice, once after the ticket was
closed, and each time the operator sees the reply in the queue and was told."""
from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from servicedesk_common.bus import wait_until
from servicedesk_common.dovecot import Dovecot
from servicedesk_common.testing import free_port
from tests.conftest import start_stack, stop_stack
from tests.mailboxes import LINK, Inbox, text, unfold, written

OFFICIAL = "sekretaris@bappeda.madiunkota.go.id"
OFFICE = "desk@office.example"  # the mailbox Dovecot serves, and the desk's Reply-To


@pytest.fixture(scope="module")
def loop(test_databases, amqp_url, tmp_path_factory):
    mailbox = Dovecot(user=OFFICE).start()
    inbox, port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    stack, process, bus, log_file = start_stack(
        test_databases, amqp_url, tmp_path_factory.mktemp("mail-loop"), **mailbox.settings,
        SERVICEDESK_IMAP_IDLE_SECONDS="5", SERVICEDESK_SMTP_HOST="127.0.0.1",
        SERVICEDESK_SMTP_PORT=str(port), SERVICEDESK_MAIL_POLL_SECONDS="0.2",
        SERVICEDESK_SMTP_FROM="Service Desk Diskominfo <servicedesk@madiunkota.go.id>",
        SERVICEDESK_MAIL_REPLY_TO=OFFICE, SERVICEDESK_NOTIFY_POLL_SECONDS="0.3")
    yield stack, mailbox, inbox
    stop_stack(process, bus, log_file)
    smtp.stop()
    mailbox.remove()


def mails_to_official(inbox, count: int) -> list:
    assert wait_until(lambda: len(inbox.to(OFFICIAL)) >= count, 45), \
        [unfold(m["Subject"]) for m in inbox.to(OFFICIAL)]
    return inbox.to(OFFICIAL)


def answer(mailbox, to, body: str) -> None:
    """The official presses "Reply" on the desk's mail `to`: its thread, its subject."""
    mailbox.deliver(written(
        f"Sekretaris Bappeda <{OFFICIAL}>", OFFICE, "Re: " + unfold(to["Subject"]), body,
        In_Reply_To=to["Message-ID"],
        References=" ".join(filter(None, [unfold(to["References"]), to["Message-ID"]]))))


def told_of_replies(operator, number: str) -> int:
    items = operator.get("/api/v1/notifications").json()["items"]
    return sum(1 for n in items if n["number"] == number and n["kind"] == "client_replied")


def test_an_official_is_answered_by_mail_and_replies_twice_and_the_operator_sees_each(loop):
    stack, mailbox, inbox = loop
    operator = stack.client("operator1")
    assert operator.get("/api/v1/notifications").status_code == 200  # on duty
    mailbox.deliver(written(f"Sekretaris Bappeda <{OFFICIAL}>", OFFICE,
                            "Aplikasi e-Planning tidak bisa login",
                            "Sejak pagi semua staf gagal login ke e-Planning."))
    found = operator.eventually(f"/api/v1/tickets?channel=email&q={OFFICIAL}",
                                lambda page: page["total"] == 1, timeout=60)
    number = found["items"][0]["number"]

    [receipt] = mails_to_official(inbox, 1)  # the threaded answer, with the tracking link
    assert unfold(receipt["Subject"]).startswith(f"[{number}] ")
    assert receipt["Reply-To"] == OFFICE
    link = LINK.search(text(receipt))
    assert link and link["number"] == number
    assert stack.client().get(f"/api/v1/track/{number}",
                              params={"token": link["token"]}).status_code == 200

    answer(mailbox, receipt, "Tambahan: muncul pesan 'akun terkunci'.\n\n> Tiket diterima")
    ticket = operator.eventually(f"/api/v1/tickets/{number}",
                                 lambda t: t["unread_client_replies"] == 1, timeout=60)
    assert [r["body"] for r in ticket["replies"] if r["author_kind"] == "client"] == [
        "Tambahan: muncul pesan 'akun terkunci'."]
    queue = operator.get("/api/v1/tickets", params={"q": number}).json()["items"]
    assert queue[0]["unread_client_replies"] == 1
    assert wait_until(lambda: told_of_replies(operator, number) == 1, 30)

    assert operator.post(f"/api/v1/tickets/{number}/read").status_code == 200
    assert operator.patch(f"/api/v1/tickets/{number}", json={
        "category": "Aplikasi", "service": "Aplikasi down", "urgency": "medium",
        "impact": "medium"}).status_code == 200
    closed = operator.post(f"/api/v1/tickets/{number}/close",
                           json={"resolution": "Akun dibuka kembali oleh admin e-Planning."})
    assert closed.status_code == 200, closed.text
    closing = mails_to_official(inbox, 2)[-1]
    assert unfold(closing["Subject"]).startswith(f"[{number}] ")
    assert closing["In-Reply-To"] == receipt["Message-ID"]
    assert LINK.search(text(closing))["token"] == link["token"]

    answer(mailbox, closing, "Hari ini terkunci lagi, mohon dicek.")
    reopened = operator.eventually(f"/api/v1/tickets/{number}",
                                   lambda t: t["unread_client_replies"] == 1, timeout=60)
    assert reopened["status"] == "in_progress"  # within 7 days of closing: reopened
    assert [r["body"] for r in reopened["replies"] if r["author_kind"] == "client"][-1] == \
        "Hari ini terkunci lagi, mohon dicek."
    assert wait_until(lambda: told_of_replies(operator, number) == 2, 30)
    assert mailbox.count("INBOX") == 0 and mailbox.count("Processed") == 3
