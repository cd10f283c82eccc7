"""``fallback-twiml OUTDIR``: static TwiML for the number's Fallback URLs, built from the current table.

Twilio requests a number's Fallback URL when the webhook cannot be reached or fails. Hosted
somewhere else (TwiML Bins, any static file host), ``sms.xml`` and ``voice.xml`` keep giving
texters and callers the numbers while this server is down. They name no URL of ours (no
action, no Redirect), so they work without it. Rebuild them after every ``load-data``.
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import render_template
from flask.cli import with_appcontext

from ..conversation.fallback import sms_messages, voice_call
from ..phones import display
from ..store import get_store
from ..table.model import Table


def render(table: Table, version: int | None, now: datetime) -> dict[str, str]:
    """File name -> TwiML text."""
    source = f"resource table version {version}" if version is not None else "data/ (the database did not answer)"
    note = f"Written by flask fallback-twiml from {source} at {now:%Y-%m-%d %H:%M} UTC. Rebuild after load-data."
    return {
        "sms.xml": render_template("twiml/sms/fallback.xml", messages=sms_messages(table), note=note),
        "voice.xml": render_template("twiml/voice/fallback.xml", note=note, **voice_call(table)),
    }


def problems(table: Table, files: dict[str, str]) -> list[str]:
    """What is wrong with the files: not well-formed, or no 24/7 number in them."""
    numbers = [display(r.phone) for r in table.lines_24_7()]
    found = []
    for name, text in files.items():
        try:
            ET.fromstring(text.encode("utf-8"))
        except ET.ParseError as exc:
            found.append(f"{name} is not well-formed XML: {exc}")
        if not any(number in text for number in numbers):
            found.append(f"{name} gives no 24/7 number")
    return found


@click.command("fallback-twiml")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def fallback_twiml(outdir: Path) -> None:
    """Write OUTDIR/sms.xml and OUTDIR/voice.xml: static TwiML with the current table's numbers.

    Host them where Twilio can fetch them without this server (e.g. as TwiML Bins) and set
    them as the number's fallback URLs (Messaging and Voice, "Primary handler fails").
    Rebuild and re-upload them after every load-data.
    """
    snapshot = get_store().snapshot()
    if snapshot is None:
        raise click.ClickException("no resource table: run `flask --app bot load-data`")
    if snapshot.version is None:
        click.echo("Warning: the database did not answer; the files are built from data/.", err=True)
    files = render(snapshot.table, snapshot.version, datetime.now(timezone.utc))
    found = problems(snapshot.table, files)
    if found:
        raise click.ClickException("nothing written: " + "; ".join(found))
    outdir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        temporary = outdir / f".{name}.tmp"
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, outdir / name)  # a host serving the folder never sees half a file
    click.echo(f"Wrote {(outdir / 'sms.xml').resolve()}")
    click.echo(f"Wrote {(outdir / 'voice.xml').resolve()}")
    click.echo("Set them as the number's Messaging and Voice fallback URLs (e.g. as TwiML Bins); "
               "rebuild them after every load-data.")
