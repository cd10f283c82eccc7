"""Simulators for staff: ``sms TEXT`` and ``call [STEP...]``, exactly as a phone would get them."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..conversation import callsim, inbox, segments
from ..store import get_store
from ..understanding import understander


@click.command("sms")
@click.argument("text")
@click.option("--from", "sender", default="",
              help="A simulated sender (any name) whose language and STOP are kept across commands; "
                   "without it each command is a new sender.")
@click.option("--lang", default=None, help="Answer this one message in this language (en, es).")
@click.option("--explain", is_flag=True, help="Also show why: keyword hits, or the model's score per topic.")
@with_appcontext
def sms(text: str, sender: str, lang: str | None, explain: bool) -> None:
    """Print the reply to TEXT exactly as it would be sent, with its length and segments."""
    store = get_store()
    snapshot = store.snapshot()
    if lang is not None and (snapshot is None or lang not in snapshot.table.languages):
        raise click.BadParameter(f"unknown language {lang!r}", param_hint="--lang")
    outcome = inbox.receive(store, current_app.config["SENDER_HASH_KEY"], sender, text, language=lang,
                            simulated=True)
    if outcome is None:
        raise click.ClickException("no resource table: run `flask --app bot load-data`")
    if outcome.body is None:
        later = (f"its later texts get none until it texts START (--from {sender!r})" if sender.strip() else
                 "without --from each command is a new sender, so this affects no other command")
        click.echo(f"(no reply: an empty <Response/>; this sender opted out: {later})")
        return
    click.echo(outcome.body)
    click.echo(f"--- {segments.describe(outcome.body)}")
    if explain:
        click.echo(f"--- topics: {', '.join(outcome.topics) or '(none: the keyword menu)'}; language: {outcome.language}")
        for line in understander.explain(outcome.match) if outcome.match else ["(the same answer as before)"]:
            click.echo(f"    {line}")


@click.command("call")
@click.argument("steps", nargs=-1)
@click.option("--texts", is_flag=True, help="Call from a mobile number: offered the numbers by text (5, then 1 "
              "sends them, text=failed for a text Twilio refuses, or text=limited past the caller's texts of the day).")
@with_appcontext
def call(steps: tuple[str, ...], texts: bool) -> None:
    """Walk the phone menu: each STEP is a key (1, *, #), a quoted phrase, - (silence) or dial=busy|no-answer|failed|completed."""
    snapshot = get_store().snapshot()
    if snapshot is None:
        raise click.ClickException("no resource table: run `flask --app bot load-data`")
    try:
        turns = callsim.walk(snapshot.table, snapshot.understander, steps, texts=texts)
    except ValueError as exc:
        raise click.UsageError(str(exc))
    for turn in turns:
        click.echo("> " + ("(call starts)" if turn.action is None else turn.action))
        for locale, line in callsim.heard(turn.step):
            click.echo(f"  [{locale}] {line}")
        click.echo(f"  = {callsim.outcome(turn.step)}")
