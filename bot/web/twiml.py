"""Render TwiML templates from templates/twiml/ as XML responses."""
from __future__ import annotations

from flask import Response, current_app


def twiml(template: str, **context) -> Response:
    """The template ``twiml/<template>`` as a text/xml response (no context processors: a webhook
    needs none of the console's, such as the signed-in user)."""
    xml = current_app.jinja_env.get_template(f"twiml/{template}").render(**context)
    return Response(xml, mimetype="text/xml")
