"""Change one's own console password: the current one first (throttled like sign-in), then the new
one twice, held to the one password rule; the change ends every other session of the account."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..store import get_store, staff
from ..store.models import Staff
from . import auth

bp = Blueprint("password", __name__)


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=staff.MAX_PASSWORD)])
    password = PasswordField("New password", validators=[DataRequired()])
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("password", message="The two new passwords differ.")])


@bp.route("/password", methods=["GET", "POST"])
def change():
    """The form; the right current password and a new one the rule accepts change it."""
    form = PasswordForm()
    if not form.validate_on_submit():
        return _page(form, 400 if form.errors else 200)
    keys = auth.throttle_keys(current_user.email)
    wait = auth.tries_wait(keys)
    if wait:
        flash(f"Too many wrong tries. Try again in {wait} seconds.")
        return _page(form, 429, {"Retry-After": str(wait)})
    account = auth.read_or_503(staff.sign_in_row, current_user.email)
    if account is None or account.id != current_user.id or not auth.password_matches(account, form.current.data):
        auth.tried_wrong(keys)
        form.current.errors = ["That is not your current password."]
        return _page(form, 400)
    try:
        with get_store().session() as session:
            row = session.get(Staff, account.id)
            if row is None:
                abort(403)  # the account was removed meanwhile
            token = staff.set_password(session, row, form.password.data)
    except staff.AccountError as exc:
        form.password.errors = [str(exc)]
        return _page(form, 400)
    except SQLAlchemyError:
        abort(503, "The database is unavailable: your password is not changed; try again.")
    auth.tried_right(keys)
    login_user(auth.StaffUser(account.id, account.email, account.role, token))  # this session goes on
    flash("Your password is changed. Every other session of your account is signed out.")
    return redirect(url_for("console.home.index"))


def _page(form: PasswordForm, status: int, headers: dict | None = None):
    """The form page with ``status``."""
    return render_template("console/password.html", form=form, min_length=staff.MIN_PASSWORD), status, headers or {}
