"""Check the resource table's source documents and build a ``Table`` from them.

Plain Python: parsed YAML documents in, a ``Table`` out, or a ``DataError`` listing every
problem with the file, the entry and what is wrong. menu.yaml is read in load_menu.py.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from .problems import MAX_SEGMENTS, Checker, DataError, Problem, unique_spellings
from ..text import normalize
from .load_menu import read_menu
from .load_reach import read_discreet, read_interpreting
from ..phones import emergency_or_e164, short_code
from .model import Example, Hours, Language, Organization, Resource, Table, Topic

__all__ = ["FILES", "REPLY_TESTS", "ALL_FILES", "DataError", "Problem", "build_table"]

FILES = ("languages.yaml", "organizations.yaml", "resources.yaml", "topics.yaml", "messages.yaml", "menu.yaml",
         "discreet.yaml", "interpreters.yaml", "examples.yaml")  # discreet and interpreters: load_reach.py
REPLY_TESTS = "reply_tests.yaml"  # part of the table too, but a folder may lack it (load-data keeps the live ones)
ALL_FILES = FILES + (REPLY_TESTS,)  # every file load-data reads and export-data writes
TEST_CHANNELS = ("sms", "voice")
SAFETY_RULES = ("minor", "commercial_sex", "cry")  # minor + commercial_sex: HOTLINE; a bare cry: DANGER
EXAMPLE_LIMIT = 1600  # the longest example text, in characters (a long SMS)
MAX_URGENCY = 999  # topics are answered most urgent (1) first
# Placeholders each piece of wording may use.
MESSAGE_FIELDS = {"resource": {"name", "Name", "short", "number", "hours", "text", "description"},
                  "brief": {"name", "Name", "short", "number", "hours", "text"}, "hours": {"hours"},
                  "text": {"text"}, "organization": {"name", "about"}, "more": {"keywords"}}


def build_table(docs: dict[str, Any]) -> Table:
    """Check every document and return the ``Table``; raise ``DataError`` on any problem."""
    c = Checker(docs)
    for file, doc in docs.items():
        c.numbers(file, doc)
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
    safety = _safety(c, topics_doc.get("safety"))
    messages = _messages(c)
    prompts, menu, fallback = read_menu(c, resources)
    reply_tests = _reply_tests(c, docs.get(REPLY_TESTS))
    discreet = read_discreet(c, resources, topics)
    interpreting = read_interpreting(c, resources)
    examples = _examples(c, topics)
    if c.problems:
        raise DataError(c.problems)
    return Table(languages=languages, organizations=organizations, resources=resources,
                 topics=tuple(sorted(topics.values(), key=lambda t: t.urgency)), messages=messages,
                 unmatched=unmatched, start_topic=start, menu=menu, prompts=prompts,
                 fallback=fallback, reply_tests=reply_tests, discreet=discreet, interpreting=interpreting,
                 examples=examples, safety=safety)


def _reply_tests(c: Checker, doc: Any) -> dict[str, tuple]:
    """reply_tests.yaml: a list of rows per channel, each saying what is sent and what must come back."""
    if doc is None:
        return {}
    if not isinstance(doc, dict) or set(doc) - set(TEST_CHANNELS):
        c.fail(REPLY_TESTS, "(file)", f"must hold the lists {' and '.join(TEST_CHANNELS)} only")
        return {}
    result = {}
    for channel in TEST_CHANNELS:
        rows = doc.get(channel) or []
        if not isinstance(rows, list):
            c.fail(REPLY_TESTS, channel, "must be a list of tests")
            continue
        for i, row in enumerate(rows):
            given = isinstance(row, dict) and (row.get("text") if channel == "sms" else row.get("steps"))
            wanted = isinstance(row, dict) and any(row.get(k) for k in ("lines", "numbers", "hears", "dials"))
            if not given or not wanted:
                c.fail(REPLY_TESTS, f"{channel} {i + 1}", "needs text/steps and lines/numbers/hears/dials")
        result[channel] = tuple(rows)
    return result

def _languages(c: Checker) -> dict[str, Language]:
    """Read languages.yaml."""
    f, doc = "languages.yaml", c.doc("languages.yaml", dict)
    c.languages = [str(code) for code in doc]
    result = {}
    for code, item in doc.items():
        item = item if isinstance(item, dict) else {}
        c.code(f, code, code)
        most = c.whole(f, code, "max_segments", item.get("max_segments"), 1, MAX_SEGMENTS)
        topic_most = c.whole(f, code, "topic_segments", item.get("topic_segments") or 0, 0, MAX_SEGMENTS)
        try:
            result[code] = Language(code, str(item["name"]), tuple(map(str, item.get("switch") or ())),
                                    tuple(map(str, item.get("hints") or ())), most,
                                    str(item["voice"]), str(item["speech"]), bool(item.get("gsm7", False)),
                                    topic_most)
        except KeyError as exc:
            c.fail(f, code, f"needs name, max_segments, voice and speech ({exc})")
        except TypeError:
            c.fail(f, code, "switch and hints are lists of words")
    if not doc:
        c.fail("languages.yaml", "(file)", "lists no language")
    return result


def _resource(c: Checker, e: dict, organizations: dict) -> Resource:
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
                    verified, e.get("verified_by"), c.texts(f, key, "short", e.get("short")))


def _topic(c: Checker, e: dict, resources: dict, organizations: dict) -> Topic:
    """One entry of topics.yaml."""
    f, key = "topics.yaml", e["key"]
    refs = tuple(e.get("resources") or ())
    _check_refs(c, f, key, refs, resources)
    if not any(resources[r].is_24_7 for r in refs if r in resources):
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
        keywords[lang] = unique_spellings(words)
    names = c.texts(f, key, "name", e.get("name") or {lang: key for lang in c.languages})
    for lang, name in names.items():
        if normalize(name) not in map(normalize, keywords.get(lang, ())):
            c.fail(f, key, f"name {name!r} is not one of its {lang!r} keywords")
    urgency = c.whole(f, key, "urgency (1 = most urgent)", e.get("urgency"), 1, MAX_URGENCY)
    return Topic(key, urgency, names,
                 c.texts(f, key, "intro", e.get("intro")), refs, orgs, keywords)


def _check_refs(c: Checker, file: str, entry: str, refs: tuple, resources: dict) -> None:
    """Every resource key in ``refs`` must exist."""
    for ref in refs:
        if ref not in resources:
            c.fail(file, entry, f"unknown resource {ref!r}")


def _check_keywords(c: Checker, topics) -> None:
    """A keyword may belong to one topic only."""
    owner: dict[str, str] = {}
    for topic in topics:
        for phrase in {normalize(p) for words in topic.keywords.values() for p in words}:
            if owner.setdefault(phrase, topic.key) != topic.key:
                c.fail("topics.yaml", topic.key, f"keyword {phrase!r} is also a keyword of {owner[phrase]}")


def _messages(c: Checker) -> dict[str, dict[str, Any]]:
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


def _safety(c: Checker, doc: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    """topics.yaml's safety phrases: rule -> language -> phrases (a minor in commercial sex gets HOTLINE)."""
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        c.fail("topics.yaml", "safety", "a mapping of rule -> language -> phrases")
        return {}
    result = {}
    for rule, by_lang in doc.items():
        if rule not in SAFETY_RULES:
            c.fail("topics.yaml", "safety", f"unknown rule {rule!r}: one of {', '.join(SAFETY_RULES)}")
            continue
        by_lang = by_lang if isinstance(by_lang, dict) else {}
        result[rule] = {}
        for lang in c.languages:
            phrases = by_lang.get(lang)
            if not isinstance(phrases, list) or not all(isinstance(p, str) and normalize(p) for p in phrases):
                c.fail("topics.yaml", f"safety {rule}", f"{lang}: needs a list of phrases")
                continue
            result[rule][lang] = tuple(map(str, phrases))
    return {rule: result[rule] for rule in SAFETY_RULES if rule in result}  # one order, whatever the file's


def _examples(c: Checker, topics: dict) -> tuple[Example, ...]:
    """Read examples.yaml: each a non-empty text, a known language and known topics."""
    f = "examples.yaml"
    doc = c.docs.get(f)
    if doc is None:
        return ()
    if not isinstance(doc, list):
        c.fail(f, "(file)", "not a list")
        return ()
    result = []
    for i, e in enumerate(doc, 1):
        where = f"example {i}"
        if not isinstance(e, dict):
            c.fail(f, where, "write {text: ..., lang: ..., topics: [...]}")
            continue
        text, lang, keys = e.get("text"), e.get("lang"), e.get("topics")
        keys = [] if keys is None else keys
        if not isinstance(text, str) or not normalize(text):
            c.fail(f, where, "text: empty")
            continue
        if len(text) > EXAMPLE_LIMIT:
            c.fail(f, where, f"text: longer than {EXAMPLE_LIMIT} characters")
        if lang not in c.languages:
            c.fail(f, where, f"lang: unknown language {lang!r}")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            c.fail(f, where, "topics: a list of topic keys")
            continue
        for key in keys:
            if key not in topics:
                c.fail(f, where, f"topics: unknown topic {key!r}")
        watched = e.get("discreet", False)
        if not isinstance(watched, bool):
            c.fail(f, where, "discreet: true or false")
        result.append(Example(text.strip(), str(lang), tuple(dict.fromkeys(keys)), watched is True))
    return tuple(result)
