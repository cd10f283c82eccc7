"""Check menu.yaml: the phone menu's prompts, options and fallback line."""
from __future__ import annotations

from typing import Any

from .problems import Checker, unique_spellings
from ..text import normalize
from .model import MENU_KEYS, MenuOption, Resource

MENU_ACTIONS = {"dial", "numbers", "repeat", "language", "text"}  # "text": the numbers by SMS during the call
TEXT_PROMPTS = {"text_confirm", "text_sent", "text_failed"}  # needed when an option texts the numbers
NAMED = {"name", "Name", "number"}  # a line's name with its article ("la Línea Nacional"), capitalized, number
OPENS = {"day", "hour", "hour12", "minute", "ampm", "clock", "part"}  # "opens_hour": "opens" on the hour
PROMPT_FIELDS = {"connecting": NAMED, "closed": NAMED | {"when"}, "failed": NAMED, "busy": NAMED,
                 "no_answer": NAMED, "unreachable": NAMED, "number": NAMED, "opens": OPENS, "opens_hour": OPENS}
LISTS = {"days": (7, "the seven day names, Monday first"), "clock": (12, "the twelve hours of a clock, 12 first"),
         "day_parts": (24, "the part of the day of each of the 24 hours, midnight first")}
# Prompts the phone menu cannot do without.
REQUIRED_PROMPTS = {"danger", "invalid", "connecting", "closed", "failed", "busy", "no_answer", "unreachable",
                    "numbers", "number",
                    "no_choice", "goodbye", "opens", "days"}


def read_menu(c: Checker, resources: dict[str, Resource]) -> tuple[dict, tuple[MenuOption, ...], Any]:
    """The prompts, the options and the fallback line of menu.yaml."""
    menu_doc = c.doc("menu.yaml", dict)
    prompts = {k: c.texts("menu.yaml", f"prompts.{k}", "prompt", v, fields=PROMPT_FIELDS.get(k, set()))
               for k, v in (menu_doc.get("prompts") or {}).items()}
    _check_prompts(c, prompts)
    menu = _options(c, menu_doc.get("options") or [], resources)
    if any(o.action == "text" for o in menu):
        for key in sorted(TEXT_PROMPTS - prompts.keys()):
            c.fail("menu.yaml", f"prompts.{key}", "missing (an option texts the numbers)")
    fallback = menu_doc.get("fallback")
    if fallback not in resources:
        c.fail("menu.yaml", "fallback", f"unknown resource {fallback!r}")
    elif not resources[fallback].is_24_7:
        c.fail("menu.yaml", "fallback", f"{fallback!r} must be a 24/7 resource with a phone number")
    return prompts, menu, fallback


def _check_prompts(c: Checker, prompts: dict) -> None:
    """Every prompt the phone menu needs is there; each list prompt ("days"...) has its number of items."""
    for key in sorted(REQUIRED_PROMPTS - prompts.keys()):
        c.fail("menu.yaml", f"prompts.{key}", "missing")
    for key, (count, what) in LISTS.items():
        for lang, items in prompts.get(key, {}).items():
            if len([d for d in items.split(",") if d.strip()]) != count:
                c.fail("menu.yaml", f"prompts.{key}", f"({lang}) needs {what}, with commas")


def _options(c: Checker, options: list, resources: dict) -> tuple[MenuOption, ...]:
    """Read the options of menu.yaml."""
    f, result, taken, spoken_by = "menu.yaml", [], set(), {}
    for i, e in enumerate(options):
        e = e if isinstance(e, dict) else {}
        key, action = str(e.get("key", "")), e.get("action")
        entry = f"option {key or i + 1}"
        menus = tuple(e.get("menus") or c.languages)
        if key not in MENU_KEYS:
            c.fail(f, entry, "key must be one of 0-9, * or #")
        if action not in MENU_ACTIONS:
            c.fail(f, entry, f"action must be one of {', '.join(sorted(MENU_ACTIONS))}")
        if action == "dial" and e.get("resource") not in resources:
            c.fail(f, entry, f"unknown resource {e.get('resource')!r}")
        elif action == "dial" and resources[e["resource"]].phone[:1] not in ("+", ""):
            c.fail(f, entry, f"{e['resource']!r}: an emergency number cannot be dialed from the menu")
        if action == "language" and e.get("language") not in c.languages:
            c.fail(f, entry, f"unknown language {e.get('language')!r}")
        for menu in menus:
            if (menu, key) in taken:
                c.fail(f, entry, f"key {key} is used twice in the {menu!r} menu")
            taken.add((menu, key))
        spoken = [e.get("language")] if action == "language" else list(menus)
        prompt = c.texts(f, entry, "prompt", e.get("prompt"), langs=spoken) if e.get("prompt") else {}
        keywords = _option_keywords(c, entry, e.get("keywords"), menus, spoken_by)
        result.append(MenuOption(key, str(action), prompt, e.get("resource"), e.get("language"), menus, keywords))
    return tuple(result)


def _option_keywords(c: Checker, entry: str, value: Any, menus: tuple, spoken_by: dict) -> dict:
    """Words a caller may say for an option, per language of its menus; one option per phrase and menu."""
    value = value if isinstance(value, dict) else {}
    keywords = {}
    for lang, words in value.items():
        if lang not in menus:
            c.fail("menu.yaml", entry, f"keywords: {lang!r} is not one of the menus offering it")
            continue
        phrases = unique_spellings(words)
        for phrase in phrases:
            owner = spoken_by.setdefault((lang, normalize(phrase)), entry)
            if owner != entry:
                c.fail("menu.yaml", entry, f"keyword {phrase!r} is also a keyword of {owner} ({lang})")
        keywords[lang] = phrases
    return keywords
