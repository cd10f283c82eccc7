"""``card [--lang en|es] [--size wallet|poster] [OUT.pdf]``: a printable outreach card from the live table
(default: instance/helpline-SIZE-LANG.pdf, beside the other generated files, never in the checkout)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..outreach import card as cards
from ..store import get_store


@click.command("card")
@click.option("--lang", default="en", show_default=True, help="the card's language (a language of the table)")
@click.option("--size", type=click.Choice(sorted(cards.SIZES)), default="wallet", show_default=True,
              help="wallet: front and back of a card; poster: one US Letter page")
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def card(lang: str, size: str, out: Path | None) -> None:
    """Write a printable PDF: the helpline's number, what to text, the 24/7 numbers, 911, QR codes."""
    snapshot = get_store().snapshot()
    if snapshot is None:
        raise click.ClickException("no resource table is loaded")
    try:
        helpline = cards.helpline_number(current_app.config["HELPLINE_NUMBER"])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    words = cards.load_words()
    if lang not in cards.languages(words, snapshot.table):
        raise click.ClickException(f"--lang: one of {', '.join(cards.languages(words, snapshot.table))}")
    out = out or Path(current_app.instance_path) / cards.file_name(size, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(cards.pdf(cards.content(snapshot.table, helpline, lang, words), size))
    click.echo(f"wrote {out} ({size}, {lang}) for {helpline}")
