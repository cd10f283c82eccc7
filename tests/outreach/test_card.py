"""bot/outreach/card.py, `flask card` and the console's Cards page: the PDF's text read back with
pypdf, its QR codes decoded with zxing-cpp."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
import zxingcpp

from bot import create_app
from bot.outreach import card
from bot.review import gate
from bot.table.files import read_table
from conftest import DATA_DIR

TABLE = read_table(DATA_DIR)
HELPLINE = "+12095550123"


def read_back(data: bytes) -> tuple[str, list[str], list[tuple[float, float]]]:
    """The PDF's text, the links its QR codes decode to, and its page sizes in mm."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    codes = [b.text for page in reader.pages for image in page.images for b in zxingcpp.read_barcodes(image.image)]
    sizes = [(round(float(p.mediabox.width) / 72 * 25.4, 1), round(float(p.mediabox.height) / 72 * 25.4, 1))
             for p in reader.pages]
    return text, codes, sizes


@pytest.mark.parametrize("size", sorted(card.SIZES))
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_card_has_the_numbers_and_qr_codes(size, lang):
    words = card.load_words()
    text, codes, sizes = read_back(card.pdf(card.content(TABLE, HELPLINE, lang, words), size))
    flat = " ".join(text.split())
    assert "(209) 555-0123" in flat
    assert "(209) 948-1911" in flat and "(888) 373-7888" in flat and "911" in flat
    assert TABLE.discreet.keyword[lang] in flat
    assert sorted(codes) == [f"sms:{HELPLINE}", f"tel:{HELPLINE}"]
    assert max(max(s) for s in sizes) == max(card.SIZES[size]["page"])
    assert "trafficking" not in flat.lower() and " trata " not in f" {flat.lower()} "


def test_what_to_text_asks_for_no_word_twilio_answers_itself():
    for lang, (last_two, conjunction) in {"en": ("FACTS or QUESTIONS", " or "),
                                          "es": ("DATOS o PREGUNTAS", " o ")}.items():
        words = card.load_words()
        content = card.content(TABLE, HELPLINE, lang, words)
        assert last_two in content.text and content.text.count(conjunction) == 1
        for piece in [content.text, content.quiet, *words[lang].values()]:
            assert gate.asks_for(piece) == [], piece
        assert "INFO" not in content.text and "HELP" not in content.text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_card_never_calls_texting_free(lang):
    words = " ".join(card.load_words()[lang].values()).lower()
    assert "free" not in words and "gratis" not in words  # only calls to the national line are toll-free


def test_the_spanish_card_in_the_reviewers_words():
    content = card.content(TABLE, HELPLINE, "es", card.load_words())
    assert content.quiet.startswith("¿Alguien revisa su celular?")
    assert content.lines_title == "Abiertas las 24 horas:"
    assert content.text.startswith("Escriba PELIGRO, AYUDA, VIVIENDA, REPORTAR, CONFIDENCIAL, DATOS")


def test_card_text_is_left_aligned_not_justified():
    data = card.pdf(card.content(TABLE, HELPLINE, "es", card.load_words()), "wallet")
    streams = b" ".join(page.get_contents().get_data() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert re.search(rb"[-\d.]+ Tw", streams) is None  # no stretched word spacing


@pytest.mark.parametrize("value", ["", "911", "12", "not a number"])
def test_the_helpline_number_must_be_a_real_number(value):
    with pytest.raises(ValueError):
        card.helpline_number(value)


@pytest.fixture
def app_config(app_config):
    """Every app of this module has the helpline's number set."""
    return {**app_config, "HELPLINE_NUMBER": "(209) 555-0123"}


def test_card_command(runner, tmp_path):
    out = tmp_path / "card.pdf"
    result = runner.invoke(args=["card", str(out)])
    assert result.exit_code == 0, result.output
    text, codes, _ = read_back(out.read_bytes())
    assert "(209) 948-1911" in text and "(888) 373-7888" in text
    assert sorted(codes) == ["sms:+12095550123", "tel:+12095550123"]
    poster = tmp_path / "poster.pdf"
    result = runner.invoke(args=["card", "--lang", "es", "--size", "poster", str(poster)])
    assert result.exit_code == 0 and "Llame al 911" in " ".join(read_back(poster.read_bytes())[0].split())
    bad = runner.invoke(args=["card", "--lang", "vi", str(tmp_path / "x.pdf")])
    assert bad.exit_code != 0 and "--lang" in bad.output


def test_card_command_writes_into_the_instance_folder_by_default(app, runner):
    result = runner.invoke(args=["card", "--lang", "es"])
    assert result.exit_code == 0, result.output
    written = Path(app.instance_path) / "helpline-wallet-es.pdf"
    assert f"wrote {written}" in result.output
    assert "(209) 948-1911" in read_back(written.read_bytes())[0]


def test_card_command_needs_the_helpline_number(app_config, tmp_path):
    app = create_app({**app_config, "HELPLINE_NUMBER": ""})
    result = app.test_cli_runner().invoke(args=["card", str(tmp_path / "card.pdf")])
    assert result.exit_code != 0 and "HELPLINE_NUMBER" in result.output
    assert not (tmp_path / "card.pdf").exists()
    app.extensions["store"].close()


def test_console_cards_page(client, login):
    assert client.get("/console/cards.pdf").status_code == 302  # staff only
    login()
    page = client.get("/console/cards").get_data(as_text=True)
    assert "QUIET" in page and "9 of 9 lines not reviewed yet" in page and "Vietnamese" in page
    response = client.get("/console/cards.pdf?lang=es&size=poster")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text, codes, _ = read_back(response.data)
    assert "(888) 373-7888" in text and sorted(codes) == ["sms:+12095550123", "tel:+12095550123"]
    assert client.get("/console/cards.pdf?lang=xx").status_code == 400
