"""What the API shows of a survey: to the link holder, and to the supervisor."""
from __future__ import annotations

from datetime import datetime

from . import domain
from .models import Survey

SCALE_CHOICES = [{"value": value, "label": label} for value, label in domain.SCALE.items()]


def choices(labels: dict[str, str]) -> list[dict]:
    return [{"value": value, "label": label} for value, label in labels.items()]


def state(survey: Survey, now: datetime) -> str:
    return domain.state_of(answered_at=survey.answered_at, expires_at=survey.expires_at,
                           now=now).value


def public_view(survey: Survey, now: datetime, user_groups: dict[str, str]) -> dict:
    """Questions, ticket number and state: nothing the link holder should not see."""
    return {
        "id": survey.id, "number": survey.number, "title": survey.title,
        "type": survey.ticket_type, "form": survey.question_set, "state": state(survey, now),
        "expires_at": survey.expires_at, "answered_at": survey.answered_at,
        "questions": [{"number": i, "text": text}
                      for i, text in enumerate(survey.questions, start=1)],
        "scale": SCALE_CHOICES, "user_groups": choices(user_groups),
        "respondent": {"name": survey.contact_name, "email": survey.email},
    }


def staff_view(survey: Survey, now: datetime) -> dict:
    evaluation = None
    if survey.evaluation:
        evaluation = {**survey.evaluation, "by": survey.evaluated_by, "at": survey.evaluated_at}
    return {
        "id": survey.id, "number": survey.number, "title": survey.title,
        "type": survey.ticket_type, "category": survey.category, "service": survey.service,
        "priority": survey.priority, "group": survey.group, "assignee": survey.assignee,
        "client": survey.client, "email": survey.email, "form": survey.question_set,
        "state": state(survey, now), "sent_at": survey.sent_at,
        "expires_at": survey.expires_at, "answered_at": survey.answered_at,
        "answers": survey.answers, "score": survey.score, "follow_up": survey.follow_up,
        "follow_up_open": bool(survey.follow_up and not survey.evaluation),
        "respondent": survey.respondent, "suggestion": survey.suggestion,
        "evaluation": evaluation,
    }


def summary_row(survey: Survey) -> dict:
    return {"answers": survey.answers, "score": survey.score, "category": survey.category,
            "priority": survey.priority, "assignee": survey.assignee,
            "answered_at": survey.answered_at}
