"""GET /healthz: readiness. 200 when the database answers, 503 when it does not.

It is a readiness check, not liveness: with the database down the bot still answers
texts and calls from the table in memory, so do not restart the app on a 503.
"""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..store import get_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """{"status": "ok", "database": "ok"} or 503 with "database": "down"."""
    try:
        with get_store().reading() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return {"status": "degraded", "database": "down"}, 503
    return {"status": "ok", "database": "ok"}
