"""GET /metrics: counts and states in Prometheus' text format (``bot/metrics.py``), for a bearer of
METRICS_TOKEN only (404 while it is unset); and each webhook request counted and timed.

With PROMETHEUS_MULTIPROC_DIR set, the answer adds up every gunicorn worker's files, whichever
worker is asked; without it, it is the answering process's own numbers.
"""
from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from .. import metrics

bp = Blueprint("metrics", __name__)
WEBHOOKS = ("sms", "voice")  # the blueprints whose requests are counted and timed
STARTED = "helpline.started"  # the request's start time, in its WSGI environ


def init_app(app: Flask) -> None:
    """Serve /metrics and count every webhook request."""
    app.register_blueprint(bp)
    app.before_request(_start)
    app.after_request(_count)


@bp.get("/metrics")
def scrape():
    """The metrics, to a request bearing METRICS_TOKEN (compared in constant time); else 404 or 401."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response("a bearer token is required\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'},
                        mimetype="text/plain")
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def _registry():
    """Every worker's metrics in multiprocess mode, else this process's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def _start() -> None:
    """Note when a webhook request began."""
    if request.blueprint in WEBHOOKS:
        request.environ[STARTED] = time.perf_counter()


def _count(response):
    """Count the webhook request by URL rule and status, and time it."""
    started = request.environ.get(STARTED)
    if started is not None and request.url_rule is not None:
        rule = request.url_rule.rule
        metrics.labelled(metrics.WEBHOOKS, rule, str(response.status_code)).inc()
        metrics.labelled(metrics.LATENCY, rule).observe(time.perf_counter() - started)
    return response
