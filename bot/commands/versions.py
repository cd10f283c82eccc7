"""History commands: ``versions`` lists the table's versions, ``rollback N`` brings one back."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from ..store import StaleTable, get_store
from ..store.tables import load_docs, versions as stored_versions
from ..review import proposal as proposals
from ..table.changes import in_words
from ..table.load import DataError
from .data import echo_changes


@click.command("versions")
@click.option("--limit", default=50, show_default=True, help="How many of the newest versions to list.")
@with_appcontext
def versions(limit: int) -> None:
    """List the table's versions, newest first: number, when, who, what and the change in words."""
    try:
        with get_store().session() as session:
            rows = stored_versions(session, limit)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database is unavailable ({type(exc).__name__})")
    if not rows:
        click.echo("The database has no table yet: run `flask --app bot load-data`.")
    for i, v in enumerate(rows):
        live = "  (live)" if i == 0 else ""
        who = f" by {v.who}" if v.who else ""
        click.echo(f"{v.number:>4}  {v.created_at:%Y-%m-%d %H:%M}  {v.what}{who}: {v.note or '-'}{live}")


@click.command("rollback")
@click.argument("number", type=int)
@click.option("--yes", is_flag=True, help="Roll back without asking (for scripts).")
@with_appcontext
def rollback(number: int, yes: bool) -> None:
    """Make a new version equal to version NUMBER, through the same checks as every change."""
    store = get_store()
    try:
        live, current = store.live()
        with store.session() as session:
            documents = load_docs(session, number)
    except KeyError:
        raise click.ClickException(f"there is no version {number}: `flask --app bot versions` lists them")
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database is unavailable ({type(exc).__name__}); nothing changed")
    snapshot = store.snapshot()
    proposal = proposals.propose(current, documents, snapshot.understander.model if snapshot else None)
    if proposal.problems:
        problems = "\n".join(proposal.problems)
        raise click.ClickException(f"version {number} is unsafe by today's checks, nothing changed:\n{problems}")
    found = list(proposal.entries)
    if not found:
        click.echo(f"Nothing to change: the live table (version {live}) already equals version {number}.")
        return
    echo_changes(f"Rolling back to version {number}", found)
    for key in proposal.unverified:
        click.echo(f"The number of {key} changes: its verification date is cleared (verify it again).")
    if not yes:
        click.confirm(f"Make version {number} the live table again?", abort=True)
    try:
        made = store.replace_table(proposal.table, who="flask rollback", changes=found, action="rollback",
                                   expected_version=live, base=current,
                                   note=f"back to version {number}: {in_words(found)}")
    except StaleTable as exc:
        raise click.ClickException(f"{exc}: nothing changed; run rollback again to see the new differences")
    except DataError as exc:
        raise click.ClickException(f"version {number} is unsafe by today's checks, nothing changed:\n{exc}")
    click.echo(f"Rolled back: version {made} equals version {number}; every worker uses it within seconds.")
