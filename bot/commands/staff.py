"""``add-staff EMAIL``: create a console account."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..store import get_store, staff


@click.command("add-staff")
@click.argument("email")
@click.option("--role", type=click.Choice(staff.ROLES), default="staff", show_default=True,
              help="staff: test and verify; admin: also edit the table and manage accounts.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def add_staff(email: str, role: str, password_stdin: bool) -> None:
    """Create a console account for EMAIL; the password is asked twice, held to the one rule
    (``staff.password_problem``) and stored hashed."""
    if "@" not in email:
        raise click.BadParameter("give an email address", param_hint="EMAIL")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with get_store().session() as session:
            account = staff.add(session, email, password, role)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Created {account.role} account {account.email}. Sign in at /console/.")
