"""Phone numbers in the console's pages kept on one line: each one wrapped in ``<span class="number">``
(the stylesheet never breaks it), marked changes kept inside it."""
from __future__ import annotations

from typing import Iterable

from flask import Blueprint
from markupsafe import Markup, escape

from ..phones import display, found_in


def init_blueprint(bp: Blueprint) -> None:
    """Give the console's templates ``display`` (a number as people write it) and the ``unbroken`` filters."""
    bp.add_app_template_global(display, "display")
    bp.add_app_template_filter(unbroken, "unbroken")
    bp.add_app_template_filter(unbroken_pieces, "unbroken_pieces")


def unbroken(text: str) -> Markup:
    """``text`` escaped, every phone number in it in a span that never wraps."""
    return unbroken_pieces([(str(text), False)])


def unbroken_pieces(pieces: Iterable[tuple[str, bool]]) -> Markup:
    """Pieces of text (text, changed) as HTML: changed ones in <mark>, each phone number in a span that never wraps."""
    pieces = list(pieces)
    spans = found_in("".join(text for text, _ in pieces))
    starts, ends = {s for s, _ in spans}, {e for _, e in spans}
    html, at = [], 0
    for text, changed in _cut(pieces, starts | ends):
        if at in starts:
            html.append(Markup('<span class="number">'))
        html.append(Markup("<mark>%s</mark>") % text if changed else escape(text))
        at += len(text)
        if at in ends:
            html.append(Markup("</span>"))
    return Markup("").join(html)


def _cut(pieces: list[tuple[str, bool]], cuts: set[int]) -> list[tuple[str, bool]]:
    """The pieces cut again at every offset of ``cuts`` (in the joined text), so no number starts or ends inside one."""
    cut, at = [], 0
    for text, changed in pieces:
        edges = [0, *sorted(c - at for c in cuts if at < c < at + len(text)), len(text)]
        cut += [(text[a:b], changed) for a, b in zip(edges, edges[1:])]
        at += len(text)
    return cut
