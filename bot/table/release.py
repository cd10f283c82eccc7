"""A saved table that today's checks refuse, carried onto this release's data/ with what staff own.

When the bot is upgraded, the table in the database was written by the previous release and may
ask for what this release forbids (a word Twilio swallows, a missing topic): then the bot would
answer from data/ and serve none of the staff's changes, such as a corrected phone number. Instead
the release's documents are used with what staff keep up to date carried over from the saved table:
every resource and organization (numbers, hours, verification), the examples staff taught (the
saved label wins for a text both have) and reply tests data/ does not have. Plain Python:
documents in, documents out.
"""
from __future__ import annotations

import copy
from typing import Any, Callable

from ..text import normalize

KEPT_BY_KEY = ("organizations.yaml", "resources.yaml")  # lists of entries with a key: the saved entry wins


def carried_over(saved: dict[str, Any], release: dict[str, Any]) -> dict[str, Any]:
    """The release's documents with the staff's entries of ``saved`` carried over."""
    docs = copy.deepcopy(release)
    for name in KEPT_BY_KEY:
        docs[name] = _merged(docs.get(name) or [], saved.get(name) or [], lambda e: e.get("key"), fields=True)
    docs["examples.yaml"] = _merged(docs.get("examples.yaml") or [], saved.get("examples.yaml") or [],
                                    lambda e: normalize(str(e.get("text", ""))))
    tests = docs.get("reply_tests.yaml") or {}
    for channel, rows in (saved.get("reply_tests.yaml") or {}).items():
        given = {_given(row) for row in tests.get(channel, [])}
        tests.setdefault(channel, []).extend(copy.deepcopy(r) for r in rows if _given(r) not in given)
    docs["reply_tests.yaml"] = tests
    return docs


def _merged(ours: list, theirs: list, key: Callable[[dict], Any], fields: bool = False) -> list:
    """``ours`` with each entry of ``theirs`` replacing the one with its key (with ``fields``: field
    by field, so a field new in this release stays), the rest appended in order."""
    entries = {key(e): e for e in ours if isinstance(e, dict)}
    for entry in theirs:
        if isinstance(entry, dict):
            base = entries.get(key(entry), {}) if fields else {}
            entries[key(entry)] = {**base, **copy.deepcopy(entry)}
    return list(entries.values())


def _given(row: Any) -> str:
    """What a reply test sends: its text, or its steps."""
    return str(row.get("text") or row.get("steps")) if isinstance(row, dict) else str(row)
