"""Mail delivery: the worker's loop sends the queued mails over SMTP, one transaction per mail,
with a growing back-off while the server is down. A mail is marked sent only after the server
took it, so nothing is lost; a crash between the two is the only way to a duplicate (the
Message-ID is stable per mail, so mail clients fold such a pair)."""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import func, select

from .config import SurveyConfig
from .models import Mail

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The server refused the mail for good (e.g. unknown recipient): retrying will not help."""


def compose(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = f"<servicedesk-mail-{mail.id}-{mail.key.replace(':', '-')}@survey>"
    message.set_content(mail.body)
    return message


class SmtpSender:
    """The SMTP port: smtplib, STARTTLS and login when configured."""

    def __init__(self, config: SurveyConfig):
        self.config = config

    def send(self, message: EmailMessage) -> None:
        config = self.config
        try:
            with smtplib.SMTP(config.smtp_host, config.smtp_port,
                              timeout=config.smtp_timeout) as smtp:
                if config.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if config.smtp_user:
                    smtp.login(config.smtp_user, config.smtp_password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
            raise


def backoff(attempts: int, *, first: float, cap: float) -> timedelta:
    return timedelta(seconds=min(cap, first * 2 ** max(0, attempts - 1)))


def _claim_next(session, moment: datetime):
    query = (select(Mail).where(Mail.status == "pending", Mail.next_attempt_at <= moment)
             .order_by(Mail.next_attempt_at, Mail.id).limit(1))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # two workers never send the same mail
    return session.execute(query).scalar_one_or_none()


def send_due(sessions, sender, config: SurveyConfig, *, now=None) -> int:
    """Send what is due, one mail per transaction; returns how many were sent. Stops at the
    first failure that is not the mail's own (server down): the rest wait for the next turn."""
    sent = 0
    for _ in range(config.mail_batch):
        moment = now or datetime.now(UTC)
        with sessions() as session, session.begin():
            mail = _claim_next(session, moment)
            if mail is None:
                break
            mail.attempts += 1
            try:
                sender.send(compose(mail, config.smtp_from))
            except PermanentFailure as exc:
                mail.status, mail.last_error = "failed", str(exc)[:2000]
                log.warning("event=mail_failed mail=%s ticket=%s kind=%s error=%r",
                            mail.id, mail.number, mail.kind, exc)
                continue
            except (OSError, smtplib.SMTPException) as exc:
                delay = backoff(mail.attempts, first=config.mail_retry_seconds,
                                cap=config.mail_retry_max_seconds)
                mail.next_attempt_at = moment + delay
                mail.last_error = repr(exc)[:2000]
                log.warning("event=mail_deferred mail=%s ticket=%s attempts=%s retry_in=%ss "
                            "error=%r", mail.id, mail.number, mail.attempts,
                            int(delay.total_seconds()), exc)
                break
            mail.status, mail.sent_at, mail.last_error = "sent", datetime.now(UTC), None
            sent += 1
            log.info("event=mail_sent mail=%s ticket=%s kind=%s", mail.id, mail.number,
                     mail.kind)
    return sent


def pending_count(sessions) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(Mail)
                               .where(Mail.status == "pending")).scalar_one()


def mail_loop(worker):
    """LOOPS builder: the worker's thread that delivers queued mails."""
    config = SurveyConfig.from_env()
    sender = SmtpSender(config)

    def loop(stop: threading.Event) -> None:
        held = None
        while not stop.is_set():
            try:
                if config.smtp_host:
                    send_due(worker.sessions, sender, config)
                else:  # no server configured: keep every mail, say so when the count changes
                    count = pending_count(worker.sessions)
                    if count != held:
                        log.warning("event=mail_held reason=no_smtp_host pending=%s "
                                    "hint=set SERVICEDESK_SMTP_HOST", count)
                        held = count
            except Exception as exc:  # noqa: BLE001 - the database went away: try again later
                log.warning("event=mail_loop_failed error=%r", exc)
            stop.wait(config.mail_poll_seconds)

    return loop
