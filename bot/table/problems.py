"""Problems in the table's documents, and the checker that collects them while reading."""
from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass
from typing import Any, Callable

from ..text import normalize

# What the store keeps of table values, so every value the table accepts fits where it is stored:
CODE_LENGTH = 8  # a language or interpreter code (a sender's language, an answer's language)
KEY_LENGTH = 40  # an entry's key (usage counts keep a line's key after a menu choice, in 60 characters)
MAX_SEGMENTS = 10  # the longest reply, in SMS segments (Twilio's 1,600 characters)
LARGEST = 10**15  # any number in the table: JSON and every database read it exactly
_CODE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,4})?")  # es, hmn, zh-hant
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # no comma, space or "+": answers keep keys joined by commas


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        """"resources.yaml: womens-center-hotline: phone ... is not valid"."""
        return f"{self.file}: {self.entry}: {self.message}"


class DataError(Exception):
    """The data has problems; nothing was loaded."""

    def __init__(self, problems: list[Problem]):
        """Keep every problem found."""
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


class Checker:
    """Collects problems while reading one set of documents."""

    def __init__(self, docs: dict[str, Any]):
        """Start with the parsed documents, keyed by file name."""
        self.docs = docs
        self.problems: list[Problem] = []
        self.languages: list[str] = []

    def fail(self, file: str, entry: object, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(file, str(entry), message))

    def doc(self, file: str, kind: type) -> Any:
        """The document ``file``, which must be a list or a mapping."""
        value = self.docs.get(file)
        if not isinstance(value, kind):
            self.fail(file, "(file)", f"missing, or not a {'list' if kind is list else 'mapping'}")
            return kind()
        return value

    def texts(self, file: str, entry: object, name: str, value: Any, *, langs=None, fields=None) -> dict:
        """A {language: text} mapping with a non-empty text for every language."""
        value = value if isinstance(value, dict) else {}
        for lang in langs or self.languages:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.fail(file, entry, f"{name}: missing the {lang!r} translation")
            elif fields is not None:
                self.placeholders(file, entry, f"{name} ({lang})", text, fields)
        for lang in value:
            if lang not in self.languages:
                self.fail(file, entry, f"{name}: unknown language {lang!r}")
        return {k: str(v).strip() for k, v in value.items() if isinstance(v, str)}

    def placeholders(self, file: str, entry: object, name: str, text: str, fields: set[str]) -> None:
        """Every {placeholder} in ``text`` must be one of ``fields``."""
        try:
            used = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError as exc:
            self.fail(file, entry, f"{name}: broken braces ({exc})")
            return
        for unknown in sorted(used - fields):
            self.fail(file, entry, f"{name}: unknown placeholder {{{unknown}}}")

    def entries(self, file: str, items: list, build: Callable[[dict], Any]) -> dict[str, Any]:
        """Build each keyed entry of a list document; duplicate keys are problems."""
        built: dict[str, Any] = {}
        for i, item in enumerate(items):
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str) or not key:
                self.fail(file, f"entry {i + 1}", "needs a key")
            elif len(key) > KEY_LENGTH or not _KEY.fullmatch(key):
                self.fail(file, f"entry {i + 1}", f"key {key[:KEY_LENGTH]!r}: at most {KEY_LENGTH} letters, "
                                                  "digits, dashes, dots or underscores")
            elif key in built:
                self.fail(file, key, "key used twice")
            else:
                built[key] = build(item)
        return built

    def code(self, file: str, entry: object, code: Any) -> bool:
        """True if ``code`` is a language code the store can keep ("es", "zh-hant"); else a problem."""
        if isinstance(code, str) and len(code) <= CODE_LENGTH and _CODE.fullmatch(code):
            return True
        self.fail(file, entry, f"code {str(code)[:20]!r}: a language code such as es or zh-hant, "
                               f"at most {CODE_LENGTH} characters")
        return False

    def whole(self, file: str, entry: object, name: str, value: Any, low: int, high: int) -> int:
        """``value`` as a whole number from ``low`` to ``high``; else a problem, and ``low``."""
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self.fail(file, entry, f"{name}: needs a whole number from {low} to {high}")
        return low

    def numbers(self, file: str, doc: Any) -> None:
        """No number anywhere in ``doc`` is too large to store exactly, or not finite."""
        stack = [doc]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                stack += list(value.keys()) + list(value.values())
            elif isinstance(value, list):
                stack += value
            elif isinstance(value, (int, float)) and (abs(value) > LARGEST or not math.isfinite(value)):
                self.fail(file, "(file)", f"a number is too large (at most {LARGEST:,})")
                return


def unique_spellings(words: Any) -> tuple[str, ...]:
    """Each phrase once (by its normalized form), in its first spelling, empty ones dropped."""
    spelling: dict[str, str] = {}
    for word in map(str, words or []):
        if normalize(word):
            spelling.setdefault(normalize(word), word.strip())
    return tuple(spelling.values())
