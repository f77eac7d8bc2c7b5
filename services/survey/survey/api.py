"""Survey's HTTP edge: the link holder's form, the supervisor's lists, scores and evaluation."""
from __future__ import annotations

from datetime import date, datetime

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from servicedesk_common.errors import Invalid, NotFound
from servicedesk_common.identity import ADMIN, STAFF, SUPERVISOR
from servicedesk_common.settings import Settings
from servicedesk_common.web import create_base_app, current_identity, request_id, require, runtime

from . import domain, handlers, summary, views
from .adapters import SurveyUnitOfWork, answered_conditions
from .config import SurveyConfig
from .domain import FALLBACK_SET
from .models import Survey
from .schemas import (
    ChoiceOut,
    EvaluationIn,
    KpiOut,
    PublicSurveyOut,
    QuestionSetIn,
    QuestionSetOut,
    ResponseIn,
    SubmittedOut,
    SummaryArgs,
    SummaryOut,
    SurveyListArgs,
    SurveyOut,
    SurveyPage,
    UserGroupsIn,
)

blp = Blueprint("survey", __name__, url_prefix="/api/v1/surveys",
                description="Satisfaction surveys (FRM-004 / FRM-005)")


def unit_of_work() -> SurveyUnitOfWork:
    rt = runtime()
    return SurveyUnitOfWork(rt.sessions, producer="survey", correlation_id=request_id(),
                            config=rt.survey_config)


def parse_moment(raw, name: str) -> date | datetime | None:
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"'{name}' is not a date (2026-01-31) or moment "
                      f"(2026-01-31T08:00:00+07:00).", field=name) from None


def window(args: dict) -> tuple[datetime | None, datetime | None, dict]:
    start, end = parse_moment(args.get("from_"), "from"), parse_moment(args.get("to"), "to")
    low, high = summary.bounds(start, end)
    if low is not None and high is not None and low >= high:
        raise Invalid("'to' must come after 'from'.", field="to")
    return low, high, {"from": low.isoformat() if low else None,
                       "to": high.isoformat() if high else None}


def _between(column, low, high) -> list:
    return ([column >= low] if low else []) + ([column < high] if high else [])


def list_conditions(args: dict, low, high) -> list:
    moment = handlers.now()
    state = args["state"]
    if state == "answered":
        conditions = answered_conditions(low, high)
    else:
        conditions = _between(Survey.sent_at, low, high)
        if state == "open":
            conditions += [Survey.answered_at.is_(None), Survey.expires_at > moment]
        elif state == "expired":
            conditions += [Survey.answered_at.is_(None), Survey.expires_at <= moment]
    if args.get("follow_up"):
        conditions.append(Survey.follow_up.is_(True))
        if args["follow_up"] == "open":
            conditions.append(Survey.evaluated_at.is_(None))
    if args.get("number"):
        conditions.append(Survey.number == args["number"])
    return conditions


@blp.route("")
class SurveyCollection(MethodView):
    @require(SUPERVISOR)
    @blp.arguments(SurveyListArgs, location="query")
    @blp.response(200, SurveyPage)
    def get(self, args):
        """Responses with their scores (state=answered by default), newest first."""
        low, high, _ = window(args)
        with unit_of_work() as uow:
            items, total = uow.surveys.page(list_conditions(args, low, high),
                                            page=args["page"], per_page=args["per_page"])
            moment = handlers.now()
            return {"items": [views.staff_view(s, moment) for s in items],
                    "page": args["page"], "per_page": args["per_page"], "total": total}


@blp.route("/summary")
class SurveySummary(MethodView):
    @require(SUPERVISOR)
    @blp.arguments(SummaryArgs, location="query")
    @blp.response(200, SummaryOut)
    def get(self, args):
        """Mean scores per question, category, priority, technician and period."""
        low, high, shown = window(args)
        with unit_of_work() as uow:
            rows = [views.summary_row(s) for s in uow.surveys.answered_between(low, high)]
            default_set = uow.question_sets.get(FALLBACK_SET)
            questions = default_set.questions if default_set else []
        return {**summary.summarize(rows, questions=questions, period=args["period"]),
                "window": shown}


@blp.route("/kpi")
class SurveyKpi(MethodView):
    @require(SUPERVISOR, ADMIN)
    @blp.arguments(SummaryArgs, location="query")
    @blp.response(200, KpiOut)
    def get(self, args):
        """For the KPI report: answered surveys and their mean score in the period."""
        low, high, shown = window(args)
        with unit_of_work() as uow:
            answered, mean, follow_ups = uow.session.execute(
                select(func.count(), func.avg(Survey.score),
                       func.count().filter(Survey.follow_up.is_(True)))
                .where(*answered_conditions(low, high))).one()
            sent = uow.surveys.count_sent_between(low, high)
        return {"sent": sent, "answered": answered,
                "mean_score": round(float(mean), 2) if mean is not None else None,
                "follow_ups": follow_ups, "window": shown}


@blp.route("/question-sets")
class QuestionSetCollection(MethodView):
    @require(*STAFF)
    @blp.response(200, QuestionSetOut(many=True))
    def get(self):
        """FRM-004 (incidents) and FRM-005 (requests) as the office has them now."""
        with unit_of_work() as uow:
            return uow.question_sets.all()


@blp.route("/question-sets/<string:code>")
class QuestionSetItem(MethodView):
    @require(ADMIN)
    @blp.arguments(QuestionSetIn)
    @blp.response(200, QuestionSetOut)
    def put(self, data, code):
        """Change the ten questions; surveys already sent keep the questions they asked."""
        with unit_of_work() as uow:
            question_set = uow.question_sets.get(code)
            if question_set is None:
                raise NotFound(f"No question set {code!r}.")
            question_set.questions = [q.strip() for q in data["questions"]]
            question_set.name = data.get("name") or question_set.name
            question_set.changed_by = current_identity().username
            question_set.changed_at = handlers.now()
            uow.commit()
            return question_set


@blp.route("/user-groups")
class UserGroupList(MethodView):
    @require(*STAFF)
    @blp.response(200, ChoiceOut(many=True))
    def get(self):
        """The respondent's user groups the survey form offers (FRM-004's Kelompok Pengguna)."""
        with unit_of_work() as uow:
            return views.choices(uow.user_groups.labels())

    @require(ADMIN)
    @blp.arguments(UserGroupsIn)
    @blp.response(200, ChoiceOut(many=True))
    def put(self, data):
        """Replace the list, in the order given; answers already stored keep their code."""
        errors = domain.check_user_groups(data["groups"])
        if errors:
            raise Invalid("Some user groups are not valid: " + ", ".join(errors) + ".",
                          details=errors)
        with unit_of_work() as uow:
            uow.user_groups.replace(data["groups"])
            uow.commit()
            return views.choices(uow.user_groups.labels())


@blp.route("/<string:token>")
class SurveyByToken(MethodView):
    @blp.response(200, PublicSurveyOut)
    def get(self, token):
        """Anyone holding the link: questions, ticket number and state."""
        with unit_of_work() as uow:
            survey = handlers.survey_by_token(token, uow=uow)
            return views.public_view(survey, handlers.now(), uow.user_groups.labels())

    @blp.arguments(ResponseIn)
    @blp.response(201, SubmittedOut)
    @blp.alt_response(409, description="already answered")
    @blp.alt_response(410, description="the link has expired")
    def post(self, data, token):
        """Anyone holding the link answers, once."""
        with unit_of_work() as uow:
            survey = handlers.submit_response(token, data, uow=uow)
            uow.commit()
            return {"id": survey.id, "number": survey.number, "state": "answered",
                    "score": survey.score, "follow_up": survey.follow_up,
                    "answered_at": survey.answered_at}


@blp.route("/<int:survey_id>/evaluation")
class SurveyEvaluation(MethodView):
    @require(SUPERVISOR)
    @blp.arguments(EvaluationIn)
    @blp.response(200, SurveyOut)
    def patch(self, data, survey_id):
        """The supervisor's evaluation: major / non_major, target quarter 1-4, note, approved."""
        with unit_of_work() as uow:
            survey = handlers.evaluate(survey_id, data, by=current_identity().username, uow=uow)
            uow.commit()
            return views.staff_view(survey, handlers.now())


def create_app(settings: Settings | None = None, *, engine=None):
    settings = settings or Settings.from_env("survey")
    app, api = create_base_app(settings, title="Survey", engine=engine)
    app.extensions["servicedesk"].survey_config = SurveyConfig.from_env()
    api.register_blueprint(blp)
    return app
