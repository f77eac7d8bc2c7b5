"""The one outbound mailer every service uses.

A mail is a row in the service's own `mails` table, written in the same transaction as the
change it reports (so it exists exactly when the change does). The worker's mail loop sends
due rows over SMTP, one transaction per mail, and marks a row sent only after the server took
it: while SMTP is down or unset the rows wait (held, never lost), with a growing back-off.
A crash between the server's 250 and the commit is the only way to a second copy, and that
copy has the same Message-ID, so mail clients fold the pair.

Mails about a ticket thread: each has its own Message-ID on the office's domain naming the
ticket (`<INC-2026-000042.3f9c..@domain>`), In-Reply-To the previous mail of the ticket and
References back to the thread's root (the ticket's first mail), so an inbound reader can
match a reply by In-Reply-To either against the `mails` rows or by the number in the id.
"""
from __future__ import annotations

import functools
import logging
import re
import secrets
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from sqlalchemy import Index, Integer, String, Text, bindparam, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .db import UtcDateTime
from .settings import SettingsError, env, env_float, env_int

log = logging.getLogger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"
MAX_REFERENCES = 10  # root + the latest few: a long thread's header stays short
_ID_NUMBER = re.compile(r"^<?([A-Z]{3}-\d{4}-\d{6})\.[0-9a-f]+@", re.IGNORECASE)


@dataclass(frozen=True)
class MailSettings:
    smtp_host: str | None      # unset: mails stay queued (and the loop says so), never lost
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    smtp_starttls: bool
    smtp_timeout: float
    domain: str                # the right-hand side of every Message-ID the desk makes
    reply_to: str | None       # the office mailbox clients answer to
    poll_seconds: float
    retry_seconds: float       # first back-off after a failed delivery, doubling
    retry_max_seconds: float   # the back-off stops growing here
    batch: int

    @classmethod
    def from_env(cls) -> MailSettings:
        sender = env("SERVICEDESK_SMTP_FROM", "Service Desk Diskominfo <servicedesk@localhost>")
        return cls(
            smtp_host=env("SERVICEDESK_SMTP_HOST"),
            smtp_port=env_int("SERVICEDESK_SMTP_PORT", 25),
            smtp_user=env("SERVICEDESK_SMTP_USER"),
            smtp_password=env("SERVICEDESK_SMTP_PASSWORD"),
            smtp_from=sender,
            smtp_starttls=env_flag("SERVICEDESK_SMTP_STARTTLS"),
            smtp_timeout=env_float("SERVICEDESK_SMTP_TIMEOUT", 10.0),
            domain=env("SERVICEDESK_MAIL_DOMAIN") or _domain_of(sender),
            reply_to=env("SERVICEDESK_MAIL_REPLY_TO") or _address(env("SERVICEDESK_IMAP_USER")),
            poll_seconds=env_float("SERVICEDESK_MAIL_POLL_SECONDS", 2.0),
            retry_seconds=env_float("SERVICEDESK_MAIL_RETRY_SECONDS", 30.0),
            retry_max_seconds=env_float("SERVICEDESK_MAIL_RETRY_MAX_SECONDS", 1800.0),
            batch=env_int("SERVICEDESK_MAIL_BATCH", 20),
        )


def env_flag(name: str, default: bool = False) -> bool:
    raw = (env(name) or ("1" if default else "0")).strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0, got {raw!r}")


def _domain_of(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rsplit("@", 1)[1] if "@" in address else "localhost"


def _address(value: str | None) -> str | None:
    """The IMAP login doubles as the Reply-To only when it is a mail address."""
    return value if value and "@" in value else None


class MailColumns:
    """Declarative mixin: `class Mail(MailColumns, Base): pass` gives a service its queue."""
    __tablename__ = "mails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # one mail per cause
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str | None] = mapped_column(String(20), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message_id: Mapped[str | None] = mapped_column(String(250), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(250))
    thread_refs: Mapped[str | None] = mapped_column(Text)  # the References header

    @declared_attr.directive
    def __table_args__(cls):  # noqa: N805 - the mail loop asks only for pending, due mails
        return (Index("ix_mails_due", "next_attempt_at",
                      postgresql_where=text("status = 'pending'"),
                      sqlite_where=text("status = 'pending'")),)


def new_message_id(domain: str, number: str | None = None) -> str:
    return f"<{number or 'desk'}.{secrets.token_hex(10)}@{domain}>"


def number_in_message_id(message_id: str | None) -> str | None:
    """The ticket a Message-ID the desk made is about (for the inbound reader)."""
    match = _ID_NUMBER.match((message_id or "").strip())
    return match.group(1).upper() if match else None


class MailQueue:
    """The service's `mails` table inside a unit of work's session."""

    def __init__(self, session, model, settings: MailSettings):
        self.session, self.model, self.settings = session, model, settings

    def queue(self, *, key: str, kind: str, to: str, subject: str, body: str, at: datetime,
              number: str | None = None) -> str | None:
        """Queue a mail once per key (a redelivered cause queues nothing new); a mail about a
        ticket threads on the ticket's earlier mails. The new Message-ID, None when a mail of
        this key was queued before. One INSERT .. ON CONFLICT DO NOTHING."""
        thread = self.thread(number) if number else []
        message_id = new_message_id(self.settings.domain, number)
        row = self.session.execute(_insert(self.model, self.session.get_bind().dialect.name), {
            "key": key, "kind": kind, "number": number, "to_address": to, "subject": subject,
            "body": body, "status": PENDING, "attempts": 0, "next_attempt_at": at,
            "created_at": at, "message_id": message_id,
            "in_reply_to": thread[-1] if thread else None,
            "thread_refs": " ".join(_references(thread)) or None}).first()
        return message_id if row is not None else None

    def thread(self, number: str) -> list[str]:
        """The Message-IDs of the ticket's mails, root first."""
        model = self.model
        return list(self.session.execute(
            select(model.message_id).where(model.number == number,
                                           model.message_id.is_not(None))
            .order_by(model.id)).scalars())

    def has_written_to(self, address: str) -> bool:
        model = self.model
        return self.session.execute(select(model.id).where(
            func.lower(model.to_address) == address.strip().lower()).limit(1)).first() is not None

    def of_ticket(self, number: str) -> list:
        return list(self.session.execute(
            select(self.model).where(self.model.number == number)
            .order_by(self.model.id)).scalars())


def _references(thread: list[str]) -> list[str]:
    if len(thread) <= MAX_REFERENCES:
        return thread
    return [thread[0], *thread[-(MAX_REFERENCES - 1):]]


@functools.lru_cache(maxsize=16)
def _insert(model, dialect: str):
    table = model.__table__
    names = ("key", "kind", "number", "to_address", "subject", "body", "status", "attempts",
             "next_attempt_at", "created_at", "message_id", "in_reply_to", "thread_refs")
    return (_UPSERT[dialect](table)
            .values({name: bindparam(name, type_=table.c[name].type) for name in names})
            .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id))


_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class PermanentFailure(Exception):
    """The server refused the mail for good (e.g. unknown recipient): retrying will not help."""


def compose(mail, settings: MailSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to_address
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    # Rows queued before Message-IDs were stored get a stable one from their id and key.
    message["Message-ID"] = mail.message_id or \
        f"<servicedesk-mail-{mail.id}-{mail.key.replace(':', '-')}@{settings.domain}>"
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
    if mail.thread_refs:
        message["References"] = mail.thread_refs
    message["Auto-Submitted"] = "auto-generated"  # other robots do not answer ours
    message.set_content(mail.body)
    return message


class SmtpSender:
    """The SMTP port: smtplib, STARTTLS and login when configured."""

    def __init__(self, settings: MailSettings):
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        settings = self.settings
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                              timeout=settings.smtp_timeout) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, settings.smtp_password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
            raise


def backoff(attempts: int, *, first: float, cap: float) -> timedelta:
    return timedelta(seconds=min(cap, first * 2 ** max(0, attempts - 1)))


def _claim_next(session, model, moment: datetime):
    query = (select(model).where(model.status == PENDING, model.next_attempt_at <= moment)
             .order_by(model.next_attempt_at, model.id).limit(1))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # two workers never send the same mail
    return session.execute(query).scalar_one_or_none()


def send_due(sessions, model, sender, settings: MailSettings, *, now=None) -> int:
    """Send what is due, one mail per transaction; returns how many were sent. Stops at the
    first failure that is not the mail's own (server down): the rest wait for the next turn."""
    sent = 0
    for _ in range(settings.batch):
        moment = now or datetime.now(UTC)
        with sessions() as session, session.begin():
            mail = _claim_next(session, model, moment)
            if mail is None:
                break
            mail.attempts += 1
            try:
                sender.send(compose(mail, settings))
            except PermanentFailure as exc:
                mail.status, mail.last_error = FAILED, str(exc)[:2000]
                log.warning("event=mail_failed mail=%s ticket=%s kind=%s error=%r",
                            mail.id, mail.number, mail.kind, exc)
                continue
            except (OSError, smtplib.SMTPException) as exc:
                delay = backoff(mail.attempts, first=settings.retry_seconds,
                                cap=settings.retry_max_seconds)
                mail.next_attempt_at = moment + delay
                mail.last_error = repr(exc)[:2000]
                log.warning("event=mail_deferred mail=%s ticket=%s attempts=%s retry_in=%ss "
                            "error=%r", mail.id, mail.number, mail.attempts,
                            int(delay.total_seconds()), exc)
                break
            mail.status, mail.sent_at, mail.last_error = SENT, datetime.now(UTC), None
            sent += 1
            log.info("event=mail_sent mail=%s ticket=%s kind=%s", mail.id, mail.number,
                     mail.kind)
    return sent


def pending_count(sessions, model) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(model)
                               .where(model.status == PENDING)).scalar_one()


def mail_loop(model, *, settings: MailSettings | None = None):
    """A LOOPS builder for a service whose `mails` table is `model`: the worker's thread
    that delivers the queued mails."""

    def build(worker):
        chosen = settings or MailSettings.from_env()
        sender = SmtpSender(chosen)

        def loop(stop: threading.Event) -> None:
            held = None
            while not stop.is_set():
                try:
                    if chosen.smtp_host:
                        send_due(worker.sessions, model, sender, chosen)
                    else:  # no server configured: keep every mail, say so when the count changes
                        count = pending_count(worker.sessions, model)
                        if count != held:
                            log.warning("event=mail_held reason=no_smtp_host pending=%s "
                                        "hint=set SERVICEDESK_SMTP_HOST", count)
                            held = count
                except Exception as exc:  # noqa: BLE001 - the database went away: try later
                    log.warning("event=mail_loop_failed error=%r", exc)
                stop.wait(chosen.poll_seconds)

        return loop

    return build
