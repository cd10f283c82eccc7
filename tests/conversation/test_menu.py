"""The phone menu's decisions, without Flask: keys, speech, silence, Dial outcomes and hours."""
import copy
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest

from bot.conversation import menu, spoken
from bot.understanding.matching import Matcher
from bot.table.model import TIMEZONE, Hours
from bot.table.load import DataError, build_table

WOMENS, CHEST, NATIONAL = "+12099481911", "+12092595552", "+18883737888"
SATURDAY_NOON = datetime(2026, 11, 28, 12, 0, tzinfo=TIMEZONE)
MONDAY_TEN = datetime(2026, 11, 30, 10, 0, tzinfo=TIMEZONE)


@pytest.fixture(scope="module")
def table(pristine):
    return build_table(copy.deepcopy(pristine))


@pytest.fixture(scope="module")
def matcher(table):
    return Matcher(table)


def text(says) -> str:
    """Everything said, numbers as people write them."""
    return " ".join("".join(p if isinstance(p, str) else p.display for p in s.parts) for s in says)


def numbers(says) -> list[str]:
    """The numbers read out, in order."""
    return [p.number for s in says for p in s.parts if isinstance(p, menu.Phone)]


def choose(table, matcher, language="en", round=1, digits="", speech="", now=MONDAY_TEN):
    return menu.choose(table, matcher, language, round, digits, speech, now)


def test_the_first_menu_warns_in_english_then_in_spanish(table):
    step = menu.start(table)
    assert (step.kind, step.language, step.round, step.says) == ("menu", "en", 1, ())
    first, spanish, options = step.menu
    assert (first.voice, first.parts) == ("Polly.Joanna", ("If you are in immediate danger, hang up and call 911.",))
    assert spanish.voice == "Polly.Mia" and spanish.locale == "es-MX"
    assert spanish.parts == ("Si está en peligro inmediato, cuelgue y llame al 911. Para español, oprima 9.",)
    assert options.voice == "Polly.Joanna"
    for key in "12340":
        assert f"press {key}." in options.parts[0]
    assert "press 8" not in text(step.menu)


@pytest.mark.parametrize("key, number", [("1", WOMENS), ("2", CHEST), ("3", NATIONAL)])
def test_a_key_dials_its_line_after_saying_name_and_number(table, matcher, key, number):
    step = choose(table, matcher, digits=key)
    assert step.kind == "dial" and step.dial.phone == number
    assert numbers(step.says) == [number]
    assert text(step.says).startswith(f"Connecting you to {step.dial.name['en']}.")


def test_4_reads_every_number_slowly_then_the_menu(table, matcher):
    step = choose(table, matcher, digits="4", round=2)
    assert step.kind == "menu" and step.round == 1
    assert numbers(step.says) == [WOMENS, CHEST, NATIONAL]
    assert all(s.slow and s.pause for s in step.says if numbers([s]))


@pytest.mark.parametrize("key", ["0", "*"])
def test_0_and_star_repeat_the_menu(table, matcher, key):
    step = choose(table, matcher, digits=key, round=2)
    assert (step.kind, step.language, step.round, step.says) == ("menu", "en", 1, ())


@pytest.mark.parametrize("key", ["5", "6", "7", "8", "#"])
def test_any_other_key_is_not_an_option(table, matcher, key):
    step = choose(table, matcher, digits=key)
    assert step.kind == "menu" and step.round == 2
    assert text(step.says) == "Sorry, that is not an option."


def test_9_switches_to_the_spanish_menu_where_8_returns(table, matcher):
    step = choose(table, matcher, digits="9")
    assert step.kind == "menu" and step.language == "es"
    assert step.menu[0].voice == "Polly.Mia" and step.menu[-1].voice == "Polly.Mia"
    assert "oprima 8" not in text(step.menu) and "press 8." in text(step.menu)
    assert choose(table, matcher, "es", digits="8").language == "en"
    assert text(choose(table, matcher, "es", digits="9").says) == "Lo siento, esa no es una opción."
    dial = choose(table, matcher, "es", digits="1")
    assert dial.language == "es" and text(dial.says).startswith("Le comunicamos con la línea de 24 horas contra la trata del Women's Center.")


@pytest.mark.parametrize("language, speech, number", [
    ("en", "housing", CHEST), ("en", "I need a place to stay", CHEST), ("en", "the national hotline", NATIONAL),
    ("en", "I need help", WOMENS), ("en", "Three.", NATIONAL), ("en", "2.", CHEST), ("en", "I'm in danger", WOMENS),
    ("es", "vivienda", CHEST), ("es", "ayuda", WOMENS), ("es", "la línea nacional", NATIONAL)])
def test_a_spoken_choice_goes_through_the_keywords(table, matcher, language, speech, number):
    step = choose(table, matcher, language, speech=speech)
    assert step.kind == "dial" and step.dial.phone == number and step.language == language


def test_spoken_language_and_menu_words(table, matcher):
    assert choose(table, matcher, speech="Spanish").language == "es"
    assert choose(table, matcher, "es", speech="inglés").language == "en"
    assert numbers(choose(table, matcher, speech="all the numbers").says) == [WOMENS, CHEST, NATIONAL]
    assert text(choose(table, matcher, speech="banana bread").says) == "Sorry, that is not an option."


def test_silence_plays_the_menu_again_and_the_third_round_ends_with_the_24_hour_numbers(table, matcher):
    again = choose(table, matcher, round=1)
    assert (again.kind, again.round, again.says) == ("menu", 2, ())
    assert choose(table, matcher, round=2).round == 3
    end = choose(table, matcher, round=3)
    assert end.kind == "hangup"
    assert text(end.says).startswith("We did not get a choice. Here are the 24-hour numbers.")
    assert numbers(end.says) == [WOMENS, NATIONAL]  # the Chest of Hope's hours are unknown
    assert choose(table, matcher, round=3, digits="#").kind == "hangup"
    assert choose(table, matcher, round=3, digits="1").kind == "dial"


def test_a_completed_call_ends_politely(table):
    step = menu.dialed(table, "en", "womens-center-hotline", "completed")
    assert step.kind == "hangup" and text(step.says) == "Thank you for calling. Goodbye."


@pytest.mark.parametrize("status, said", [
    ("busy", "{Name} is busy."), ("no-answer", "{Name} did not answer."),
    ("failed", "The call to {name} did not go through.")])
@pytest.mark.parametrize("line", ["womens-center-hotline", "chest-of-hope-helpline"])
def test_a_line_that_does_not_answer_falls_back_to_the_national_hotline(table, status, said, line):
    step = menu.dialed(table, "en", line, status)
    assert step.kind == "dial" and step.dial.key == "national-hotline"
    name = table.resources[line].name["en"]
    assert text(step.says).startswith(said.format(name=name, Name=name[0].upper() + name[1:]))
    assert text(step.says).count("Connecting you to the National Human Trafficking Hotline.") == 1
    assert numbers(step.says) == [NATIONAL]


@pytest.mark.parametrize("status, said", [("busy", "está ocupada"), ("no-answer", "no contestó"),
                                          ("failed", "No se pudo completar la llamada a la línea")])
def test_each_failure_has_its_own_spanish_prompt(table, status, said):
    step = menu.dialed(table, "es", "chest-of-hope-helpline", status)
    assert said in text(step.says) and "Le comunicamos con la Línea Nacional" in text(step.says)


def test_a_canceled_call_is_not_redialed(table):
    step = menu.dialed(table, "en", "womens-center-hotline", "canceled")
    assert step.kind == "hangup" and step.dial is None and numbers(step.says) == [WOMENS, NATIONAL]


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed"])
def test_when_the_national_hotline_fails_every_number_is_read_and_the_call_ends(table, status):
    step = menu.dialed(table, "es", "national-hotline", status)
    assert step.kind == "hangup" and step.says[0].voice == "Polly.Mia"
    assert numbers(step.says)[-3:] == [WOMENS, CHEST, NATIONAL]
    assert menu.dialed(table, "en", "no-such-line", status).kind == "hangup"


def test_the_fallback_line_comes_from_the_data(table):
    other = replace(table, fallback="womens-center-hotline")
    assert menu.dialed(other, "en", "chest-of-hope-helpline", "busy").dial.phone == WOMENS
    assert menu.dialed(other, "en", "womens-center-hotline", "busy").kind == "hangup"


def with_hours(table, key, hours):
    resources = dict(table.resources)
    resources[key] = replace(resources[key], hours=Hours.parse(hours))
    return replace(table, resources=resources)


def test_a_closed_line_says_when_it_opens_and_dials_a_24_hour_line(table, matcher):
    weekdays = with_hours(table, "chest-of-hope-helpline", {"mon-fri": "09:00-17:00"})
    step = choose(weekdays, matcher, digits="2", now=SATURDAY_NOON)
    assert step.kind == "dial" and step.dial.phone == NATIONAL
    assert text(step.says).startswith("The Chest of Hope Helpline is closed now. It opens on Monday at 9 AM; its number is (209) 259-5552.")
    assert numbers(step.says) == [CHEST, NATIONAL]
    spanish = choose(weekdays, matcher, "es", digits="2", now=SATURDAY_NOON)
    assert text(spanish.says).startswith("La línea de ayuda de Chest of Hope está cerrada ahora. "
                                         "Abre el lunes a las nueve de la mañana; su número es el (209) 259-5552.")
    assert choose(weekdays, matcher, digits="2", now=MONDAY_TEN).dial.phone == CHEST
    evening = with_hours(table, "chest-of-hope-helpline", {"daily": "18:30-22:00"})
    assert "opens on Saturday at 6:30 PM" in text(choose(evening, matcher, digits="2", now=SATURDAY_NOON).says)
    assert "Abre el sábado a las seis y 30 de la tarde;" in text(choose(evening, matcher, "es", digits="2",
                                                                      now=SATURDAY_NOON).says)


@pytest.mark.parametrize("opens, english, spanish", [
    ("13:00", "on Saturday at 1 PM", "el sábado a la una de la tarde"),
    ("00:00", "on Sunday at 12 AM", "el domingo a las doce de la noche"),
    ("21:15", "on Saturday at 9:15 PM", "el sábado a las nueve y 15 de la noche")])
def test_spanish_says_the_time_on_a_12_hour_clock_with_the_part_of_the_day(table, opens, english, spanish):
    when = datetime.combine(SATURDAY_NOON.date(), time.fromisoformat(opens), TIMEZONE)
    when += timedelta(days=1) if when <= SATURDAY_NOON else timedelta()
    assert spoken.opening(table, "en", when) == english
    assert spoken.opening(table, "es", when) == spanish


def test_a_table_without_clock_words_says_the_digits(table):
    prompts = {k: v for k, v in table.prompts.items() if k not in ("clock", "day_parts", "opens_hour")}
    prompts["opens"] = {"en": "on {day} at {clock}:{minute} {part}", "es": "el {day} a las {hour}:{minute}"}
    old = replace(table, prompts=prompts)
    assert spoken.opening(old, "en", SATURDAY_NOON + timedelta(hours=1)) == "on Saturday at 1:00 PM"
    assert spoken.opening(old, "es", SATURDAY_NOON + timedelta(hours=1)) == "el sábado a las 13:00"


def test_unknown_hours_count_as_open(table, matcher):
    assert table.resources["chest-of-hope-helpline"].hours.kind == "unknown"
    assert choose(table, matcher, digits="2", now=SATURDAY_NOON).dial.phone == CHEST


def test_every_word_comes_from_the_prompts(table, matcher):
    prompts = dict(table.prompts, invalid={"en": "Nope.", "es": "No."})
    assert text(choose(replace(table, prompts=prompts), matcher, digits="5").says) == "Nope."


def test_hints_come_from_the_menu_language_keywords(table):
    english, spanish = menu.hints(table, "en").split(", "), menu.hints(table, "es").split(", ")
    assert {"housing", "national hotline", "spanish"} <= set(english) and "vivienda" not in english
    assert {"vivienda", "ayuda", "english"} <= set(spanish) and "housing" not in spanish
    assert len(english) <= menu.HINTS_LIMIT and all(len(h) <= 100 and "," not in h for h in english)


def test_a_number_stays_a_part_of_its_own(table):
    said = menu.say(table, "en", "number", table.resources["national-hotline"])
    assert said.parts == ("The National Human Trafficking Hotline: ", menu.Phone(NATIONAL), ".")
    assert said.parts[1].display == "(888) 373-7888"


def problems(docs):
    with pytest.raises(DataError) as caught:
        build_table(docs)
    return [str(p) for p in caught.value.problems]


def test_the_fallback_must_be_a_24_7_line(docs):
    docs["menu.yaml"]["fallback"] = "chest-of-hope-helpline"
    assert problems(docs) == ["menu.yaml: fallback: 'chest-of-hope-helpline' must be a 24/7 resource with a phone number"]
    docs["menu.yaml"]["fallback"] = "gone"
    assert problems(docs) == ["menu.yaml: fallback: unknown resource 'gone'"]


def test_menu_data_problems(docs):
    del docs["menu.yaml"]["prompts"]["goodbye"]
    docs["menu.yaml"]["prompts"]["days"]["es"] = "lunes, martes"
    docs["menu.yaml"]["prompts"]["day_parts"]["en"] = "AM, PM"
    docs["menu.yaml"]["options"][1]["keywords"]["en"].append("National")
    docs["menu.yaml"]["options"][0]["resource"] = "emergency-911"
    assert problems(docs) == [
        "menu.yaml: prompts.goodbye: missing",
        "menu.yaml: prompts.days: (es) needs the seven day names, Monday first, with commas",
        "menu.yaml: prompts.day_parts: (en) needs the part of the day of each of the 24 hours, midnight first, with commas",
        "menu.yaml: option 1: 'emergency-911': an emergency number cannot be dialed from the menu",
        "menu.yaml: option 3: keyword 'national' is also a keyword of option 2 (en)"]
