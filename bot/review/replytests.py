"""Reply tests (data/reply_tests.yaml): what a texter or caller must get, run against a table.

An expected number names a line by its key ("chest-of-hope-helpline"): the number that line has in
the table under test, so a correct change of a number passes and a reply with another line's number
fails. A number as people write it ("(209) 259-5552") is taken as written. Plain Python: the parsed
file and a table in, a pass or fail per row out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..conversation import callsim
from ..understanding.matching import Matcher
from ..conversation.menu import Phone
from ..conversation.texting import SenderState, answer
from ..phones import display
from ..table.model import Table
from ..table.load import DataError, Problem

FILE = "reply_tests.yaml"


@dataclass(frozen=True)
class Case:
    channel: str  # "sms" or "voice"
    given: str  # the text, or the call's steps joined by spaces
    steps: tuple[str, ...]
    language: str | None
    numbers: tuple[str, ...]  # lines (keys) or numbers that must be in the reply / heard
    dials: str | None = None  # voice: the line (or number) the call must end up connected to


@dataclass(frozen=True)
class Result:
    case: Case
    passed: bool
    got: str  # the reply, or what the call did
    problems: tuple[str, ...] = ()


def parse(doc: Any) -> list[Case]:
    """The cases of a parsed reply_tests.yaml; DataError naming each malformed row."""
    doc = doc if isinstance(doc, dict) else {}
    cases, problems = [], []
    for channel in ("sms", "voice"):
        for i, row in enumerate(doc.get(channel) or []):
            row = row if isinstance(row, dict) else {}
            steps = (str(row.get("text", "")),) if channel == "sms" else tuple(map(str, row.get("steps") or ()))
            numbers = tuple(map(str, row.get("lines") or row.get("numbers") or row.get("hears") or ()))
            if not any(steps) or not (numbers or row.get("dials")):
                problems.append(Problem(FILE, f"{channel} {i + 1}", "needs text/steps and lines/numbers/hears/dials"))
                continue
            cases.append(Case(channel, " ".join(steps), steps, row.get("language"), numbers,
                              str(row["dials"]) if row.get("dials") else None))
    if problems:
        raise DataError(problems)
    return cases


def run_table(table: Table, matcher: Matcher) -> tuple[list[Result] | None, list[str]]:
    """The results of the table's own reply tests (none: []), and any problem that stopped them."""
    try:
        cases = parse(table.reply_tests)
    except DataError as exc:
        return None, [str(p) for p in exc.problems]
    if not cases:
        return [], ["The live table has no reply tests: add some in reply_tests.yaml (Resources, edit a file)."]
    return run(table, matcher, cases), []


def run(table: Table, matcher: Matcher, cases: list[Case], now: datetime | None = None) -> list[Result]:
    """Run every case as a new sender or a new call."""
    return [_sms(table, matcher, c) if c.channel == "sms" else _voice(table, matcher, c, now) for c in cases]


def _sms(table: Table, matcher: Matcher, case: Case) -> Result:
    """Text ``case.given`` as a new sender."""
    outcome = answer(table, matcher, case.steps[0], SenderState())
    body = outcome.body or ""
    problems = [f"missing {_named(table, n)}" for n in case.numbers if _number(table, n) not in body]
    if case.language and outcome.language != case.language:
        problems.append(f"reply in {outcome.language!r}, expected {case.language!r}")
    return Result(case, not problems, body or "(no reply)", tuple(problems))


def _voice(table: Table, matcher: Matcher, case: Case, now: datetime | None) -> Result:
    """Walk the call's steps from the start."""
    try:
        turns = callsim.walk(table, matcher, case.steps, now)
    except ValueError as exc:
        return Result(case, False, str(exc), (str(exc),))
    last = turns[-1].step
    heard = " ".join(text for t in turns[1:] for _, text in callsim.heard(t.step))
    problems = [f"not heard: {_named(table, n)}" for n in case.numbers if _number(table, n) not in heard]
    if case.dials is not None:
        got = Phone(last.dial.phone).display if last.kind == "dial" else None
        if got != _number(table, case.dials):
            problems.append(f"connected to {got or 'nothing'}, expected {_named(table, case.dials)}")
    if case.language and last.language != case.language:
        problems.append(f"ended in {last.language!r}, expected {case.language!r}")
    return Result(case, not problems, callsim.outcome(last), tuple(problems))


def _number(table: Table, expected: str) -> str:
    """The number an expectation stands for: a line's number in ``table`` (by its key), or as written."""
    line = table.resources.get(expected)
    return display(line.phone) if line else expected


def _named(table: Table, expected: str) -> str:
    """An expectation as a problem names it: "chest-of-hope-helpline (209) 259-5552"."""
    number = _number(table, expected)
    return f"{expected} {number}" if number != expected else expected
