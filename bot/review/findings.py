"""What a check of the table found about one reply or one line: an error, a warning or fine."""
from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING, OK = "error", "warning", "ok"


@dataclass(frozen=True)
class Finding:
    level: str  # error | warning | ok
    subject: str  # what was checked, e.g. "sms en HOTLINE+INFO"
    detail: str
