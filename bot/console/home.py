"""Console home (ready to go live? what needs attention) and the reply tests page."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, render_template
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError

from ..review import readiness, reply_checks, replytests
from ..store import get_store, staff
from ..table.model import TIMEZONE

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Links to every tool; what needs attention (numbers to verify, reply tests failing or missing);
    and the go-live checks of ``flask doctor`` but Twilio's (this page does not wait for Twilio)."""
    store, config = get_store(), current_app.config
    snapshot = store.snapshot()
    today = datetime.now(TIMEZONE).date()
    stale, failed, cases, names, phones = [], [], [], {}, {}
    if snapshot is not None:
        stale = reply_checks.unverified(snapshot.table, today, config["VERIFY_DAYS"])
        results, _ = replytests.run_table(snapshot.table, snapshot.understander)
        cases = results or []
        failed = [r for r in cases if not r.passed]
        lang = snapshot.table.default_language
        names = {f"resource {key}": r.name.get(lang, key) for key, r in snapshot.table.resources.items()}
        phones = {f"resource {key}": r.phone for key, r in snapshot.table.resources.items() if r.phone.startswith("+")}
    try:
        with store.session() as session:
            admins = sum(account.role == "admin" for account in staff.accounts(session))
    except SQLAlchemyError:
        admins = None
    checks = readiness.checks(readiness.Facts.of(config, snapshot, today, admins))
    return render_template("console/index.html", stale=stale, failed=failed, tests=len(cases), names=names,
                           phones=phones, no_table=snapshot is None, days=config["VERIFY_DAYS"], checks=checks,
                           blocking=readiness.blocking(checks), no_token=not config["TWILIO_AUTH_TOKEN"])


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
            results, problems = replytests.run_table(snapshot.table, snapshot.understander)
    return render_template("console/tests.html", form=form, results=results, problems=problems)
