"""Checking the table's documents: every problem is named with its file and entry."""
import copy
from datetime import date

import pytest

from bot.table.files import read_table
from bot.table.load import DataError, build_table
from conftest import DATA_DIR


def entry(docs, file, key):
    """The entry of a list document (or of topics.yaml's topics) with this key."""
    items = docs[file]["topics"] if file == "topics.yaml" else docs[file]
    return next(e for e in items if e["key"] == key)


def problems(docs):
    """The problems build_table finds, as strings."""
    with pytest.raises(DataError) as caught:
        build_table(docs)
    return [str(p) for p in caught.value.problems]


def test_default_data_is_valid():
    table = read_table(DATA_DIR)
    assert table.resources["womens-center-hotline"].phone == "+12099481911"
    assert table.resources["chest-of-hope-helpline"].phone == "+12092595552"
    assert table.resources["national-hotline"].phone == "+18883737888"
    assert table.resources["national-hotline"].text == "233733"
    assert table.resources["emergency-911"].phone == "911"
    assert [t.key for t in table.topics] == ["DANGER", "HOTLINE", "HOUSING", "REPORT", "CONFIDENTIAL", "INFO", "ABOUT"]


def test_default_data_is_not_marked_verified():
    assert all(r.last_verified is None for r in read_table(DATA_DIR).resources.values())


def test_bad_number(docs):
    entry(docs, "resources.yaml", "womens-center-hotline")["phone"] = "(209) 948-191"
    assert any(p.startswith("resources.yaml: womens-center-hotline: phone:") for p in problems(docs))


def test_unknown_resource_in_topic(docs):
    entry(docs, "topics.yaml", "HOUSING")["resources"].append("no-such-line")
    assert "topics.yaml: HOUSING: unknown resource 'no-such-line'" in problems(docs)


def test_keyword_in_two_topics(docs):
    entry(docs, "topics.yaml", "INFO")["keywords"]["en"].append("Shelter!")
    assert "topics.yaml: INFO: keyword 'shelter' is also a keyword of HOUSING" in problems(docs)


def test_missing_translation(docs):
    del entry(docs, "resources.yaml", "national-hotline")["description"]["es"]
    assert "resources.yaml: national-hotline: description: missing the 'es' translation" in problems(docs)


def test_missing_message_translation(docs):
    del docs["messages.yaml"]["es"]["danger"]
    assert "messages.yaml: danger: danger: missing the 'es' translation" in problems(docs)


def test_unknown_placeholder(docs):
    docs["messages.yaml"]["en"]["resource"] = "{name}: {phone}"
    assert "messages.yaml: resource: resource (en): unknown placeholder {phone}" in problems(docs)


def test_topic_needs_a_24_7_line(docs):
    entry(docs, "topics.yaml", "HOUSING")["resources"] = ["chest-of-hope-helpline"]
    assert "topics.yaml: HOUSING: needs at least one 24/7 resource with a phone number" in problems(docs)


def test_bad_hours(docs):
    entry(docs, "resources.yaml", "chest-of-hope-helpline")["hours"] = {"mon-fri": "17:00-09:00"}
    assert any("chest-of-hope-helpline" in p and "hours" in p for p in problems(docs))


def test_schedule_hours(docs):
    entry(docs, "resources.yaml", "chest-of-hope-helpline")["hours"] = {"mon-fri": "09:00-17:00"}
    assert build_table(docs).resources["chest-of-hope-helpline"].hours.text() == (
        "mon 09:00-17:00; tue 09:00-17:00; wed 09:00-17:00; thu 09:00-17:00; fri 09:00-17:00")


def test_verified_date(docs):
    entry(docs, "resources.yaml", "national-hotline")["last_verified"] = date(2026, 11, 1)
    assert build_table(docs).resources["national-hotline"].last_verified == date(2026, 11, 1)
    entry(docs, "resources.yaml", "national-hotline")["last_verified"] = "last week"
    assert any("last_verified" in p for p in problems(docs))


def test_duplicate_key(docs):
    docs["resources.yaml"].append(copy.deepcopy(entry(docs, "resources.yaml", "national-hotline")))
    assert "resources.yaml: national-hotline: key used twice" in problems(docs)


def test_menu_option_for_unknown_resource(docs):
    docs["menu.yaml"]["options"][0]["resource"] = "gone"
    assert "menu.yaml: option 1: unknown resource 'gone'" in problems(docs)


def test_every_problem_is_reported_at_once(docs):
    entry(docs, "resources.yaml", "chest-of-hope-helpline")["phone"] = "12"
    entry(docs, "topics.yaml", "INFO")["keywords"]["es"].append("refugio")
    assert problems(docs) == ["resources.yaml: chest-of-hope-helpline: phone: '12' is not a valid phone number",
                              "topics.yaml: INFO: keyword 'refugio' is also a keyword of HOUSING"]


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as caught:
        read_table(tmp_path)
    assert "languages.yaml: (file): missing from" in str(caught.value)


def test_yaml_syntax_error(tmp_path):
    for f in DATA_DIR.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "topics.yaml").write_text("topics: [unclosed\n")
    with pytest.raises(DataError) as caught:
        read_table(tmp_path)
    assert str(caught.value).startswith("topics.yaml: (file): cannot be read")


def test_examples_are_checked(docs):
    docs["examples.yaml"] = [{"text": "  ", "lang": "en", "topics": []},
                             {"text": "help", "lang": "fr", "topics": ["HOTLINE"]},
                             {"text": "help", "lang": "en", "topics": ["NOPE"]},
                             {"text": "x" * 1601, "lang": "en", "topics": []},
                             "just a string"]
    assert problems(docs) == [
        "examples.yaml: example 1: text: empty",
        "examples.yaml: example 2: lang: unknown language 'fr'",
        "examples.yaml: example 3: topics: unknown topic 'NOPE'",
        "examples.yaml: example 4: text: longer than 1600 characters",
        "examples.yaml: example 5: write {text: ..., lang: ..., topics: [...]}",
    ]


def test_safety_rules_are_checked(docs):
    docs["topics.yaml"]["safety"]["adult"] = {"en": ["x"], "es": ["x"]}
    docs["topics.yaml"]["safety"]["minor"]["es"] = "menor"
    assert sorted(problems(docs)) == ["topics.yaml: safety minor: es: needs a list of phrases",
                                      "topics.yaml: safety: unknown rule 'adult': one of minor, commercial_sex, cry"]


@pytest.mark.parametrize("phone", ["911; DROP", "9 1 1 lol", "911 " + "x" * 300, "٩١١", "9111"])
def test_the_emergency_entry_is_exactly_an_emergency_code(docs, phone):
    entry(docs, "resources.yaml", "emergency-911")["phone"] = phone
    assert any(p.startswith("resources.yaml: emergency-911: phone:") for p in problems(docs))


def test_codes_and_keys_fit_what_the_store_keeps(docs):
    from bot.store.models import AnsweredMessage, Sender, UsageCount
    from bot.table.problems import CODE_LENGTH, KEY_LENGTH
    lines = docs["interpreters.yaml"]["lines"]
    lines[0]["code"] = "hmn-abcde"  # 9 characters: the store keeps 8
    lines[1]["code"] = "tl,x"
    entry(docs, "resources.yaml", "chest-of-hope-helpline")["key"] = "x" * (KEY_LENGTH + 1)
    entry(docs, "organizations.yaml", "chest-of-hope")["key"] = "chest of hope"
    found = problems(docs)
    assert "interpreters.yaml: lines.hmn-abcde: code 'hmn-abcde': a language code such as es or zh-hant, " \
           "at most 8 characters" in found
    assert any(p.startswith("interpreters.yaml: lines.tl,x: code") for p in found)
    assert any(p.startswith(f"resources.yaml: entry 2: key '{'x' * KEY_LENGTH}'") for p in found)
    assert any(p.startswith("organizations.yaml: entry 2: key 'chest of hope'") for p in found)
    assert Sender.language.type.length == AnsweredMessage.language.type.length == CODE_LENGTH
    longest_menu_key = f"{'x' * CODE_LENGTH} silence -> {'x' * KEY_LENGTH}"  # bot/web/voice.py counts these
    assert len(longest_menu_key) <= UsageCount.key.type.length


@pytest.mark.parametrize("where, value", [("urgency", 10**100), ("urgency", True), ("urgency", 0),
                                          ("max_segments", 11), ("max_segments", float("inf")),
                                          ("reply_tests", 10**16), ("reply_tests", float("nan"))])
def test_numbers_in_the_table_are_bounded(docs, where, value):
    if where == "urgency":
        entry(docs, "topics.yaml", "HOUSING")["urgency"] = value
    elif where == "max_segments":
        docs["languages.yaml"]["en"]["max_segments"] = value
    else:
        docs["reply_tests.yaml"]["sms"][0]["numbers"] = [value]
    found = problems(docs)
    assert any("needs a whole number from" in p or "a number is too large" in p for p in found), found
