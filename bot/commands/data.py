"""Data commands: ``load-data [PATH]``, ``export-data [PATH]`` and ``check-data [PATH]`` (default: the live table)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import DataError as UnstorableValue, SQLAlchemyError

from ..review import gate, proposal as proposals, reply_checks, replytests
from ..table.changes import EntryChange, in_words
from ..table.files import docs_from_table, read_docs, write_docs
from ..store import StaleTable, get_store
from ..store.snapshots import build
from ..table.model import Table
from ..table.load import REPLY_TESTS, DataError, build_table

path_argument = click.argument("path", required=False, type=click.Path(file_okay=False))


@click.command("load-data")
@path_argument
@click.option("--dry-run", is_flag=True, help="Only list what would change.")
@click.option("--yes", is_flag=True, help="Replace without asking (for scripts).")
@with_appcontext
def load_data(path: str | None, dry_run: bool, yes: bool) -> None:
    """Check PATH (default: data/) and replace the resource table with it, all or nothing."""
    path = path or current_app.config["DATA_DIR"]
    closing = "Nothing loaded: {n} problem(s) in {path}; the table is unchanged."
    store = get_store()
    try:
        version, current = store.live()
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database is unavailable ({type(exc).__name__}); nothing changed")
    keep = docs_from_table(current)[REPLY_TESTS] if current else None
    snapshot = store.snapshot()
    proposal = proposals.propose(current, _docs_or_exit(path, closing, keep),
                                 snapshot.understander.model if snapshot else None)
    if proposal.problems:
        _exit_with(proposal.problems, closing, path)
    table, changes = proposal.table, list(proposal.entries)
    for key in proposal.unverified:
        click.echo(f"The number of {key} changed: its verification date is cleared (verify it again).")
    for failing in proposal.failing:
        click.echo(f"WARN  a reply test would fail: {failing}")
    if current is not None:
        if not changes:
            click.echo(f"Nothing to change: the database already holds {path}.")
            return
        echo_changes(f"Loading {path}", changes)
        if dry_run:
            click.echo("Dry run: nothing changed.")
            return
        if not yes:
            click.confirm("Replace the live table with these?", abort=True)
    elif dry_run:
        click.echo(f"Dry run: the database has no table yet; {path} would be loaded.")
        return
    try:
        version = store.replace_table(table, who=f"flask load-data {path}", changes=changes, action="load-data",
                                      expected_version=version, base=current,
                                      note=in_words(changes) if current else f"loaded {path}")
    except StaleTable as exc:
        for change in exc.changes:
            click.echo(f"  changed meanwhile: {change.target}", err=True)
        raise click.ClickException(f"{exc}: nothing loaded; run load-data again to see the new differences")
    except DataError as exc:
        raise click.ClickException(f"the table is unsafe, nothing changed:\n{exc}")
    except UnstorableValue as exc:  # the checks missed a bound of the database's
        raise click.ClickException(f"a value of {path} is too long or too large for the database, nothing "
                                   f"changed: {str(exc.orig).splitlines()[0]}")
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database refused the table ({type(exc).__name__}); nothing changed")
    click.echo(f"Loaded {path}: {_summary(table)} (table version {version}).")


@click.command("export-data")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@with_appcontext
def export_data(path: str | None) -> None:
    """Write the live table as data/'s files into PATH (default: instance/export), deterministically."""
    path = path or str(Path(current_app.instance_path) / "export")
    try:
        table = get_store().current_table()
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database is unavailable ({type(exc).__name__})")
    if table is None:
        raise click.ClickException("the database has no table yet: run `flask --app bot load-data`")
    write_docs(docs_from_table(table), path)
    click.echo(f"Exported the live table to {path}")


@click.command("check-data")
@path_argument
@with_appcontext
def check_data(path: str | None) -> None:
    """Check the live table (or the folder PATH, as load-data would read it): every reply, and its reply tests."""
    if path:
        table = _read_or_exit(path, "{n} problem(s) in {path}.")
        click.echo(f"OK    {path} loads: {_summary(table)}")
    else:
        try:
            version, table = get_store().live()
        except SQLAlchemyError as exc:
            raise click.ClickException(f"the database is unavailable ({type(exc).__name__}): give a folder to check")
        if table is None:
            raise click.ClickException("the database has no table yet: give a folder to check (e.g. data/)")
        path = f"the live table (version {version})"
        click.echo(f"OK    checking {path} in the database: {_summary(table)}")
    findings = reply_checks.check_table(table, date.today(), current_app.config["VERIFY_DAYS"])
    findings += [reply_checks.Finding(reply_checks.ERROR, f"{p.file}: {p.entry}", p.message) for p in gate.problems(table)]
    errors = [f for f in findings if f.level == reply_checks.ERROR]
    replies_ok = sum(f.level == reply_checks.OK for f in findings)
    click.echo(f"OK    {replies_ok} SMS replies within their length and encoding, each with a 24/7 number")
    for f in findings:
        if f.level != reply_checks.OK:
            click.echo(f"{'ERROR' if f.level == reply_checks.ERROR else 'WARN':5} {f.subject}: {f.detail}")
    cases = replytests.parse(table.reply_tests)
    if not cases:
        click.echo(f"ERROR {path} has no reply tests ({REPLY_TESTS} is missing or empty): nothing shows "
                   "that texters and callers get the right numbers.")
        errors.append(reply_checks.Finding(reply_checks.ERROR, REPLY_TESTS, "no reply tests"))
    understander = build(table, None, None, get_store().models_dir, wait=True).understander  # as the webhooks read
    results = replytests.run(table, understander, cases)
    click.echo(f"\nReply tests ({len(results)}):")
    for r in results:
        detail = "; ".join(r.problems) if r.problems else r.got.splitlines()[0][:60]
        click.echo(f"{'PASS' if r.passed else 'FAIL':5} {r.case.channel:5} {r.case.given[:32]:32} {detail}")
    failed = sum(not r.passed for r in results)
    warnings = sum(f.level == reply_checks.WARNING for f in findings)
    click.echo(f"\n{len(errors)} error(s), {warnings} warning(s), {len(results) - failed}/{len(results)} "
               "reply tests passed.")
    if errors or failed:
        raise click.exceptions.Exit(1)


def _docs_or_exit(path: str, closing: str, keep_tests: dict | None = None) -> dict:
    """The documents in ``path``, or every problem listed and exit status 1. A folder without
    reply_tests.yaml gets ``keep_tests`` (the live ones) when given."""
    try:
        docs = read_docs(path)
    except DataError as exc:
        _exit_with(exc.problems, closing, path)
    if REPLY_TESTS not in docs and keep_tests is not None:
        click.echo(f"{path} has no {REPLY_TESTS}: the live table's reply tests are kept.")
        docs[REPLY_TESTS] = keep_tests
    return docs


def _read_or_exit(path: str, closing: str) -> Table:
    """The table in ``path``, or every problem listed and exit status 1."""
    try:
        table = build_table(_docs_or_exit(path, closing))
        replytests.parse(table.reply_tests)
        return table
    except DataError as exc:
        _exit_with(exc.problems, closing, path)


def echo_changes(doing: str, changes: list[EntryChange]) -> None:
    """"Loading data/ would change 2 entries:", then one line per entry: added, removed or changed."""
    click.echo(f"{doing} would change {len(changes)} entr{'y' if len(changes) == 1 else 'ies'}:")
    for change in changes:
        click.echo(f"  {change.kind:8} {change.target}")


def _exit_with(problems, closing: str, path: str):
    """List ``problems`` and the closing line on stderr; exit status 1."""
    for problem in problems:
        click.echo(f"ERROR {problem}", err=True)
    click.echo(closing.format(n=len(problems), path=path), err=True)
    raise click.exceptions.Exit(1)


def _summary(table: Table) -> str:
    """"4 resources, 4 topics, 155 keywords, 8 menu options"."""
    keywords = sum(len(words) for t in table.topics for words in t.keywords.values())
    return (f"{len(table.resources)} resources, {len(table.topics)} topics, {keywords} keywords, "
            f"{len(table.menu)} menu options, {sum(map(len, table.reply_tests.values()))} reply tests")
