"""Console home (what needs attention) and the reply tests page."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, render_template
from flask_wtf import FlaskForm

from ..review import reply_checks, replytests
from ..store import get_store
from ..table.model import TIMEZONE
from ..table.load import DataError

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Links to every tool, and what needs attention: numbers to verify, reply tests failing or missing."""
    snapshot = get_store().snapshot()
    stale, failed, cases, names, phones = [], [], [], {}, {}
    if snapshot is not None:
        today = datetime.now(TIMEZONE).date()
        stale = reply_checks.unverified(snapshot.table, today, current_app.config["VERIFY_DAYS"])
        results, _ = _run(snapshot)
        cases = results or []
        failed = [r for r in cases if not r.passed]
        lang = snapshot.table.default_language
        names = {f"resource {key}": r.name.get(lang, key) for key, r in snapshot.table.resources.items()}
        phones = {f"resource {key}": r.phone for key, r in snapshot.table.resources.items() if r.phone.startswith("+")}
    return render_template("console/index.html", stale=stale, failed=failed, tests=len(cases), names=names,
                           phones=phones, no_table=snapshot is None, days=current_app.config["VERIFY_DAYS"])


@bp.route("/tests", methods=["GET", "POST"])
def reply_tests():
    """Run the live table's reply tests and show each row's result."""
    form = FlaskForm()
    results, problems = None, []
    if form.validate_on_submit():
        snapshot = get_store().snapshot()
        if snapshot is None:
            problems.append("No resource table is loaded.")
        else:
            results, problems = _run(snapshot)
    return render_template("console/tests.html", form=form, results=results, problems=problems)


def _run(snapshot) -> tuple[list[replytests.Result] | None, list[str]]:
    """The results of the table's reply tests, and any problem that stopped them."""
    try:
        cases = replytests.parse(snapshot.table.reply_tests)
    except DataError as exc:
        return None, [str(p) for p in exc.problems]
    if not cases:
        return [], ["The live table has no reply tests: add some in reply_tests.yaml (Resources, edit a file)."]
    return replytests.run(snapshot.table, snapshot.understander, cases), []
