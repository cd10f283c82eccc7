"""Check discreet.yaml and interpreters.yaml: discreet wording and interpreter lines."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from .problems import MAX_SEGMENTS, Checker, unique_spellings
from ..text import normalize
from .model import Discreet, Interpreter, Interpreting, Resource, Topic

DISCREET_FIELDS = {"line": {"name", "number", "hours", "text"}, "hours": {"hours"}, "text": {"text"},
                   "always_open": set(), "menu": set(), "danger": set(), "automated": set(), "delete": set()}
DETECTORS = ("lingua", "script", "words")
WRITINGS = ("traditional", "simplified")  # Chinese characters: a line for each, told apart by hanzidentifier


def read_discreet(c: Checker, resources: dict[str, Resource], topics: dict[str, Topic]) -> Discreet:
    """discreet.yaml: every language, every resource and every topic has its discreet form."""
    f = "discreet.yaml"
    doc = c.doc(f, dict)
    on, off, forbidden = (_phrases(c, f, name, doc.get(name)) for name in ("turn_on", "turn_off", "forbidden"))
    keyword = c.texts(f, "keyword", "keyword", doc.get("keyword"))
    taken = {normalize(p) for t in topics.values() for words in t.keywords.values() for p in words}
    for lang, word in keyword.items():  # Twilio's own keywords: the safety check (review.gate) refuses them
        if normalize(word) in taken or " " in normalize(word):
            c.fail(f, "keyword", f"{word!r} ({lang}): one word that is not a topic keyword")
    names = {key: c.texts(f, f"names.{key}", "name", (doc.get("names") or {}).get(key)) for key in resources}
    intros = {key: c.texts(f, f"intros.{key}", "intro", (doc.get("intros") or {}).get(key)) for key in topics}
    messages_doc = doc.get("messages") if isinstance(doc.get("messages"), dict) else {}
    messages = {lang: {} for lang in c.languages}
    for name, fields in DISCREET_FIELDS.items():
        values = {lang: (messages_doc.get(lang) or {}).get(name) for lang in c.languages}
        for lang, text in c.texts(f, f"messages.{name}", name, values, fields=fields).items():
            messages[lang][name] = text
    result = Discreet(on, keyword, off, forbidden, names, intros, messages)
    for lang in c.languages:
        for where, text in wording(result, lang):
            for word in forbidden_in(result, lang, text):
                c.fail(f, where, f"({lang}) uses the forbidden word {word!r}")
    return result


def wording(discreet: Discreet, language: str) -> list[tuple[str, str]]:
    """Every piece of discreet wording in ``language``, with where it comes from."""
    pieces = [(f"names.{k}", v.get(language, "")) for k, v in discreet.names.items()]
    pieces += [(f"intros.{k}", v.get(language, "")) for k, v in discreet.intros.items()]
    return pieces + [(f"messages.{k}", v) for k, v in discreet.messages.get(language, {}).items()]


def forbidden_in(discreet: Discreet, language: str, text: str) -> list[str]:
    """The forbidden words (of ``language``) that ``text`` contains, as whole words or phrases."""
    words = f" {normalize(text)} "
    return [w for w in discreet.forbidden.get(language, ()) if f" {normalize(w)} " in words]


def read_interpreting(c: Checker, resources: dict[str, Resource]) -> Interpreting:
    """interpreters.yaml: the line it names, the essentials, and one checked line per language."""
    f = "interpreters.yaml"
    doc = c.doc(f, dict)
    resource = doc.get("resource")
    if resource not in resources or not resources[resource].is_24_7:
        c.fail(f, "resource", f"{resource!r} must be a 24/7 resource with a phone number")
    limit = c.whole(f, "max_segments", "max_segments", doc.get("max_segments"), 1, MAX_SEGMENTS)
    essentials = c.texts(f, "essentials", "essentials", doc.get("essentials"), fields={"numbers"})
    lines, seen = [], set(c.languages)
    for i, e in enumerate(doc.get("lines") or []):
        e = e if isinstance(e, dict) else {}
        code, entry = str(e.get("code") or ""), f"lines.{e.get('code') or i + 1}"
        if not code or code in seen:
            c.fail(f, entry, "needs a code of its own (not one of the bot's languages)")
        else:
            c.code(f, entry, code)
        seen.add(code)
        line = str(e.get("line") or "")
        if "{number}" not in line:
            c.fail(f, entry, "line: needs the {number} placeholder (never type the number)")
        c.placeholders(f, entry, "line", line, {"number"})
        if not isinstance(e.get("reviewed"), bool):
            c.fail(f, entry, "reviewed: true or false")
        detect = dict(e.get("detect")) if isinstance(e.get("detect"), dict) else {}
        writing = detect.pop("writing", None)
        own_words = detect.pop("words", None) if "lingua" in detect else None  # words of its own beside lingua
        if len(detect) != 1 or next(iter(detect)) not in DETECTORS:
            c.fail(f, entry, f"detect: exactly one of {', '.join(DETECTORS)}")
        if writing is not None and (writing not in WRITINGS or "lingua" not in detect):
            c.fail(f, entry, f"detect: writing is one of {', '.join(WRITINGS)}, beside lingua")
        script = detect.get("script")
        if script is not None and not _is_script(str(script)):
            c.fail(f, entry, f"detect: unknown script {script!r}")
        words = unique_spellings(detect.get("words"))
        if "words" in detect and len(words) < 5:
            c.fail(f, entry, "detect: words needs at least 5 common words")
        if own_words is not None:
            words = unique_spellings(own_words)
        lines.append(Interpreter(code, str(e.get("name") or code), line, e.get("reviewed") is True,
                                 detect.get("lingua"), script and str(script).upper(), words, writing))
    return Interpreting(str(resource), limit, essentials, tuple(lines))


def _is_script(name: str) -> bool:
    """True when ``name`` begins the Unicode names of some letters (KHMER, LAO, THAI...)."""
    return name.upper() in _scripts()


@lru_cache(maxsize=1)
def _scripts() -> frozenset[str]:
    """The first word of the Unicode name of every letter: the scripts a line may be detected by."""
    return frozenset(unicodedata.name(chr(c), " ").split(" ", 1)[0] for c in range(0x30000) if chr(c).isalpha())


def _phrases(c: Checker, f: str, name: str, value: Any) -> dict[str, tuple[str, ...]]:
    """A {language: [phrases]} mapping with phrases in every language."""
    value = value if isinstance(value, dict) else {}
    result = {}
    for lang in c.languages:
        result[lang] = unique_spellings(value.get(lang))
        if not result[lang]:
            c.fail(f, name, f"none in {lang!r}")
    return result
