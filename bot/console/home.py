"""Console home and the reply tests page."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_wtf import FlaskForm

from ..review import replytests
from ..table.files import read_reply_tests
from ..store import get_store
from ..table.validation import DataError

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Links to every tool."""
    return render_template("console/index.html")


@bp.route("/tests", methods=["GET", "POST"])
def reply_tests():
    """Run the reply tests of data/ against the live table and show each row's result."""
    form = FlaskForm()
    results, problems = None, []
    if form.validate_on_submit():
        snapshot = get_store().snapshot()
        try:
            cases = replytests.parse(read_reply_tests(current_app.config["DATA_DIR"]))
        except DataError as exc:
            cases, problems = [], [str(p) for p in exc.problems]
        if snapshot is None:
            problems.append("No resource table is loaded.")
        else:
            results = replytests.run(snapshot.table, snapshot.matcher, cases)
    return render_template("console/tests.html", form=form, results=results, problems=problems)
