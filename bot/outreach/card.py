"""One card or poster as PDF bytes: what it says (``content``), then how it is laid out (``pdf``)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import segno
import yaml
from fpdf import FPDF

from ..phones import display, emergency_or_e164
from ..table.model import Table

WORDS = Path(__file__).resolve().parent.parent.parent / "templates" / "outreach" / "card.yaml"
# Page sizes in mm: a wallet card (ID-1, as a credit card) and a US Letter poster; type sizes in points.
SIZES = {"wallet": {"page": (85.6, 54.0), "margin": 4, "big": 17, "text": 7.5, "small": 6.5, "qr": 19},
         "poster": {"page": (215.9, 279.4), "margin": 18, "big": 54, "text": 22, "small": 18, "qr": 62}}


@dataclass(frozen=True)
class Content:
    title: str
    call_or_text: str
    number: str  # the helpline's number as people write it
    text: str  # what to text
    quiet: str  # the discreet keyword
    lines_title: str
    lines: tuple[str, ...]  # the 24/7 lines, neutral names
    danger: str
    scan_text: str
    scan_call: str
    sms_link: str
    tel_link: str


def helpline_number(text: str) -> str:
    """HELPLINE_NUMBER as E.164; ValueError when it is unset or not a number people can text and call."""
    if not text.strip():
        raise ValueError("HELPLINE_NUMBER is not set: the Twilio number people text and call, e.g. (209) 555-0123")
    number = emergency_or_e164(text)
    if not number.startswith("+"):
        raise ValueError(f"HELPLINE_NUMBER {text!r} must be the helpline's own number, not an emergency number")
    return number


def languages(words: Mapping[str, Mapping[str, str]], table: Table) -> list[str]:
    """The languages a card can be made in: the table's, where the card has words."""
    return [code for code in table.languages if code in words]


def load_words(path: Path = WORDS) -> dict[str, Mapping[str, str]]:
    """The card's words per language (templates/outreach/card.yaml)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def content(table: Table, helpline: str, language: str, words: Mapping[str, Mapping[str, str]]) -> Content:
    """What the card says in ``language``, from the live table; ``helpline`` in E.164."""
    w = words[language]
    texted = [t.name[language] for t in table.topics]  # none a word Twilio answers itself: the safety check
    lines = tuple(f"{table.discreet.names[r.key][language]}: {display(r.phone)}" for r in table.lines_24_7())
    return Content(w["title"], w["call_or_text"], display(helpline), w["text"].format(words=listed(texted, table.messages[language].get("or"))),
                   w["quiet"].format(keyword=table.discreet.keyword[language]), w["lines"], lines,
                   str(table.messages[language]["danger"]), w["scan_text"], w["scan_call"],
                   f"sms:{helpline}", f"tel:{helpline}")


def listed(words: list[str], conjunction: object = None) -> str:
    """"DANGER, HOTLINE or HOUSING": the last two joined by the table's "or" (messages.yaml), else a comma."""
    if not conjunction or len(words) < 2:
        return ", ".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def file_name(size: str, language: str) -> str:
    """What a card's PDF is called: "helpline-wallet-en.pdf"."""
    return f"helpline-{size}-{language}.pdf"


def pdf(card: Content, size: str = "wallet") -> bytes:
    """The card laid out on a ``size`` page ("wallet": front and back; "poster": one page)."""
    s = SIZES[size]
    width, height = s["page"]
    doc = FPDF(orientation="P" if height > width else "L", unit="mm", format=(min(s["page"]), max(s["page"])))
    doc.set_auto_page_break(False)
    doc.set_margins(s["margin"], s["margin"])
    doc.set_title(card.title)
    doc.add_page()
    m, text_width = s["margin"], width - 2 * s["margin"] - (s["qr"] + 2 if size == "wallet" else 0)
    _write(doc, card.title, s["text"], text_width, bold=True)
    _write(doc, card.call_or_text, s["text"], text_width)
    _write(doc, card.number, s["big"], text_width, bold=True)
    _write(doc, card.text, s["text"], text_width, bold=True)
    _write(doc, card.quiet, s["small"], text_width)
    if size == "wallet":  # the QR codes on the right of the front, the lines on the back
        _qr(doc, card.sms_link, card.scan_text, width - m - s["qr"], m, s)
        _qr(doc, card.tel_link, card.scan_call, width - m - s["qr"], m + s["qr"] + 6, s)
        doc.add_page()
    _write(doc, card.lines_title, s["text"], width - 2 * m, bold=True)
    for line in card.lines:
        _write(doc, line, s["text"], width - 2 * m)
    _write(doc, card.danger, s["text"], width - 2 * m, bold=True)
    if size == "poster":
        top = doc.get_y() + 8
        _qr(doc, card.sms_link, card.scan_text, m + 10, top, s)
        _qr(doc, card.tel_link, card.scan_call, width - m - 10 - s["qr"], top, s)
    return bytes(doc.output())


def _write(doc: FPDF, text: str, points: float, width: float, bold: bool = False) -> None:
    """A paragraph at the left margin, wrapped to ``width`` mm, left-aligned (never justified)."""
    doc.set_font("Helvetica", "B" if bold else "", points)
    doc.set_x(doc.l_margin)
    doc.multi_cell(width, points * 0.45, text, align="L")
    doc.ln(points * 0.12)


def _qr(doc: FPDF, link: str, label: str, x: float, y: float, s: Mapping) -> None:
    """A QR code of ``link`` at (x, y), with ``label`` under it."""
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=10, border=2)
    doc.image(image, x=x, y=y, w=s["qr"], h=s["qr"])
    doc.set_font("Helvetica", "", s["small"])
    doc.set_xy(x - 2, y + s["qr"])
    doc.cell(s["qr"] + 4, s["small"] * 0.45, label, align="C")
