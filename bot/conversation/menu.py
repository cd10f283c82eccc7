"""Keys or speech in, the next step of a phone call out: the menu, a line to dial, or the numbers.

Plain Python: a ``Table`` (and a ``Matcher`` for speech) in, a ``Step`` out. Every word said
comes from the table's prompts (data/menu.yaml); numbers are kept apart as ``Phone`` parts so
the template can have them read digit by digit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..understanding.matching import Matcher
from ..text import normalize, tokens
from .spoken import Phone, Say, in_voice, opening, read_numbers, say
from ..table.model import TIMEZONE, MenuOption, Resource, Table

__all__ = ["COMPLETED", "Phone", "Say", "Step", "choose", "dialed", "hints", "options", "start", "texted"]

MAX_ROUNDS = 3  # menu rounds without a valid choice before the call ends with the numbers
HINTS_LIMIT = 500  # Twilio takes up to 500 hint phrases
COMPLETED = {"completed", "answered"}  # DialCallStatus values that mean the caller talked to someone
CANCELED = "canceled"  # the caller hung up while it rang: nothing to redial
FAILED_PROMPTS = {"busy": "busy", "no-answer": "no_answer", "failed": "failed"}  # DialCallStatus -> prompt


@dataclass(frozen=True)
class Step:
    kind: str  # "menu" | "dial" | "hangup" | "confirm" (texting the numbers)
    language: str
    says: tuple[Say, ...] = ()  # said first (outside the menu's Gather)
    menu: tuple[Say, ...] = ()  # kind "menu": the prompts inside the Gather
    round: int = 1  # kind "menu": which round without a valid choice this is
    dial: Resource | None = None  # kind "dial": the line to connect to


def start(table: Table, texts: bool = False) -> Step:
    """The first step of every call: the menu in the default language (``texts``: the caller can be
    texted the numbers)."""
    return menu_step(table, table.default_language, texts=texts)


def choose(table: Table, matcher: Matcher, language: str, round: int, digits: str = "", speech: str = "",
           now: datetime | None = None, texts: bool = False) -> Step:
    """What follows a key press, something said, or silence (neither) in round ``round`` of the menu."""
    option = option_for(table, matcher, language, digits, speech, texts)
    if option is None:
        if round >= MAX_ROUNDS:
            return no_choice(table, language)
        sorry = (say(table, language, "invalid"),) if (digits or speech.strip()) else ()
        return menu_step(table, language, round + 1, sorry, texts)
    if option.action == "dial":
        return connect(table, language, table.resources[option.resource], now or datetime.now(TIMEZONE))
    if option.action == "numbers":
        return menu_step(table, language, 1, read_numbers(table, language, dialable(table)), texts)
    if option.action == "language":
        return menu_step(table, option.language, texts=texts)
    if option.action == "text":  # warn that a text will appear, and ask to confirm
        return Step("confirm", language, menu=(say(table, language, "text_confirm"),))
    return menu_step(table, language, texts=texts)  # "repeat"


def texted(table: Table, language: str, sent: bool | None, texts: bool = True, already: bool = False) -> Step:
    """After the confirming step: the menu again, after "sent", or after "could not be sent"
    (``already``: "was already sent", the caller had every text allowed) and the numbers read
    slowly; ``sent`` None: the caller did not confirm."""
    if sent is None:
        return menu_step(table, language, texts=texts)
    if sent:
        return menu_step(table, language, 1, (say(table, language, "text_sent"),), texts)
    why = "text_already_sent" if already and "text_already_sent" in table.prompts else "text_failed"
    return menu_step(table, language, 1, (say(table, language, why),)
                     + read_numbers(table, language, dialable(table)), texts)


def dialed(table: Table, language: str, resource: str, status: str) -> Step:
    """What follows a <Dial>: goodbye after a call, else the fallback line, else all the numbers."""
    status = status.strip().lower()
    if status in COMPLETED:
        return Step("hangup", language, (say(table, language, "goodbye"),))
    if status == CANCELED:  # not redialed; if the caller is still there, they hear the 24-hour numbers
        return no_choice(table, language, intro="numbers")
    failed = table.resources.get(resource)
    fallback = table.resources[table.fallback]
    if failed is None or failed.key == fallback.key:
        said = (say(table, language, "unreachable", fallback),) if failed else ()
        return Step("hangup", language, said + read_numbers(table, language, dialable(table))
                    + (say(table, language, "goodbye"),))
    return Step("dial", language, (say(table, language, FAILED_PROMPTS.get(status, "failed"), failed),
                                   say(table, language, "connecting", fallback)), dial=fallback)


def connect(table: Table, language: str, resource: Resource, now: datetime) -> Step:
    """Say the name and number, then dial; a line closed at ``now`` says when it opens and the fallback is dialed."""
    if resource.hours.is_open(now):
        return Step("dial", language, (say(table, language, "connecting", resource),), dial=resource)
    fallback = table.resources[table.fallback]
    when = opening(table, language, resource.hours.next_opening(now))
    return Step("dial", language, (say(table, language, "closed", resource, when=when),
                                   say(table, language, "connecting", fallback)), dial=fallback)


def no_choice(table: Table, language: str, intro: str = "no_choice") -> Step:
    """The end of a call with no valid choice (or a canceled one): the 24-hour numbers, then hang up."""
    lines = [r for r in dialable(table) if r.always_open]
    return Step("hangup", language, read_numbers(table, language, lines, intro=intro)
                + (say(table, language, "goodbye"),))


def menu_step(table: Table, language: str, round: int = 1, before: tuple[Say, ...] = (),
              texts: bool = False) -> Step:
    """The menu in ``language`` (round ``round``), after ``before``."""
    return Step("menu", language, before, menu_prompts(table, language, texts), round)


def menu_prompts(table: Table, language: str, can_text: bool = False) -> tuple[Say, ...]:
    """The danger prompt, then each other language's danger prompt and way in, then the options."""
    texts = [(language, table.prompts["danger"][language])]
    offered = options(table, language, can_text)
    for o in offered:
        if o.action == "language" and o.language != language and o.prompt.get(o.language):
            texts += [(o.language, table.prompts["danger"][o.language]), (o.language, o.prompt[o.language])]
    texts += [(language, o.prompt[language]) for o in offered if o.action != "language" and o.prompt.get(language)]
    merged: list[tuple[str, str]] = []
    for lang, text in texts:  # one <Say> per run of the same language
        if merged and merged[-1][0] == lang:
            merged[-1] = (lang, f"{merged[-1][1]} {text}")
        else:
            merged.append((lang, text))
    return tuple(in_voice(table, lang, (text,)) for lang, text in merged)


def options(table: Table, language: str, texts: bool = False) -> list[MenuOption]:
    """The options the ``language`` menu offers, in order (the "text" one only when ``texts``)."""
    return [o for o in table.menu if language in o.menus and (texts or o.action != "text")]


def option_for(table: Table, matcher: Matcher, language: str, digits: str, speech: str,
               texts: bool = False) -> MenuOption | None:
    """The option a key or a spoken choice picks in the ``language`` menu, if any."""
    offered = options(table, language, texts)
    if digits.strip():
        return next((o for o in offered if o.key == digits.strip()), None)
    words = tokens(speech)
    if not words:
        return None
    for o in offered:  # "3", or a phrase of the option's own ("national hotline")
        if normalize(speech) == o.key or any(_within(tokens(p), words) for p in o.keywords.get(language, ())):
            return o
    match = matcher.match(speech)  # the same keyword matching as SMS
    if match.switch and match.switch != language:
        switch = next((o for o in offered if o.action == "language" and o.language == match.switch), None)
        if switch:
            return switch
    for topic in match.topics:  # the most urgent topic's first resource that an option dials
        for resource in table.topic(topic).resources:
            dial = next((o for o in offered if o.action == "dial" and o.resource == resource), None)
            if dial:
                return dial
    return None


def hints(table: Table, language: str) -> str:
    """Speech hints for the ``language`` menu: its keywords, option phrases and other languages' switch words."""
    phrases = [p for t in table.topics for p in t.keywords.get(language, ())]
    for o in options(table, language):
        phrases += o.keywords.get(language, ())
        if o.action == "language":
            phrases += table.languages[o.language].switch
    unique = dict.fromkeys(p.replace(",", " ").strip() for p in phrases)
    return ", ".join(list(unique)[:HINTS_LIMIT])


def dialable(table: Table) -> list[Resource]:
    """Every line the menu dials, in menu order, and the fallback line."""
    keys = [o.resource for o in table.menu if o.action == "dial"] + [table.fallback]
    return [table.resources[k] for k in dict.fromkeys(keys)]


def _within(phrase: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """True when ``phrase`` occurs in ``words`` as consecutive words."""
    n = len(phrase)
    return n > 0 and any(words[i : i + n] == phrase for i in range(len(words) - n + 1))
