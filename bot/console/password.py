"""Change one's own console password: the current one first, then the new one twice."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..store import get_store, staff
from ..store.models import Staff

bp = Blueprint("password", __name__)


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[
        DataRequired(), Length(max=200),
        Length(min=staff.MIN_PASSWORD, message=f"The password needs at least {staff.MIN_PASSWORD} characters.")])
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("password", message="The two new passwords differ.")])


@bp.route("/password", methods=["GET", "POST"])
def change():
    """The form; the right current password and a good new one change it."""
    form = PasswordForm()
    if form.validate_on_submit():
        with get_store().session() as session:
            account = session.get(Staff, current_user.id)
            # a wrong current password counts as a wrong sign-in try (committed when the block ends)
            if account is None or not staff.check_password(account, form.current.data):
                form.current.errors = ["That is not your current password."]
                return render_template("console/password.html", form=form, min_length=staff.MIN_PASSWORD), 400
            try:
                staff.set_password(session, account, form.password.data)
            except staff.AccountError as exc:
                form.password.errors = [str(exc)]
                return render_template("console/password.html", form=form, min_length=staff.MIN_PASSWORD), 400
        flash("Your password is changed.")
        return redirect(url_for("console.home.index"))
    return render_template("console/password.html", form=form, min_length=staff.MIN_PASSWORD), 400 if form.errors else 200
