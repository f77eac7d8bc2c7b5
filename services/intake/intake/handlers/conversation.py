"""Replies (public or internal) and attachments. Internal notes never reach a client: not in
their views, not in the tracking page, and their text is not even in the event."""
from __future__ import annotations

from dataclasses import dataclass

from servicedesk_common.errors import Invalid, TooLarge, UnsupportedMedia
from servicedesk_common.identity import Identity

from .. import domain, filetypes
from ..models import Attachment, Reply, Ticket
from .base import author_kind, by_at, now
from .status import DONE, IN_PROGRESS, end_hold, move
from .tickets import Created, open_ticket

MAX_FILES_PER_REQUEST = 10
ZIP_KINDS = ("docx", "xlsx")


def add_reply(ticket: Ticket, *, body: str, internal: bool, by: Identity, uow,
              message_id: str | None = None) -> Reply:
    if internal and not by.is_staff:
        raise Invalid("Only the service desk writes internal notes.", field="internal")
    at = now()
    reply = Reply(author=by.username, author_role=by.role, body=body, internal=internal,
                  kind="note" if internal else "reply", created_at=at)
    ticket.replies.append(reply)
    ticket.updated_at = at
    uow.session.flush()
    uow.tickets.record(ticket, what="internal_note" if internal else "reply",
                       by=by.username, source="intake", at=at, to_value=f"#{reply.id}")
    uow.outbox.add("ticket.replied", {
        "number": ticket.number, "reply_id": reply.id, "body": None if internal else body,
        "internal": internal, "author_kind": author_kind(by), **by_at(by, at),
        **({"message_id": message_id} if message_id else {})}, aggregate_id=ticket.number)
    if not by.is_staff:
        ticket.unread_client_replies = (ticket.unread_client_replies or 0) + 1
        if ticket.hold_reason:
            end_hold(ticket, by=by, uow=uow, cause="client_replied", at=at)
    return reply


def mark_replies_read(ticket: Ticket) -> None:
    """A staff member opened the ticket: its client replies are no longer news."""
    ticket.unread_client_replies = 0


@dataclass
class ClientReply:
    reply: Reply | None  # None when the reply opened a new ticket (its body is the reply)
    ticket: Ticket
    follow_up: Created | None = None


def client_reply(ticket: Ticket, *, body: str, by: Identity, uow, reopen_days: int,
                 channel: str = "web", message_id: str | None = None) -> ClientReply:
    """DOMAIN.md: a reply on a done ticket within the reopen window reopens it; later it opens
    a new ticket linked `related` to the old one. Never stored where nobody looks."""
    if ticket.status == DONE:
        if not domain.owner_may_reopen(ticket.closed_at, now(), days=reopen_days):
            created = follow_up(ticket, body=body, by=by, uow=uow, channel=channel,
                                message_id=message_id)
            return ClientReply(None, created.ticket, created)
        move(ticket, IN_PROGRESS, by=by, uow=uow, reason="the client replied")
    return ClientReply(add_reply(ticket, body=body, internal=False, by=by, uow=uow,
                                 message_id=message_id), ticket)


def follow_up(old: Ticket, *, body: str, by: Identity, uow, channel: str,
              message_id: str | None = None) -> Created:
    at = now()
    created = open_ticket(dict(
        type=old.type, title=old.title, body=body, category=old.category,
        service=old.service, channel=channel, status=domain.Status.SUBMITTED.value,
        client=old.client, guest_email=old.guest_email, contact_name=old.contact_name,
        contact_phone=old.contact_phone, agency=old.agency, recorded_by=None),
        by=by, uow=uow, at=at, related_to=old.number,
        **({"message_id": message_id} if message_id else {}))
    for one, other in ((created.ticket, old.number), (old, created.ticket.number)):
        uow.tickets.record(one, what="link", by=by.username, source="intake", at=at,
                           to_value=f"related {other}")
    return created


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content: bytes | None  # None when it is over the limit: not even read
    size: int


def check_uploads(uploads: list[Upload], *, max_bytes: int, allowed: tuple[str, ...],
                  max_unpacked_bytes: int) -> list:
    """All files are judged before any is kept: one refused file refuses the request."""
    if not uploads:
        raise Invalid("Attach at least one file in a field named 'file'.", field="file")
    if len(uploads) > MAX_FILES_PER_REQUEST:
        raise Invalid(f"At most {MAX_FILES_PER_REQUEST} files at once.", field="file")
    checked = []
    for upload in uploads:
        name = filetypes.safe_filename(upload.filename)
        if upload.size > max_bytes or upload.content is None:
            raise TooLarge(f"{name!r} is larger than the limit of {_size(max_bytes)}.",
                           details={"file": [f"{name}: {_size(upload.size)}, the "
                                             f"limit is {_size(max_bytes)}."],
                                    "max_bytes": max_bytes})
        if not upload.content:
            raise Invalid(f"{name!r} is empty.", field="file")
        kind = filetypes.detect(upload.content, name)
        if kind not in allowed:
            accepted = ", ".join(k.upper() for k in allowed)
            raise UnsupportedMedia(
                f"{name!r} is not a file type we accept; send one of {accepted}.",
                details={"file": [f"{name}: its content is not one of {accepted}."],
                         "allowed": list(allowed)})
        if kind in ZIP_KINDS and filetypes.unpacked_size(upload.content) > max_unpacked_bytes:
            raise TooLarge(f"{name!r} unpacks to more than {_size(max_unpacked_bytes)}.",
                           details={"file": [f"{name}: unpacked, it is larger than "
                                             f"{_size(max_unpacked_bytes)}."],
                                    "max_unpacked_bytes": max_unpacked_bytes})
        checked.append((filetypes.named_for(name, kind), kind, upload.content))
    return checked


def add_attachments(ticket: Ticket, checked: list, *, by: Identity, uow, store,
                    new_key) -> list[Attachment]:
    at = now()
    added = []
    for name, kind, content in checked:
        key = new_key(ticket.number)
        store.put(key, content)
        attachment = Attachment(filename=name, content_type=filetypes.content_type(kind),
                                size=len(content), storage_key=key, uploaded_by=by.username,
                                created_at=at)
        ticket.attachments.append(attachment)
        added.append(attachment)
        uow.tickets.record(ticket, what="attachment", by=by.username, source="intake", at=at,
                           to_value=name)
    ticket.updated_at = at
    uow.session.flush()
    return added


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"
