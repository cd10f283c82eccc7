"""A proposed change to the resource table, as staff and operators see it before it is saved: its
problems, the entries it changes, the reply tests it fails, and every reply and menu step that would
read differently.

Plain Python: the current table and the new documents in, a ``Proposal`` out.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from ..conversation import callsim, replies
from ..table.changes import EntryChange, changes
from ..table.files import docs_from_table
from ..table.model import Table
from ..table.load import DataError, build_table
from ..table.verification import clear_renumbered
from ..understanding.classifier import Model
from ..understanding.matching import Matcher
from ..understanding.understander import Understander
from . import gate, replytests


@dataclass(frozen=True)
class ReplyChange:
    channel: str  # "sms" or "voice"
    label: str  # "en HOUSING", "es key 2"
    before: str
    after: str


@dataclass(frozen=True)
class Proposal:
    table: Table | None  # the new table; None when the change has problems
    problems: tuple[str, ...]
    entries: tuple[EntryChange, ...]  # what changes in the table (for the audit log)
    replies: tuple[ReplyChange, ...]  # what texters and callers would get differently
    unverified: tuple[str, ...] = ()  # resources whose number changed, so their verification is cleared
    failing: tuple[str, ...] = ()  # the new table's reply tests that fail, in words


def propose(current: Table | None, new_docs: dict[str, Any], model: Model | None = None) -> Proposal:
    """The one way a change to the table is judged (console saves, load-data, rollback): build
    ``new_docs``, apply the safety check and parse the reply tests, and say what would change against
    ``current`` (None: the database has no table yet); a changed number loses its verification. The
    reply tests read texts with ``model`` (the live classifier), else with keywords and examples."""
    try:
        new = build_table(new_docs)
    except DataError as exc:
        return Proposal(None, tuple(map(str, exc.problems)), (), ())
    unsafe = gate.problems(new)
    if unsafe:
        return Proposal(None, tuple(map(str, unsafe)), (), ())
    try:
        cases = replytests.parse(new.reply_tests)
    except DataError as exc:
        return Proposal(None, tuple(map(str, exc.problems)), (), ())
    new, unverified = clear_renumbered(current, new)
    failing = tuple(f"{r.case.channel.upper()} \"{r.case.given}\": {'; '.join(r.problems)}"
                    for r in replytests.run(new, Understander(new, model), cases) if not r.passed)
    if current is None:
        return Proposal(new, (), (), (), (), failing)
    return Proposal(new, (), tuple(changes(docs_from_table(current), docs_from_table(new))),
                    tuple(preview(current, new)), tuple(unverified), failing)


def preview(old: Table, new: Table) -> list[ReplyChange]:
    """Every SMS reply (each topic, and no match, per language) and every first step of the phone
    menu (per language, per key) that reads differently after the change."""
    found = []
    for lang in new.languages:
        for topics in [()] + [(t.key,) for t in new.topics]:
            label = f"{lang} {topics[0] if topics else '(no match)'}"
            found.append(ReplyChange("sms", label, _sms(old, topics, lang), _sms(new, topics, lang)))
    for table_keys in sorted({(o.key, m) for t in (old, new) for o in t.menu for m in o.menus}):
        key, lang = table_keys
        steps = [] if lang == new.default_language else [_switch_key(new, lang)]
        label = f"{lang} key {key}"
        found.append(ReplyChange("voice", label, _heard(old, steps + [key]), _heard(new, steps + [key])))
    for lang in new.languages:
        steps = [] if lang == new.default_language else [_switch_key(new, lang)]
        found.append(ReplyChange("voice", f"{lang} menu", _heard(old, steps), _heard(new, steps)))
    return [c for c in found if c.before != c.after]


def _sms(table: Table, topics: tuple[str, ...], language: str) -> str:
    """The SMS reply, or "" when the topic or language is not in ``table``."""
    if language not in table.languages or any(t not in {x.key for x in table.topics} for t in topics):
        return ""
    return replies.sms(table, topics, language)


def _heard(table: Table, steps: list[str]) -> str:
    """What a caller hears after ``steps``, or "" when those steps cannot happen in ``table``."""
    try:
        turns = callsim.walk(table, Matcher(table), steps)
    except (ValueError, KeyError):
        return ""
    return "\n".join(text for _, text in itertools.chain.from_iterable(callsim.heard(t.step) for t in turns[-1:]))


def _switch_key(table: Table, language: str) -> str:
    """The key that switches the default menu to ``language``."""
    return next((o.key for o in table.menu if o.action == "language" and o.language == language), "")
