"""The bot with its own clock on: where a worker's time goes under load, request by request.

Serve it in place of the bot to see what makes the benchmark's tail:

    PYTHONPATH=bench TIMED_BOT_DIR=/tmp/timed .venv/bin/python bench/webhook.py \\
        --rounds 1 --baselines floor --bot-app 'timed_bot:create_app()'
    .venv/bin/python bench/timed_bot.py /tmp/timed

Each worker writes, every 2 s, to TIMED_BOT_DIR/<pid>.json: each request's time in the app (wall and
CPU), and each piece of background work (a batched write and its statements, a sender round and its
reads, a sender change written, the table check, a garbage collection) with when it began and how
long it took. The summary covers the last 15 s (a timed round): the requests' time in the app, the
time between two requests (gunicorn's own work, and any wait for the interpreter lock), and what
ran in the background meanwhile. For measuring only: it patches the store's functions.
"""
from __future__ import annotations

import gc
import importlib
import json
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

DEFAULT_DIR = "/tmp/timed-bot"  # where the timings go without TIMED_BOT_DIR
TIMED = {  # (module, attribute) -> label; functions that run in the background threads
    ("bot.store.pending", "Pending.flush"): "batched write",
    ("bot.store.pending", "Pending._write"): "  its statements",
    ("bot.store.live_senders", "LiveSenders._sender_round"): "sender round",
    ("bot.store.sender_memory", "_changes"): "  its reads",
    ("bot.store.live_senders", "LiveSenders._write_sender"): "sender change written",
    ("bot.store.extension", "Store._background"): "table check",
}


def create_app():
    """The bot's app, with its requests and background work timed into TIMED_BOT_DIR."""
    events: list[tuple] = []
    for (module_name, path), label in TIMED.items():
        owner = importlib.import_module(module_name)
        *outer, name = path.split(".")
        owner = getattr(owner, outer[0]) if outer else owner
        setattr(owner, name, _timed(getattr(owner, name), label, events))
    gc.callbacks.append(_gc_timer(events))
    from bot import create_app as create_bot
    app = create_bot()
    requests: list[tuple] = []
    folder = Path(os.environ.get("TIMED_BOT_DIR", DEFAULT_DIR))
    folder.mkdir(parents=True, exist_ok=True)
    inner, started = app.wsgi_app, {}

    def timed_app(environ, start_response):
        """The bot's WSGI app, timed; the first request of a worker starts its writer."""
        if started.get("pid") != os.getpid():
            started["pid"] = os.getpid()
            requests.clear()  # what the master did before the fork is not this worker's
            events.clear()
            threading.Thread(target=_write_every, args=(folder, requests, events), daemon=True).start()
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return inner(environ, start_response)
        finally:
            requests.append((wall, time.perf_counter() - wall, time.thread_time() - cpu))

    app.wsgi_app = timed_app
    return app


def _timed(fn, label: str, events: list):
    """``fn`` noting (label, began, wall seconds, CPU seconds of its thread) in ``events``."""
    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            events.append((label, wall, time.perf_counter() - wall, time.thread_time() - cpu))
    return timed


def _gc_timer(events: list):
    """A gc callback noting each collection (wall time only) in ``events``."""
    began = {}

    def callback(phase, info):
        """Note the start, then the whole collection."""
        if phase == "start":
            began["at"] = time.perf_counter()
        elif "at" in began:
            events.append((f"gc of generation {info['generation']}", began["at"],
                           time.perf_counter() - began["at"], 0.0))
    return callback


def _write_every(folder: Path, requests: list, events: list) -> None:
    """Write this worker's timings every 2 s."""
    while True:
        time.sleep(2)
        (folder / f"{os.getpid()}.json").write_text(json.dumps({"requests": requests, "events": events}))


def summarize(folder: Path, seconds: float = 15.0) -> str:
    """Per worker: the requests' time in the app and between them, and the background work, over
    the last ``seconds``."""
    out = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        requests = sorted(data["requests"])
        if len(requests) < 2:
            continue
        since = requests[-1][0] - seconds
        requests = [r for r in requests if r[0] >= since]
        between = [b[0] - (a[0] + a[1]) for a, b in zip(requests, requests[1:])]
        out.append(f"worker {path.stem}: {len(requests)} requests in the last {seconds:g} s")
        out.append("  in the app, wall " + _quantiles([r[1] for r in requests]))
        out.append("  in the app, CPU  " + _quantiles([r[2] for r in requests]))
        out.append("  between requests " + _quantiles(between))
        work = defaultdict(list)
        for label, began, wall, cpu in data["events"]:
            if began >= since:
                work[label].append((wall, cpu))
        order = list(TIMED.values())
        for label in sorted(work, key=lambda k: (order.index(k) if k in order else len(order), k)):
            walls = sorted(w for w, _ in work[label])
            out.append(f"  {label:<26} {len(walls):>5} x  wall median {walls[len(walls) // 2] * 1000:6.1f} ms, "
                       f"slowest {walls[-1] * 1000:6.1f} ms; CPU in all {sum(c for _, c in work[label]) * 1000:6.0f} ms")
    return "\n".join(out) or f"no timings in {folder}"


def _quantiles(seconds: list[float]) -> str:
    """p50, p99, p99.9 and the largest, in ms."""
    values = sorted(seconds)
    at = lambda q: values[min(len(values) - 1, int(q * len(values)))] * 1000  # noqa: E731
    return f"p50 {at(0.5):5.2f}  p99 {at(0.99):5.2f}  p99.9 {at(0.999):6.2f}  max {values[-1] * 1000:6.1f} ms"


if __name__ == "__main__":
    print(summarize(Path(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR)))
