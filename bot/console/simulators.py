"""SMS and call simulators: what a texter or caller gets, without a phone or a Twilio account.

Nothing typed here is stored: the conversation so far travels in the page's own form, the
simulated sender's state (language, STOP) lives in the simulator store, apart from real senders.
"""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from ..conversation import callsim, inbox, menu, segments
from ..phones import display
from ..store import get_store
from ..table.files import docs_from_table
from ..table.model import MENU_KEYS
from ..text import normalize
from ..understanding.understander import explain
from .auth import admin_required
from .resources import review

bp = Blueprint("simulators", __name__)
HISTORY = 10  # exchanges kept on the page


class SmsForm(FlaskForm):
    body = TextAreaField("Message", validators=[Length(max=1600)])
    language = SelectField("Language", choices=[SelectChoice("", "as a texter")])
    history = HiddenField()


class TeachForm(FlaskForm):
    text = HiddenField(validators=[Length(min=1, max=1600)])
    lang = HiddenField()
    topic = SelectField("This should have been", choices=[], validate_choice=False)


class CallForm(FlaskForm):
    press = StringField()  # the keypad's buttons submit it
    phrase = StringField("Say", validators=[Length(max=200)])
    steps = HiddenField()
    texts = BooleanField("From a mobile number (offered the numbers by text)", default=True)


@bp.route("/sms", methods=["GET", "POST"])
def sms():
    """Text the bot as a simulated sender and see the exact reply and its segments."""
    snapshot = get_store().snapshot()
    form = SmsForm()
    if snapshot:
        form.language.choices += [SelectChoice(c, l.name) for c, l in snapshot.table.languages.items()]
    history = _texts(form.history.data)[-HISTORY:]
    if form.validate_on_submit():
        outcome = inbox.receive(get_store(), current_app.config["SENDER_HASH_KEY"], f"console:{current_user.id}",
                                form.body.data or "", language=form.language.data or None, simulated=True)
        reply = outcome.body if outcome else None
        history.append({"text": form.body.data or "", "reply": reply,
                        "meta": segments.describe(reply) if reply else "no reply (opted out)",
                        "topics": list(outcome.topics) if outcome else [],
                        "lang": outcome.language if outcome else "",
                        "why": explain(outcome.match) if outcome and outcome.match else []})
        form.body.data = ""
    form.history.data = json.dumps(history[-HISTORY:])
    teach = None
    if history and history[-1].get("lang") and snapshot:
        topics = [t.key for t in snapshot.table.topics]
        picked = [t for t in history[-1].get("topics", []) if t in topics]  # the bot's own reading first
        teach = TeachForm(formdata=None, text=history[-1]["text"], lang=history[-1]["lang"],
                          topic=(picked or topics or [""])[0])
        teach.topic.choices = [SelectChoice(t, t) for t in topics] + [SelectChoice("", "no topic (the keyword menu)")]
    return render_template("console/sms.html", form=form, history=history, teach=teach)


@bp.post("/sms/teach")
@admin_required
def teach():
    """Turn a simulated text into an example of the topic it should have had; previewed, then saved."""
    snapshot = get_store().snapshot()
    form = TeachForm()
    if snapshot is None or not form.validate_on_submit() or form.lang.data not in snapshot.table.languages:
        abort(400)
    topic = form.topic.data or ""
    if topic and topic not in {t.key for t in snapshot.table.topics}:
        abort(400)
    docs = docs_from_table(snapshot.table)
    text = form.text.data.strip()
    kept = [e for e in docs["examples.yaml"] if normalize(e["text"]) != normalize(text)]
    docs["examples.yaml"] = kept + [{"text": text, "lang": form.lang.data, "topics": [topic] if topic else []}]
    return review(snapshot.table, snapshot.version, docs, "examples.yaml")


@bp.route("/call", methods=["GET", "POST"])
def call():
    """Walk the phone menu with a keypad or a spoken phrase; see what is heard and where it connects."""
    snapshot = get_store().snapshot()
    form = CallForm()
    steps = [str(s) for s in _json_list(form.steps.data)]
    if form.validate_on_submit():
        key = form.press.data if form.press.data in MENU_KEYS else None
        action = key or (form.phrase.data or "").strip() or "-"
        steps.append(action)
    texts = form.texts.data if form.is_submitted() else True
    turns, error = [], None
    if snapshot:
        try:
            turns = callsim.walk(snapshot.table, snapshot.understander, steps, texts=texts)
        except ValueError as exc:
            error, steps = str(exc), steps[:-1]
            turns = callsim.walk(snapshot.table, snapshot.understander, steps, texts=texts)
    form.steps.data, form.press.data, form.phrase.data = json.dumps(steps), "", ""
    last = turns[-1].step if turns else None
    return render_template("console/call.html", form=form, turns=turns, last=last, error=error, texts=texts,
                           heard=callsim.heard, outcome=callsim.outcome, tree=_tree(snapshot, texts))


def _tree(snapshot, texts: bool):
    """The menu as this caller gets it: per language (by name), each key and what it does, lines by name and number."""
    if snapshot is None:
        return {}
    table = snapshot.table

    def line(o, lang):
        """What an option dials, as staff read it."""
        return f"{table.resources[o.resource].name[lang]} {display(table.resources[o.resource].phone)}"

    def named(code):
        """A language by its name ("Español"), as the table calls it."""
        return table.languages[code].name if code in table.languages else code

    return {named(lang): [(o.key, o.action, line(o, lang) if o.resource else None,
                           named(o.language) if o.language else None)
                          for o in menu.options(table, lang, texts)] for lang in table.languages}


def _json_list(text: str | None) -> list:
    """A JSON list from a form field; anything else is an empty list."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _texts(text: str | None) -> list[dict]:
    """The SMS simulator's history from its form field: only entries with a text and a list of topics."""
    return [entry for entry in _json_list(text) if isinstance(entry, dict) and isinstance(entry.get("text"), str)
            and isinstance(entry.get("topics", []), list)]
