"""Flask commands for operators: ``flask --app bot load-data [PATH]``."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .datafiles import read_table
from .store import get_store
from .validation import DataError


@click.command("load-data")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@with_appcontext
def load_data(path: str | None) -> None:
    """Check PATH (default: data/) and replace the resource table with it, all or nothing."""
    path = path or current_app.config["DATA_DIR"]
    try:
        table = read_table(path)
    except DataError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"Nothing loaded: {len(exc.problems)} problem(s) in {path}; the table is unchanged.", err=True)
        raise click.exceptions.Exit(1)
    try:
        version = get_store().replace_table(table)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database refused the table ({type(exc).__name__}); nothing changed")
    keywords = sum(len(words) for t in table.topics for words in t.keywords.values())
    click.echo(f"Loaded {path}: {len(table.resources)} resources, {len(table.topics)} topics, "
               f"{keywords} keywords, {len(table.menu)} menu options (table version {version}).")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(load_data)
