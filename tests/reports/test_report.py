"""bot/reports/report.py without Flask or a database: the "<5" rule, series, totals, CSV rows, SVG data."""
from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from bot.reports import charts, report
from bot.reports.report import Count

START, END = date(2026, 5, 1), date(2026, 5, 7)
ROWS = [
    Count(date(2026, 5, 1), "topic", "HOTLINE", 12),
    Count(date(2026, 5, 1), "topic", "HOUSING", 3),
    Count(date(2026, 5, 2), "topic", "HOTLINE", 1),
    Count(date(2026, 5, 3), "unmatched", "text", 6),
    Count(date(2026, 5, 1), "language", "en", 14),
    Count(date(2026, 5, 2), "language", "es", 2),
    Count(date(2026, 5, 3), "language", "en", 6),
    Count(date(2026, 5, 1), "call", "started", 4),
    Count(date(2026, 5, 2), "call", "started", 9),
    Count(date(2026, 5, 1), "menu", "en key 1 -> womens_center", 7),
    Count(date(2026, 5, 2), "menu", "es key 3 -> national", 2),
    Count(date(2026, 5, 2), "connected", "national", 2),
    Count(date(2026, 5, 2), "connected", "womens_center", 5),
    Count(date(2026, 5, 1), "textback", "sent", 6),
    Count(date(2026, 5, 2), "textback", "refused: caller's day", 2),
]


@pytest.mark.parametrize("n, text", [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (6, "6"), (1234, "1234")])
def test_counts_under_5_are_hidden(n, text):
    assert report.shown(n) == text


@pytest.mark.parametrize("value, days", [(None, 30), ("", 30), ("abc", 30), ("1.5", 30), ("7", 7), ("3", 7),
                                         ("-10", 7), ("90", 90), (" 365 ", 365), ("366", 365), ("100000", 365)])
def test_days_are_bounded(value, days):
    assert report.bounded_days(value) == days


def test_period_ends_today():
    assert report.period(7, END) == (START, END)
    assert len(report.days_between(*report.period(30, END))) == 30


def test_series_fill_missing_days_with_zero_most_used_first():
    found = report.series(ROWS, "topic", START, END)
    assert list(found) == ["HOTLINE", "HOUSING"]
    assert found["HOTLINE"] == [12, 1, 0, 0, 0, 0, 0]
    assert found["HOUSING"] == [3, 0, 0, 0, 0, 0, 0]
    assert report.series(ROWS, "topic", date(2026, 5, 2), date(2026, 5, 2)) == {"HOTLINE": [1]}


def test_totals_are_sums_of_the_cells_shown():
    totals = {(t.kind, t.key): t for t in report.totals(ROWS)}
    assert totals["topic", "HOTLINE"] == report.Total("topic", "HOTLINE", 12, 1)  # 12 and a "<5"
    assert totals["topic", "HOTLINE"].text == "at least 13"
    assert totals["topic", "HOUSING"].text == "<5"
    assert totals["language", "en"].text == "20" and totals["call", "started"].text == "at least 10"
    assert list(totals) == sorted(totals)


@given(st.lists(st.integers(0, 30), min_size=2, max_size=10), st.data())
def test_no_hidden_count_can_be_found_from_any_two_ranges(days, data):
    """Whatever the hidden counts are (1 to 4), every range's total reads the same."""
    other = [data.draw(st.integers(1, 4)) if 0 < n < 5 else n for n in days]

    def shown_totals(cells):
        rows = [Count(START + timedelta(days=i), "topic", "X", n) for i, n in enumerate(cells)]
        return [[t.text for t in report.totals(rows[a:b])] for a in range(len(rows)) for b in range(a + 1, len(rows) + 1)]

    assert shown_totals(days) == shown_totals(other)


def test_csv_cells_never_start_a_formula():
    rows = [Count(START, "topic", "=HYPERLINK(\"x\")", 6), Count(START, "menu", "+1", 7),
            Count(START, "menu", "@sum", 8), Count(START, "menu", "-2", 9), Count(START, "menu", "\tx", 9)]
    cells = [cell for line in report.csv_rows(rows) for cell in line]
    assert not any(cell[:1] in "=+-@\t\r" for cell in cells if cell)
    assert "'=HYPERLINK(\"x\")" in cells


def test_csv_rows_hide_small_counts_and_small_totals():
    lines = report.csv_rows(ROWS)
    assert lines[0] == ("day", "kind", "key", "count")
    assert ("2026-05-01", "topic", "HOTLINE", "12") in lines
    assert ("2026-05-01", "topic", "HOUSING", "<5") in lines
    assert ("2026-05-02", "topic", "HOTLINE", "<5") in lines
    assert ("total", "topic", "HOTLINE", "at least 13") in lines
    assert ("total", "topic", "HOUSING", "<5") in lines
    assert ("total", "language", "es", "<5") in lines
    counts = [line[3].removeprefix("at least ") for line in lines[1:]]
    assert all(c == "<5" or int(c) >= 5 for c in counts)
    days = [line[0] for line in lines[1:] if line[0] != "total"]
    assert days == sorted(days) and len(days) == len(ROWS)


def test_csv_filename_has_the_date_range():
    assert report.csv_filename(START, END) == "helpline-usage-2026-05-01-to-2026-05-07.csv"


def test_build_gives_every_chart_and_the_totals():
    built = report.build(ROWS, START, END)
    assert [c.id for c in built.charts] == ["texts", "languages", "calls", "menu", "connected", "textback"]
    assert chart(built, "textback").headers == ("Outcome", "Total")
    assert chart(built, "textback").rows == (("sent", "6"), ("refused: caller's day", "<5"))
    assert ("topic", "HOTLINE", "at least 13") in built.totals and ("topic", "HOUSING", "<5") in built.totals
    texts = chart(built, "texts")
    assert texts.headers == ("Day", "HOTLINE", "HOUSING", "unmatched")
    assert texts.rows[0] == ("2026-05-01", "12", "<5", "0")
    assert texts.rows[2] == ("2026-05-03", "0", "0", "6")


def test_labels_name_lines_and_languages():
    built = report.build(ROWS, START, END, labels={"connected": {"national": "National Hotline (national)"},
                                                   "language": {"en": "English"}})
    assert chart(built, "connected").rows == (("womens_center", "5"), ("National Hotline (national)", "<5"))
    assert chart(built, "languages").headers == ("Day", "English", "es")


def test_day_chart_bars_stack_and_hidden_counts_have_one_height():
    c = chart(report.build(ROWS, START, END), "texts")
    bars = {b.label: b for b in c.bars}
    hotline, housing = bars["May 1, HOTLINE: 12"], bars["May 1, HOUSING: <5"]
    assert "small" not in hotline.css and housing.css.endswith("small")
    assert housing.y + housing.height == pytest.approx(hotline.y)  # stacked on top
    assert hotline.y + hotline.height == pytest.approx(charts.DAY_HEIGHT - charts.DAY_BOTTOM)  # on the axis
    small_one = bars["May 2, HOTLINE: <5"]
    assert small_one.height == pytest.approx(housing.height)  # 1 and 3 drawn alike: as 5
    assert hotline.height == pytest.approx(housing.height * 12 / 5)
    assert {b.css.split()[0] for b in c.bars} == {"s0", "s1", "s2"}
    assert c.legend == (("s0", "HOTLINE"), ("s1", "HOUSING"), ("s2", "unmatched"))
    assert all(0 <= b.y and b.y + b.height <= c.height + 0.01 for b in c.bars)
    assert all(charts.DAY_LEFT <= b.x and b.x + b.width <= c.width for b in c.bars)
    assert not any(b.label.endswith((": 1", ": 2", ": 3", ": 4")) for b in c.bars)


def test_day_chart_axis_and_labels():
    c = chart(report.build(ROWS, START, END), "texts")
    ticks = [t.text for t in c.texts if t.anchor == "end"]
    assert ticks[0] == "0" and int(ticks[-1]) >= 15  # the highest stack: 12 + 5
    days = [t.text for t in c.texts if t.anchor == "middle"]
    assert days[0] == "May 1" and len(days) <= 8
    long = charts.day_chart("x", "X", report.days_between(START, START + timedelta(days=364)),
                            {"a": [1] * 365})
    assert len(long.bars) == 365 and len([t for t in long.texts if t.anchor == "middle"]) <= 8


def test_only_small_counts_give_an_axis_without_ticks_inside_the_band():
    c = charts.day_chart("x", "X", report.days_between(START, END), {"a": [1, 4, 0, 0, 0, 0, 0]})
    assert [t.text for t in c.texts if t.anchor == "end"] == ["0", "5"]
    assert c.bars[0].height == c.bars[1].height
    assert c.bars[0].y == pytest.approx(charts.DAY_TOP)  # the band fills the chart: 5 is its top


def test_total_chart_bars_hide_small_totals():
    c = chart(report.build(ROWS, START, END), "menu")
    first, second = c.bars
    assert first.label == "en key 1 -> womens_center: 7" and "small" not in first.css
    assert second.label == "es key 3 -> national: <5" and second.css.endswith("small")
    assert first.width == pytest.approx(second.width * 7 / 5)
    assert [t.text for t in c.texts][1::2] == ["7", "<5"]  # each total after its bar
    labels, bars = c.texts[0::2], c.bars
    assert all(t.x == 0 and t.y < b.y for t, b in zip(labels, bars))  # each label above its bar, full width
    assert all(b.x + b.width <= c.width for b in bars)
    assert c.rows == (("en key 1 -> womens_center", "7"), ("es key 3 -> national", "<5"))


def test_an_empty_period():
    built = report.build([], START, END)
    assert built.totals == ()
    assert all(c.empty and "Nothing was counted" in c.description for c in built.charts)
    assert chart(built, "calls").rows[0] == ("2026-05-01", "0")
    assert report.csv_rows([]) == [("day", "kind", "key", "count")]


def test_rows_from_the_store_are_accepted_as_tuples():
    rows = [(START, "topic", "DANGER", 8)]
    assert report.build(rows, START, END).totals == (("topic", "DANGER", "8"),)


def chart(built, id):
    return next(c for c in built.charts if c.id == id)
