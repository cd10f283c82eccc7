"""The numbers /metrics serves (Prometheus): what was answered, how fast, and how the database is.

Only counts and states: never a number, a hash of one or a message body. Labels take values from
a closed set (a URL rule, a status, a topic or language or line of the table). Several gunicorn
workers add up when PROMETHEUS_MULTIPROC_DIR names an empty folder set before the app starts
(prometheus_client's multiprocess mode; ``web/metrics.py`` reads every worker's files).
"""
from __future__ import annotations

import atexit
import os

from prometheus_client import Counter, Gauge, Histogram, multiprocess

WEBHOOKS = Counter("helpline_webhook_requests", "Webhook requests answered, by URL rule and HTTP status "
                   "(rule /sms, status 200: texts answered; /voice, 200: calls answered)", ["rule", "status"])
LATENCY = Histogram("helpline_webhook_seconds", "Time to answer a webhook request, by URL rule", ["rule"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
TOPICS = Counter("helpline_replies_by_topic", "Replies to real texts, by topic (unmatched: no topic)", ["topic"])
LANGUAGES = Counter("helpline_replies_by_language", "Replies to real texts, by language", ["language"])
CALLS = Counter("helpline_calls_started", "Real calls that reached the menu")
CONNECTED = Counter("helpline_calls_connected", "Calls connected to a line, by the line's key", ["line"])
DATABASE_FAILURES = Counter("helpline_database_failures", "Database calls that failed or ran past the deadline",
                            ["kind"])
DATABASE_SKIPPED = Counter("helpline_database_skipped", "Database calls not made: the database was held to be down")
DATABASE_DOWN = Gauge("helpline_database_down", "1 while a worker holds the database to be down (breaker open)",
                      multiprocess_mode="livemax")
SPOOL = Gauge("helpline_spool_senders", "Sender changes waiting in the spool file for the database",
              multiprocess_mode="livemax")
TABLE_VERSION = Gauge("helpline_table_version", "The resource table version answered from (0: data/, "
                      "the database did not answer); across workers the oldest", multiprocess_mode="livemin")

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # a process that ends takes its gauges with it (a command's too)
    atexit.register(lambda: multiprocess.mark_process_dead(os.getpid()))


_labelled: dict[tuple, object] = {}  # (metric, label values) -> the metric's child; the label sets are closed


def labelled(metric, *values: str):
    """``metric.labels(*values)``, looked up once per label values (``labels`` takes a lock and checks
    its arguments on every call, and every text counts several)."""
    child = _labelled.get((metric, values))
    if child is None:
        child = _labelled[metric, values] = metric.labels(*values)
    return child


def usage(kind: str, keys: tuple[str, ...]) -> None:
    """Count a usage of real traffic (``store.pending``'s kinds) in the metrics that show it."""
    if kind == "topic":
        for key in keys:
            labelled(TOPICS, key).inc()
    elif kind == "unmatched":
        labelled(TOPICS, "unmatched").inc()
    elif kind == "language":
        for key in keys:
            labelled(LANGUAGES, key).inc()
    elif kind == "call":
        CALLS.inc()
    elif kind == "connected":
        for key in keys:
            labelled(CONNECTED, key).inc()
