"""The usage report: daily counts turned into series, totals, CSV rows and charts (bot/charts.py).

Plain Python, no Flask and no database: rows of (day, kind, key, count) in, what the page and the
CSV show out. Every daily count from 1 to 4 is shown as "<5" (a small number could identify a
person), in tables, the CSV and the charts alike: a hidden count is drawn as a pale bar of the
same height whatever it is, so its height tells nothing either.

Totals are sums of the cells shown, never of the hidden counts: a total over days with a "<5" is
shown as "at least N" (the shown counts, plus 1 per hidden day). So a total tells nothing the
daily cells do not, and no count under 5 can be found by subtracting two report ranges.
CSV cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading '.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Mapping, Sequence

from .charts import HIDDEN, SMALL, Chart, day_chart, shown, total_chart

__all__ = ["HIDDEN", "SMALL", "Count", "Report", "Total", "bounded_days", "build", "csv_filename", "csv_rows",
           "period", "safe_cell", "shown", "totals"]

DEFAULT_DAYS, MIN_DAYS, MAX_DAYS = 30, 7, 365
CSV_HEADER = ("day", "kind", "key", "count")
TOTAL_DAY = "total"  # the day column of the CSV's total rows


@dataclass(frozen=True)
class Count:
    """One stored count: how often ``key`` of ``kind`` happened on ``day``."""

    day: date
    kind: str
    key: str
    count: int


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    charts: tuple[Chart, ...]
    totals: tuple[tuple[str, str, str], ...]  # (kind, key, shown total: "12", "<5", "at least 13")


def bounded_days(value: object, default: int = DEFAULT_DAYS) -> int:
    """The ``?days=`` of a request: a whole number kept within 7..365; ``default`` if not a number."""
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return max(MIN_DAYS, min(MAX_DAYS, days))


def period(days: int, today: date) -> tuple[date, date]:
    """The first and last day of the ``days`` days that end today."""
    return today - timedelta(days=days - 1), today


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end``, both included."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def counts(rows: Iterable[Sequence]) -> list[Count]:
    """Rows of (day, kind, key, count), such as the store's, as Counts."""
    return [row if isinstance(row, Count) else Count(*row) for row in rows]


def series(rows: Iterable[Count], kind: str, start: date, end: date) -> dict[str, list[int]]:
    """Per key of ``kind``: its count on each day from ``start`` to ``end`` (0 when none); most used first."""
    days = days_between(start, end)
    index = {day: i for i, day in enumerate(days)}
    found: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for row in rows:
        if row.kind == kind and row.day in index:
            found[row.key][index[row.day]] += row.count
    return dict(sorted(found.items(), key=lambda item: (-sum(item[1]), item[0])))


@dataclass(frozen=True)
class Total:
    """A key's total over the report's days, made of the daily cells as shown."""

    kind: str
    key: str
    known: int  # the sum of the daily counts shown as numbers (5 or more)
    hidden: int  # days whose count is shown as "<5"

    @property
    def least(self) -> int:
        """The smallest the real total can be, from the cells shown alone."""
        return self.known + self.hidden

    @property
    def text(self) -> str:
        """"12", "<5" (one hidden day and nothing else) or "at least 13"."""
        if not self.hidden:
            return str(self.known)
        return HIDDEN if self.known == 0 and self.hidden == 1 else f"at least {self.least}"


def totals(rows: Iterable[Count]) -> list[Total]:
    """Per kind and key, the total of its daily cells as shown (see ``Total``)."""
    daily: dict[tuple[str, str, date], int] = defaultdict(int)
    for row in rows:
        daily[(row.kind, row.key, row.day)] += row.count
    summed: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (kind, key, _), n in daily.items():
        if n >= SMALL:
            summed[(kind, key)][0] += n
        elif n > 0:
            summed[(kind, key)][1] += 1
    return [Total(kind, key, known, hidden) for (kind, key), (known, hidden) in sorted(summed.items())]


def safe_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ tab or CR gets a leading '."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_rows(rows: Iterable[Count]) -> list[tuple[str, ...]]:
    """The CSV: a header, one line per day, kind and key, then the totals (day "total"); small counts "<5"."""
    rows = counts(rows)
    lines = [CSV_HEADER]
    for row in sorted(rows, key=lambda r: (r.day, r.kind, r.key)):
        if row.count > 0:
            lines.append((row.day.isoformat(), row.kind, row.key, shown(row.count)))
    lines += [(TOTAL_DAY, t.kind, t.key, t.text) for t in totals(rows)]
    return [tuple(safe_cell(str(cell)) for cell in line) for line in lines]


def csv_filename(start: date, end: date) -> str:
    """The download's name, with its date range."""
    return f"helpline-usage-{start.isoformat()}-to-{end.isoformat()}.csv"


def build(rows: Iterable[Sequence], start: date, end: date,
          labels: Mapping[str, Mapping[str, str]] | None = None) -> Report:
    """The whole report for ``start``..``end``: its charts and its totals (sums of the cells shown).

    ``labels`` gives readable names per kind and key, e.g. {"connected": {"national": "National Hotline"}}.
    """
    rows = counts(rows)
    total_rows = [(t.kind, t.key, t.least) for t in totals(rows)]
    labels = labels or {}

    def named(kind: str, found: Mapping[str, list[int]]) -> dict[str, list[int]]:
        return {labels.get(kind, {}).get(key, key): values for key, values in found.items()}

    days = days_between(start, end)
    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, key, n in total_rows:
        by_kind[kind][key] = n
    texts = named("topic", series(rows, "topic", start, end))
    unmatched = series(rows, "unmatched", start, end)
    if unmatched:
        texts["unmatched"] = [sum(values) for values in zip(*unmatched.values())]

    def ranked(kind: str) -> list[tuple[str, int]]:
        found = sorted(by_kind.get(kind, {}).items(), key=lambda item: (-item[1], item[0]))
        return [(labels.get(kind, {}).get(key, key), n) for key, n in found]

    charts = (
        day_chart("texts", "Texts per day, by topic", days, texts,
                  "A text that matches several topics counts once for each."),
        day_chart("languages", "Texts per day, by language", days, named("language", series(rows, "language", start, end))),
        day_chart("calls", "Calls per day", days, {"calls": series(rows, "call", start, end).get("started", [0] * len(days))}),
        total_chart("menu", "Menu choices (in which menu, what was pressed, where it led)", ranked("menu")),
        total_chart("connected", "Calls connected, per line", ranked("connected")),
        total_chart("textback", "Numbers texted during calls: sent, failed at Twilio and refused (limits, country)",
                    ranked("textback")),
    )
    shown_totals = tuple((t.kind, labels.get(t.kind, {}).get(t.key, t.key), t.text) for t in totals(rows))
    return Report(start, end, charts, shown_totals)
