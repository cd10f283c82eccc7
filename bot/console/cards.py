"""Reaching more people: printable outreach cards and posters from the live table, the
discreet keyword they print, and the interpreter lines no native speaker has reviewed yet."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from ..conversation import interpreters
from ..outreach import card as cards
from ..store import get_store

bp = Blueprint("cards", __name__)


@bp.get("/cards")
def page():
    """The card and poster links per language, and the unreviewed interpreter lines."""
    table = get_store().snapshot().table
    try:
        helpline, problem = cards.helpline_number(current_app.config["HELPLINE_NUMBER"]), None
    except ValueError as exc:
        helpline, problem = None, str(exc)
    return render_template("console/cards.html", helpline=helpline, problem=problem,
                           languages=cards.languages(cards.load_words(), table), sizes=sorted(cards.SIZES),
                           keyword=table.discreet.keyword if table.discreet else {},
                           unreviewed=interpreters.unreviewed(table),
                           lines=table.interpreting.lines if table.interpreting else ())


@bp.get("/cards.pdf")
def pdf():
    """The card as PDF: ``?lang=`` a language of the table, ``?size=`` wallet or poster."""
    table = get_store().snapshot().table
    words = cards.load_words()
    lang, size = request.args.get("lang", table.default_language), request.args.get("size", "wallet")
    if lang not in cards.languages(words, table) or size not in cards.SIZES:
        abort(400)
    try:
        helpline = cards.helpline_number(current_app.config["HELPLINE_NUMBER"])
    except ValueError:
        abort(409)
    body = cards.pdf(cards.content(table, helpline, lang, words), size)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{cards.file_name(size, lang)}"'})
