"""The dashboard's charts as geometry (plain data): the template draws them as SVG on the
server, so they need no script and no chart library. Colours come from CSS classes."""
from __future__ import annotations

import math

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28
PRIORITY_SERIES = (("1", "Tinggi"), ("2", "Menengah"), ("3", "Rendah"),
                   ("none", "Belum ditentukan"))


def nice_step(largest: float, ticks: int = 4) -> float:
    """1, 2 or 5 times a power of ten, so that `ticks` steps reach at least `largest`."""
    raw = max(largest, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _frame(height: int = HEIGHT) -> dict:
    return {"width": WIDTH, "height": height, "left": LEFT, "right": WIDTH - RIGHT,
            "top": TOP, "bottom": height - BOTTOM}


def tickets_per_day(days: list[dict]) -> dict:
    """Stacked columns: tickets recorded per day, one colour per priority."""
    frame = _frame()
    step = max(1, nice_step(max((d["total"] for d in days), default=0)))  # whole tickets
    top_value = step * 4
    plot_h = frame["bottom"] - frame["top"]
    slot = (frame["right"] - frame["left"]) / max(len(days), 1)
    bars, labels = [], []
    for index, day in enumerate(days):
        x, y = frame["left"] + index * slot + slot * 0.15, frame["bottom"]
        for key, name in PRIORITY_SERIES:
            height = day[key] / top_value * plot_h
            if day[key]:
                y -= height
                bars.append({"x": round(x, 1), "y": round(y, 1), "width": round(slot * 0.7, 1),
                             "height": round(height, 1), "css": f"bar-p{key}",
                             "title": f"{day['date']}: {day[key]} tiket prioritas {name}"})
        if len(days) <= 16 or index % 2 == 0:
            labels.append({"x": round(x + slot * 0.35, 1), "text": day["date"][8:10].lstrip("0")})
    ticks = [{"y": round(frame["bottom"] - n * step / top_value * plot_h, 1),
              "text": f"{n * step:g}"} for n in range(5)]
    return {**frame, "bars": bars, "x_labels": labels, "y_ticks": ticks,
            "series": PRIORITY_SERIES}


def horizontal(rows: list[dict], *, scale: float, ticks: list[float], tick_text) -> dict:
    """rows: {label, value (None: no data), text, css}; one bar per row on 0..scale."""
    height = TOP + BOTTOM + 26 * len(rows)
    frame = {**_frame(height), "left": 170, "right": WIDTH - 200}  # room for the values
    plot_w = frame["right"] - frame["left"]
    bars = []
    for index, row in enumerate(rows):
        y = frame["top"] + index * 26
        width = (row["value"] or 0) / scale * plot_w
        bars.append({**row, "x": frame["left"], "y": y + 4, "width": round(width, 1),
                     "height": 18, "label_y": y + 17,
                     "text_x": round(frame["left"] + width + 6, 1)})
    grid = [{"x": round(frame["left"] + t / scale * plot_w, 1), "text": tick_text(t)}
            for t in ticks]
    return {**frame, "bars": bars, "x_ticks": grid}


def sla_per_priority(response: dict, resolution: dict) -> dict:
    """Share of response and resolution targets met, per priority (0-100%)."""
    rows = []
    for key, name in PRIORITY_SERIES[:3]:
        for target, label, table in (("response", "respons", response),
                                     ("resolution", "resolusi", resolution)):
            part = (table.get("by_priority") or {}).get(key) or {}
            value = part.get("value")
            text = "tidak ada data" if value is None else \
                f"{percent(value)} ({part['numerator']} dari {part['denominator']})"
            rows.append({"label": f"{name} · {label}", "value": value, "text": text,
                         "css": f"bar-{target}"})
    return horizontal(rows, scale=1.0, ticks=[0, 0.25, 0.5, 0.75, 1.0], tick_text=percent)


def satisfaction_per_question(by_question: dict) -> dict:
    """Mean score (1-5) of each of the survey's questions."""
    rows = []
    for number, part in sorted(by_question.items(), key=lambda item: int(item[0])):
        value = part.get("value")
        text = "belum ada jawaban" if value is None else \
            f"{decimal(value)} ({part.get('denominator') or 0} jawaban)"
        rows.append({"label": f"Pertanyaan {number}", "value": value, "text": text,
                     "css": "bar-score", "question": part.get("label")})
    return horizontal(rows, scale=5.0, ticks=[0, 1, 2, 3, 4, 5], tick_text=lambda t: f"{t:g}")


def decimal(value: float, places: int = 2) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def percent(value: float) -> str:
    return f"{decimal(value * 100, 1).removesuffix(',0')}%"
