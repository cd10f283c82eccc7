"""The usage report: charts and totals of what the line was used for, and a CSV download.

Staff and admins alike. Counts under 5 are shown as "<5" everywhere; the counts never hold a
number, a hash of one or a message body, and simulator, console and test traffic is not counted.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Blueprint, Response, render_template, request

from ..conversation.replies import capitalized
from ..reports import report
from ..store import get_store, reports
from ..table.model import TIMEZONE

bp = Blueprint("usage", __name__)


@bp.get("/usage")
def page():
    """Charts for the last ``?days=`` days (30 by default, 7 to 365), and the totals."""
    start, end, days = _period()
    rows = _read(start, end)
    built = report.build(rows, start, end, _labels({row[2] for row in rows if row[1] == "menu"}))
    return render_template("console/usage.html", report=built, days=days, choices=(7, 30, 90, 365))


@bp.get("/usage.csv")
def download():
    """day,kind,key,count for each day of the period, then the totals; counts under 5 as "<5",
    totals as sums of the cells shown ("at least N" over hidden days)."""
    start, end, _ = _period()
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(report.csv_rows(report.counts(_read(start, end))))
    filename = report.csv_filename(start, end)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _period():
    days = report.bounded_days(request.args.get("days"))
    start, end = report.period(days, datetime.now(TIMEZONE).date())
    return start, end, days


def _read(start, end):
    """The stored daily counts of the period (this process's pending counts written first); totals
    are made from them, so they are sums of the cells shown."""
    store = get_store()
    store.pending.flush()
    with store.session() as session:
        return reports.daily(session, start, end)


def _labels(menu_keys: set[str]) -> dict[str, dict[str, str]]:
    """Readable names of lines, languages and menu choices, from the live table (keys stay as they are
    without one)."""
    snapshot = get_store().snapshot()
    if snapshot is None:
        return {}
    table = snapshot.table
    lang = table.default_language
    return {
        "connected": {key: f"{capitalized(r.name.get(lang) or key)} ({key})" for key, r in table.resources.items()},
        "language": {code: language.name for code, language in table.languages.items()},
        "menu": {key: menu_label(table, key) for key in menu_keys},
    }


HOW = {"silence": "no key pressed", "speech": "said a choice", "text": "confirmed the text"}
WHERE = {"menu": "menu again", "hangup": "call ended", "sent": "sent", "limited": "not sent (the caller's texts of the day)",
         "failed": "not sent"}


def menu_label(table, key: str) -> str:
    """ "en key 1 -> womens-center-hotline" -> "English menu, key 1 → Women's Center 24-hour ... hotline"."""
    choice, _, where = key.partition(" -> ")
    code, _, how = choice.partition(" ")
    if code not in table.languages or not where:
        return key
    lang = table.default_language
    if where in table.resources:
        led = capitalized(table.resources[where].name.get(lang) or where)
    elif where.startswith("menu ") and where[5:] in table.languages:
        led = f"{table.languages[where[5:]].name} menu"
    else:
        led = WHERE.get(where, where)
    return f"{table.languages[code].name} menu, {HOW.get(how, how)} → {led}"
