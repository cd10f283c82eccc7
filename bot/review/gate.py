"""The one safety check of a table, for every way in (load-data, check-data, console saves, start-up).

Rendered with the conversation's own functions, per channel:
- SMS: every non-empty reply, in every language, carries at least one 24/7 number and "911";
- calls: every language's menu (the greeting) mentions 911, and every path through the menu, before
  it ends, speaks a 24/7 number or connects to a 24/7 line (a call a line answered has reached help);
- every number in a reply or a step is well-formed;
- no reply, prompt, topic name or card keyword asks people to text a word Twilio answers itself.

The replies and call paths come from ``renders`` (the one list every check walks).
"""
from __future__ import annotations

import re

import phonenumbers

from ..conversation import menu
from ..conversation.spoken import Phone
from ..phones import REGION, display
from ..table.model import Table
from ..table.problems import Problem
from ..text import normalize
from . import renders
from .renders import Path

EMERGENCY = "911"
EMERGENCY_ALONE = re.compile(r"(?<!\d)911(?!\d)")  # 911 itself, not the end of (209) 948-1911
# Twilio's reserved keywords (opt-out, opt-in, help): on a number with default handling Twilio answers them itself.
TWILIO_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
                             "START", "UNSTOP", "YES", "HELP", "INFO"})
OPT_OUT = "STOP"  # the one of them wording may name: how to opt out
_CAPITALS = re.compile(r"[^\W\d_]+")  # the words of a text, to find the ones written in capitals
_PHONE_LIKE = re.compile(r"(?<![\d+])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")


def problems(table: Table) -> list[Problem]:
    """Every way ``table`` would leave someone without a 24/7 number or the 911 line, or ask them to text a
    word Twilio answers itself (empty: safe). Judged once per table: a proposal, its save and the
    snapshot of the same table share the verdict."""
    key = ("gate.problems", tuple(renders.SMS_RENDERERS), tuple(renders.CALL_RENDERERS))
    if key not in table.memo:
        table.memo[key] = _problems(table)
    return list(table.memo[key])


def _problems(table: Table) -> list[Problem]:
    """``problems``, worked out."""
    always = _always_numbers(table)
    found: list[Problem] = []
    for lang in table.languages:
        if EMERGENCY not in str(table.messages[lang].get("danger", "")):
            found.append(Problem("messages.yaml", f"{lang} danger", "does not say to call 911"))
        if EMERGENCY not in table.prompts["danger"][lang]:
            found.append(Problem("menu.yaml", f"prompts danger {lang}", "does not say to call 911"))
    for reply in renders.sms(table):
        label, text = reply.label, reply.text
        if not text:
            continue
        if not EMERGENCY_ALONE.search(text):
            found.append(Problem("sms reply", label, "does not end with the 911 line"))
        if not any(display(n) in text for n in always):
            found.append(Problem("sms reply", label, "carries no 24/7 number"))
        found += [Problem("sms reply", label, f"{n!r} is not a valid phone number") for n in _bad_numbers(text)]
        found += [Problem("sms reply", label, f"asks to text {w}, which Twilio answers itself") for w in asks_for(text)]
    found += _twilio_words(table)
    for lang in table.languages:
        if EMERGENCY not in _heard(menu.menu_step(table, lang)):
            found.append(Problem("call", f"{lang} menu", "the greeting does not mention 911"))
    for path in renders.calls(table):
        problem = _path_problem(path, always)
        if problem:
            found.append(Problem("call", path.label, problem))
    return list(dict.fromkeys(found))


def asks_for(text: str) -> list[str]:
    """Twilio's own keywords but STOP that ``text`` writes in capitals, as a word to text ("Text INFO")."""
    return sorted({w for w in _CAPITALS.findall(text) if w.isupper() and w in TWILIO_KEYWORDS - {OPT_OUT}})


def _twilio_words(table: Table) -> list[Problem]:
    """Topic names and card keywords that are Twilio's own keywords; prompts that ask for one."""
    found = [Problem("topics.yaml", f"{t.key} name", f"{name!r} ({lang}) is a keyword Twilio answers itself")
             for t in table.topics for lang, name in t.name.items() if normalize(name).upper() in TWILIO_KEYWORDS]
    if table.discreet is not None:
        found += [Problem("discreet.yaml", "keyword", f"{word!r} ({lang}) is a keyword Twilio answers itself")
                  for lang, word in table.discreet.keyword.items() if normalize(word).upper() in TWILIO_KEYWORDS]
    prompts = [(f"prompts.{k}", texts) for k, texts in table.prompts.items()]
    prompts += [(f"option {o.key}", o.prompt) for o in table.menu]
    found += [Problem("menu.yaml", f"{where} {lang}", f"asks to text {w}, which Twilio answers itself")
              for where, texts in prompts for lang, text in texts.items() for w in asks_for(text)]
    return found


def _path_problem(path: Path, always: set[str]) -> str:
    """Why a path fails the check ("" when it does not)."""
    last = path.steps[-1]
    if last.kind == "menu":
        return ""  # the call goes on at the menu
    for step in path.steps:
        bad = [p.number for s in step.says + step.menu for p in s.parts if isinstance(p, Phone)
               and p.number != EMERGENCY and not _valid(p.number)]
        if bad:
            return f"{bad[0]!r} is not a valid phone number"
    if last.kind == "dial" and last.dial.phone in always:
        return ""
    spoken = {p.number for step in path.steps for s in step.says for p in s.parts if isinstance(p, Phone)}
    if last.kind == "hangup" and spoken & always:
        return ""
    if last.kind == "dial":
        return f"connects to {last.dial.key}, not a 24/7 line, and goes on no further"
    return "ends without saying a 24/7 number"


def _always_numbers(table: Table) -> set[str]:
    """The phone numbers (E.164) of the lines open 24/7."""
    return {r.phone for r in table.lines_24_7()}


def _bad_numbers(text: str) -> list[str]:
    """Phone-like runs of digits in ``text`` that are not valid numbers."""
    return [m.group().strip() for m in _PHONE_LIKE.finditer(text) if not _valid(m.group())]


def _valid(number: str) -> bool:
    """True for a valid phone number (as written, or E.164)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, REGION))
    except phonenumbers.NumberParseException:
        return False


def _heard(step: menu.Step) -> str:
    """Everything said in a step, numbers as written."""
    return " ".join("".join(p.display if isinstance(p, Phone) else p for p in s.parts)
                    for s in step.says + step.menu)
