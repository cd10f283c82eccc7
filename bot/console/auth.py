"""Console sign-in: email and password, throttled per client address and per email before any
password is hashed; the same answers whether an account exists or not; sessions end at sign-out.

Sign-in bookkeeping never holds a database lock while a password is hashed: the account is read,
the hash checked outside any transaction, then a failure is counted in a short write of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..store import get_store, sign_in_throttle, staff

bp = Blueprint("auth", __name__)
_DUMMY_HASH = generate_password_hash("not a password")
WRONG = "Wrong email or password."


@dataclass(frozen=True)
class StaffUser(UserMixin):
    id: int
    email: str
    role: str
    token: str = ""  # the account's session token when signed in

    def get_id(self) -> str:
        """Flask-Login's id: the account and its session token (a new token ends old sessions)."""
        return f"{self.id}:{self.token}"


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


def load_user(user_id: str) -> StaffUser | None:
    """The signed-in account, read from the database on each request, if its session still holds."""
    account_id, _, token = user_id.partition(":")
    if not account_id.isdigit():
        return None
    try:
        row = get_store().read(staff.session_row, int(account_id))  # read-only: takes no write lock
    except SQLAlchemyError:
        return None  # the database is down: signed out for now
    if row is None or token != (row.session_token or ""):
        return None
    return StaffUser(row.id, row.email, row.role, token)


def admin_required(view):
    """Only admins (403 for staff)."""

    @wraps(view)
    def checked(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return checked


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a right email and password open the console. Throttled tries are refused
    before any hashing; a known and an unknown email get the same answers."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("console/login.html", form=form), 400 if request.method == "POST" else 200
    email, password = form.email.data.strip().lower(), form.password.data
    keys = throttle_keys(email)
    wait = tries_wait(keys)
    if wait:
        flash(f"Too many wrong tries. Try again in {wait} seconds.")
        return render_template("console/login.html", form=form), 429, {"Retry-After": str(wait)}
    account = read_or_503(staff.sign_in_row, email)
    if password_matches(account, password):
        tried_right(keys)
        login_user(StaffUser(account.id, account.email, account.role, account.session_token or ""))
        return redirect(_safe_next(request.args.get("next")))
    tried_wrong(keys)
    flash(WRONG)
    return render_template("console/login.html", form=form), 401


def init_app(app: Flask) -> None:
    """Each worker's memory of the sign-in waits it has read."""
    app.extensions["sign_in_waits"] = sign_in_throttle.KnownWaits()


def throttle_keys(email: str) -> dict[str, sign_in_throttle.Throttle]:
    """The counters of wrong passwords this request is throttled by: its client address and ``email``."""
    return sign_in_throttle.throttle_keys(current_app.config["SECRET_KEY"].encode(), request.remote_addr or "", email)


def tries_wait(keys: dict[str, sign_in_throttle.Throttle]) -> int:
    """Seconds before a password may be tried again on ``keys``: a wait this worker knows is answered
    from memory, else the counts are read (503 when the database is down)."""
    known = current_app.extensions["sign_in_waits"]
    wait = known.wait(keys)
    if not wait:
        waits = read_or_503(sign_in_throttle.waits, keys, datetime.now(timezone.utc))
        known.remember(waits)
        wait = max(waits.values(), default=0)
    return wait


def password_matches(account, password: str) -> bool:
    """True if ``password`` is the account's (a ``sign_in_row``); checked outside any transaction, and
    as long without an account as with one."""
    return check_password_hash(account.password_hash if account else _DUMMY_HASH, password) and account is not None


def tried_wrong(keys: dict[str, sign_in_throttle.Throttle]) -> None:
    """Count a wrong password on ``keys``."""
    _bookkeeping(sign_in_throttle.record_failure, keys)


def tried_right(keys: dict[str, sign_in_throttle.Throttle]) -> None:
    """Forget the email's wrong passwords after a right one (the address's stay counted)."""
    email_keys = [k for k, t in keys.items() if t is sign_in_throttle.BY_EMAIL]
    current_app.extensions["sign_in_waits"].forget(email_keys)
    _bookkeeping(sign_in_throttle.clear_failures, email_keys)


def read_or_503(fn, *args):
    """A bounded read for sign-in bookkeeping; 503 when the database is unavailable."""
    try:
        return get_store().read(fn, *args)
    except SQLAlchemyError:
        abort(503, "The database is unavailable; try again in a minute.")


def _bookkeeping(write, *args) -> None:
    """A short write of sign-in counts; never fails a sign-in page."""
    try:
        get_store().write(write, *args)
    except SQLAlchemyError:
        pass


@bp.post("/logout")
def logout():
    """Sign out (a POST with the CSRF token, so no other site can sign staff out); the session's
    cookie stops working, here and in every other copy of it."""
    if current_user.is_authenticated:
        try:
            with get_store().session() as session:
                staff.end_sessions(session, current_user.id)
        except SQLAlchemyError:
            abort(503, "The database is unavailable: you are not signed out yet; try again.")
    logout_user()
    return redirect(url_for("console.auth.login"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never send a signed-in user elsewhere (nor a header break)."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable() and not urlsplit(target).netloc):
        return target
    return url_for("console.home.index")
