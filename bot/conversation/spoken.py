"""What the phone menu says: prompts from the table filled with a line's name and number, in the
language's voice, with numbers kept apart so they are read digit by digit. Plain Python."""
from __future__ import annotations

import string
from dataclasses import dataclass, replace
from datetime import datetime

from ..phones import display
from ..table.model import TIMEZONE, Resource, Table


@dataclass(frozen=True)
class Phone:
    number: str  # E.164, or an emergency number

    @property
    def display(self) -> str:
        """As people write it, which a "telephone" say-as reads in groups: "(209) 948-1911"."""
        return display(self.number)


@dataclass(frozen=True)
class Say:
    voice: str
    locale: str
    parts: tuple[str | Phone, ...]
    slow: bool = False  # read slowly (numbers to write down)
    pause: int = 0  # seconds of silence after it


def read_numbers(table: Table, language: str, lines: list[Resource], intro: str = "numbers",
                 neutral: bool = False) -> tuple[Say, ...]:
    """An introduction, then each line's name and number, read slowly with a pause after each
    (``neutral``: the lines' neutral names of discreet.yaml)."""
    numbers = tuple(replace(say(table, language, "number", r, neutral), slow=True, pause=1) for r in lines)
    return (say(table, language, intro),) + numbers


def say(table: Table, language: str, prompt: str, resource: Resource | None = None, neutral: bool = False,
        **values) -> Say:
    """The prompt ``prompt`` in ``language``, filled with ``resource``'s name (``neutral``: its neutral
    name of discreet.yaml, which names no subject) and number and ``values``."""
    if resource is not None:
        names = table.discreet.names.get(resource.key, {}) if neutral and table.discreet else {}
        name = names.get(language) or resource.name[language]
        values.update(name=name, Name=name[:1].upper() + name[1:], number=Phone(resource.phone))
    return in_voice(table, language, _fill(table.prompts[prompt][language], values))


def opening(table: Table, language: str, when: datetime | None) -> str:
    """When a line opens, worded by the "opens" prompt ("opens_hour" on the hour): "on Monday at 9 AM"."""
    if when is None:
        return ""
    local = when.astimezone(TIMEZONE)
    hour12, ampm = local.hour % 12 or 12, "AM" if local.hour < 12 else "PM"
    prompt = "opens_hour" if local.minute == 0 and "opens_hour" in table.prompts else "opens"
    return table.prompts[prompt][language].format(
        day=listed(table, "days", language)[local.weekday()], hour=local.hour, hour12=hour12,
        minute=f"{local.minute:02d}", ampm=ampm,
        clock=(listed(table, "clock", language) or [hour12] * 12)[local.hour % 12],
        part=(listed(table, "day_parts", language) or [ampm] * 24)[local.hour])


def listed(table: Table, prompt: str, language: str) -> list[str]:
    """The comma-separated items of a list prompt ("days", "clock", "day_parts"); [] when the table has none."""
    return [item.strip() for item in table.prompts.get(prompt, {}).get(language, "").split(",") if item.strip()]


def in_voice(table: Table, language: str, parts: tuple[str | Phone, ...]) -> Say:
    """A <Say> in ``language``'s voice."""
    lang = table.languages[language]
    return Say(lang.voice, lang.speech, parts)


def _fill(text: str, values: dict) -> tuple[str | Phone, ...]:
    """``text`` with its {placeholders} filled; a ``Phone`` stays a part of its own."""
    parts: list[str | Phone] = []
    for literal, field, spec, _ in string.Formatter().parse(text):
        parts.append(literal)
        if field is not None:
            value = values.get(field, "")
            parts.append(value if isinstance(value, Phone) else format(value, spec or ""))
    merged: list[str | Phone] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return tuple(p for p in merged if p != "")
