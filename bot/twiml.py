"""Render TwiML templates from templates/twiml/ as XML responses."""
from __future__ import annotations

from flask import Response, render_template


def twiml(template: str, **context) -> Response:
    """The template ``twiml/<template>`` as a text/xml response."""
    return Response(render_template(f"twiml/{template}", **context), mimetype="text/xml")
