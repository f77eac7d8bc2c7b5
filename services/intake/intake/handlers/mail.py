"""One inbound mail, one unit of work: a new ticket, a client reply, nothing (a machine wrote
it) or the quarantine; the Message-ID is recorded with it, so the same mail changes nothing
the second time (the caller commits, then files the mail away)."""
from __future__ import annotations

from email.utils import getaddresses

from servicedesk_common.errors import ApiError
from servicedesk_common.identity import Identity

from .. import domain
from ..mail import (
    InboundMail,
    Unreadable,
    fallback_message_id,
    message_key,
    parse,
    read_mail,
    readable_text,
)
from ..models import QuarantinedMail, ReceivedMail, Reply, Ticket
from .base import now
from .conversation import Upload, add_attachments, check_uploads, client_reply
from .tickets import open_ticket

EMAIL = "email"


def take_mail(raw: bytes, *, uow, config, store, new_key, own_addresses=()) -> str:
    """What the mail made: ticket, reply, ignored, quarantined, or seen (handled before)."""
    message_id = _message_id(raw)
    key = message_key(message_id)
    if uow.mail.received(key) is not None:
        return "seen"
    try:
        mail = read_mail(raw, own_addresses=own_addresses)
    except Unreadable as unreadable:
        return _quarantine(raw, message_id, key, reason=str(unreadable), uow=uow)
    except Exception as failure:  # noqa: BLE001 - any mail the parser chokes on is kept
        return _quarantine(raw, message_id, key, reason=f"it could not be parsed: {failure!r}",
                           uow=uow)
    if mail.automatic:
        _record(uow, key, mail.message_id, mail.sender, "ignored", None)
        return "ignored"
    ticket = _answered(mail, uow)
    if ticket is not None:
        outcome = client_reply(ticket, body=mail.text or mail.title, by=_sender(ticket, mail),
                               uow=uow, reopen_days=config.reopen_days, channel=EMAIL,
                               message_id=mail.message_id)
        ticket, kind = outcome.ticket, "reply" if outcome.reply else "ticket"
        if outcome.follow_up is not None:
            ticket = uow.tickets.get_for_update(ticket.number)
    else:
        ticket, kind = _new_ticket(mail, uow), "ticket"
    _attach(ticket, mail, uow=uow, config=config, store=store, new_key=new_key)
    _record(uow, key, mail.message_id, mail.sender, kind, ticket.number)
    return kind


def _message_id(raw: bytes) -> str:
    try:
        found = str(parse(raw).get("Message-ID") or "").strip()
    except Exception:  # noqa: BLE001 - the quarantine will say why
        found = ""
    return found or fallback_message_id(raw)


def _record(uow, key, message_id, sender, outcome, number) -> None:
    uow.mail.record(ReceivedMail(key=key, message_id=message_id, sender=sender,
                                 outcome=outcome, ticket_number=number, received_at=now()))


def _answered(mail: InboundMail, uow) -> Ticket | None:
    """The ticket this mail answers, when it comes from that ticket's own client."""
    numbers = mail.ticket_numbers() + uow.mail.tickets_of(
        [message_key(i) for i in reversed(mail.refers_to)])
    for number in dict.fromkeys(numbers):
        ticket = uow.tickets.get_for_update(number) if domain.looks_like_number(number) else None
        if ticket is not None and (ticket.guest_email or "").lower() == mail.sender:
            return ticket
    return None


def _sender(ticket: Ticket, mail: InboundMail) -> Identity:
    if ticket.client:
        return Identity(username=ticket.client, role="client", email=mail.sender)
    return Identity(username=mail.sender, role="guest", email=mail.sender)


def _new_ticket(mail: InboundMail, uow) -> Ticket:
    """A mail that answers no ticket of its sender's: a ticket to verify. One naming someone
    else's ticket says so in a note, for the operator to merge if it belongs there."""
    at = now()
    client = uow.mail.client_with_email(mail.sender)
    named = [n for n in mail.ticket_numbers() if domain.looks_like_number(n)]
    note = None
    if named:
        note = Reply(author="mail", author_role="operator", internal=True, kind="note",
                     created_at=at, body=f"This mail names {', '.join(named)} but does not "
                     f"come from that ticket's client ({mail.sender}): merge it if it "
                     "belongs there.")
    by = Identity(username=client or mail.sender, role="client" if client else "guest",
                  email=mail.sender)
    created = open_ticket(dict(
        type=domain.TicketType.INCIDENT.value, title=mail.title, body=mail.text or mail.title,
        category=None, service=None, channel=EMAIL, status=domain.Status.SUBMITTED.value,
        client=client, guest_email=mail.sender, contact_name=mail.sender_name,
        recorded_by=None), by=by, uow=uow, at=at, note=note, message_id=mail.message_id)
    return uow.tickets.get_for_update(created.ticket.number)


def _attach(ticket: Ticket, mail: InboundMail, *, uow, config, store, new_key) -> None:
    """Each file under the web form's rules; a refused one is named in a note, the mail
    itself stays in the done folder."""
    kept, refused = [], []
    for file in mail.files:
        try:
            kept += check_uploads([Upload(file.filename, file.content, len(file.content))],
                                  max_bytes=config.attachment_max_bytes,
                                  allowed=config.attachment_types,
                                  max_unpacked_bytes=config.attachment_max_unpacked_bytes)
        except ApiError as refusal:
            refused.append(refusal.message)
    if kept:
        add_attachments(ticket, kept, by=Identity(mail.sender, "guest"), uow=uow, store=store,
                        new_key=new_key)
    if refused:
        ticket.replies.append(Reply(
            author="mail", author_role="operator", internal=True, kind="note",
            created_at=now(), body="Files of the mail not kept (the original is in the "
            "mailbox's done folder):\n" + "\n".join(f"- {r}" for r in refused)))
        uow.session.flush()


def _quarantine(raw: bytes, message_id: str, key: str, *, reason: str, uow) -> str:
    try:
        headers = parse(raw)
        sender, subject = str(headers.get("From") or ""), str(headers.get("Subject") or "")
    except Exception:  # noqa: BLE001
        sender = subject = ""
    uow.mail.quarantine(QuarantinedMail(
        message_id=message_id, sender=sender[:254] or None, subject=subject or None,
        reason=reason, raw=raw, received_at=now()))
    _record(uow, key, message_id, sender[:254] or None, "quarantined", None)
    return "quarantined"


def ticket_from_quarantine(mail: QuarantinedMail, *, by: Identity, uow) -> Ticket:
    """An operator vouches for a mail the reader refused: whatever text it holds, kept."""
    sender = (getaddresses([mail.sender or ""]) or [("", "")])[0]
    created = open_ticket(dict(
        type=domain.TicketType.INCIDENT.value,
        title=(" ".join((mail.subject or "").split()) or f"Mail from {mail.sender}")[:200],
        body=readable_text(mail.raw) or "(the mail holds no readable text)",
        category=None, service=None, channel=EMAIL, status=domain.Status.SUBMITTED.value,
        guest_email=sender[1].lower() if "@" in sender[1] else None,
        contact_name=sender[0] or None, recorded_by=by.username), by=by, uow=uow, at=now())
    mail.ticket_number = created.ticket.number
    received = uow.mail.received(message_key(mail.message_id))
    if received is not None:
        received.ticket_number = created.ticket.number
    return uow.tickets.get(created.ticket.number)
