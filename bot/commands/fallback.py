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

from ..conversation import discreet, menu, spoken
from ..phones import display
from ..conversation.segments import segments
from ..store import get_store
from ..table.model import Table

MAX_BODY = 1600  # Twilio's longest <Message> body, in characters


def sms_messages(table: Table) -> list[str]:
    """The discreet reply to the start topic (the 24/7 numbers and 911), one per language: a fallback
    reply also reaches senders whose phone is watched, so it is worded neutrally.

    Not the keyword menu: a static reply cannot answer HOTLINE or HOUSING, so it should not
    offer them. The default language always comes first; another language's reply is added
    when it fits that language's segment limit and Twilio's body limit.
    """
    messages = []
    for code, language in table.languages.items():
        body = discreet.sms(table, (table.start_topic,), code)
        if not messages or (segments(body) <= language.max_segments and len(body) <= MAX_BODY):
            messages.append(body)
    return messages


def voice_call(table: Table) -> dict:
    """What the fallback call says and dials: the danger prompt in every language, the 24-hour
    lines with their numbers, the fallback line announced and dialed; after the <Dial> (busy,
    no answer, or the call ended), the numbers in the other languages and goodbye. Lines are named
    neutrally, as in discreet replies: the call may be overheard by whoever watches the phone."""
    first, *others = table.languages
    fallback = table.resources[table.fallback]
    lines = [r for r in menu.dialable(table) if r.always_open]
    before = [spoken.say(table, code, "danger") for code in table.languages]
    before += spoken.read_numbers(table, first, lines, neutral=True)
    before += [spoken.say(table, code, "connecting", fallback, neutral=True) for code in table.languages]
    after = [say for code in others for say in spoken.read_numbers(table, code, lines, neutral=True)]
    after += [spoken.say(table, code, "goodbye") for code in table.languages]
    return {"before": before, "dial": fallback, "after": after}


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
