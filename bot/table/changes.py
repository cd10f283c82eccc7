"""Changes to the table's documents, entry by entry: what the audit log keeps and load-data lists.

Plain Python: documents (as in data/) in, the entries added, removed or changed out.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import yaml

EXAMPLE_NAME = 90  # characters of an example's text that name it in the audit log


@dataclass(frozen=True)
class EntryChange:
    target: str  # "resources.yaml: womens-center-hotline"
    old: str | None  # the entry as YAML; None when it was added
    new: str | None  # None when it was removed

    @property
    def kind(self) -> str:
        """"added", "removed" or "changed"."""
        return "added" if self.old is None else "removed" if self.new is None else "changed"


def dump(value: Any) -> str:
    """An entry as YAML, the way data/ writes it."""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100)


def entries(docs: dict[str, Any]) -> dict[str, Any]:
    """Every entry of the documents, by a name staff can read."""
    found: dict[str, Any] = {}
    for file, doc in docs.items():
        if file == "examples.yaml":  # an example is its language and text
            found.update({f"{file}: {e.get('lang')} {str(e.get('text'))[:EXAMPLE_NAME]}": e
                          for e in doc or [] if isinstance(e, dict)})
        elif isinstance(doc, list):  # organizations, resources
            found.update({f"{file}: {e.get('key')}": e for e in doc if isinstance(e, dict)})
        elif file == "topics.yaml":
            found.update({f"{file}: {t.get('key')}": t for t in doc.get("topics") or []})
            found.update({f"{file}: {name}": doc.get(name) for name in ("unmatched", "start", "safety")})
        elif file == "menu.yaml":
            found[f"{file}: fallback"] = doc.get("fallback")
            found.update({f"{file}: prompt {k}": v for k, v in (doc.get("prompts") or {}).items()})
            for o in doc.get("options") or []:
                found[f"{file}: option {o.get('key')} ({'/'.join(o.get('menus') or ['all'])})"] = o
        elif file == "reply_tests.yaml":
            for channel, rows in doc.items():
                found.update({f"{file}: {channel} {_given(row)}": row for row in rows or [] if isinstance(row, dict)})
        elif file == "interpreters.yaml" and isinstance(doc, dict):  # one entry per line
            found.update({f"{file}: {k}": v for k, v in doc.items() if k != "lines"})
            found.update({f"{file}: line {e.get('code')}": e for e in doc.get("lines") or [] if isinstance(e, dict)})
        elif isinstance(doc, dict):  # languages, messages: one entry per language
            found.update({f"{file}: {lang}": value for lang, value in doc.items()})
    return found


def changes(old_docs: dict[str, Any], new_docs: dict[str, Any]) -> list[EntryChange]:
    """The entries added, removed or changed, in a stable order."""
    old, new = entries(old_docs), entries(new_docs)
    return [EntryChange(name, dump(old[name]) if name in old else None, dump(new[name]) if name in new else None)
            for name in sorted(old.keys() | new.keys()) if _canonical(old.get(name)) != _canonical(new.get(name))]


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


def _given(row: dict) -> str:
    """What a reply test sends: its text, or its steps."""
    return str(row.get("text") if "text" in row else " ".join(map(str, row.get("steps") or [])))


def _canonical(value: Any) -> str:
    """A comparable form of an entry (fast: a table has thousands; a date and its YYYY-MM-DD text alike)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str) if value is not None else ""


def in_words(found: list[EntryChange], most: int = 3) -> str:
    """The changes in a few words: "changed resources.yaml: chest-of-hope-helpline; added 2 more"."""
    if not found:
        return "no entry changed"
    words = [f"{c.kind} {c.target}" for c in found[:most]]
    more = f"; and {len(found) - most} more" if len(found) > most else ""
    return "; ".join(words) + more
