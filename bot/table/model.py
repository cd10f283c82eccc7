"""The resource table as frozen dataclasses: the snapshot every reply is built from.

This module imports nothing of ours. A ``Table`` is built once (from data/ or from the
database) and then only read, so webhooks never query the resource table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Mapping
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("America/Los_Angeles")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MENU_KEYS = frozenset("0123456789*#")  # the keys a caller can press
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

Texts = Mapping[str, str]  # language code -> text


@dataclass(frozen=True)
class Hours:
    """Opening hours: always open, unknown, or weekly spans in America/Los_Angeles."""

    kind: str  # "always" | "unknown" | "schedule"
    spans: tuple[tuple[int, int, int], ...] = ()  # (weekday 0=Mon, start minute, end minute)

    @classmethod
    def parse(cls, value: object) -> "Hours":
        """Read "24/7", "unknown"/empty, or {"mon-fri": "09:00-17:00", ...}; raise ValueError."""
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "unknown")):
            return cls("unknown")
        if isinstance(value, str) and value.strip().lower() in ("24/7", "always"):
            return cls("always")
        if isinstance(value, str):  # canonical text form "mon-fri 09:00-17:00; sat 10:00-14:00"
            try:
                value = dict(part.strip().split(" ", 1) for part in value.split(";") if part.strip())
            except ValueError:
                raise ValueError(f"hours {value!r}: use 24/7, unknown or a weekly schedule") from None
        if not isinstance(value, Mapping) or not value:
            raise ValueError(f"hours {value!r}: use 24/7, unknown or a weekly schedule")
        spans = []
        for days, span in value.items():
            for day in _days(str(days)):
                spans.append((day, *_minutes(str(span))))
        return cls("schedule", tuple(sorted(spans)))

    def text(self) -> str:
        """The canonical text form, as stored in the database."""
        if self.kind == "always":
            return "24/7"
        if self.kind == "unknown":
            return "unknown"
        return "; ".join(f"{DAYS[d]} {_hhmm(a)}-{_hhmm(b)}" for d, a, b in self.spans)

    def is_open(self, when: datetime) -> bool:
        """Open at ``when``? Unknown hours count as open, so nobody is kept from a line."""
        if self.kind != "schedule":
            return True
        local = when.astimezone(TIMEZONE)
        minute = local.hour * 60 + local.minute
        return any(d == local.weekday() and a <= minute < b for d, a, b in self.spans)

    def next_opening(self, when: datetime) -> datetime | None:
        """The next local time the line opens after ``when`` (None if always/unknown)."""
        if self.kind != "schedule":
            return None
        local = when.astimezone(TIMEZONE)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        for offset in range(8):
            day = midnight + timedelta(days=offset)
            for d, a, _ in self.spans:
                start = day + timedelta(minutes=a)
                if d == day.weekday() and start > local:
                    return start
        return None


def _days(text: str) -> list[int]:
    """"mon-fri" -> [0..4]; "sat" -> [5]; "daily" -> all."""
    text = text.strip().lower()
    if text in ("daily", "every day"):
        return list(range(7))
    first, _, last = text.partition("-")
    if first not in DAYS or (last and last not in DAYS):
        raise ValueError(f"unknown day {text!r}: use mon..sun, a range like mon-fri, or daily")
    a, b = DAYS.index(first), DAYS.index(last or first)
    return list(range(a, b + 1)) if a <= b else list(range(a, 7)) + list(range(0, b + 1))


def _minutes(span: str) -> tuple[int, int]:
    """"09:00-17:00" -> (540, 1020)."""
    m = _SPAN.match(span.strip())
    if not m:
        raise ValueError(f"hours {span!r}: write them as HH:MM-HH:MM")
    h1, m1, h2, m2 = map(int, m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if not (0 <= start < end <= 24 * 60 and m1 < 60 and m2 < 60):
        raise ValueError(f"hours {span!r}: the end must come after the start, within one day")
    return start, end


def _hhmm(minute: int) -> str:
    """540 -> "09:00"."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class Organization:
    key: str
    name: Texts
    about: Texts


@dataclass(frozen=True)
class Resource:
    key: str
    organization: str
    name: Texts
    description: Texts
    phone: str  # E.164, or an emergency number such as "911"
    hours: Hours
    text: str | None = None  # number or short code that takes texts
    languages: tuple[str, ...] = ()
    last_verified: date | None = None
    verified_by: str | None = None
    short: Texts = field(default_factory=dict)  # the short name SMS replies use, per language

    @property
    def always_open(self) -> bool:
        """True for a 24/7 line."""
        return self.hours.kind == "always"

    @property
    def is_24_7(self) -> bool:
        """True for a 24/7 line people can dial with a full number (not 911): what every reply needs."""
        return self.always_open and self.phone.startswith("+")


@dataclass(frozen=True)
class Topic:
    key: str
    urgency: int
    name: Texts  # the word to text for this topic, per language
    intro: Texts
    resources: tuple[str, ...]
    organizations: tuple[str, ...] = ()
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # language -> phrases


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    switch: tuple[str, ...]
    hints: tuple[str, ...]
    max_segments: int
    voice: str
    speech: str
    gsm7: bool = False  # SMS replies must use GSM-7 characters only
    topic_segments: int = 0  # longest reply to one topic (0: max_segments)


@dataclass(frozen=True)
class Example:
    """A text as people write it and the topics it needs (none: the keyword menu)."""

    text: str
    language: str
    topics: tuple[str, ...] = ()
    discreet: bool = False  # the text says the sender's phone is watched: discreet replies from then on


@dataclass(frozen=True)
class MenuOption:
    key: str  # a phone key: 0-9, * or #
    action: str  # "dial" | "numbers" | "repeat" | "language"
    prompt: Texts
    resource: str | None = None
    language: str | None = None  # target language of a "language" option
    menus: tuple[str, ...] = ()  # languages whose menu offers it
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # language -> spoken phrases


# --- discreet wording and interpreter lines (data/discreet.yaml, data/interpreters.yaml) ---
@dataclass(frozen=True)
class Discreet:
    """Wording for a texter whose phone may be read: neutral names, no word that gives the subject away."""

    on: Mapping[str, tuple[str, ...]]  # language -> phrases that turn it on anywhere in a text
    keyword: Texts  # the one word per language (printed on cards) that turns it on
    off: Mapping[str, tuple[str, ...]]  # language -> whole texts that turn it off
    forbidden: Mapping[str, tuple[str, ...]]  # language -> words no discreet reply may contain
    names: Mapping[str, Texts]  # resource key -> neutral name per language
    intros: Mapping[str, Texts]  # topic key -> first line per language
    messages: Mapping[str, Mapping[str, str]]  # language -> wording


@dataclass(frozen=True)
class Interpreter:
    """One short line in a language the bot does not speak, and how a text in it is recognized."""

    code: str
    name: str
    line: str  # with a {number} placeholder
    reviewed: bool  # checked by a native speaker on staff
    lingua: str | None = None  # a lingua-language-detector language name
    script: str | None = None  # a Unicode script name (KHMER)
    words: tuple[str, ...] = ()  # common words, for languages without a model
    writing: str | None = None  # "traditional" or "simplified" Chinese characters (beside lingua)


@dataclass(frozen=True)
class Interpreting:
    """The interpreter lines, the line they name, and the English and Spanish essentials after them."""

    resource: str
    max_segments: int
    essentials: Texts
    lines: tuple[Interpreter, ...] = ()


@dataclass(frozen=True)
class Table:
    languages: Mapping[str, Language]  # in order; the first is the default
    organizations: Mapping[str, Organization]
    resources: Mapping[str, Resource]
    topics: tuple[Topic, ...]  # most urgent first
    messages: Mapping[str, Mapping[str, object]]  # language -> SMS wording
    unmatched: tuple[str, ...]  # resources shown with the keyword menu
    start_topic: str  # the topic sent to a sender who opts back in (START)
    menu: tuple[MenuOption, ...] = ()
    prompts: Mapping[str, Texts] = field(default_factory=dict)  # voice prompt key -> texts
    fallback: str = ""  # the 24/7 resource a call falls back to (the National Hotline)
    # reply_tests.yaml as staff wrote it: {"sms": [row, ...], "voice": [row, ...]} (run by review.replytests)
    reply_tests: Mapping[str, tuple] = field(default_factory=dict)
    discreet: Discreet | None = None
    interpreting: Interpreting | None = None
    examples: tuple[Example, ...] = ()  # texts the classifier learns the topics from
    safety: Mapping[str, Texts] = field(default_factory=dict)  # rule -> language -> phrases (topics.yaml)
    # Values derived from this (immutable) table, e.g. composed replies; not part of its identity.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def default_language(self) -> str:
        """The first language listed."""
        return next(iter(self.languages))

    def topic(self, key: str) -> Topic:
        """The topic with this key."""
        return next(t for t in self.topics if t.key == key)

    def lines_24_7(self) -> list[Resource]:
        """The 24/7 lines with a full number (``Resource.is_24_7``), in order."""
        return [r for r in self.resources.values() if r.is_24_7]
