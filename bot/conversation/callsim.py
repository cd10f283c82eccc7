"""Walk the phone menu without a phone: a list of caller actions in, every step of the call out.

Plain Python, shared by `flask call`, the console's call simulator and the reply tests.
An action is a key ("1", "*", "#"), "-" for silence, a phrase the caller says, or
"dial=STATUS" for how the last connection ended (completed, busy, no-answer, failed). A caller
whose number can get texts (``texts``) is offered the numbers by text; at its confirming step
"1" sends them (as if Twilio took the text), "text=failed" is a text Twilio refused,
"text=limited" one past the caller's texts of the day, anything else goes back to the menu.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from . import menu
from ..understanding.matching import Matcher
from .menu import Phone, Say, Step
from ..table.model import MENU_KEYS, Table


@dataclass(frozen=True)
class Turn:
    action: str | None  # None for the call's start
    step: Step


def walk(table: Table, matcher: Matcher, actions: Sequence[str], now: datetime | None = None,
         texts: bool = False) -> list[Turn]:
    """Every step of a call where the caller does ``actions``; ValueError for an action that cannot happen."""
    step = menu.start(table, texts)
    turns = [Turn(None, step)]
    for action in actions:
        action = action.strip()
        if step.kind == "confirm":
            sent = {"1": True, "text=failed": False, "text=limited": False}.get(action)
            step = menu.texted(table, step.language, sent, texts, already=action == "text=limited")
        elif action.startswith("dial="):
            if step.kind != "dial":
                raise ValueError(f"{action}: no call is being connected at this point")
            step = menu.dialed(table, step.language, step.dial.key, action.removeprefix("dial="))
        elif step.kind != "menu":
            where = f"connected to {step.dial.name[step.language]}" if step.kind == "dial" else "over"
            raise ValueError(f"{action!r}: the call is {where}; only dial=STATUS can follow a connection")
        elif action in ("-", ""):
            step = menu.choose(table, matcher, step.language, step.round, now=now, texts=texts)
        elif action in MENU_KEYS:
            step = menu.choose(table, matcher, step.language, step.round, digits=action, now=now, texts=texts)
        else:
            step = menu.choose(table, matcher, step.language, step.round, speech=action, now=now, texts=texts)
        turns.append(Turn(action, step))
    return turns


def heard(step: Step) -> list[tuple[str, str]]:
    """What the caller hears in ``step``: (locale, text) per <Say>, numbers as people write them."""
    return [(s.locale, _text(s)) for s in step.says + step.menu]


def outcome(step: Step) -> str:
    """Where the call stands after ``step``: connecting (to the line's name and number), at the menu, or ended."""
    if step.kind == "dial":
        return f"connecting to {step.dial.name[step.language]} {Phone(step.dial.phone).display}"
    if step.kind == "confirm":
        return "asking the caller to confirm the text (1 sends it)"
    return "waiting at the menu" if step.kind == "menu" else "call ended"


def _text(say: Say) -> str:
    """One <Say> as text."""
    return "".join(p.display if isinstance(p, Phone) else p for p in say.parts)
