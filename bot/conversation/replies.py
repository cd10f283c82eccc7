"""Topics and a language in, the SMS reply text out; wording comes from the table (data/).

Every reply carries at least one 24/7 number, the "call 911" line and the line saying
that no one reads these texts. Several topics are covered most urgent first, as long as
the reply stays within the language's segment limit.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from .. import phones
from .segments import segments
from ..table.model import Hours, Resource, Table


MEMO_LIMIT = 4096  # replies kept per table


def sms(table: Table, topics: Sequence[str], language: str, budget: bool = True) -> str:
    """The reply to a text that matched ``topics`` (none: the keyword menu), within the limit
    (``budget`` False: no segment limit, for WhatsApp; issue 13).

    A table never changes, so each reply is composed once per table and then remembered.
    """
    key = ("sms", tuple(topics), language) if budget else ("sms", tuple(topics), language, "unlimited")
    reply = table.memo.get(key)
    if reply is None:
        reply = _compose(table, topics, language, brief=False, limited=budget)
        if budget and segments(reply) > table.languages[language].max_segments:
            reply = _compose(table, topics, language, brief=True)  # drop descriptions, keep numbers
        if len(table.memo) >= MEMO_LIMIT:
            table.memo.clear()
        table.memo[key] = reply
    return reply


def _compose(table: Table, topics: Sequence[str], language: str, brief: bool, limited: bool = True) -> str:
    """Topic blocks most urgent first; a block that would overflow is named in a "more" line."""
    words = table.messages[language]
    tail = [words["danger"], words["automated"]]
    if not topics:
        lines = [words["menu"], *(resource_line(table.resources[r], words, language, brief) for r in table.unmatched)]
        return "\n".join(lines + tail)
    limit = table.languages[language].max_segments if limited else float("inf")  # issue 13: WhatsApp
    shown: set[str] = set()
    lines: list[str] = []
    skipped: list[str] = []
    for key in topics:
        topic = table.topic(key)
        if set(topic.resources) <= shown and not topic.organizations:
            continue  # everything it would show is in the reply already
        block = [topic.intro[language]]
        for org in map(table.organizations.__getitem__, topic.organizations):
            block.append(words["organization"].format(name=org.name[language], about=org.about[language]))
        block += [resource_line(table.resources[r], words, language, brief) for r in topic.resources if r not in shown]
        if lines and segments("\n".join(lines + block + tail)) > limit:
            skipped.append(topic.name[language])
            continue
        lines += block
        shown.update(topic.resources)
    more = [words["more"].format(keywords=", ".join(skipped))] if skipped else []
    if more and segments("\n".join(lines + more + tail)) <= limit:
        lines += more
    return "\n".join(lines + tail)


def resource_line(resource: Resource, words: Mapping[str, object], language: str, brief: bool = False) -> str:
    """"Name: (209) 948-1911, 24/7. What it helps with." in the reply's language."""
    hours = hours_text(resource.hours, words)
    return str(words["brief" if brief else "resource"]).format(
        name=resource.name[language],
        number=phones.display(resource.phone),
        hours=str(words["hours"]).format(hours=hours) if hours else "",
        text=str(words["text"]).format(text=phones.display(resource.text)) if resource.text else "",
        description=resource.description[language],
    )


def hours_text(hours: Hours, words: Mapping[str, object]) -> str:
    """"24/7", "Mon-Fri 09:00-17:00, Sat 10:00-14:00", or "" when unknown."""
    if hours.kind == "always":
        return str(words["always_open"])
    if hours.kind == "unknown":
        return ""
    days = list(words["days"])  # type: ignore[arg-type]
    by_span: dict[tuple[int, int], list[int]] = {}
    for day, start, end in hours.spans:
        by_span.setdefault((start, end), []).append(day)
    return ", ".join(f"{_day_ranges(d, days)} {_clock(a)}-{_clock(b)}" for (a, b), d in by_span.items())


def _day_ranges(numbers: list[int], names: list[str]) -> str:
    """[0, 1, 2, 3, 4, 6] -> "Mon-Fri, Sun"."""
    runs: list[list[int]] = []
    for day in sorted(numbers):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(names[r[0]] if len(r) == 1 else f"{names[r[0]]}-{names[r[-1]]}" for r in runs)


def _clock(minute: int) -> str:
    """540 -> "09:00"."""
    return f"{minute // 60:02d}:{minute % 60:02d}"
