"""SVG bar charts of usage counts, as data a template draws: no JavaScript, no chart library.

Every count from 1 to 4 is shown as "<5" (a small number could identify a person) and drawn as a
pale bar of the same size whatever it is, so its size tells nothing either.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

SMALL = 5  # counts below this (but above 0) are hidden
HIDDEN = "<5"
COLOURS = 8  # series colours in console.css: .s0 ... .s7

# the chart's drawing area, in SVG user units (the SVG scales to the page's width)
WIDTH = 720
# Room for labels of up to 22 units, the size console.css gives them on a phone (where 720 units are ~360 px).
DAY_HEIGHT, DAY_LEFT, DAY_BOTTOM, DAY_TOP, DAY_RIGHT = 240, 60, 32, 12, 8
DAY_LABELS = 6  # dates written under the columns, at most
ROW_HEIGHT, ROW_LABEL, ROW_BAR, ROW_VALUE = 54, 24, 18, 70  # a row: its label above its bar


def shown(n: int) -> str:
    """A count as the report shows it: "<5" from 1 to 4, else the number (0 stays 0: no one to identify)."""
    return HIDDEN if 0 < n < SMALL else str(n)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str  # "s0".."s7", plus " small" when the count is hidden
    label: str  # what the bar's <title> says, e.g. "May 4, HOTLINE: <5"


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"  # SVG text-anchor: start, middle, end


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Chart:
    """An SVG bar chart as data for a template, and the same numbers as a table."""

    id: str
    title: str
    description: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    texts: tuple[Text, ...]  # axis labels and values
    lines: tuple[Line, ...]  # grid lines and the axis
    legend: tuple[tuple[str, str], ...]  # (css, series name)
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # every cell already shown ("<5" for small counts)

    @property
    def empty(self) -> bool:
        return not self.bars


def day_chart(id: str, title: str, days: Sequence[date], data: Mapping[str, Sequence[int]],
              note: str = "") -> Chart:
    """Stacked columns, one per day, one colour per series; a hidden count is a pale block of height 5."""
    names = list(data)
    plot_width = WIDTH - DAY_LEFT - DAY_RIGHT
    plot_height = DAY_HEIGHT - DAY_TOP - DAY_BOTTOM
    base = DAY_TOP + plot_height
    drawn = [[_drawn(data[name][i]) for name in names] for i in range(len(days))]
    top, step = _scale(max((sum(day) for day in drawn), default=0))
    unit = plot_height / top
    slot = plot_width / max(1, len(days))
    bars = []
    for i, day in enumerate(days):
        y = base
        for s, name in enumerate(names):
            n = data[name][i]
            if not n:
                continue
            height = _drawn(n) * unit
            y -= height
            bars.append(Bar(round(DAY_LEFT + i * slot + slot * 0.1, 2), round(y, 2), round(slot * 0.8, 2),
                            round(height, 2), _css(s, n), f"{_day(day)}, {name}: {shown(n)}"))
    lines = [Line(DAY_LEFT, round(base - v * unit, 2), WIDTH - DAY_RIGHT, round(base - v * unit, 2))
             for v in range(0, top + 1, step)]
    texts = [Text(DAY_LEFT - 6, round(base - v * unit + 4, 2), str(v), "end") for v in range(0, top + 1, step)]
    every = max(1, math.ceil(len(days) / DAY_LABELS))
    texts += [Text(round(DAY_LEFT + (i + 0.5) * slot, 2), DAY_HEIGHT - 6, _day(day))
              for i, day in enumerate(days) if i % every == 0]
    rows = tuple((day.isoformat(), *(shown(data[name][i]) for name in names)) for i, day in enumerate(days))
    description = (f"{_day(days[0])} to {_day(days[-1])}. " if days else "") + (note + " " if note else "")
    description += "Counts under 5 are shown as <5 and drawn as pale bars of one height." if bars else \
        "Nothing was counted in this period."
    legend = tuple((f"s{s % COLOURS}", name) for s, name in enumerate(names))
    return Chart(id, title, description.strip(), WIDTH, DAY_HEIGHT, tuple(bars), tuple(texts), tuple(lines), legend,
                 ("Day", *names), rows)


HEADERS = {"menu": "Choice", "textback": "Outcome"}  # a total chart's first column: "Line" unless named here


def total_chart(id: str, title: str, entries: Sequence[tuple[str, int]]) -> Chart:
    """Horizontal bars, one per key, each under its label (the full width stays for both, so they read on a
    phone too), with its total at the end; a hidden total is a pale bar of length 5."""
    top, step = _scale(max((_drawn(n) for _, n in entries), default=0))
    left, right = 0, WIDTH - ROW_VALUE
    unit = (right - left) / top
    bars, texts = [], []
    for i, (name, n) in enumerate(entries):
        y = 4 + i * ROW_HEIGHT
        length = _drawn(n) * unit
        bars.append(Bar(left, y + ROW_LABEL + 6, round(length, 2), ROW_BAR, _css(0, n), f"{name}: {shown(n)}"))
        texts.append(Text(left, y + ROW_LABEL, _clip(name, 60), "start"))
        texts.append(Text(round(left + length + 6, 2), y + ROW_LABEL + 6 + ROW_BAR - 2, shown(n), "start"))
    height = 8 + max(1, len(entries)) * ROW_HEIGHT
    lines = (Line(left, 0, left, height - 4),)
    description = ("Totals over the period. Counts under 5 are shown as <5 and drawn as pale bars of one length."
                   if entries else "Nothing was counted in this period.")
    return Chart(id, title, description, WIDTH, height, tuple(bars), tuple(texts), lines, (),
                 (HEADERS.get(id, "Line"), "Total"), tuple((name, shown(n)) for name, n in entries))


def _drawn(n: int) -> int:
    """The value a bar is drawn with: a hidden count always as 5, so its size tells nothing."""
    return SMALL if 0 < n < SMALL else n


def _css(series: int, n: int) -> str:
    return f"s{series % COLOURS}" + (" small" if 0 < n < SMALL else "")


def _scale(highest: int) -> tuple[int, int]:
    """The axis' top and its step (1, 2 or 5 times a power of ten), with at most 5 steps; at least 5."""
    if highest <= SMALL:
        return SMALL, SMALL  # no ticks inside the "<5" band
    magnitude = 10 ** max(0, math.floor(math.log10(highest / 5)))
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if highest <= 5 * step:
            return math.ceil(highest / step) * step, step
    return highest, highest  # not reached


def _day(day: date) -> str:
    return f"{day:%b} {day.day}"


def _clip(text: str, length: int = 38) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"
