"""Phone numbers: checked, stored as E.164, shown and spoken as people write them."""
import pytest

from bot import phones


@pytest.mark.parametrize("text, e164", [
    ("(209) 948-1911", "+12099481911"), ("209-259-5552", "+12092595552"), ("+1 888 373 7888", "+18883737888"),
    ("911", "911"),
])
def test_valid(text, e164):
    assert phones.emergency_or_e164(text) == e164


@pytest.mark.parametrize("text", ["(209) 948-191", "555-0100", "hello", "", "(000) 948-1911", "112233"])
def test_invalid(text):
    with pytest.raises(ValueError):
        phones.emergency_or_e164(text)


def test_short_code():
    assert phones.short_code("233733") == "233733"
    with pytest.raises(ValueError):
        phones.short_code("12")


def test_display_and_spoken():
    assert phones.display("+12099481911") == "(209) 948-1911"
    assert phones.display("911") == "911"
    assert phones.display("+442079460000").startswith("+44 ")


def test_found_in_a_text():
    text = "Women's Center (209) 948-1911, national +1 888 373 7888, Mexico +52 55 1234 5678; call 911."
    found = [text[a:b] for a, b in phones.found_in(text)]
    assert found == ["(209) 948-1911", "+1 888 373 7888", "+52 55 1234 5678"]  # 911 is a word here, not a line
