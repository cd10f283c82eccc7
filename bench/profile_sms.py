"""Where one /sms request's time goes: the bot and the bare app in-process, with a profile of the bot.

    .venv/bin/python bench/profile_sms.py [--requests 3000]
    .venv/bin/pip install pyinstrument   # optional: a call tree instead of cProfile's table

Sends the benchmark's signed traffic (bench/traffic.py) through Flask's test client, one
process, no HTTP server and no load generator, on a fresh temporary SQLite database: the cost
of the bot's own work per request, free of the noise of a shared machine. Prints the best
milliseconds per request (wall and CPU) over several batches for the bot and the bare app,
then profiles one more batch of the bot.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import bare_app  # noqa: E402
import traffic  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from bot import create_app  # noqa: E402

TOKEN = "bench-auth-token-0123456789abcdef"
URL = "http://localhost/sms"  # what the test client's requests look like to the app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=3000, help="requests per batch")
    p.add_argument("--batches", type=int, default=3, help="timed batches per app (the best is shown)")
    p.add_argument("--senders", type=int, default=5000, help="different From numbers")
    p.add_argument("--seed", type=int, default=5, help="seed of the generated traffic")
    return p.parse_args(argv)


def batches(count: int, size: int, senders: int, seed: int) -> list[list[tuple[str, str]]]:
    """``count`` batches of ``size`` (url-encoded body, signature) pairs, every MessageSid new."""
    rng = random.Random(seed)
    numbers = traffic.make_senders(senders, rng)
    bodies, weights = traffic.weighted_bodies()
    validator = RequestValidator(TOKEN)
    account_sid = traffic.sid("AC", rng)
    result = []
    for _ in range(count):
        batch = []
        for body in rng.choices(bodies, weights, k=size):
            params = traffic.webhook_params(rng.choice(numbers), body, rng, account_sid)
            batch.append((urlencode(params), validator.compute_signature(URL, params)))
        result.append(batch)
    return result


class BreakerOpenings(logging.Handler):
    """Counts the bot's breaker openings (its database deadline passed) during the run."""

    def __init__(self):
        """None yet."""
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """One more opening."""
        self.count += "database unavailable" in record.getMessage()


def send(client, batch: list[tuple[str, str]]) -> tuple[float, float]:
    """Post every request of ``batch``; (wall ms, CPU ms) per request. Anything but 200 is an error."""
    wall, cpu = time.perf_counter(), time.process_time()
    for data, signature in batch:
        response = client.post("/sms", data=data, content_type="application/x-www-form-urlencoded",
                               headers={"X-Twilio-Signature": signature})
        if response.status_code != 200:
            raise SystemExit(f"/sms answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    return ((time.perf_counter() - wall) * 1000 / len(batch), (time.process_time() - cpu) * 1000 / len(batch))


def profile(client, batch: list[tuple[str, str]]) -> str:
    """The profile of one batch: pyinstrument's call tree if installed, else cProfile's top entries."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        profiler = cProfile.Profile()
        profiler.runcall(send, client, batch)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        return out.getvalue()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    send(client, batch)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False)


def main(argv: list[str] | None = None) -> int:
    """Time the bot and the bare app, then profile the bot."""
    args = parse_args(argv)
    work = batches(args.batches + 2, args.requests, args.senders, args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="helpline-profile-"))
    try:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp / 'helpline.db'}", "TWILIO_AUTH_TOKEN": TOKEN,
                          "SECRET_KEY": "bench", "SENDER_HASH_KEY": "bench", "PUBLIC_BASE_URL": "",
                          "PROXY_FIX": 0})
        logging.getLogger().setLevel(logging.WARNING)  # one INFO line per request would swamp the output
        bot, bare = app.test_client(), bare_app.create_app().test_client()
        send(bot, work[0][:300])  # warm up
        send(bare, work[0][:300])
        openings = BreakerOpenings()
        logging.getLogger("bot.store.breaker").addHandler(openings)
        for name, client in (("bot", bot), ("bare Flask", bare)):
            runs = [send(client, batch) for batch in work[1:-1]]
            wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
            print(f"{name:10} {wall:7.3f} ms/request wall, {cpu:7.3f} ms CPU (best of {len(runs)} x {args.requests})")
        print(f"\nprofile of the bot, {args.requests} requests (INFO logging off):\n")
        print(profile(bot, work[-1]))
        if openings.count:
            print(f"the bot's breaker opened {openings.count} time(s) during the run (a profiler can slow its "
                  "background work past the database deadline): part of the profile is the outage path")
        app.extensions["store"].close()  # its threads done before the database goes
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
