"""Every indicator of DOMAIN.md "Indikator Pengukuran Kinerja", made from the services' answers
(plain data in, plain data out). Each indicator has its value and the counts behind it
(`numerator` of `denominator`), split by priority / category / type / question where the
indicator is; one whose source did not answer has no value and says why (`note`)."""
from __future__ import annotations

from dataclasses import dataclass

from .period import Period
from .sources import Answer

PRIORITIES = ("1", "2", "3")


@dataclass(frozen=True)
class Meta:
    key: str
    area: str
    source: str
    unit: str  # share (0-1), count, seconds, score (1-5)
    name: str
    label: str


INDICATORS = (
    Meta("recording_web", "recording", "intake", "share",
         "Tickets reported through the application (channel web)",
         "Tiket yang dilaporkan melalui aplikasi (web)"),
    Meta("categorisation_right_first_time", "categorisation", "triage", "share",
         "Tickets whose category was right first time (not recategorised)",
         "Tiket dengan kategori tepat sejak awal (tanpa rekategorisasi)"),
    Meta("response_target_met", "prioritisation", "sla", "share",
         "Response targets met", "Target waktu respons terpenuhi"),
    Meta("resolution_target_met", "prioritisation", "sla", "share",
         "Resolution targets met", "Target waktu resolusi terpenuhi"),
    Meta("initial_diagnosis_time", "initial_diagnosis", "intake", "seconds",
         "Mean time from recording to initial diagnosis (first in_progress)",
         "Rata-rata waktu hingga diagnosis awal"),
    Meta("solution_known_at_diagnosis", "initial_diagnosis", "knowledge", "count",
         "Tickets whose solution was known at initial diagnosis",
         "Tiket yang solusinya sudah diketahui saat diagnosis awal"),
    Meta("escalation_right_group", "escalation", "escalation", "share",
         "Escalations completed by the right level-2 group (not reassigned)",
         "Eskalasi diselesaikan grup level 2 yang tepat (tanpa pengalihan)"),
    Meta("solved_at_level2", "investigation", "escalation", "count",
         "Tickets whose solution was found by level 2",
         "Tiket yang solusinya ditemukan oleh level 2"),
    Meta("tickets_resolved", "resolution", "intake", "share",
         "Tickets recorded in the period that are done, per priority",
         "Tiket terselesaikan per prioritas"),
    Meta("tickets_done", "closure", "intake", "count",
         "Tickets closed (done) in the period", "Jumlah tiket Selesai"),
    Meta("satisfaction_mean", "closure", "survey", "score",
         "Mean satisfaction score (1-5) of the surveys answered in the period",
         "Rata-rata skor kepuasan (1-5)"),
)


def ratio(numerator, denominator, **extra) -> dict:
    value = round(numerator / denominator, 4) if denominator else None
    return {"value": value, "numerator": numerator, "denominator": denominator, **extra}


def _count(number: int, of: int | None = None) -> dict:
    return {"value": number, "numerator": number, "denominator": of}


def _split(table: dict, make) -> dict:
    return {str(key): make(item) for key, item in table.items()}


def recording_web(b: dict) -> dict:
    def ratio_of(item: dict) -> dict:
        return ratio(item["web"], item["total"])
    r = b["recording"]
    return {**ratio_of(r), "counts": {"by_channel": r.get("by_channel", {})},
            "by_type": _split(r["by_type"], ratio_of),
            "by_category": _split(r["by_category"], ratio_of)}


def categorisation(b: dict) -> dict:
    def ratio_of(item: dict) -> dict:
        return ratio(item["right_first_time"], item["classified"],
                     recategorised=item["recategorised"])
    return {**ratio_of(b), "counts": {"recategorised": b["recategorised"],
                                      "service_changed": b.get("service_changed", 0)},
            "by_priority": _split(b.get("by_priority", {}), ratio_of),
            "by_category": _split(b.get("by_category", {}), ratio_of)}


def target_met(target: str):
    def build(b: dict) -> dict:
        def ratio_of(item: dict) -> dict:
            counts = item[target]
            return ratio(counts["met"], counts["met"] + counts["breached"],
                         breached=counts["breached"], pending=counts["pending"])
        return {**ratio_of(b["all"]), "by_priority": {
            str(row["priority"]): ratio_of(row) for row in b["priorities"]}}
    return build


def diagnosis_time(b: dict) -> dict:
    def mean_of(item: dict) -> dict:
        return {"value": item["mean_seconds"], "numerator": item["total_seconds"],
                "denominator": item["diagnosed"]}
    d = b["initial_diagnosis"]
    return {**mean_of(d), "by_priority": _split(d["by_priority"], mean_of),
            "by_category": _split(d["by_category"], mean_of)}


def solution_known(b: dict) -> dict:
    """knowledge's GET /api/v1/kb/kpi: tickets closed in the period, solved at level 1, with a
    suggestion (an article or a similar solved ticket) used before closing, of all closed."""
    known = b["known_at_diagnosis"]
    return {**_count(known["count"], known["of"]), "counts": {
        "by_source": b.get("by_source", {})}}


def escalation_right_group(b: dict) -> dict:
    def ratio_of(item: dict) -> dict:
        return ratio(item["completed_first_group"]["count"], item["total"],
                     reassigned=item["reassigned"]["count"],
                     moved_group=item["moved_group"]["count"],
                     returned_to_level1=item["returned_to_level1"]["count"], open=item["open"])
    return {**ratio_of(b), "by_priority": _split(b["by_priority"], ratio_of),
            "by_category": _split(b["by_category"], ratio_of)}


def level2(b: dict) -> dict:
    def count_of(item: dict) -> dict:
        return _count(item["solved_at_level2"]["count"], item["total"])
    return {**count_of(b), "by_priority": _split(b["by_priority"], count_of),
            "by_category": _split(b["by_category"], count_of)}


def resolved(b: dict) -> dict:
    def ratio_of(item: dict) -> dict:
        return ratio(item["done"], item["total"])
    r = b["resolution"]
    by_priority = {p: {"total": 0, "done": 0} for p in PRIORITIES}
    by_priority.update(r["by_priority"])
    return {**ratio_of(r), "by_priority": _split(by_priority, ratio_of)}


def done(b: dict) -> dict:
    c = b["closure"]
    return {**_count(c["done"]), "by_priority": _split(c["by_priority"], _count),
            "by_category": _split(c["by_category"], _count)}


def satisfaction(b: dict, questions: dict | None) -> dict:
    result = {"value": b["mean_score"], "numerator": None, "denominator": b["answered"],
              "counts": {"sent": b.get("sent"), "follow_ups": b.get("follow_ups")}}
    if questions is None:
        return result

    def mean_of(rows: list, key: str) -> dict:
        return {str(row[key]) if row[key] is not None else "none": {
            "value": row["mean"], "numerator": None, "denominator": row["count"],
            **({"label": row["question"]} if row.get("question") else {})} for row in rows}
    return {**result, "by_question": mean_of(questions.get("per_question", []), "number"),
            "by_priority": mean_of(questions.get("per_priority", []), "priority"),
            "by_category": mean_of(questions.get("per_category", []), "category")}


BUILDERS = {
    "recording_web": recording_web, "categorisation_right_first_time": categorisation,
    "response_target_met": target_met("response"),
    "resolution_target_met": target_met("resolution"),
    "initial_diagnosis_time": diagnosis_time, "solution_known_at_diagnosis": solution_known,
    "escalation_right_group": escalation_right_group, "solved_at_level2": level2,
    "tickets_resolved": resolved, "tickets_done": done,
}


def indicator(meta: Meta, answers: dict[str, Answer]) -> dict:
    head = {"key": meta.key, "area": meta.area, "name": meta.name, "label": meta.label,
            "unit": meta.unit, "source": meta.source}
    answer = answers.get(meta.source)
    empty = {"available": False, "value": None, "numerator": None, "denominator": None}
    if answer is None or not answer.ok:
        return {**head, **empty, "note": answer.note if answer else "Not asked."}
    note = None
    try:
        if meta.key == "satisfaction_mean":
            questions = answers.get("survey_questions")
            body = satisfaction(answer.body, questions.body if questions else None)
            if questions is not None and not questions.ok:
                note = f"No means per question: {questions.note}"
        else:
            body = BUILDERS[meta.key](answer.body)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return {**head, **empty, "note": f"{meta.source} answered in an unexpected shape."}
    return {**head, "available": True, **body, "note": note}


def tickets_per_day(period: Period, answers: dict[str, Answer]) -> list[dict] | None:
    """Tickets recorded per office day and priority, every day of the period (zeros too)."""
    answer = answers.get("intake")
    if answer is None or not answer.ok:
        return None
    seen = {row["date"]: row["by_priority"] for row in answer.body.get("per_day", [])}
    days = []
    for day in period.days():
        counts = seen.get(day.isoformat(), {})
        days.append({"date": day.isoformat(), **{p: counts.get(p, 0) for p in PRIORITIES},
                     "none": counts.get("none", 0), "total": sum(counts.values())})
    return days


def report(period: Period, answers: dict[str, Answer], *, generated_at: str) -> dict:
    return {
        "from": period.start.isoformat(), "to": period.end.isoformat(),
        "first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat(),
        "timezone": "Asia/Jakarta", "generated_at": generated_at,
        "sources": {name: answer.view() for name, answer in answers.items()},
        "indicators": {meta.key: indicator(meta, answers) for meta in INDICATORS},
        "tickets_per_day": tickets_per_day(period, answers),
    }
