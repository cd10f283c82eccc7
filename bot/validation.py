"""Check the resource table's source documents and build a ``Table`` from them.

Plain Python: parsed YAML documents in, a ``Table`` out, or a ``DataError`` listing every
problem with the file, the entry and what is wrong.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from .matching import normalize
from .phones import emergency_or_e164, short_code
from .table import Hours, MENU_KEYS, Language, MenuOption, Organization, Resource, Table, Topic

FILES = ("languages.yaml", "organizations.yaml", "resources.yaml", "topics.yaml", "messages.yaml", "menu.yaml")
MENU_ACTIONS = {"dial", "numbers", "repeat", "language"}
# Placeholders each piece of wording may use.
MESSAGE_FIELDS = {"resource": {"name", "number", "hours", "text", "description"},
                  "brief": {"name", "number", "hours", "text"}, "hours": {"hours"},
                  "text": {"text"}, "organization": {"name", "about"}, "more": {"keywords"}}
PROMPT_FIELDS = {"connecting": {"name", "number"}, "closed": {"name", "number", "when"},
                 "failed": {"name", "number"}, "unreachable": {"name", "number"}, "number": {"name", "number"},
                 "opens": {"day", "hour", "hour12", "minute", "ampm"}}
# Prompts the phone menu cannot do without.
REQUIRED_PROMPTS = {"danger", "invalid", "connecting", "closed", "failed", "unreachable", "numbers", "number",
                    "no_choice", "goodbye", "opens", "days"}


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


class _Checker:
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
            elif key in built:
                self.fail(file, key, "key used twice")
            else:
                built[key] = build(item)
        return built


def build_table(docs: dict[str, Any]) -> Table:
    """Check every document and return the ``Table``; raise ``DataError`` on any problem."""
    c = _Checker(docs)
    languages = _languages(c)
    organizations = c.entries("organizations.yaml", c.doc("organizations.yaml", list), lambda e: Organization(
        e["key"], c.texts("organizations.yaml", e["key"], "name", e.get("name")),
        c.texts("organizations.yaml", e["key"], "about", e.get("about"))))
    resources = c.entries("resources.yaml", c.doc("resources.yaml", list), lambda e: _resource(c, e, organizations))
    topics_doc = c.doc("topics.yaml", dict)
    topics = c.entries("topics.yaml", topics_doc.get("topics") or [], lambda e: _topic(c, e, resources, organizations))
    _check_keywords(c, topics.values())
    unmatched = tuple(topics_doc.get("unmatched", {}).get("resources") or ())
    _check_refs(c, "topics.yaml", "unmatched", unmatched, resources)
    start = topics_doc.get("start")
    if start not in topics:
        c.fail("topics.yaml", "start", f"unknown topic {start!r}")
    messages = _messages(c)
    menu_doc = c.doc("menu.yaml", dict)
    prompts = {k: c.texts("menu.yaml", f"prompts.{k}", "prompt", v, fields=PROMPT_FIELDS.get(k, set()))
               for k, v in (menu_doc.get("prompts") or {}).items()}
    _check_prompts(c, prompts)
    menu = _menu(c, menu_doc.get("options") or [], resources)
    fallback = menu_doc.get("fallback")
    if fallback not in resources:
        c.fail("menu.yaml", "fallback", f"unknown resource {fallback!r}")
    elif not (resources[fallback].always_open and resources[fallback].phone.startswith("+")):
        c.fail("menu.yaml", "fallback", f"{fallback!r} must be a 24/7 resource with a phone number")
    if c.problems:
        raise DataError(c.problems)
    return Table(languages=languages, organizations=organizations, resources=resources,
                 topics=tuple(sorted(topics.values(), key=lambda t: t.urgency)), messages=messages,
                 unmatched=unmatched, start_topic=start, menu=menu, prompts=prompts,
                 fallback=fallback)


def _languages(c: _Checker) -> dict[str, Language]:
    """Read languages.yaml."""
    doc = c.doc("languages.yaml", dict)
    c.languages = [str(code) for code in doc]
    result = {}
    for code, item in doc.items():
        item = item if isinstance(item, dict) else {}
        try:
            result[code] = Language(code, str(item["name"]), tuple(map(str, item.get("switch") or ())),
                                    tuple(map(str, item.get("hints") or ())), int(item["max_segments"]),
                                    str(item["voice"]), str(item["speech"]), bool(item.get("gsm7", False)))
        except (KeyError, TypeError, ValueError) as exc:
            c.fail("languages.yaml", code, f"needs name, max_segments, voice and speech ({exc})")
    if not doc:
        c.fail("languages.yaml", "(file)", "lists no language")
    return result


def _resource(c: _Checker, e: dict, organizations: dict) -> Resource:
    """One entry of resources.yaml."""
    f, key = "resources.yaml", e["key"]
    if e.get("organization") not in organizations:
        c.fail(f, key, f"unknown organization {e.get('organization')!r}")
    phone = text = None
    try:
        phone = emergency_or_e164(str(e.get("phone") or ""))
    except ValueError as exc:
        c.fail(f, key, f"phone: {exc}")
    if e.get("text") not in (None, ""):
        try:
            text = short_code(str(e["text"]))
        except ValueError as exc:
            c.fail(f, key, f"text: {exc}")
    try:
        hours = Hours.parse(e.get("hours"))
    except ValueError as exc:
        c.fail(f, key, str(exc))
        hours = Hours("unknown")
    langs = tuple(map(str, e.get("languages") or ()))
    for lang in langs:
        if lang not in c.languages:
            c.fail(f, key, f"languages: unknown language {lang!r}")
    verified = e.get("last_verified")
    if isinstance(verified, str):
        try:
            verified = date.fromisoformat(verified.strip()) if verified.strip() else None
        except ValueError:
            pass
    if verified is not None and not isinstance(verified, date):
        c.fail(f, key, f"last_verified {verified!r}: write a date as YYYY-MM-DD")
        verified = None
    return Resource(key, str(e.get("organization")), c.texts(f, key, "name", e.get("name")),
                    c.texts(f, key, "description", e.get("description")), phone or "", hours, text, langs,
                    verified, e.get("verified_by"))


def _topic(c: _Checker, e: dict, resources: dict, organizations: dict) -> Topic:
    """One entry of topics.yaml."""
    f, key = "topics.yaml", e["key"]
    refs = tuple(e.get("resources") or ())
    _check_refs(c, f, key, refs, resources)
    if not any(resources[r].always_open and resources[r].phone.startswith("+") for r in refs if r in resources):
        c.fail(f, key, "needs at least one 24/7 resource with a phone number")
    orgs = tuple(e.get("organizations") or ())
    for org in orgs:
        if org not in organizations:
            c.fail(f, key, f"unknown organization {org!r}")
    keywords = {}
    for lang in c.languages:
        words = (e.get("keywords") or {}).get(lang) or []
        if not words:
            c.fail(f, key, f"keywords: none in {lang!r}")
        spelling: dict[str, str] = {}
        for word in map(str, words):
            spelling.setdefault(normalize(word), word.strip())  # keep the first spelling of each
        keywords[lang] = tuple(w for n, w in spelling.items() if n)
    names = c.texts(f, key, "name", e.get("name") or {lang: key for lang in c.languages})
    for lang, name in names.items():
        if normalize(name) not in map(normalize, keywords.get(lang, ())):
            c.fail(f, key, f"name {name!r} is not one of its {lang!r} keywords")
    if not isinstance(e.get("urgency"), int):
        c.fail(f, key, "urgency: needs a whole number (1 = most urgent)")
    return Topic(key, e.get("urgency") if isinstance(e.get("urgency"), int) else 99, names,
                 c.texts(f, key, "intro", e.get("intro")), refs, orgs, keywords)


def _check_refs(c: _Checker, file: str, entry: str, refs: tuple, resources: dict) -> None:
    """Every resource key in ``refs`` must exist."""
    for ref in refs:
        if ref not in resources:
            c.fail(file, entry, f"unknown resource {ref!r}")


def _check_keywords(c: _Checker, topics) -> None:
    """A keyword may belong to one topic only."""
    owner: dict[str, str] = {}
    for topic in topics:
        for phrase in {normalize(p) for words in topic.keywords.values() for p in words}:
            if owner.setdefault(phrase, topic.key) != topic.key:
                c.fail("topics.yaml", topic.key, f"keyword {phrase!r} is also a keyword of {owner[phrase]}")


def _messages(c: _Checker) -> dict[str, dict[str, Any]]:
    """Read messages.yaml: every piece of SMS wording in every language."""
    doc = c.doc("messages.yaml", dict)
    wording = {lang: doc.get(lang) if isinstance(doc.get(lang), dict) else {} for lang in c.languages}
    names = set().union(*(w.keys() for w in wording.values())) if wording else set()
    for name in sorted(names):
        values = {lang: w.get(name) for lang, w in wording.items()}
        if name == "days":
            for lang, days in values.items():
                if not (isinstance(days, list) and len(days) == 7):
                    c.fail("messages.yaml", lang, "days: needs the seven day names, Monday first")
        else:
            c.texts("messages.yaml", name, name, values, fields=MESSAGE_FIELDS.get(name, set()))
    return wording


def _check_prompts(c: _Checker, prompts: dict) -> None:
    """Every prompt the phone menu needs is there; "days" lists seven day names, Monday first."""
    for key in sorted(REQUIRED_PROMPTS - prompts.keys()):
        c.fail("menu.yaml", f"prompts.{key}", "missing")
    for lang, days in prompts.get("days", {}).items():
        if len([d for d in days.split(",") if d.strip()]) != 7:
            c.fail("menu.yaml", "prompts.days", f"({lang}) needs the seven day names, Monday first, with commas")


def _menu(c: _Checker, options: list, resources: dict) -> tuple[MenuOption, ...]:
    """Read the options of menu.yaml."""
    f, result, taken, spoken_by = "menu.yaml", [], set(), {}
    for i, e in enumerate(options):
        e = e if isinstance(e, dict) else {}
        key, action = str(e.get("key", "")), e.get("action")
        entry = f"option {key or i + 1}"
        menus = tuple(e.get("menus") or c.languages)
        if key not in MENU_KEYS:
            c.fail(f, entry, "key must be one of 0-9, * or #")
        if action not in MENU_ACTIONS:
            c.fail(f, entry, f"action must be one of {', '.join(sorted(MENU_ACTIONS))}")
        if action == "dial" and e.get("resource") not in resources:
            c.fail(f, entry, f"unknown resource {e.get('resource')!r}")
        elif action == "dial" and resources[e["resource"]].phone[:1] not in ("+", ""):
            c.fail(f, entry, f"{e['resource']!r}: an emergency number cannot be dialed from the menu")
        if action == "language" and e.get("language") not in c.languages:
            c.fail(f, entry, f"unknown language {e.get('language')!r}")
        for menu in menus:
            if (menu, key) in taken:
                c.fail(f, entry, f"key {key} is used twice in the {menu!r} menu")
            taken.add((menu, key))
        spoken = [e.get("language")] if action == "language" else list(menus)
        prompt = c.texts(f, entry, "prompt", e.get("prompt"), langs=spoken) if e.get("prompt") else {}
        keywords = _option_keywords(c, entry, e.get("keywords"), menus, spoken_by)
        result.append(MenuOption(key, str(action), prompt, e.get("resource"), e.get("language"), menus, keywords))
    return tuple(result)


def _option_keywords(c: _Checker, entry: str, value: Any, menus: tuple, spoken_by: dict) -> dict:
    """Words a caller may say for an option, per language of its menus; one option per phrase and menu."""
    value = value if isinstance(value, dict) else {}
    keywords = {}
    for lang, words in value.items():
        if lang not in menus:
            c.fail("menu.yaml", entry, f"keywords: {lang!r} is not one of the menus offering it")
            continue
        spelling: dict[str, str] = {}
        for word in map(str, words or []):
            if normalize(word):
                spelling.setdefault(normalize(word), word.strip())  # keep the first spelling of each
        phrases = tuple(spelling.values())
        for phrase in phrases:
            owner = spoken_by.setdefault((lang, normalize(phrase)), entry)
            if owner != entry:
                c.fail("menu.yaml", entry, f"keyword {phrase!r} is also a keyword of {owner} ({lang})")
        keywords[lang] = phrases
    return keywords
