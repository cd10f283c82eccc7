"""HTTP errors as a short plain-text answer (JSON for a client that asks for it), never an HTML page.

Registered per status code, so they apply inside every blueprint too; a blueprint's own
handler for a specific code or exception class still comes first. A response given with the
exception itself (``abort(Response(...))``) is sent unchanged.
"""
from __future__ import annotations

import json

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, default_exceptions


def init_app(app: Flask) -> None:
    """Answer every HTTP error (4xx and 5xx) briefly."""
    app.register_error_handler(HTTPException, brief)
    for code in default_exceptions:
        app.register_error_handler(code, brief)


def brief(error: HTTPException):
    """"403 Forbidden" and one line of explanation, keeping the error's headers (Allow, Retry-After)."""
    if error.code is None or error.code < 400 or error.response is not None:
        return error
    response: Response = error.get_response()
    if request.accept_mimetypes.best_match(["text/plain", "application/json"]) == "application/json":
        response.set_data(json.dumps({"status": error.code, "error": error.name, "message": error.description}))
        response.mimetype = "application/json"
    else:
        response.set_data(f"{error.code} {error.name}\n{error.description}\n")
        response.mimetype = "text/plain"
    return response
