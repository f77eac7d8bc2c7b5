"""Reading one inbound mail: text out of every charset and transfer encoding, HTML as text,
quoted history cut, ticket numbers found, machines' mail told apart, broken trees refused."""
import pytest

from intake.mail import Unreadable, read_mail, without_quoted_history


def raw(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n" + body


BASE = "From: Siti <siti@bappeda.go.id>\nSubject: {subject}\nMessage-ID: <m1@bappeda.go.id>\n"


@pytest.mark.parametrize("charset,encoding,body,expected", [
    ("utf-8", "base64", b"S29uZWtzaSBwdXR1cyDigJQgbGFudGFpIDI=", "Koneksi putus \u2014 lantai 2"),
    ("iso-8859-1", "quoted-printable", b"Caf=E9 tutup", "Caf\u00e9 tutup"),
    ("windows-1252", "8bit", b"Harga \x80 10", "Harga \u20ac 10"),
    ("koi8-r", "8bit", "\u041f\u0440\u0438\u0432\u0435\u0442".encode("koi8-r"),
     "\u041f\u0440\u0438\u0432\u0435\u0442"),
])
def test_every_charset_and_transfer_encoding_gives_text(charset, encoding, body, expected):
    mail = read_mail(raw(BASE.format(subject="x") + f"Content-Type: text/plain; "
                         f"charset={charset}\nContent-Transfer-Encoding: {encoding}\n", body))
    assert mail.text == expected


def test_an_unknown_charset_still_gives_what_can_be_read():
    mail = read_mail(raw(BASE.format(subject="x") + "Content-Type: text/plain; "
                         "charset=x-nonsense\n", b"Printer rusak"))
    assert mail.text == "Printer rusak"


def test_html_becomes_readable_text_without_markup():
    html = (b"<html><head><style>p{color:red}</style></head><body><p>Server <b>down</b>"
            b"</p><table><tr><td>IP</td><td>10.0.0.1</td></tr></table></body></html>")
    mail = read_mail(raw(BASE.format(subject="x") + "Content-Type: text/html\n", html))
    assert "Server down" in mail.text and "10.0.0.1" in mail.text
    assert "<" not in mail.text and "color" not in mail.text


def test_quoted_history_is_cut_from_replies():
    text = ("Masih belum bisa.\n\nPada Sen, 1 Des 2026 09.00, Service Desk menulis:\n"
            "> Mohon dicoba lagi.")
    assert without_quoted_history(text) == "Masih belum bisa."
    outlook = "Oke.\n-----Original Message-----\nFrom: desk\nSent: today"
    assert without_quoted_history(outlook) == "Oke."
    assert without_quoted_history("> only a quote") == "> only a quote"


def test_ticket_numbers_come_from_the_subject_and_the_ids_it_answers():
    mail = read_mail(raw(BASE.format(subject="RE: Fwd: [REQ-2026-000007] akun baru")
                         + "In-Reply-To: <INC-2026-000042.77ab@desk.example>\n", b"ok"))
    assert mail.ticket_numbers() == ["REQ-2026-000007", "INC-2026-000042"]
    assert mail.title == "akun baru"


@pytest.mark.parametrize("extra,sender", [
    ("Auto-Submitted: auto-replied\n", "siti@bappeda.go.id"),
    ("X-Autoreply: yes\n", "siti@bappeda.go.id"),
    ("Precedence: list\n", "siti@bappeda.go.id"),
    ("", "MAILER-DAEMON@mx.bappeda.go.id"),
    ("", "desk@office.example"),
])
def test_machines_mail_is_marked_automatic(extra, sender):
    headers = BASE.format(subject="Out of office").replace("siti@bappeda.go.id", sender)
    mail = read_mail(raw(headers + extra, b"away"), own_addresses=("desk@office.example",))
    assert mail.automatic


def test_auto_submitted_no_is_a_person_writing():
    mail = read_mail(raw(BASE.format(subject="x") + "Auto-Submitted: no\n", b"hi"))
    assert mail.automatic is None


def test_a_broken_multipart_tree_is_unreadable():
    broken = raw(BASE.format(subject="x") + 'Content-Type: multipart/mixed; boundary="A"\n',
                 b"--B\r\nContent-Type: text/plain\r\n\r\nhalo\r\n")
    with pytest.raises(Unreadable):
        read_mail(broken)


def test_a_mail_without_a_message_id_gets_one_from_its_content():
    body = raw("From: a@b.go.id\nSubject: x\n", b"hi")
    assert read_mail(body).message_id == read_mail(body).message_id
    assert read_mail(body).message_id != read_mail(body + b"!").message_id
