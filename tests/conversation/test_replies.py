"""Reply composition, tested directly on the default table: every reply, in every language."""
import itertools
import math
import re

import pytest

from bot.conversation import replies, segments
from bot.phones import display
from bot.table.files import read_table
from bot.table.model import Hours
from bot.understanding.matching import Matcher
from conftest import DATA_DIR

# An independent oracle for the GSM 03.38 alphabet (basic set, and the extension set that costs 2).
GSM_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
             "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = "^{}\\[~]|€\f"
DANGER = {"en": "In danger now? Call 911.", "es": "¿En peligro? Llame al 911."}
BUDGET = {"en": (2, 3), "es": (4, 5)}  # segments: one topic, any reply
LINES_24_7 = ("(209) 948-1911", "(888) 373-7888")


def oracle_segments(text):
    """Segments by the rules of GSM 03.38 / UCS-2 concatenated SMS."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        septets = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        return "GSM-7", 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return "UCS-2", 1 if units <= 70 else math.ceil(units / 67)


@pytest.fixture(scope="module")
def table():
    return read_table(DATA_DIR)


def every_reply(table):
    """Every reply the default table can give: each set of topics (in urgency order), each language."""
    keys = [t.key for t in table.topics]
    for language in table.languages:
        for n in range(len(keys) + 1):
            for topics in itertools.combinations(keys, n):
                yield language, topics, replies.sms(table, topics, language)


def test_every_reply_has_a_24_7_number_and_says_911_once(table):
    for language, topics, reply in every_reply(table):
        assert any(number in reply for number in LINES_24_7), (language, topics)
        assert len(re.findall(r"(?<!\d)911(?!\d)", reply)) == 1, (language, topics, reply)
        assert (DANGER[language] in reply.splitlines()) == ("DANGER" not in topics), (language, topics)


@pytest.mark.parametrize("topics", [(), ("DANGER",), ("HOUSING",), ("DANGER", "HOUSING", "REPORT")])
@pytest.mark.parametrize("named", ["chest-of-hope-helpline", "womens-center-hotline", "national-hotline"])
def test_a_named_line_is_always_in_the_reply_in_its_language(table, topics, named):
    for language in table.languages:
        reply = replies.sms(table, topics, language, (named,))
        resource = table.resources[named]
        short = resource.short[language]
        assert f"{short}: {display(resource.phone)}" in reply or \
            f"{resource.name[language][:1].upper()}{resource.name[language][1:]}: {display(resource.phone)}" in reply
        assert segments.segments(reply) <= replies.budget(table, topics, language), (language, reply)
        assert reply.count(display(resource.phone)) == 1


def test_every_reply_says_nobody_reads_the_texts(table):
    for language, topics, reply in every_reply(table):
        assert table.messages[language]["automated"] in reply.splitlines(), (language, topics)


def test_replies_fit_their_segment_budget_english_in_gsm7(table):
    for language, topics, reply in every_reply(table):
        encoding, count = oracle_segments(reply)
        assert (encoding, count) == (segments.encoding(reply), segments.segments(reply))
        if language == "en":
            assert encoding == "GSM-7", (topics, [c for c in reply if c not in GSM_BASIC + GSM_EXTENDED])
        one, many = BUDGET[language]
        assert count <= (one if len(topics) <= 1 else many), (language, topics, count)
        assert count <= replies.budget(table, topics, language)


def test_trafficking_danger_and_report_replies_give_both_24_7_lines(table):
    for language, topics, reply in every_reply(table):
        if {"DANGER", "HOTLINE", "REPORT"} & set(topics):
            assert all(n in reply for n in LINES_24_7), (language, topics)


def test_a_named_line_gets_its_details(table):
    reply = replies.sms(table, ["HOUSING"], "en", details=["chest-of-hope-helpline"])
    assert "transitional housing" in reply and segments.segments(reply) <= 2
    assert "transitional housing" not in replies.sms(table, ["HOUSING"], "en")


@pytest.mark.parametrize("topic, numbers", [
    ("DANGER", ["911", "(209) 948-1911", "(888) 373-7888"]),
    ("REPORT", ["(888) 373-7888", "(209) 948-1911"]),
    ("CONFIDENTIAL", ["(888) 373-7888"]),
    ("HOTLINE", ["(209) 948-1911", "(888) 373-7888"]),
    ("HOUSING", ["(209) 259-5552", "(209) 948-1911"]),
    ("INFO", ["(888) 373-7888"]),
])
def test_topic_numbers_in_urgency_order(table, topic, numbers):
    for language in ("en", "es"):
        reply = replies.sms(table, [topic], language)
        positions = [reply.index(n) for n in numbers]
        assert positions == sorted(positions)


def test_resource_line_shows_name_number_hours_and_use(table):
    line = replies.resource_line(table.resources["womens-center-hotline"], table.messages["en"], "en")
    assert line == ("The Women's Center 24-hour Human Trafficking hotline: (209) 948-1911, 24/7. "
                    "Help for victims of human trafficking.")
    brief = replies.resource_line(table.resources["womens-center-hotline"], table.messages["en"], "en", brief=True)
    assert brief == "Women's Center: (209) 948-1911, 24/7"


def test_unknown_hours_are_not_shown(table):
    line = replies.resource_line(table.resources["chest-of-hope-helpline"], table.messages["en"], "en")
    assert line.startswith("The Chest of Hope Helpline: (209) 259-5552. ")


def test_info_gives_the_facts(table):
    for language, facts in {"en": ("top-3 state", "18,000-20,000", "10,000"),
                            "es": ("está entre los 3 estados", "18,000-20,000", "más de 10,000 son menores")}.items():
        reply = replies.sms(table, ["INFO"], language)
        assert all(fact in reply for fact in facts), language


def test_confidential_and_report_say_only_the_sourced_facts(table):
    confidential = replies.sms(table, ["CONFIDENTIAL"], "en")
    for fact in ("confidential (with a few exceptions)", "not police or immigration", "T visa"):
        assert fact in confidential
    assert "limits" not in confidential and "USCIS" not in confidential
    assert "con pocas excepciones" in replies.sms(table, ["CONFIDENTIAL"], "es")
    report = replies.sms(table, ["REPORT"], "en")
    for fact in ("call or text any time", "do not have to give your name", "233733", "(209) 948-1911"):
        assert fact in report
    assert "form" not in report  # an online form with no address is no help
    assert replies.sms(table, ["REPORT"], "es").startswith("Para reportar, llame o mande un mensaje, 24/7.")


def test_spanish_short_lines_say_they_answer_day_and_night(table):
    reply = replies.sms(table, ["HOUSING"], "es")
    assert "Women's Center: (209) 948-1911, 24/7" in reply
    assert "Chest of Hope: (209) 259-5552\n" in reply  # hours unknown: nothing said


def test_danger_says_911_then_who_to_talk_to(table):
    assert replies.sms(table, ["DANGER"], "en").startswith("If you are in danger, call 911. To talk to someone, 24/7:")
    assert replies.sms(table, ["DANGER"], "es").startswith(
        "Si está en peligro, llame al 911. Para hablar con alguien, 24/7:")


def test_unmatched_reply_is_the_keyword_menu(table):
    reply = replies.sms(table, [], "en")
    assert reply.splitlines()[0] == "Text HOTLINE, HOUSING or FACTS. Para español: ESPAÑOL."
    assert replies.sms(table, [], "es").startswith("Escriba AYUDA, VIVIENDA o DATOS.")  # never INFO: Twilio answers it


def test_topics_that_do_not_fit_are_named(table):
    reply = replies.sms(table, ["DANGER", "HOTLINE", "HOUSING", "REPORT", "CONFIDENTIAL", "INFO"], "en")
    assert "More: text" in reply and "FACTS" in reply.splitlines()[-2]  # before "no one reads" (911 said above)
    assert segments.segments(reply) <= 3
    spanish = replies.sms(table, ["DANGER", "HOTLINE", "HOUSING", "REPORT", "CONFIDENTIAL", "INFO"], "es")
    assert "Más: escriba CONFIDENCIAL o DATOS." in spanish.splitlines()


def test_the_more_line_joins_the_last_two_names_with_or():
    assert replies.listed(["CONFIDENTIAL", "FACTS", "QUESTIONS"], "or") == "CONFIDENTIAL, FACTS or QUESTIONS"
    assert replies.listed(["DATOS"], "o") == "DATOS"
    assert replies.listed(["A", "B"], None) == "A, B"  # a table without the word: commas


def test_schedule_hours_text(table):
    hours = Hours.parse({"mon-fri": "09:00-17:00", "sat": "10:00-14:00"})
    assert replies.hours_text(hours, table.messages["en"]) == "Mon-Fri 09:00-17:00, Sat 10:00-14:00"
    assert replies.hours_text(hours, table.messages["es"]) == "lun-vie 09:00-17:00, sáb 10:00-14:00"


@pytest.mark.parametrize("text, language", [
    ("cuanto cuesta?", "es"), ("hablan español?", "es"), ("a que hora abren", "es"), ("es gratis?", "es"),
    ("what time are you open", "en"), ("do you speak vietnamese", "en"), ("is it free", "en"),
    ("is this a real person", "en")])
def test_practical_questions_get_short_practical_answers(table, text, language):
    match = Matcher(table).match(text)
    assert "ABOUT" in match.topics and match.language == language
    reply = replies.sms(table, ["ABOUT"], language)
    assert segments.segments(reply) <= BUDGET[language][0]
    assert "18,000" not in reply  # facts about trafficking are no answer to "how much does it cost"
    assert all(line in reply for line in LINES_24_7) and DANGER[language] in reply


def test_questions_say_the_call_is_free_never_the_texts(table):
    english, spanish = (replies.sms(table, ["ABOUT"], lang).splitlines()[0] for lang in ("en", "es"))
    assert "National Hotline is free to call, 24/7" in english and "not a recording" in english
    assert "Spanish and 200+ languages" in english
    assert spanish.startswith("Llamar a la Línea Nacional es gratis.") and "personas en español" in spanish
    for reply in (replies.sms(table, ["ABOUT"], lang) for lang in ("en", "es")):
        assert not any(("text" in line or "mensaje" in line) and ("free" in line or "gratis" in line)
                       for line in reply.splitlines())


def test_questions_come_last_and_are_texted_as_questions(table):
    assert [t.key for t in table.topics][-2:] == ["INFO", "ABOUT"]
    assert table.topic("ABOUT").name == {"en": "QUESTIONS", "es": "PREGUNTAS"}
