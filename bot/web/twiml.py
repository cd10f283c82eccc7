"""Render TwiML templates from templates/twiml/ as XML responses."""
from __future__ import annotations

from flask import Response, current_app
from markupsafe import Markup, escape

CONTENT_TYPE = "text/xml; charset=utf-8"  # what mimetype="text/xml" makes, without working it out per reply
MARK = "\x00"  # stands for the one value in a template split once (no XML text can hold it)


def twiml(template: str, **context) -> Response:
    """The template ``twiml/<template>`` as a text/xml response (no context processors: a webhook
    needs none of the console's, such as the signed-in user)."""
    xml = current_app.jinja_env.get_template(f"twiml/{template}").render(**context)
    return Response(xml, content_type=CONTENT_TYPE)


def twiml_around(template: str, name: str, value: str | None) -> Response:
    """``twiml(template, name=value)`` as the template's text around the escaped value: the template is
    rendered once per app, not per reply. A falsy value is rendered in full."""
    if not value:
        return twiml(template, **{name: value})
    parts = _split(template, name)
    if parts is None:  # the value is not one plain insertion (or templates reload): render it
        return twiml(template, **{name: value})
    return Response(f"{parts[0]}{escape(value)}{parts[1]}", content_type=CONTENT_TYPE)


def _split(template: str, name: str) -> tuple[str, str] | None:
    """The template rendered with a mark for ``name``, cut at the mark; None when it is not cut in two."""
    if current_app.jinja_env.auto_reload and current_app.debug:
        return None
    cache = current_app.extensions.setdefault("twiml_around", {})
    if (template, name) not in cache:
        xml = current_app.jinja_env.get_template(f"twiml/{template}").render(**{name: Markup(MARK)})
        parts = xml.split(MARK)
        cache[template, name] = (parts[0], parts[1]) if len(parts) == 2 else None
    return cache[template, name]
