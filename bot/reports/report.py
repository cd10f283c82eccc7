"""The usage report: daily counts turned into series, totals, CSV rows and charts (bot/charts.py).

Plain Python, no Flask and no database: rows of (day, kind, key, count) in, what the page and the
CSV show out. Every count from 1 to 4 is shown as "<5" (a small number could identify a person),
in tables, totals, the CSV and the charts alike: a hidden count is drawn as a pale bar of the
same height whatever it is, so its height tells nothing either.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Mapping, Sequence

from .charts import HIDDEN, SMALL, Chart, day_chart, shown, total_chart

__all__ = ["HIDDEN", "SMALL", "Count", "Report", "bounded_days", "build", "csv_filename", "csv_rows", "period",
           "shown", "totals"]

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
    totals: tuple[tuple[str, str, str], ...]  # (kind, key, shown total)


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


def totals(rows: Iterable[Count]) -> list[tuple[str, str, int]]:
    """(kind, key, total over all rows), by kind and key."""
    summed: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        summed[(row.kind, row.key)] += row.count
    return [(kind, key, n) for (kind, key), n in sorted(summed.items()) if n > 0]


def csv_rows(rows: Iterable[Count], total_rows: Iterable[tuple[str, str, int]] = ()) -> list[tuple[str, ...]]:
    """The CSV: a header, one line per day, kind and key, then the totals (day "total"); small counts "<5"."""
    lines = [CSV_HEADER]
    for row in sorted(rows, key=lambda r: (r.day, r.kind, r.key)):
        if row.count > 0:
            lines.append((row.day.isoformat(), row.kind, row.key, shown(row.count)))
    for kind, key, n in total_rows:
        if n > 0:
            lines.append((TOTAL_DAY, kind, key, shown(n)))
    return lines


def csv_filename(start: date, end: date) -> str:
    """The download's name, with its date range."""
    return f"helpline-usage-{start.isoformat()}-to-{end.isoformat()}.csv"


def build(rows: Iterable[Sequence], start: date, end: date, total_rows: Iterable[tuple[str, str, int]] | None = None,
          labels: Mapping[str, Mapping[str, str]] | None = None) -> Report:
    """The whole report for ``start``..``end``: its charts and its totals.

    ``total_rows`` are (kind, key, total), e.g. from the database (computed from ``rows`` if None);
    ``labels`` gives readable names per kind and key, e.g. {"connected": {"national": "National Hotline"}}.
    """
    rows = counts(rows)
    total_rows = totals(rows) if total_rows is None else list(total_rows)
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
    )
    shown_totals = tuple((kind, labels.get(kind, {}).get(key, key), shown(n)) for kind, key, n in total_rows if n > 0)
    return Report(start, end, charts, shown_totals)
