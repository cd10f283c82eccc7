"""Checks of the replies that reach more people: every discreet reply (no forbidden word,
a 24/7 number, 911, within its segments) and every interpreter reply. Plain Python; a part of
``reply_checks.check_table``, so check-data, load-data and console saves all run it."""
from __future__ import annotations

import re
from typing import Iterator

from ..conversation import discreet, interpreters, replies, segments
from ..phones import display
from ..table.model import Table
from ..table.load_reach import forbidden_in
from ..understanding.language_id import unknown_models
from .findings import ERROR, OK, Finding

EMERGENCY = re.compile(r"(?<!\d)911(?!\d)")  # 911 itself, not the end of (209) 948-1911


def every_reply(table: Table) -> Iterator[tuple[str, str, str, int]]:
    """(language, what, reply, segment limit) for every discreet and every other-language reply."""
    if table.discreet is not None:
        for language in table.languages:
            for topics in [(), *((t.key,) for t in table.topics), tuple(t.key for t in table.topics)]:
                what = f"discreet {'+'.join(topics) if len(topics) < 2 else 'all topics'}" if topics else "discreet menu"
                yield language, what, discreet.sms(table, topics, language), replies.budget(table, topics, language)
    for code, what, reply in interpreters.every_reply(table):
        yield code, what, reply, table.interpreting.max_segments


def check_reach(table: Table) -> list[Finding]:
    """A finding per discreet and other-language reply, and one per unknown language model."""
    always = [display(r.phone) for r in table.lines_24_7()]
    findings = [Finding(ERROR, "interpreters.yaml", f"lingua-language-detector has no language {name!r}")
                for name in unknown_models(table.interpreting)]
    for language, what, reply, limit in every_reply(table):
        problems = []
        if table.discreet is not None:
            words = sorted({w for lang in table.discreet.forbidden for w in forbidden_in(table.discreet, lang, reply)})
            if words:
                problems.append(f"gives the subject away: {', '.join(words)}")
        if segments.segments(reply) > limit:
            problems.append(f"{segments.segments(reply)} segments, over the limit of {limit}")
        if language in table.languages and table.languages[language].gsm7 and segments.encoding(reply) != segments.GSM7:
            problems.append("not GSM-7")
        if not any(number in reply for number in always) or not EMERGENCY.search(reply):
            problems.append("no 24/7 number or no 911")
        subject = f"sms {language} {what}"
        findings.append(Finding(ERROR, subject, "; ".join(problems)) if problems
                        else Finding(OK, subject, segments.describe(reply)))
    return findings
