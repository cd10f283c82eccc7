"""``staff add|set-role|reset-password|list``: console accounts from the terminal (``add-staff`` = ``staff add``).

The first account on an empty database is an admin, whatever role was asked: with no admin nobody
could edit the table or manage accounts. Changes are written to the audit log as by "terminal".
"""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..store import get_store, staff

WHO = "terminal"  # the audit log's "who" for a change made here
PASSWORD_FROM_STDIN = click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")


def read_password(email: str, from_stdin: bool) -> str:
    """The new password: one line of stdin, or asked until strong enough, then once more to confirm."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            staff.check_strength(password, email)
        except staff.WeakPassword as exc:
            raise click.ClickException(str(exc))
        return password
    while True:
        password = click.prompt("Password", hide_input=True)
        try:
            staff.check_strength(password, email)  # before the second prompt: nobody types a weak one twice
        except staff.WeakPassword as exc:
            click.echo(f"{exc} Try another.")
            continue
        if click.prompt("Password again", hide_input=True) == password:
            return password
        click.echo("The two passwords do not match: start again.")


def existing(session, email: str):
    """The account with this email, or a ClickException saying there is none."""
    account = staff.find(session, email)
    if account is None:
        raise click.ClickException(f"{email.strip().lower()} has no account (see: flask --app bot staff list)")
    return account


@click.command("add-staff")
@click.argument("email")
@click.option("--role", type=click.Choice(staff.ROLES), default="staff", show_default=True,
              help="staff: test and verify; admin: also edit the table and manage accounts.")
@PASSWORD_FROM_STDIN
@with_appcontext
def add_staff(email: str, role: str, password_stdin: bool) -> None:
    """Create a console account for EMAIL (the first one is an admin); the password is stored hashed."""
    if "@" not in email:
        raise click.BadParameter("give an email address", param_hint="EMAIL")
    with get_store().session() as session:
        if staff.find(session, email):
            raise click.ClickException(f"{email.strip().lower()} already has an account")
    password = read_password(email, password_stdin)
    try:
        with get_store().session() as session:
            first = not staff.accounts(session)
            account = staff.add(session, email, password, "admin" if first else role)
            staff.audit(session, WHO, "add account", account.email, None, account.role)
            email, role = account.email, account.role
    except staff.AccountError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Created {role} account {email}. Sign in at /console/.")
    if first:
        click.echo("It is the first account, so it is an admin: it can edit the table and manage accounts.")


@click.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(staff.ROLES))
@with_appcontext
def set_role(email: str, role: str) -> None:
    """Make EMAIL's account an admin or staff (the last admin cannot be made staff)."""
    try:
        with get_store().session() as session:
            account = existing(session, email)
            before = account.role
            staff.set_role(session, None, account.id, role)
            staff.audit(session, WHO, "change role", account.email, before, role)
            email = account.email
    except staff.AccountError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{email} is {'already' if before == role else 'now'} {role}.")


@click.command("reset-password")
@click.argument("email")
@PASSWORD_FROM_STDIN
@with_appcontext
def reset_password(email: str, password_stdin: bool) -> None:
    """Give EMAIL's account a new password and sign out its open console sessions."""
    with get_store().session() as session:
        email = existing(session, email).email
    password = read_password(email, password_stdin)
    with get_store().session() as session:
        account = existing(session, email)
        staff.set_password(session, account, password)  # ends every session of the account
        staff.audit(session, WHO, "reset password", email, None, None)
    click.echo(f"New password set for {email}; its open console sessions are signed out.")


@click.command("list")
@with_appcontext
def list_accounts() -> None:
    """Every console account: email, role, the day it was made."""
    with get_store().session() as session:
        rows = [(a.email, a.role, a.created_at) for a in staff.accounts(session)]
    if not rows:
        click.echo("No accounts yet: add one with flask --app bot staff add EMAIL (the first is an admin).")
    for email, role, created in rows:
        click.echo(f"{email:40} {role:6} since {created:%Y-%m-%d}")
    click.echo(f"{len(rows)} account(s), {sum(r[1] == 'admin' for r in rows)} admin(s).")


@click.group("staff")
def staff_group() -> None:
    """Console accounts: add, set-role, reset-password, list."""


staff_group.add_command(add_staff, "add")
for command in (set_role, reset_password, list_accounts):
    staff_group.add_command(command)
