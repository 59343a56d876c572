"""Publication volume over time per language: the numbers, and an SVG line chart of them.

Drawn on the server as plain SVG elements, so the page loads nothing from anywhere and
needs no JavaScript; the template only places the coordinates computed here.
"""
from __future__ import annotations

import math
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, timedelta

LANG_COLOURS = {"ru": "#1f5fa8", "kk": "#2b8a3e", "en": "#c2410c"}
OTHER_COLOUR = "#6b7280"
# What tells the languages apart without colour: each line's dash pattern and width
# (widest first, so that a stretch where two languages count the same shows both) and
# its points' shape; the line's name is written at its end too.
LANG_STROKES = {"ru": ("", 5.0, "circle"), "kk": ("10 5", 3.0, "square"), "en": ("2 4", 2.0, "triangle")}
OTHER_STROKE = ("6 2 2 2", 1.5, "circle")
# Vertical room a line's end label takes: labels closer than this are moved apart.
LABEL_HEIGHT = 13
# Each bucket's key as SQL over published_date (YYYY-MM-DD): a week is named by its Monday.
PERIOD_SQL = {
    "year": "substr(published_date, 1, 4)",
    "month": "substr(published_date, 1, 7)",
    "week": "date(published_date, 'weekday 0', '-6 days')",
}
WIDTH, HEIGHT = 960, 360
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 16, 40
MAX_X_LABELS = 10
# Point markers (with a tooltip each) only while they do not merge into a smear.
MAX_MARKERS = 80
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_label(period: str, by: str) -> str:
    """How a period reads on the axis and in tooltips: `Mar 2024`, `2024`, `week of 2024-03-04`."""
    if by == "month":
        return f"{MONTHS[int(period[5:7]) - 1]} {period[:4]}"
    if by == "week":
        return f"week of {period}"
    return period


def period_query(period: str, by: str, lang: str | None = None) -> str:
    """The items table's filter for the items behind a period (and language)."""
    if by == "week":
        end = (date.fromisoformat(period) + timedelta(days=6)).isoformat()
        args = [("published_date__gte", period), ("published_date__lte", end)]
    else:
        args = [("published_date__startswith", period)]
    if lang is not None:
        args.append(("lang", lang))
    return urllib.parse.urlencode(args)


def timeline(first: str, last: str, by: str) -> list[str]:
    """Every period key from `first` to `last`, so that empty periods count as zero."""
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    if by == "month":
        y, m = int(first[:4]), int(first[5:7])
        keys = []
        while f"{y:04d}-{m:02d}" <= last:
            keys.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return keys
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    keys = []
    while day <= end:
        keys.append(day.isoformat())
        day += timedelta(days=7)
    return keys


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value` (and 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    raise AssertionError("unreachable")


@dataclass
class Series:
    lang: str
    colour: str
    total: int
    points: str  # the polyline's "x,y x,y ..."
    # (x, y, tooltip, items-table query of the items behind the point)
    markers: list[tuple[float, float, str, str]] = field(default_factory=list)
    dash: str = ""
    width: float = 2.0
    shape: str = "circle"
    end: tuple[float, float] = (0.0, 0.0)  # where the line's name is written


@dataclass
class Chart:
    by: str
    periods: list[str]
    series: list[Series]
    y_ticks: list[tuple[float, int]]  # (y, label)
    x_labels: list[tuple[float, str]]  # (x, label)
    table: list[tuple[str, list[int], int]]  # newest first: period, counts per lang, total
    langs: list[str] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM


def build_chart(counts: list[tuple[str, str, int]], by: str) -> Chart:
    """`counts` is (period, lang, n) rows; languages in the usual ru, kk, en order."""
    per = {(period, lang): n for period, lang, n in counts}
    present = {lang for _, lang, _ in counts}
    langs = [lang for lang in LANG_COLOURS if lang in present] + sorted(present - set(LANG_COLOURS))
    periods = timeline(min(p for p, _, _ in counts), max(p for p, _, _ in counts), by) if counts else []
    y_max = nice_ceiling(max((n for _, _, n in counts), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + (plot_w * i / (len(periods) - 1) if len(periods) > 1 else plot_w / 2), 1)

    def y(n: int) -> float:
        return round(TOP + plot_h * (1 - n / y_max), 1)

    series = []
    for lang in langs:
        values = [per.get((period, lang), 0) for period in periods]
        coords = [(x(i), y(n)) for i, n in enumerate(values)]
        markers = ([(cx, cy, f"{period_label(period, by)}, {lang}: {n} items",
                     period_query(period, by, lang))
                    for (cx, cy), period, n in zip(coords, periods, values)]
                   if len(periods) <= MAX_MARKERS else [])
        dash, width, shape = LANG_STROKES.get(lang, OTHER_STROKE)
        series.append(Series(lang, LANG_COLOURS.get(lang, OTHER_COLOUR), sum(values),
                             " ".join(f"{cx},{cy}" for cx, cy in coords), markers, dash, width, shape,
                             (coords[-1][0] + 8, coords[-1][1] + 4)))
    _spread_labels(series)
    tick = y_max // next(d for d in (5, 4, 2, 1) if y_max % d == 0)
    y_ticks = [(y(n), n) for n in range(0, y_max + 1, tick)]
    step = max(1, math.ceil(len(periods) / MAX_X_LABELS))
    x_labels = [(x(i), period_label(periods[i], by)) for i in range(0, len(periods), step)]
    # The table lists only the periods with items: the chart already shows the gaps.
    table = [(period, [per.get((period, lang), 0) for lang in langs],
              sum(per.get((period, lang), 0) for lang in langs))
             for period in reversed(periods) if any((period, lang) in per for lang in langs)]
    return Chart(by, periods, series, y_ticks, x_labels, table, langs=langs)


def _spread_labels(series: list[Series]) -> None:
    """Move the lines' end labels apart where lines end at (nearly) the same height."""
    placed: list[float] = []
    for s in sorted(series, key=lambda s: s.end[1]):
        y = max(s.end[1], placed[-1] + LABEL_HEIGHT) if placed else s.end[1]
        placed.append(y)
        s.end = (s.end[0], round(y, 1))


async def volume_context(db, by: str) -> dict:
    """Query the counts from the Datasette database `db` and chart them."""
    rows = await db.execute(
        f"select {PERIOD_SQL[by]} as period, lang, count(*) as n from items"
        " where published_date is not null group by period, lang order by period")
    chart = build_chart([(r["period"], r["lang"], r["n"]) for r in rows if r["period"]], by)
    return {"chart": chart, "by": by, "choices": list(PERIOD_SQL),
            "period_label": period_label, "period_query": period_query}
