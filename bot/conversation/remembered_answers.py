"""Answers to short texts, remembered per table snapshot: "help" from a new sender is answered the
same way thousands of times a day, and working it out again each time was most of a text's own cost.

``texting.answer`` depends only on the table, its understander and what it is given, so an answer
worked out once is the answer. Like the understander's readings, only texts of at most
``REMEMBERED_LENGTH`` characters are remembered (a longer one may tell someone's story and is kept
nowhere once answered), at most ``REMEMBERED_ANSWERS`` per snapshot, and a new table starts afresh.
"""
from __future__ import annotations

import weakref

from . import texting
from ..table.model import Table
from ..text import REMEMBERED_LENGTH
from ..understanding.matching import Matcher

REMEMBERED_ANSWERS = 4096  # per snapshot: the oldest goes first
_BY_UNDERSTANDER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # understander -> (table, answers)


def answer(table: Table, understander: Matcher, text: str, state: texting.SenderState, opt_out_type: str = "",
           language: str | None = None, budget: bool = True) -> texting.Outcome:
    """``texting.answer``, remembered for a short text (per understander and the table it reads)."""
    if len(text) > REMEMBERED_LENGTH:
        return texting.answer(table, understander, text, state, opt_out_type, language, budget)
    held = _BY_UNDERSTANDER.get(understander)
    if held is None or held[0] is not table:  # the values hold the table, never the understander
        held = _BY_UNDERSTANDER[understander] = (table, {})
    answers = held[1]
    key = (text, state, opt_out_type, language, budget)
    outcome = answers.get(key)
    if outcome is None:
        outcome = texting.answer(table, understander, text, state, opt_out_type, language, budget)
        if len(answers) >= REMEMBERED_ANSWERS:
            answers.pop(next(iter(answers), None), None)
        answers[key] = outcome
    return outcome
