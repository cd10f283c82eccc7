"""Checks of the replies that reach more people: every discreet reply (no forbidden word,
a 24/7 number, 911, within its segments) and every interpreter reply. Plain Python; a part of
``reply_checks.check_table``, which check-data and the console's home page run."""
from __future__ import annotations

from ..conversation import segments
from ..phones import display
from ..table.model import Table
from ..table.load_reach import forbidden_in
from ..understanding.language_id import unknown_models
from . import renders
from .findings import ERROR, OK, Finding
from .gate import EMERGENCY_ALONE


def check_reach(table: Table) -> list[Finding]:
    """A finding per discreet and other-language reply, and one per unknown language model."""
    always = [display(r.phone) for r in table.lines_24_7()]
    findings = [Finding(ERROR, "interpreters.yaml", f"lingua-language-detector has no language {name!r}")
                for name in unknown_models(table.interpreting)]
    for rendered in renders.sms(table):
        if rendered.kind not in ("discreet", "interpreter"):
            continue
        language, reply, limit, problems = rendered.language, rendered.text, rendered.limit, []
        if table.discreet is not None:
            words = sorted({w for lang in table.discreet.forbidden for w in forbidden_in(table.discreet, lang, reply)})
            if words:
                problems.append(f"gives the subject away: {', '.join(words)}")
        if segments.segments(reply) > limit:
            problems.append(f"{segments.segments(reply)} segments, over the limit of {limit}")
        if language in table.languages and table.languages[language].gsm7 and segments.encoding(reply) != segments.GSM7:
            problems.append("not GSM-7")
        if not any(number in reply for number in always) or not EMERGENCY_ALONE.search(reply):
            problems.append("no 24/7 number or no 911")
        subject = f"sms {rendered.label}"
        findings.append(Finding(ERROR, subject, "; ".join(problems)) if problems
                        else Finding(OK, subject, segments.describe(reply)))
    return findings
