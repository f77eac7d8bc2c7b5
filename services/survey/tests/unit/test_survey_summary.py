"""The supervisor's scores: means per question, category, priority, technician and period."""
from datetime import UTC, date, datetime

from survey import summary
from survey.domain import QUESTIONS_FRM_004


def row(answers, *, category="Jaringan", priority=2, assignee="tech-network-1",
        at=datetime(2026, 3, 10, 3, 0, tzinfo=UTC)):
    return {"answers": answers, "score": round(sum(answers) / len(answers), 2),
            "category": category, "priority": priority, "assignee": assignee,
            "answered_at": at}


def test_means_per_question_category_priority_technician_and_period():
    rows = [
        row([5] * 10),
        row([3] * 10, category="Aplikasi", priority=1, assignee="tech-egov-1"),
        row([1, 1, 1, 1, 1, 3, 3, 3, 3, 3], assignee=None,
            at=datetime(2026, 4, 1, 2, 0, tzinfo=UTC)),
    ]
    result = summary.summarize(rows, questions=QUESTIONS_FRM_004)
    assert result["count"] == 3
    assert result["mean"] == round((5 + 3 + 2) / 3, 2)
    assert result["follow_ups"] == 1  # the mean of 2.0
    assert result["per_question"][0] == {"number": 1, "question": QUESTIONS_FRM_004[0],
                                         "count": 3, "mean": 3.0}
    assert result["per_question"][9]["mean"] == round(11 / 3, 2)
    assert result["per_category"] == [
        {"category": "Aplikasi", "count": 1, "mean": 3.0},
        {"category": "Jaringan", "count": 2, "mean": 3.5}]
    assert result["per_priority"] == [{"priority": 1, "count": 1, "mean": 3.0},
                                      {"priority": 2, "count": 2, "mean": 3.5}]
    assert result["per_technician"] == [
        {"technician": "tech-egov-1", "count": 1, "mean": 3.0},
        {"technician": "tech-network-1", "count": 1, "mean": 5.0},
        {"technician": None, "count": 1, "mean": 2.0}]
    assert result["per_period"] == [{"period": "2026-03", "count": 2, "mean": 4.0},
                                    {"period": "2026-04", "count": 1, "mean": 2.0}]


def test_no_answers_gives_counts_of_zero_and_no_mean():
    result = summary.summarize([], questions=QUESTIONS_FRM_004)
    assert result["count"] == 0 and result["mean"] is None
    assert result["per_question"][3] == {"number": 4, "question": QUESTIONS_FRM_004[3],
                                         "count": 0, "mean": None}
    assert result["per_category"] == []


def test_periods_follow_the_office_calendar():
    late_utc = datetime(2026, 3, 31, 18, 30, tzinfo=UTC)  # 01:30 WIB on 1 April
    assert summary.period_key(late_utc, "month") == "2026-04"
    assert summary.period_key(late_utc, "quarter") == "2026-Q2"
    assert summary.period_key(late_utc, "day") == "2026-04-01"
    assert summary.period_key(late_utc, "week") == "2026-W14"


def test_dates_in_a_query_mean_whole_office_days():
    low, high = summary.bounds(date(2026, 1, 1), date(2026, 1, 31))
    assert low == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert high == datetime(2026, 1, 31, 17, 0, tzinfo=UTC)
    exact = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    assert summary.bounds(exact, None) == (exact, None)
