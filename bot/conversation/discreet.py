"""Discreet replies, for a texter whose phone may be read by someone else: neutral line names, the
911 line and a line saying they can delete the conversation, with no word of the forbidden list.

Plain Python. The wording is data/discreet.yaml's; a text turns discreet replies on (the card's
keyword alone or with a few words around it, "discreto por favor"; a text that says the phone is
watched is read by the understanding) or off (a whole text such as NORMAL).
"""
from __future__ import annotations

from typing import Iterator, Sequence

from rapidfuzz.distance import OSA

from .. import phones
from ..text import normalize, tokens
from ..table.model import Resource, Table
from .replies import MEMO_LIMIT, budget as segment_budget, hours_text
from .segments import segments


KEYWORD_PHRASE_WORDS = 4  # the card's keyword counts in a text of at most this many words ("QUIET pls")
KEYWORD_TYPO_LENGTH = 6  # a keyword this long also counts with one typo ("discrteo")


def turned(table: Table, text: str, keyword: str | None = None) -> bool | None:
    """True when ``text`` turns discreet replies on with the card's keyword (``keyword``: its language,
    when already known from ``keyword_language``), False when it turns them off, else None."""
    if table.discreet is None:
        return None
    if keyword or keyword_language(table, text):
        return True
    _, off = _index(table)
    return False if normalize(text) in off else None


def keyword_language(table: Table, text: str) -> str | None:
    """The language of the card's keyword when ``text`` is that keyword alone or in a few words
    ("DISCRETO", "discreto por favor", "QUIET pls"), else None: the reply is in that language."""
    if table.discreet is None:
        return None
    words = tokens(text)
    if not words or len(words) > KEYWORD_PHRASE_WORDS:
        return None
    keywords, _ = _index(table)
    for word in words:
        for keyword, language in keywords.items():
            if word == keyword or (len(keyword) >= KEYWORD_TYPO_LENGTH and OSA.distance(word, keyword) <= 1):
                return language
    return None


def _index(table: Table) -> tuple[dict[str, str], frozenset[str]]:
    """The normalized keywords (keyword -> language) and off words of the table, made once per table."""
    index = table.memo.get("discreet index")
    if index is None:
        d = table.discreet
        index = ({normalize(w): lang for lang, w in d.keyword.items() if normalize(w)},
                 frozenset(normalize(w) for words in d.off.values() for w in words) - {""})
        table.memo["discreet index"] = index
    return index


def sms(table: Table, topics: Sequence[str], language: str, budget: bool = True,
        details: Sequence[str] = ()) -> str:
    """The discreet reply to ``topics`` (none: the keyword menu) in ``language``, the lines the text
    named (``details``) first; ``budget``: keep within the same SMS segments as the plain reply (not
    for WhatsApp). Composed once per table."""
    key = ("discreet", tuple(topics), language, budget, tuple(details))
    reply = table.memo.get(key)
    if reply is None:
        named = tuple(r for r in details if r in table.resources and r in table.discreet.names)
        reply = _compose(table, topics, language, segment_budget(table, topics, language) if budget else None,
                         named)
        if len(table.memo) >= MEMO_LIMIT:
            table.memo.clear()
        table.memo[key] = reply
    return reply


def closing(table: Table, language: str) -> list[str]:
    """The lines that close every discreet reply: 911, automated, delete the conversation."""
    words = table.discreet.messages[language]
    return [words["danger"], words["automated"], words["delete"]]


def line(table: Table, resource: Resource, language: str) -> str:
    """"Women's Center (209) 948-1911, any time"."""
    words = table.discreet.messages[language]
    hours = hours_text(resource.hours, {**table.messages[language], "always_open": words["always_open"]})
    return words["line"].format(
        name=table.discreet.names[resource.key][language], number=phones.display(resource.phone),
        hours=words["hours"].format(hours=hours) if hours else "",
        text=words["text"].format(text=phones.display(resource.text)) if resource.text else "")


def every_reply(table: Table) -> Iterator[tuple[str, str, tuple[str, ...], str]]:
    """(language, what, topics, reply) for every discreet reply of the table: the menu, each topic,
    all topics and each line named, for the checks (a 24/7 number, 911, no forbidden word, segments)."""
    if table.discreet is None:
        return
    keys = tuple(t.key for t in table.topics)
    for language in table.languages:
        yield language, "discreet menu", (), sms(table, (), language)
        for key in keys:
            yield language, f"discreet {key}", (key,), sms(table, (key,), language)
        yield language, "discreet all topics", keys, sms(table, keys, language)
        for key in table.discreet.names:
            yield language, f"discreet naming {key}", (), sms(table, (), language, details=(key,))


def _compose(table: Table, topics: Sequence[str], language: str, limit: int | None,
             named: Sequence[str] = ()) -> str:
    """The named lines, then topic blocks most urgent first, each within ``limit`` segments (None: no limit)."""
    words, tail = table.discreet.messages[language], closing(table, language)
    first = [line(table, table.resources[r], language) for r in named]
    shown: set[str] = set(named)
    if not topics:
        rest = [line(table, table.resources[r], language) for r in table.unmatched if r not in shown]
        lines = first + [words["menu"]] + rest
        if first and limit is not None and segments("\n".join(lines + tail)) > limit:
            lines = first + rest  # the keyword menu gives way to the line the text named
        return "\n".join(lines + tail)
    lines: list[str] = first
    for key in topics:
        topic = table.topic(key)
        if set(topic.resources) <= shown:
            continue
        block = [table.discreet.intros[key][language]]
        block += [line(table, table.resources[r], language) for r in topic.resources if r not in shown]
        if len(lines) > len(first) and limit is not None and segments("\n".join(lines + block + tail)) > limit:
            continue
        lines += block
        shown.update(topic.resources)
    return "\n".join(lines + tail)
