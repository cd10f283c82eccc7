"""``doctor``: is this instance ready to go live? Each check in one line; exit 1 when one blocks."""
from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .. import twilio_api
from ..review import readiness
from ..store import get_store, staff
from ..table.model import TIMEZONE
from .twilio_setup import find_number, find_service, settings

MARKS = {readiness.READY: "ok  ", readiness.NOT_READY: "FIX ", readiness.WARNING: "note"}


def facts() -> readiness.Facts:
    """What the checks look at, read from this app and from Twilio."""
    config, store = current_app.config, get_store()
    try:
        with store.session() as session:
            admins = sum(account.role == "admin" for account in staff.accounts(session))
    except SQLAlchemyError:
        admins = None
    problems, error = _twilio_problems(config)
    return readiness.Facts.of(config, store.snapshot(), datetime.now(TIMEZONE).date(), admins, problems, error)


def _twilio_problems(config) -> tuple[list[str] | None, str]:
    """What ``twilio-setup --check`` finds wrong with the number (None, "": no credentials), or why
    Twilio could not be asked."""
    client = twilio_api.client(config)
    if client is None:
        return None, ""
    base = config["PUBLIC_BASE_URL"].rstrip("/")
    if not base.startswith("https://"):
        return None, "PUBLIC_BASE_URL must be the bot's https:// address first"
    try:
        number = find_number(client, config["HELPLINE_NUMBER"] or None)
        rows = settings(number, find_service(client, number), base, None, None)
    except click.ClickException as exc:
        return None, exc.format_message()
    except (*twilio_api.FAILURES, OSError) as exc:
        return None, twilio_api.failure_in_words(exc)
    return [f"{s.owner} {s.problem()}" for s in rows if s.problem()], ""


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Check, line by line, what this instance needs to go live; exit 1 when something blocks it."""
    found = readiness.checks(facts())
    for check in found:
        click.echo(f"{MARKS[check.state]}  {check.name}: {check.detail}")
    blocking = readiness.blocking(found)
    if blocking:
        click.echo(f"Not ready to go live: {len(blocking)} thing(s) to fix (FIX above).")
        raise click.exceptions.Exit(1)
    click.echo("Ready to go live.")
