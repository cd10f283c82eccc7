"""Console sign-in: email and password, slowed down after a few wrong passwords."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from ..store import get_store, staff
from ..store.models import Staff

bp = Blueprint("auth", __name__)
FREE_TRIES = 3  # wrong passwords before each further try must wait
MAX_WAIT = 300  # seconds
_DUMMY_HASH = generate_password_hash("not a password")


@dataclass(frozen=True)
class StaffUser(UserMixin):
    id: int
    email: str
    role: str

    def get_id(self) -> str:
        """Flask-Login's id of the account."""
        return str(self.id)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def load_user(user_id: str) -> StaffUser | None:
    """The signed-in account, read from the database on each request."""
    with get_store().session() as session:
        row = session.get(Staff, int(user_id)) if user_id.isdigit() else None
        return StaffUser(row.id, row.email, row.role) if row else None


def admin_required(view):
    """Only admins (403 for staff)."""

    @wraps(view)
    def checked(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return checked


def wait_seconds(failed: int, last_failed: datetime | None, now: datetime) -> int:
    """How long an account must wait before the next try: none for the first few, then doubling."""
    if failed < FREE_TRIES or last_failed is None:
        return 0
    wait = min(MAX_WAIT, 5 * 2 ** (failed - FREE_TRIES))
    elapsed = (now - last_failed.replace(tzinfo=last_failed.tzinfo or timezone.utc)).total_seconds()
    return max(0, int(wait - elapsed + 0.999))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a right email and password open the console."""
    form = LoginForm()
    if form.validate_on_submit():
        with get_store().session() as session:
            account = staff.find(session, form.email.data)
            wait = wait_seconds(account.failed_logins, account.last_failed_at,
                                datetime.now(timezone.utc)) if account else 0
            if wait:
                flash(f"Too many wrong passwords. Try again in {wait} seconds.")
                return render_template("console/login.html", form=form), 429
            if account is None:
                check_password_hash(_DUMMY_HASH, form.password.data)  # same time as a real check
            elif staff.check_password(session, account, form.password.data):
                login_user(StaffUser(account.id, account.email, account.role))
                return redirect(_safe_next(request.args.get("next")))
        flash("Wrong email or password.")
        return render_template("console/login.html", form=form), 401
    return render_template("console/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out (a POST with the CSRF token, so no other site can sign staff out)."""
    logout_user()
    return redirect(url_for("console.auth.login"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never send a signed-in user elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("console.home.index")
