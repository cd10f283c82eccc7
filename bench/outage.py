"""Texts while things go wrong, against gunicorn (2 sync workers): how long each text takes.

    python bench/outage.py freeze   # a throw-away PostgreSQL frozen with SIGSTOP, then resumed (root)
    python bench/outage.py flood    # 300 wrong sign-ins from 100 threads (SQLite)
    python bench/outage.py soak [SECONDS]  # wrk on a throw-away PostgreSQL, 2 workers (root; default 60 s)

Prints the slowest and median text during the trouble, and for ``freeze`` how long the bot took
to find the database again after SIGCONT; for ``soak``, how often the two workers' batched writes
met each other (deadlocks and serialization failures, each tried again) and how often a breaker
opened. Every text is signed as Twilio signs it. What each sender chose holding on both workers
through a frozen and a killed database is a test: tests/store/test_outage_across_workers.py.
"""
from __future__ import annotations

import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN, BASE = "bench-token", "http://127.0.0.1:18766"


def serve(database_url: str, log: Path | None = None) -> subprocess.Popen:
    """gunicorn with 2 sync workers on BASE, once /healthz answers (its log to ``log``, if given)."""
    env = {**os.environ, "DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": TOKEN, "SECRET_KEY": "bench",
           "SENDER_HASH_KEY": "bench", "SESSION_COOKIE_SECURE": "0", "PUBLIC_BASE_URL": "", "PROXY_FIX": "0"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", BASE[7:], "bot:create_app()"],
                              cwd=ROOT, env=env, stderr=open(log, "wb") if log else subprocess.DEVNULL)
    for _ in range(200):
        try:
            if requests.get(f"{BASE}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def text(body: str, sender: str, n: int) -> float:
    """Seconds to answer one signed text (a reply without 911 is an error)."""
    params = {"From": sender, "Body": body, "MessageSid": f"SM{n:032d}"}
    began = time.monotonic()
    r = requests.post(f"{BASE}/sms", data=params, timeout=60,
                      headers={"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(f"{BASE}/sms", params)})
    if r.status_code != 200 or ("<Message>" in r.text and "911" not in r.text):
        raise SystemExit(f"bad answer: {r.status_code} {r.text[:200]}")
    return time.monotonic() - began


def report(name: str, took: list[float]) -> None:
    print(f"{name}: {len(took)} texts, median {statistics.median(took):.2f} s, slowest {max(took):.2f} s")


def start_postgres() -> tuple[Path, str]:
    """A throw-away PostgreSQL server (.ci/start-postgres): its folder and URL."""
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    url = subprocess.run([str(ROOT / ".ci/start-postgres"), str(folder)], check=True, capture_output=True,
                         text=True).stdout.strip()
    return folder, url


def stop_postgres(folder: Path) -> None:
    """Stop the throw-away server at once."""
    subprocess.run(["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D",
                    str(folder / "data"), "stop", "-m", "immediate"], capture_output=True)


def freeze() -> None:
    """SIGSTOP every PostgreSQL process, text from 10 senders at once, SIGCONT, wait for /healthz."""
    folder, url = start_postgres()
    server = serve(url)
    try:
        postmaster = int((folder / "data/postmaster.pid").read_text().split()[0])
        pids = [postmaster] + [int(p.parent.name) for p in Path("/proc").glob("[0-9]*/stat")
                               if _parent(p) == postmaster]
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        with ThreadPoolExecutor(10) as pool:
            took = list(pool.map(lambda i: text("STOP" if i % 3 == 0 else "help", f"+1209555{i % 10:04d}", i), range(60)))
        report("PostgreSQL frozen", took)
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
        began = time.monotonic()
        while requests.get(f"{BASE}/healthz", timeout=10).status_code != 200:
            time.sleep(0.2)
        print(f"found the database again {time.monotonic() - began:.1f} s after SIGCONT")
    finally:
        server.terminate()
        server.wait()
        stop_postgres(folder)


def soak(seconds: int = 60) -> None:
    """wrk at 16 connections for ``seconds`` against 2 workers on PostgreSQL, 5,000 senders: how often
    their batched writes met (each tried again) and how often a breaker opened."""
    sys.path.insert(0, str(ROOT / "bench"))
    import traffic
    folder, url = start_postgres()
    log = folder / "gunicorn.log"
    server = serve(url, log)
    try:
        rng = random.Random(18)
        requests_file = folder / "requests.txt"
        traffic.write_requests(requests_file, f"{BASE}/sms", TOKEN, 400 * seconds, traffic.make_senders(5000, rng), rng)
        done = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "5s", "-s",
                               str(ROOT / "bench/requests.lua"), f"{BASE}/sms", "--", str(requests_file), "2"],
                              capture_output=True, text=True, timeout=seconds + 120)
        summary = next((line for line in done.stdout.splitlines() if line.startswith("BENCH ")), done.stdout[-500:])
        print(f"wrk: {summary}")
    finally:
        server.terminate()
        server.wait()
        stop_postgres(folder)
    lines = log.read_text(errors="replace").splitlines()
    met = sum("met another worker's write" in line for line in lines)
    unwritten = sum("not written" in line for line in lines)
    opened = sum("database unavailable" in line for line in lines)
    print(f"{seconds} s soak, 2 workers: {met} batch(es) met another worker's write and were tried again, "
          f"{unwritten} not written, breaker opened {opened} time(s)")


def flood() -> None:
    """100 threads each try 3 wrong sign-ins (with the form's CSRF token) while one texter texts."""
    folder = Path(tempfile.mkdtemp(prefix="bench-flood-"))
    server = serve(f"sqlite:///{folder / 'helpline.db'}")
    took, stop = [], threading.Event()

    def attack(i: int) -> None:
        with requests.Session() as s:
            for j in range(3):
                page = s.get(f"{BASE}/console/login", timeout=60).text
                token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
                s.post(f"{BASE}/console/login", timeout=60,
                       data={"email": f"u{i}-{j}@example.org", "password": "wrong guess", "csrf_token": token})

    def texter() -> None:
        n = 10**6
        while not stop.is_set():
            took.append(text("help", "+12095550150", n))
            n += 1
            time.sleep(0.05)

    try:
        texting = threading.Thread(target=texter)
        texting.start()
        with ThreadPoolExecutor(100) as pool:
            list(pool.map(attack, range(100)))
        stop.set()
        texting.join()
        report("300 wrong sign-ins", took)
    finally:
        server.terminate()
        server.wait()


def _parent(stat: Path) -> int:
    """The parent pid in /proc/PID/stat (0 when unreadable)."""
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


if __name__ == "__main__":
    modes = {"freeze": freeze, "flood": flood, "soak": soak}
    mode = sys.argv[1] if len(sys.argv) > 1 else "freeze"
    if mode not in modes or not all(arg.isdigit() for arg in sys.argv[2:]):
        sys.exit("usage:\n" + __doc__.split("\n\n")[1])
    modes[mode](*map(int, sys.argv[2:]))
