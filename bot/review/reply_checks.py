"""Checks on a whole table beyond what loading requires: every reply's length and numbers,
and how fresh each number's verification is. Plain Python: a table in, findings out."""
from __future__ import annotations

from datetime import date

from ..conversation import replies, segments
from ..phones import display
from ..table.model import Table
from . import renders
from .findings import ERROR, OK, WARNING, Finding
from .reach_checks import check_reach
from .gate import EMERGENCY_ALONE

__all__ = ["ERROR", "OK", "WARNING", "Finding", "check_table", "unverified"]


def check_table(table: Table, today: date, verify_days: int = 90) -> list[Finding]:
    """Every reply (each set of topics, each language), then the resources' verification dates."""
    return _replies(table) + check_reach(table) + unverified(table, today, verify_days)


def _replies(table: Table) -> list[Finding]:
    """Each reply to a set of topics (``renders``): within its segment budget (one topic:
    ``topic_segments``; several: ``max_segments``), GSM-7 where required, with a 24/7 number, "call
    911" once and "no one reads"."""
    findings = []
    always = [display(r.phone) for r in table.lines_24_7()]
    for rendered in renders.sms(table):
        if rendered.kind != "topics":
            continue
        reply, subject, problems = rendered.text, f"sms {rendered.label}", []
        if segments.segments(reply) > rendered.limit:
            problems.append(f"{segments.segments(reply)} segments, over the limit of {rendered.limit}")
        for line in replies.closing(table, rendered.language, reply.splitlines()[:-2]):
            if line not in reply:
                problems.append(f"no {line!r} line")
        said = len(EMERGENCY_ALONE.findall(reply))
        if said != 1:
            problems.append(f"says 911 {said} times, not once")
        if table.languages[rendered.language].gsm7 and segments.encoding(reply) != segments.GSM7:
            bad = sorted({c for c in reply if segments.encoding(c) != segments.GSM7})
            problems.append(f"not GSM-7: {' '.join(bad)}")
        if not any(number in reply for number in always):
            problems.append("no 24/7 number")
        findings.append(Finding(ERROR, subject, "; ".join(problems)) if problems
                        else Finding(OK, subject, segments.describe(reply)))
    return findings


def unverified(table: Table, today: date, verify_days: int) -> list[Finding]:
    """Resources never verified, or not within ``verify_days``: warnings, oldest first."""
    stale = [r for r in table.resources.values() if r.phone.startswith("+")  # not 911
             and (r.last_verified is None or (today - r.last_verified).days > verify_days)]
    stale.sort(key=lambda r: r.last_verified or date.min)
    return [Finding(WARNING, f"resource {r.key}",
                    f"{display(r.phone)} never verified" if r.last_verified is None else
                    f"{display(r.phone)} last verified {r.last_verified.isoformat()}, "
                    f"{(today - r.last_verified).days} days ago") for r in stale]
