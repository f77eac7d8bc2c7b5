"""What survey does on each event and command, inside one unit of work (the caller commits)."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from servicedesk_common.errors import Conflict, Gone, Invalid, NotFound
from servicedesk_common.events import Envelope, iso, read_payload
from servicedesk_common.identity import STAFF

from . import domain, mails
from .models import Survey

log = logging.getLogger(__name__)
STAFF_AUTHORS = {*STAFF, "staff"}


def now() -> datetime:
    return datetime.now(UTC)


def on_ticket_created(event: Envelope, *, uow) -> None:
    """Remember the client's address; send "ticket received" with its tracking link."""
    payload = read_payload(event)
    number, email = payload["number"], payload.get("guest_email")
    uow.contacts.remember(number, email=email, contact_name=payload.get("contact_name"),
                          client=payload.get("client"), title=payload.get("title"),
                          tracking_token=payload.get("tracking_token"))
    if not email:
        log.info("event=mail_skipped kind=received ticket=%s reason=no_address", number)
        return
    subject, body = mails.received(number=number, title=payload.get("title"),
                                   name=payload.get("contact_name"),
                                   public_url=uow.config.public_url,
                                   tracking_token=payload.get("tracking_token"),
                                   status=payload.get("status"),
                                   first_contact=not uow.mails.has_written_to(email))
    uow.mails.queue(key=f"received:{number}", kind="received", number=number, to=email,
                    subject=subject, body=body, at=now())


def on_ticket_replied(event: Envelope, *, uow) -> None:
    """A public staff reply reaches the client by e-mail too (the operator informs the client)."""
    payload = read_payload(event)
    if payload.get("internal") or not (payload.get("body") or "").strip():
        return
    if payload.get("by_role") not in STAFF_AUTHORS \
            and payload.get("author_kind") not in STAFF_AUTHORS:
        return  # the client's own reply: nothing to tell them
    contact = uow.contacts.get(payload["number"])
    if contact is None or not contact.email:
        log.info("event=mail_skipped kind=reply ticket=%s reason=no_address", payload["number"])
        return
    subject, body = mails.replied(number=payload["number"], title=contact.title,
                                  name=contact.contact_name, reply=payload["body"],
                                  public_url=uow.config.public_url,
                                  tracking_token=contact.tracking_token,
                                  first_contact=not uow.mails.has_written_to(contact.email))
    reply_key = payload.get("reply_id") or event.message_id
    uow.mails.queue(key=f"reply:{payload['number']}:{reply_key}", kind="reply",
                    number=payload["number"], to=contact.email, subject=subject, body=body,
                    at=now())


def on_escalation_resolved(event: Envelope, *, uow) -> None:
    """Keep level 2's solution: the closing mail carries it when the closure names none."""
    payload = read_payload(event)
    uow.contacts.remember(payload["number"], solution=payload.get("solution"))


def on_ticket_closed(event: Envelope, *, uow) -> None:
    """Closure: a survey with an unguessable link (one per ticket), survey.sent, and the mail."""
    payload = read_payload(event)
    number = payload["number"]
    contact = uow.contacts.get(number)
    email = payload.get("guest_email") or (contact.email if contact else None)
    survey = uow.surveys.by_number(number, for_update=True)
    if survey is not None and survey.answered_at is not None:
        log.info("event=survey_not_resent ticket=%s reason=answered", number)
        return
    moment, token = now(), domain.new_token()
    facts = {name: payload.get(name) for name in (
        "category", "service", "priority", "assignee", "group", "client", "title")}
    facts.update(ticket_type=payload.get("type"), email=email, closed_by=payload.get("by"),
                 contact_name=payload.get("contact_name")
                 or (contact.contact_name if contact else None))
    expires_at = domain.expiry(moment, ttl_days=uow.config.ttl_days)
    if survey is None:
        chosen = domain.question_set_for(payload.get("type"), uow.question_sets.as_data())
        survey = Survey(number=number, token_hash=domain.hash_token(token),
                        question_set=chosen["code"], questions=list(chosen["questions"]),
                        sent_at=moment, expires_at=expires_at, sends=1, follow_up=False,
                        **facts)
        uow.surveys.add(survey)
    else:  # closed again after a reopening: a fresh link, a fresh deadline
        for name, value in facts.items():
            setattr(survey, name, value if value is not None else getattr(survey, name))
        survey.token_hash, survey.sent_at, survey.expires_at = (
            domain.hash_token(token), moment, expires_at)
        survey.sends += 1
    url = domain.survey_url(uow.config.public_url, token)
    uow.outbox.add("survey.sent", {"number": number, "survey_id": survey.id, "url": url,
                                   "expires_at": iso(expires_at), "email": email,
                                   "at": iso(moment)}, aggregate_id=number)
    if not email:
        log.info("event=mail_skipped kind=closed ticket=%s reason=no_address", number)
        return
    solution = payload.get("resolution") or payload.get("solution") \
        or (contact.solution if contact else None)
    subject, body = mails.closed(number=number, title=survey.title, name=survey.contact_name,
                                 solution=solution, survey_url=url, expires_at=expires_at,
                                 public_url=uow.config.public_url,
                                 tracking_token=contact.tracking_token if contact else None,
                                 first_contact=not uow.mails.has_written_to(email))
    uow.mails.queue(key=f"closed:{number}:{survey.sends}", kind="closed", number=number,
                    to=email, subject=subject, body=body, at=moment)


def survey_by_token(token: str, *, uow, for_update: bool = False) -> Survey:
    survey = uow.surveys.by_token_hash(domain.hash_token(token), for_update=for_update)
    if survey is None:
        raise NotFound("No survey behind this link: check that it was copied whole.")
    return survey


def submit_response(token: str, data: dict, *, uow) -> Survey:
    """One response per ticket: 409 when answered, 410 when expired, 422 naming bad fields."""
    survey = survey_by_token(token, uow=uow, for_update=True)
    moment = now()
    state = domain.state_of(answered_at=survey.answered_at, expires_at=survey.expires_at,
                            now=moment)
    if state is domain.State.ANSWERED:
        raise Conflict(f"The survey of ticket {survey.number} has already been answered.",
                       code="survey_answered")
    if state is domain.State.EXPIRED:
        raise Gone(f"The survey of ticket {survey.number} closed on "
                   f"{iso(survey.expires_at)}.", code="survey_expired")
    errors = domain.check_response(data, uow.user_groups.labels())
    if errors:
        raise Invalid("Some answers are missing or not valid: " + ", ".join(errors) + ".",
                      details=errors)
    survey.answers = list(data["answers"])
    survey.score = domain.score(survey.answers)
    survey.follow_up = domain.needs_follow_up(survey.score)
    survey.respondent = domain.clean_respondent(data.get("respondent"))
    survey.suggestion = (data.get("suggestion") or "").strip() or None
    survey.answered_at = moment
    uow.outbox.add("survey.submitted", {
        "number": survey.number, "survey_id": survey.id, "score": survey.score,
        "follow_up": survey.follow_up, "at": iso(moment)}, aggregate_id=survey.number)
    if survey.follow_up:
        log.info("event=survey_follow_up ticket=%s score=%s", survey.number, survey.score)
    return survey


def evaluate(survey_id: int, data: dict, *, by: str, uow) -> Survey:
    """The supervisor's evaluation: major / non-major, target quarter, note, approved."""
    errors = domain.check_evaluation(data)
    if errors:
        raise Invalid("Nothing to change in the evaluation.", details=errors)
    survey = uow.surveys.get(survey_id, for_update=True)
    if survey is None:
        raise NotFound(f"No survey {survey_id}.")
    if survey.answered_at is None:
        raise Conflict("Only an answered survey can be evaluated; this one has no answers yet.",
                       code="survey_not_answered")
    current = dict(survey.evaluation or {"severity": None, "target_quarter": None,
                                         "note": None, "approved": None})
    current.update(data)
    survey.evaluation = current
    survey.evaluated_by, survey.evaluated_at = by, now()
    return survey


EVENT_HANDLERS = {
    "ticket.created": on_ticket_created,
    "ticket.replied": on_ticket_replied,
    "escalation.resolved": on_escalation_resolved,
    "ticket.closed": on_ticket_closed,
}
