"""Console accounts (admins only): list, add, change a role, remove.

An admin can neither remove nor demote themselves, and the last admin stays an admin, so the
console always has someone who can manage it. Every form carries a CSRF token; every change
redirects back to the list (POST-redirect-GET) with a message.
"""
from __future__ import annotations

import logging
from datetime import timezone

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import EmailField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ..store import get_store, staff
from ..store.models import Staff
from ..table.model import TIMEZONE
from .auth import admin_required

bp = Blueprint("accounts", __name__)
log = logging.getLogger(__name__)
ROLE_CHOICES = [SelectChoice("staff", "staff: test and verify"),
                SelectChoice("admin", "admin: also edit the table and manage accounts")]


class AddForm(FlaskForm):
    email = EmailField("Email", filters=[lambda v: v.strip().lower() if v else v],
                       validators=[DataRequired(), Length(max=254),
                                   Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Give an email address.")])
    role = SelectField("Role", choices=ROLE_CHOICES, default="staff")
    password = PasswordField("Password", validators=[DataRequired()])  # staff.password_problem judges it
    confirm = PasswordField("Password again", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


@bp.before_request
@admin_required
def only_admins():
    """Every page here is for admins (staff get 403)."""


@bp.get("/accounts")
def index():
    """Every account, with a form to add one."""
    return _page(AddForm())


@bp.post("/accounts")
def add():
    """Create an account; the password is stored hashed."""
    form = AddForm()
    if not form.validate_on_submit():
        return _page(form), 400
    try:
        with get_store().session() as session:
            account = staff.add(session, form.email.data, form.password.data, form.role.data)
            email, role = account.email, account.role
            _audit(session, "add account", email, None, role)
    except IntegrityError:  # the same email added at the same moment
        form.email.errors = [f"{form.email.data} already has an account"]
        return _page(form), 400
    except staff.WeakPassword as exc:
        form.password.errors = [str(exc)]
        return _page(form), 400
    except staff.AccountError as exc:
        form.email.errors = [str(exc)]
        return _page(form), 400
    log.info("console account %s (%s) added by %s", email, role, current_user.email)
    flash(f"Added {email} ({role}).")
    return redirect(url_for(".index"))


@bp.post("/accounts/<int:account_id>/role")
def change_role(account_id: int):
    """Give an account another role (never oneself's, never the last admin's)."""
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose staff or admin.")
        return redirect(url_for(".index"))
    try:
        with get_store().session() as session:
            before = session.get(Staff, account_id)
            before = before.role if before else None
            account = staff.set_role(session, current_user.id, account_id, form.role.data)
            email, role = account.email, account.role
            _audit(session, "change role", email, before, role)
    except staff.AccountError as exc:
        flash(str(exc))
    else:
        log.info("console account %s made %s by %s", email, role, current_user.email)
        flash(f"{email} is now {role}.")
    return redirect(url_for(".index"))


@bp.route("/accounts/<int:account_id>/remove", methods=["GET", "POST"])
def remove(account_id: int):
    """Ask first (GET), then remove the account (POST)."""
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            with get_store().session() as session:
                email = staff.remove(session, current_user.id, account_id)
                _audit(session, "remove account", email, "account", None)
        except staff.AccountError as exc:
            flash(str(exc))
        else:
            log.info("console account %s removed by %s", email, current_user.email)
            flash(f"Removed {email}.")
        return redirect(url_for(".index"))
    with get_store().session() as session:
        account = session.get(Staff, account_id)
        if account is None:
            flash("That account does not exist (any more).")
            return redirect(url_for(".index"))
        email = account.email
    return render_template("console/account_remove.html", form=form, account_id=account_id, email=email,
                           own=account_id == current_user.id)


def _audit(session, action: str, email: str, old: str | None, new: str | None) -> None:
    """Account changes go to the audit log too (never a password)."""
    staff.audit(session, current_user.email, action, email, old, new)


def _page(form: AddForm):
    with get_store().session() as session:
        rows = [(a.id, a.email, a.role, _day(a.created_at)) for a in staff.accounts(session)]
    return render_template("console/accounts.html", form=form, role_form=RoleForm(), accounts=rows,
                           roles=ROLE_CHOICES, min_password=staff.MIN_PASSWORD)


def _day(when) -> str:
    """The creation date in America/Los_Angeles (SQLite hands back naive UTC)."""
    if when is None:
        return ""
    return when.replace(tzinfo=when.tzinfo or timezone.utc).astimezone(TIMEZONE).strftime("%Y-%m-%d")
