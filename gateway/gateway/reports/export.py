"""The report as CSV for the office's monthly report: one row per indicator (split "all") and
one per split (priority, category, type, question)."""
from __future__ import annotations

import csv
import io

COLUMNS = ("from", "to", "area", "indicator", "label", "split", "split_value", "split_label",
           "value", "numerator", "denominator", "unit", "source", "note")
SPLITS = ("priority", "category", "type", "question")
PRIORITY_NAMES = {"1": "Tinggi", "2": "Menengah", "3": "Rendah", "none": "Belum ditentukan"}
# A spreadsheet runs a cell starting with these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rows(report: dict):
    for item in report["indicators"].values():
        base = {"from": report["first_day"], "to": report["last_day"], "area": item["area"],
                "indicator": item["key"], "label": item["label"], "unit": item["unit"],
                "source": item["source"], "note": item.get("note") or ""}
        yield {**base, **_numbers(item), "split": "all", "split_value": "", "split_label": ""}
        for split in SPLITS:
            for value, part in (item.get(f"by_{split}") or {}).items():
                label = PRIORITY_NAMES.get(value, "") if split == "priority" \
                    else part.get("label", "")
                yield {**base, **_numbers(part), "split": split, "split_value": value,
                       "split_label": label}


def _numbers(part: dict) -> dict:
    return {name: "" if part.get(name) is None else part[name]
            for name in ("value", "numerator", "denominator")}


def _cell(value):
    """Text a spreadsheet would take for a formula, quoted as text; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(report: dict) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({name: _cell(value) for name, value in row.items()} for row in rows(report))
    return buffer.getvalue()


def filename(report: dict) -> str:
    return f"kpi_{report['first_day']}_{report['last_day']}.csv"
