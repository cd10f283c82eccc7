"""SMS length: which encoding a text needs and how many segments it is billed as."""
from __future__ import annotations

import math
from functools import lru_cache

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM7, UCS2 = "GSM-7", "UCS-2"


@lru_cache(maxsize=4096)  # replies are composed from the table's wording: the same texts again and again
def encoding(text: str) -> str:
    """GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2."""
    try:
        text.encode("gsm03.38")
    except UnicodeEncodeError:
        return UCS2
    return GSM7


def units(text: str) -> int:
    """Length in the encoding's units: septets (extension characters count 2) or UTF-16 units."""
    if encoding(text) == GSM7:
        return len(text.encode("gsm03.38"))
    return len(text.encode("utf-16-le")) // 2


@lru_cache(maxsize=4096)
def segments(text: str) -> int:
    """How many SMS segments ``text`` is sent as."""
    single, part = (160, 153) if encoding(text) == GSM7 else (70, 67)
    size = units(text)
    return 1 if size <= single else math.ceil(size / part)


def describe(text: str) -> str:
    """"412 characters, GSM-7, 3 segments"."""
    return f"{len(text)} characters, {encoding(text)}, {segments(text)} segment{'s' * (segments(text) != 1)}"
