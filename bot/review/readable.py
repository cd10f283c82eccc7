"""Changes in words: an entry's fields before and after ("Chest of Hope Helpline: phone (209) 259-5552
→ (209) 259-5553") with the changed characters marked, and replies side by side with the changed
words marked. Plain Python: YAML entries or texts in, labelled pieces out (templates draw the marks).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml

Pieces = tuple[tuple[str, bool], ...]  # (text, changed) in order


@dataclass(frozen=True)
class FieldChange:
    entry: str  # "Chest of Hope Helpline" (the entry's name), or its key
    field: str  # "phone", "name (es)", "keywords (en)"
    old: Pieces  # empty when the field is new
    new: Pieces  # empty when the field is gone

    @property
    def words(self) -> str:
        """The change as one line of text."""
        before, after = "".join(t for t, _ in self.old), "".join(t for t, _ in self.new)
        return f"{self.entry}: {self.field} {before or '(none)'} → {after or '(none)'}"


def marked(old: str, new: str, words: bool = False) -> tuple[Pieces, Pieces]:
    """Both texts cut into pieces, the ones that differ marked: by character, or by word for long texts."""
    split = (lambda s: re.findall(r"\s+|[^\s]+", s)) if words else list
    a, b = split(old), split(new)
    old_pieces, new_pieces = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            old_pieces.append(("".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            new_pieces.append(("".join(b[j1:j2]), tag != "equal"))
    return tuple(old_pieces), tuple(new_pieces)


def entry_changes(target: str, old_yaml: str | None, new_yaml: str | None, language: str = "en") -> list[FieldChange]:
    """Each field that differs between two versions of an entry (YAML, as the audit log keeps them)."""
    old, new = _load(old_yaml), _load(new_yaml)
    name = _name(new if new is not None else old, language) or target.split(": ", 1)[-1]
    flat_old, flat_new = _flatten(old), _flatten(new)
    found = []
    for field in list(dict.fromkeys([*flat_old, *flat_new])):
        before, after = flat_old.get(field, ""), flat_new.get(field, "")
        if before != after:
            long = max(len(before), len(after)) > 40
            found.append(FieldChange(name, field or "value", *marked(before, after, words=long)))
    return found


def unified(old: str | None, new: str | None) -> str:
    """The raw change between two YAML entries, as unified diff lines (for those who want it)."""
    lines = difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(), "before", "after", lineterm="")
    return "\n".join(list(lines)[2:])


def _load(text: str | None) -> Any:
    """An entry parsed back from YAML (None when absent; plain text stays text)."""
    try:
        return yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        return text


def _name(entry: Any, language: str) -> str | None:
    """An entry's name in ``language`` (or its first), when it has one."""
    if isinstance(entry, dict) and isinstance(entry.get("name"), dict) and entry["name"]:
        return str(entry["name"].get(language) or next(iter(entry["name"].values())))
    return None


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Field path -> text: {"name": {"en": x}} -> {"name (en)": x}; lists of words joined by commas."""
    if value is None:
        return {}
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            label = f"{prefix} ({key})" if prefix and prefix.split(" (")[0] in LANGUAGE_MAPS else \
                f"{prefix} {key}".strip()
            out.update(_flatten(item, label))
        return out
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return {prefix: ", ".join(map(str, value))}
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            key = item.get("key", i + 1) if isinstance(item, dict) else i + 1
            out.update(_flatten(item, f"{prefix} {key}".strip()))
        return out
    return {prefix: "" if value is None else str(value)}


# Fields whose keys are languages: shown as "name (es)" rather than "name es".
LANGUAGE_MAPS = {"name", "description", "about", "intro", "prompt", "keywords"}
