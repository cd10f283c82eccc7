"""Every SMS reply and call path the bot can give, rendered with the conversation's own functions
once per table: the one list the checks walk (``gate`` blocks a save; ``reply_checks`` and
``reach_checks`` report to check-data). To check a new kind of reply, add a renderer to
``SMS_RENDERERS`` (a table in, ``Reply``s out) or a walk to ``CALL_RENDERERS`` (``Path``s out).
Plain Python.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Iterator

from ..conversation import discreet, interpreters, menu, replies
from ..table.model import MENU_KEYS, TIMEZONE, Table
from ..understanding.matching import Matcher

FAILED = ("busy", "no-answer", "failed", "canceled")  # how a connection can end without help


@dataclass(frozen=True)
class Reply:
    language: str
    label: str  # "en HOUSING+INFO", "en (no match) naming national-hotline", "es discreet menu"
    text: str
    limit: int  # the segments it may take
    kind: str  # "topics" (a set of topics), "named" (a text that names a line), "discreet", "interpreter"


@dataclass(frozen=True)
class Path:
    label: str  # "en key 2, busy"
    steps: tuple[menu.Step, ...]  # from the first step after the menu to the end (or a 24/7 connection)


def topic_replies(table: Table) -> Iterator[Reply]:
    """The reply to every set of topics (none: no match), in every language."""
    keys = [t.key for t in table.topics]
    for lang in table.languages:
        for topics in itertools.chain.from_iterable(itertools.combinations(keys, n) for n in range(len(keys) + 1)):
            yield Reply(lang, f"{lang} {'+'.join(topics) or '(no match)'}", replies.sms(table, topics, lang),
                        replies.budget(table, topics, lang), "topics")


def named_replies(table: Table) -> Iterator[Reply]:
    """The reply to a text that names a line: alone, with the most urgent topic and with all topics."""
    keys = [t.key for t in table.topics]
    for lang in table.languages:
        for topics in [(), tuple(keys[:1]), tuple(keys)]:
            for named in table.resources:
                yield Reply(lang, f"{lang} {'+'.join(topics) or '(no match)'} naming {named}",
                            replies.sms(table, topics, lang, (named,)), replies.budget(table, topics, lang), "named")


def discreet_replies(table: Table) -> Iterator[Reply]:
    """Every discreet reply: the menu, each topic, all topics, each line named."""
    for lang, what, topics, text in discreet.every_reply(table):
        yield Reply(lang, f"{lang} {what}", text, replies.budget(table, topics, lang), "discreet")


def interpreter_replies(table: Table) -> Iterator[Reply]:
    """Every reply to a text in another language (an interpreter line), plain and discreet."""
    for code, what, text in interpreters.every_reply(table):
        yield Reply(code, f"{code} {what}", text, table.interpreting.max_segments, "interpreter")


def call_menu_paths(table: Table) -> Iterator[Path]:
    """Each language's menu, then each key it offers, a wrong key and silence to the last round;
    each connection at several hours of the week, then every way it can fail."""
    matcher = Matcher(table)
    for lang in table.languages:
        offered = [o.key for o in menu.options(table, lang)]
        keys = offered + [k for k in sorted(MENU_KEYS) if k not in offered][:1]  # and a wrong key
        for key in keys:
            for when in _week():
                step = menu.choose(table, matcher, lang, menu.MAX_ROUNDS, digits=key, now=when)
                yield from _dial_paths(table, f"{lang} key {key}", (step,))
        yield Path(f"{lang} silence", (menu.choose(table, matcher, lang, menu.MAX_ROUNDS),))


SMS_RENDERERS: list[Callable[[Table], Iterable[Reply]]] = [topic_replies, named_replies, discreet_replies,
                                                           interpreter_replies]
CALL_RENDERERS: list[Callable[[Table], Iterable[Path]]] = [call_menu_paths]


def sms(table: Table) -> list[Reply]:
    """Every SMS reply of ``table`` (rendered once per table and list of renderers)."""
    key = ("renders.sms", tuple(SMS_RENDERERS))
    if key not in table.memo:
        table.memo[key] = [reply for render in SMS_RENDERERS for reply in render(table)]
    return table.memo[key]


def calls(table: Table) -> list[Path]:
    """Every call path of ``table`` (walked once per table and list of walks)."""
    key = ("renders.calls", tuple(CALL_RENDERERS))
    if key not in table.memo:
        table.memo[key] = [path for walk in CALL_RENDERERS for path in walk(table)]
    return table.memo[key]


def _dial_paths(table: Table, label: str, steps: tuple[menu.Step, ...]) -> Iterator[Path]:
    """A path that reached a step; one path per way a connection in it can end badly."""
    step = steps[-1]
    if step.kind != "dial" or step.dial.phone in {r.phone for r in table.lines_24_7()} or len(steps) > 4:
        yield Path(label, steps)
        return
    for status in FAILED:
        yield from _dial_paths(table, f"{label}, {status}",
                               steps + (menu.dialed(table, step.language, step.dial.key, status),))


def _week() -> list[datetime]:
    """Monday to Sunday of a fixed week at 3:00 and at 12:00 (closed and open hours of most lines)."""
    monday = datetime(2026, 1, 5, tzinfo=TIMEZONE)
    return [monday + timedelta(days=d, hours=h) for d in range(7) for h in (3, 12)]
