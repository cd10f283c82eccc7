"""Discreet replies, for a texter whose phone may be read by someone else: neutral line names, the
911 line and a line saying they can delete the conversation, with no word of the forbidden list.

Plain Python. The wording is data/discreet.yaml's; a text turns discreet replies on (a phrase such
as "he reads my texts" anywhere, or the card's keyword alone) or off (a whole text such as NORMAL).
"""
from __future__ import annotations

from typing import Iterator, Sequence

from .. import phones
from ..understanding.normalize import normalize, tokens
from ..table.model import Resource, Table
from .replies import MEMO_LIMIT, budget as segment_budget, hours_text
from .segments import segments


def turned(table: Table, text: str) -> bool | None:
    """True when ``text`` turns discreet replies on, False when it turns them off, else None."""
    if table.discreet is None:
        return None
    on, off, phrases = _index(table)
    whole = normalize(text)
    if whole in on:
        return True
    if whole in off:
        return False
    words = f" {whole} "
    return True if any(phrase in words for phrase in phrases) else None


def _index(table: Table) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """The normalized keywords, off words and " phrases " of the table, made once per table."""
    index = table.memo.get("discreet index")
    if index is None:
        d = table.discreet
        index = (frozenset(normalize(w) for w in d.keyword.values()) - {""},
                 frozenset(normalize(w) for words in d.off.values() for w in words) - {""},
                 tuple(f" {' '.join(tokens(p))} " for phrases in d.on.values() for p in phrases))
        table.memo["discreet index"] = index
    return index


def sms(table: Table, topics: Sequence[str], language: str, budget: bool = True) -> str:
    """The discreet reply to ``topics`` (none: the keyword menu) in ``language``; ``budget``: keep
    within the same SMS segments as the plain reply (not for WhatsApp). Composed once per table."""
    key = ("discreet", tuple(topics), language, budget)
    reply = table.memo.get(key)
    if reply is None:
        reply = _compose(table, topics, language, segment_budget(table, topics, language) if budget else None)
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


def every_reply(table: Table) -> Iterator[tuple[str, str, str]]:
    """(language, what, reply) for every discreet reply of the table: the menu and each topic, for
    the safety checks (a 24/7 number, 911, no forbidden word, within the segments)."""
    if table.discreet is None:
        return
    for language in table.languages:
        yield language, "discreet menu", sms(table, (), language)
        for topic in table.topics:
            yield language, f"discreet {topic.key}", sms(table, (topic.key,), language)
        yield language, "discreet all topics", sms(table, tuple(t.key for t in table.topics), language)


def _compose(table: Table, topics: Sequence[str], language: str, limit: int | None) -> str:
    """Topic blocks most urgent first, each within ``limit`` segments (None: no limit)."""
    words, tail = table.discreet.messages[language], closing(table, language)
    if not topics:
        lines = [words["menu"], *(line(table, table.resources[r], language) for r in table.unmatched)]
        return "\n".join(lines + tail)
    shown: set[str] = set()
    lines: list[str] = []
    for key in topics:
        topic = table.topic(key)
        if set(topic.resources) <= shown:
            continue
        block = [table.discreet.intros[key][language]]
        block += [line(table, table.resources[r], language) for r in topic.resources if r not in shown]
        if lines and limit is not None and segments("\n".join(lines + block + tail)) > limit:
            continue
        lines += block
        shown.update(topic.resources)
    return "\n".join(lines + tail)
