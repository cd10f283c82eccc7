"""Ready to go live? Each thing a live helpline needs, checked and said in one line: the settings,
the numbers and reply tests of the live table, the fallback files, an admin, Twilio's settings.
Plain Python: the facts in (``Facts``), the checks out; ``flask doctor`` and the console's home
gather the facts and show the same list."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..conversation.fallback import sms_messages, voice_words
from ..outreach.card import helpline_number
from ..phones import display
from ..table.model import Table
from ..twilio_api import configured
from ..understanding.matching import Matcher
from . import reply_checks, replytests

READY, NOT_READY, WARNING = "ready", "not ready", "warning"  # NOT_READY blocks going live
FALLBACK_FILES = ("sms.xml", "voice.xml")


@dataclass(frozen=True)
class Check:
    name: str
    state: str  # READY, NOT_READY or WARNING
    detail: str


@dataclass(frozen=True)
class Facts:
    config: Mapping[str, Any]  # the app's settings
    table: Table | None  # the live table (None: none at all)
    matcher: Matcher | None
    version: int | None  # the table's version (None: read from data/, the database did not answer)
    today: date
    admins: int | None  # admin accounts (None: the database did not answer)
    fallback: Mapping[str, str]  # the files FALLBACK_DIR holds: name -> text
    twilio: Sequence[str] | None = None  # what is wrong with the number's settings at Twilio (None: not asked)
    twilio_error: str = ""  # why Twilio could not be asked

    @classmethod
    def of(cls, config: Mapping, snapshot, today: date, admins: int | None, twilio: Sequence[str] | None = None,
           twilio_error: str = "") -> Facts:
        """The facts of an app: its settings, its table ``snapshot`` (or None), the fallback files."""
        return cls(config, snapshot and snapshot.table, snapshot and snapshot.understander,
                   snapshot and snapshot.version, today, admins, read_fallback(config["FALLBACK_DIR"]),
                   twilio, twilio_error)


def checks(facts: Facts) -> list[Check]:
    """Every check, in the order an operator fixes them."""
    config = facts.config
    found = [_auth_token(config), *(_key(config, name) for name in ("SENDER_HASH_KEY", "SECRET_KEY")),
             _helpline(config), _public_url(config), _table(facts)]
    if facts.table is not None:
        found += [_verified(facts.table, facts.today, config["VERIFY_DAYS"]), _reply_tests(facts.table, facts.matcher),
                  _fallback(facts.table, config["FALLBACK_DIR"], facts.fallback)]
    return found + [_admins(facts.admins), _twilio(facts)]


def blocking(found: Sequence[Check]) -> list[Check]:
    """The checks that keep the helpline from going live."""
    return [c for c in found if c.state == NOT_READY]


def read_fallback(folder: str) -> dict[str, str]:
    """The fallback files ``folder`` holds (those missing left out)."""
    files = {}
    for name in FALLBACK_FILES:
        try:
            files[name] = (Path(folder) / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return files


def _auth_token(config: Mapping) -> Check:
    """TWILIO_AUTH_TOKEN: without it no webhook request can be checked, so every one is refused."""
    if config["TWILIO_AUTH_TOKEN"]:
        return Check("TWILIO_AUTH_TOKEN", READY, "set: texts and calls signed by Twilio are answered")
    return Check("TWILIO_AUTH_TOKEN", NOT_READY, "not set: every real text and call is refused (503) until it is")


def _key(config: Mapping, name: str) -> Check:
    """A key set in the environment, not generated into the instance folder (lost with it)."""
    if name not in config.get("GENERATED_KEYS", ()):
        return Check(name, READY, "set in the environment")
    lost = ("every opt-out (STOP) is forgotten" if name == "SENDER_HASH_KEY" else "every console session ends")
    return Check(name, NOT_READY, f"generated into instance/{name.lower()}: set {name} in the environment to that "
                                  f"file's value (keep it safe; without it {lost})")


def _helpline(config: Mapping) -> Check:
    """HELPLINE_NUMBER, the number people text and call, as cards print it."""
    try:
        return Check("HELPLINE_NUMBER", READY, display(helpline_number(config["HELPLINE_NUMBER"])))
    except ValueError as exc:
        return Check("HELPLINE_NUMBER", NOT_READY, str(exc))


def _public_url(config: Mapping) -> Check:
    """PUBLIC_BASE_URL: the https:// address Twilio calls."""
    url = config["PUBLIC_BASE_URL"]
    if url.startswith("https://"):
        return Check("PUBLIC_BASE_URL", READY, url)
    if not url:
        return Check("PUBLIC_BASE_URL", NOT_READY, "not set: the bot's public https:// address, where Twilio "
                                                   "sends texts and calls (twilio-setup sets it there)")
    return Check("PUBLIC_BASE_URL", NOT_READY, f"{url} is not https://: texts would travel unencrypted")


def _table(facts: Facts) -> Check:
    """The live table, read from the database."""
    if facts.table is None:
        return Check("Resource table", NOT_READY, "none: run `flask --app bot load-data`")
    if facts.version is None:
        return Check("Resource table", NOT_READY, "read from data/: the database did not answer")
    return Check("Resource table", READY, f"version {facts.version}")


def _verified(table: Table, today: date, days: int) -> Check:
    """Every number verified with its organization within VERIFY_DAYS."""
    stale = reply_checks.unverified(table, today, days)
    if not stale:
        return Check("Numbers verified", READY, f"every number within {days} days")
    listed = "; ".join(f"{f.subject.removeprefix('resource ')}: {f.detail}" for f in stale)
    return Check("Numbers verified", NOT_READY, f"{len(stale)} not within {days} days ({listed})")


def _reply_tests(table: Table, matcher: Matcher | None) -> Check:
    """The table's reply tests, run."""
    results, problems = replytests.run_table(table, matcher) if matcher else (None, ["no understanding yet"])
    if results == []:
        return Check("Reply tests", WARNING, problems[0])
    if results is None:
        return Check("Reply tests", NOT_READY, "; ".join(problems))
    failed = [r for r in results if not r.passed]
    if failed:
        named = "; ".join(f'{r.case.channel} "{r.case.given}"' for r in failed)
        return Check("Reply tests", NOT_READY, f"{len(failed)} of {len(results)} fail: {named}")
    return Check("Reply tests", READY, f"all {len(results)} pass")


def _fallback(table: Table, folder: str, files: Mapping[str, str]) -> Check:
    """The fallback files say what the live table would make them say now."""
    rebuild = f"`flask --app bot fallback-twiml {folder}`, then upload them where Twilio fetches them"
    missing = [name for name in FALLBACK_FILES if name not in files]
    if missing:
        return Check("Fallback files", NOT_READY, f"{' and '.join(missing)} not in {folder}: run {rebuild}")
    stale = [name for name, wanted in (("sms.xml", sms_messages(table)), ("voice.xml", voice_words(table)))
             if _said(files[name]) != [words.strip() for words in wanted]]
    if stale:
        return Check("Fallback files", NOT_READY, f"{' and '.join(stale)} in {folder} say(s) something else than the "
                                                  f"live table: run {rebuild}")
    return Check("Fallback files", READY, f"{folder} says what the live table says (keep the hosted copies the same)")


def _said(text: str) -> list[str] | None:
    """What a fallback file's <Message>, <Say> and <Dial> verbs say, in order (None: not TwiML)."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError:
        return None
    return ["".join(verb.itertext()).strip() for verb in root if verb.tag in ("Message", "Say", "Dial")]


def _admins(admins: int | None) -> Check:
    """At least one admin account: only an admin edits the table and manages accounts."""
    if admins is None:
        return Check("Admin account", NOT_READY, "unknown: the database did not answer")
    if not admins:
        return Check("Admin account", NOT_READY, "none: `flask --app bot add-staff EMAIL --role admin`")
    return Check("Admin account", READY, f"{admins} admin account(s)")


def _twilio(facts: Facts) -> Check:
    """The number's webhooks and fallback URLs at Twilio (``twilio-setup --check``)."""
    if facts.twilio_error:
        return Check("Twilio number", NOT_READY, f"not checked: {facts.twilio_error}")
    if facts.twilio is None:
        if configured(facts.config):
            return Check("Twilio number", WARNING, "not checked here: `flask --app bot doctor` asks Twilio")
        return Check("Twilio number", WARNING, "not checked: set TWILIO_ACCOUNT_SID (and the auth token or an API "
                                               "key) to have its webhooks checked")
    if facts.twilio:
        return Check("Twilio number", NOT_READY, "; ".join(facts.twilio) + " (`flask --app bot twilio-setup`)")
    return Check("Twilio number", READY, "webhooks and fallback URLs set as they should be")
