"""The office's mail servers for the stack tests: a real SMTP peer (aiosmtpd) that keeps what the
desk sends, and helpers to read and write mails as a client's mail program would."""
from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.utils import make_msgid

LINK = re.compile(r"/lacak\?number=(?P<number>[A-Z]{3}-\d{4}-\d{6})&token=(?P<token>\S+)")


class Inbox:
    """aiosmtpd's handler: every mail the desk sent, by recipient."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content)
        self.messages.extend((to.lower(), message) for to in envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [message for to, message in self.messages if to == address.lower()]


def text(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def unfold(header: str | None) -> str:
    return " ".join((header or "").split())


def written(sender: str, to: str, subject: str, body: str, **headers) -> bytes:
    """A mail as a client's mail program sends it (headers: In_Reply_To= -> In-Reply-To)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()
