"""The reply to a text in a language the bot does not speak: one interpreter line in that language
(the national line's number, interpreters 24/7), then the English and Spanish essentials.

Plain Python; the lines are data/interpreters.yaml's, checked by staff (``reviewed``).
"""
from __future__ import annotations

from typing import Iterator

from .. import phones
from ..table.model import Interpreter, Table
from .replies import MEMO_LIMIT


def sms(table: Table, code: str, discreet: bool = False) -> str:
    """The reply to a text in the language of the interpreter line ``code``."""
    key = ("interpreter", code, discreet)
    reply = table.memo.get(key)
    if reply is None:
        reply = _compose(table, line_for(table, code), discreet)
        if len(table.memo) >= MEMO_LIMIT:
            table.memo.clear()
        table.memo[key] = reply
    return reply


def line_for(table: Table, code: str) -> Interpreter:
    """The interpreter line with this code."""
    return next(line for line in table.interpreting.lines if line.code == code)


def knows(table: Table, code: str) -> bool:
    """True when ``code`` names one of the table's interpreter lines."""
    return table.interpreting is not None and any(line.code == code for line in table.interpreting.lines)


def every_reply(table: Table) -> Iterator[tuple[str, str, str]]:
    """(code, what, reply) for every interpreter line, plain and discreet, for the safety checks."""
    if table.interpreting is None:
        return
    for line in table.interpreting.lines:
        yield line.code, f"interpreter line {line.name}", sms(table, line.code)
        if table.discreet is not None:
            yield line.code, f"interpreter line {line.name}, discreet", sms(table, line.code, discreet=True)


def unreviewed(table: Table) -> list[Interpreter]:
    """The interpreter lines no native speaker on staff has checked yet."""
    return [line for line in table.interpreting.lines if not line.reviewed] if table.interpreting else []


def _compose(table: Table, line: Interpreter, discreet: bool) -> str:
    """The line, the essentials in each of the bot's languages, and (discreet) the delete line."""
    i = table.interpreting
    numbers = ", ".join(phones.display(table.resources[key].phone) for key in table.unmatched
                        if table.resources[key].is_24_7)
    lines = [line.line.format(number=phones.display(table.resources[i.resource].phone))]
    lines += [i.essentials[language].format(numbers=numbers) for language in table.languages]
    if discreet and table.discreet is not None:
        lines += [table.discreet.messages[language]["delete"] for language in table.languages]
    return "\n".join(lines)
