"""GET /healthz: readiness. 200 when the database answers, 503 when it does not.

It is a readiness check, not liveness: with the database down the bot still answers
texts and calls from the table in memory, so do not restart the app on a 503.
"""
from __future__ import annotations

from flask import Blueprint

from ..store import get_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """{"status": "ok", "database": "ok"} or 503 with "database": "down" (answered within the
    database deadline; at once while the database is held to be down)."""
    if not get_store().healthy():
        return {"status": "degraded", "database": "down"}, 503
    return {"status": "ok", "database": "ok"}
