"""Phone numbers: check, store (E.164) and show them as people write them, with phonenumbers."""
from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat, shortnumberinfo

from .privacy import keyed_hash

REGION = "US"
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def emergency_or_e164(text: str) -> str:
    """A valid number as E.164 ("+12099481911"), or exactly an emergency short code ("911"); else ValueError."""
    text = text.strip()
    if is_emergency_code(text):
        return text
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{text[:40]!r} is not a phone number ({exc})") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{text[:40]!r} is not a valid phone number")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_emergency_code(text: str) -> bool:
    """True for exactly an emergency short code of the region, in ASCII digits ("911", "112"), nothing more."""
    return text.isascii() and text.isdigit() and shortnumberinfo.is_emergency_number(text, REGION)


def short_code(text: str) -> str:
    """A number that takes texts: a valid short code ("233733") or a full number (E.164)."""
    text = text.strip()
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{text[:40]!r} is not a number ({exc})") from None
    if shortnumberinfo.is_valid_short_number_for_region(number, REGION):
        return str(number.national_number)
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    raise ValueError(f"{text[:40]!r} is neither a valid short code nor a valid phone number")


def display(number: str) -> str:
    """As people write it: "+12099481911" -> "(209) 948-1911"; "911" stays "911"."""
    if not number.startswith("+"):
        return number
    parsed = phonenumbers.parse(number, REGION)
    same_country = phonenumbers.region_code_for_number(parsed) == REGION
    return phonenumbers.format_number(
        parsed, PhoneNumberFormat.NATIONAL if same_country else PhoneNumberFormat.INTERNATIONAL
    )


def found_in(text: str) -> list[tuple[int, int]]:
    """Where phone numbers are written in ``text``: (start, end) of each, as phonenumbers finds them."""
    return [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, REGION)]


def sender_hash(number: str, key: bytes) -> str:
    """A keyed hash that stands for a sender, so their number is never stored."""
    canonical = number.strip()
    if not _E164.match(canonical):  # Twilio sends E.164 already; other forms are made so
        try:
            canonical = phonenumbers.format_number(phonenumbers.parse(number, REGION), PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            pass
    return keyed_hash(canonical, key)
