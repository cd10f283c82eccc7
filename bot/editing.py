"""Changes to the resource table, as staff see them: which entries differ (for the audit log and
for load-data's question), and which replies a change alters (the console's preview).

Plain Python: documents (as in data/) and tables in, lists of changes out.
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import Any

import yaml

from . import callsim, replies
from .datafiles import docs_from_table
from .matching import Matcher
from .table import Table
from .validation import DataError, build_table


@dataclass(frozen=True)
class EntryChange:
    target: str  # "resources.yaml: womens-center-hotline"
    old: str | None  # the entry as YAML; None when it was added
    new: str | None  # None when it was removed


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


def propose(current: Table, new_docs: dict[str, Any]) -> Proposal:
    """Check ``new_docs`` exactly as load-data does and say what would change against ``current``."""
    try:
        new = build_table(new_docs)
    except DataError as exc:
        return Proposal(None, tuple(map(str, exc.problems)), (), ())
    return Proposal(new, (), tuple(changes(docs_from_table(current), docs_from_table(new))),
                    tuple(preview(current, new)))


def dump(value: Any) -> str:
    """An entry as YAML, the way data/ writes it."""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100)


def entries(docs: dict[str, Any]) -> dict[str, Any]:
    """Every entry of the documents, by a name staff can read."""
    found: dict[str, Any] = {}
    for file, doc in docs.items():
        if isinstance(doc, list):  # organizations, resources
            found.update({f"{file}: {e.get('key')}": e for e in doc if isinstance(e, dict)})
        elif file == "topics.yaml":
            found.update({f"{file}: {t.get('key')}": t for t in doc.get("topics") or []})
            found.update({f"{file}: {name}": doc.get(name) for name in ("unmatched", "start")})
        elif file == "menu.yaml":
            found[f"{file}: fallback"] = doc.get("fallback")
            found.update({f"{file}: prompt {k}": v for k, v in (doc.get("prompts") or {}).items()})
            for o in doc.get("options") or []:
                found[f"{file}: option {o.get('key')} ({'/'.join(o.get('menus') or ['all'])})"] = o
        elif isinstance(doc, dict):  # languages, messages: one entry per language
            found.update({f"{file}: {lang}": value for lang, value in doc.items()})
    return found


def changes(old_docs: dict[str, Any], new_docs: dict[str, Any]) -> list[EntryChange]:
    """The entries added, removed or changed, in a stable order."""
    old, new = entries(old_docs), entries(new_docs)
    return [EntryChange(name, dump(old[name]) if name in old else None, dump(new[name]) if name in new else None)
            for name in sorted(old.keys() | new.keys()) if _canonical(old.get(name)) != _canonical(new.get(name))]


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


def with_entry(docs: dict[str, Any], file: str, key: str, value: dict | None) -> dict[str, Any]:
    """A copy of ``docs`` where the list entry ``key`` of ``file`` is ``value`` (None: removed; new: added)."""
    docs = copy.deepcopy(docs)
    items = docs[file]
    index = next((i for i, e in enumerate(items) if e.get("key") == key), None)
    if value is None:
        items.pop(index) if index is not None else None
    elif index is None:
        items.append(value)
    else:
        items[index] = value
    return docs


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


def _canonical(value: Any) -> str:
    """A comparable form of an entry."""
    return dump(value) if value is not None else ""
