"""Topics and a language in, the SMS reply text out; wording comes from the table (data/).

Every reply carries at least one 24/7 number, "call 911" once and the line saying that no one
reads these texts. A line the text named comes first (after the most urgent topic's block);
several topics are covered most urgent first, as long as the reply stays within the language's
segment limit.
"""
from __future__ import annotations

import re
from typing import Mapping, Sequence

from .. import phones
from .segments import segments
from ..table.model import Hours, Resource, Table


MEMO_LIMIT = 4096  # replies kept per table
DETAILED = "INFO"  # the topic whose reply gives each line's details, not only its short name


def sms(table: Table, topics: Sequence[str], language: str, details: Sequence[str] = (),
        limited: bool = True) -> str:
    """The reply to a text that matched ``topics`` (none: the keyword menu), within the limit
    (``limited`` False: no segment limit, for WhatsApp).

    Lines are named briefly; ``details`` (resources the text named) and INFO's lines get their
    description. A table never changes, so each reply is composed once per table and remembered.
    """
    key = ("sms", tuple(topics), language, tuple(details), limited)
    reply = table.memo.get(key)
    if reply is None:
        details = tuple(r for r in details if r in table.resources)
        reply = _compose(table, topics, language, details, detailed=True, limited=limited)
        if limited and segments(reply) > budget(table, topics, language):
            reply = _compose(table, topics, language, details, detailed=False)  # numbers before details
        if len(table.memo) >= MEMO_LIMIT:
            table.memo.clear()
        table.memo[key] = reply
    return reply


def budget(table: Table, topics: Sequence[str], language: str) -> int:
    """The most segments a reply may take: fewer for one topic (``topic_segments``) than for several."""
    lang = table.languages[language]
    return lang.topic_segments if len(topics) <= 1 and lang.topic_segments else lang.max_segments


def _compose(table: Table, topics: Sequence[str], language: str, details: Sequence[str], detailed: bool,
             limited: bool = True) -> str:
    """The lines the text named, then topic blocks most urgent first; a block that would overflow is
    named in a "more" line (the first block always stays)."""
    words = table.messages[language]
    def line(key: str, detailed: bool) -> str:
        """One resource's line: brief, or with its description."""
        return resource_line(table.resources[key], words, language, brief=not detailed)
    named = [line(r, detailed) for r in details]
    shown: set[str] = set(details)
    if not topics:
        lines = named + [words["menu"], *(line(r, False) for r in table.unmatched if r not in shown)]
        return "\n".join(lines + closing(table, language, lines))
    limit = table.languages[language].max_segments if limited else float("inf")  # WhatsApp: no segments
    lines: list[str] = [] if topics[0] == table.topics[0].key else list(named)  # DANGER's block comes first
    skipped: list[str] = []
    for key in topics:
        topic = table.topic(key)
        if set(topic.resources) <= shown and not topic.organizations and topic.intro[language].endswith(":"):
            continue  # a heading of lines the reply already has
        block = [topic.intro[language]]
        for org in map(table.organizations.__getitem__, topic.organizations):
            block.append(words["organization"].format(name=org.name[language], about=org.about[language]))
        block += [line(r, detailed and key == DETAILED) for r in topic.resources if r not in shown]
        if key == table.topics[0].key:
            block += named
        elif len(lines) > len(named) and segments("\n".join(lines + block + closing(table, language, lines + block))) > limit:
            skipped.append(topic.name[language])
            continue
        lines += block
        shown.update(topic.resources)
    more = [words["more"].format(keywords=listed(skipped, words.get("or")))] if skipped else []
    if more and segments("\n".join(lines + more + closing(table, language, lines))) <= limit:
        lines += more
    return "\n".join(lines + closing(table, language, lines))


def closing(table: Table, language: str, lines: Sequence[str]) -> list[str]:
    """The lines that close a reply: "call 911" (unless a line above already says it) and "no one reads"."""
    words = table.messages[language]
    said = any(_emergency(table).search(text) for text in lines)
    return ([] if said else [str(words["danger"])]) + [str(words["automated"])]


def _emergency(table: Table) -> re.Pattern:
    """The table's emergency numbers (911) standing alone, not inside a longer number; made once per table."""
    pattern = table.memo.get("emergency numbers")
    if pattern is None:
        numbers = sorted({r.phone for r in table.resources.values() if not r.phone.startswith("+")})
        pattern = re.compile("|".join(rf"(?<!\d){re.escape(n)}(?!\d)" for n in numbers) or r"(?!)")
        table.memo["emergency numbers"] = pattern
    return pattern


def listed(names: Sequence[str], conjunction: object = None) -> str:
    """"CONFIDENTIAL, FACTS or ABOUT" with the table's word for "or" (commas only, without one)."""
    if not conjunction or len(names) < 2:
        return ", ".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def resource_line(resource: Resource, words: Mapping[str, object], language: str, brief: bool = False) -> str:
    """"Name: (209) 948-1911, 24/7. What it helps with." in the reply's language."""
    hours = hours_text(resource.hours, words)
    return str(words["brief" if brief else "resource"]).format(
        name=resource.name[language],
        Name=capitalized(resource.name[language]),
        short=resource.short.get(language) or resource.name[language],
        number=phones.display(resource.phone),
        hours=str(words["hours"]).format(hours=hours) if hours else "",
        text=str(words["text"]).format(text=phones.display(resource.text)) if resource.text else "",
        description=resource.description[language],
    )


def capitalized(name: str) -> str:
    """A name that starts a sentence: "la Línea Nacional" -> "La Línea Nacional"."""
    return name[:1].upper() + name[1:]


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
