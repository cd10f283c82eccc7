"""Webhook benchmark: the bot against baseline apps, all under gunicorn, driven by wrk on loopback.

    .venv/bin/python bench/webhook.py [--duration 15] [--connections 16] [--workers 2] ...

Starts, on free ports of 127.0.0.1, the bot (``gunicorn 'bot:create_app()'``) on a fresh
temporary SQLite database, which it fills from data/ by itself at start-up, with a known
TWILIO_AUTH_TOKEN, and the baselines, with the same gunicorn settings (those of the README's
production command: 2 sync workers): by default bench/tutorial_app.py (a webhook as Twilio's
tutorials write one: RequestValidator, one ORM query of a keyword table, MessagingResponse) and
bench/floor_app.py (the signed floor: Flask, the form and RequestValidator, nothing else);
bench/bare_app.py (fixed TwiML, nothing checked) on request. All get the same SMS webhook traffic,
signed in advance with twilio's RequestValidator for the bot's URL (bench/traffic.py): each
request its own MessageSid, thousands of different senders, a mix of texts. Before timing, a
signed request must get a 200 with the right <Message> from the bot and a badly signed one a 403,
so the run cannot measure refusals. Then wrk warms each server up and times them in alternating
rounds (bench/requests.lua), and the script prints requests/s, p50 and p99 latency, non-2xx and
empty replies, and the ratio of the bot to each baseline against the targets. With
``--compare-app``, a second bot app runs in the same rounds and is compared with the bot round by round.

Exit status: 0 when the benchmark ran (targets met or not), 2 when it could not be set up,
130 when interrupted. Servers are stopped and temporary files removed in every case.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import traffic  # noqa: E402  (bench/traffic.py, next to this file)
import tutorial_app  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
BASELINES = {"tutorial": "tutorial_app:create_app()", "floor": "floor_app:create_app()", "bare": "bare_app:create_app()"}
TARGET_RATIO = {"tutorial": 1.3, "floor": 0.65, "bare": 0.8}  # the bot's requests/s over the baseline's, at least
TARGET_P99_MS = 20.0
READY_TIMEOUT = 60.0


class SetupError(Exception):
    """The benchmark could not be set up (exit status 2)."""


@dataclass
class Server:
    """A gunicorn server this script started."""

    name: str
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def sms_url(self) -> str:
        """The webhook URL wrk hits (and the bot's requests are signed for)."""
        return f"http://127.0.0.1:{self.port}/sms"


@dataclass
class Run:
    """The figures of one wrk run (latencies in ms; ``fields``: the raw BENCH summary)."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    fields: dict[str, float]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options, with the defaults the figures in docs/bench.md were measured with."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=40_000, help="signed requests per timed run")
    p.add_argument("--warmup-requests", type=int, default=5_000, help="signed requests for the warm-up")
    p.add_argument("--senders", type=int, default=5_000, help="different From numbers")
    p.add_argument("--duration", type=int, default=15, help="seconds of each timed run")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before each timed run")
    p.add_argument("--connections", type=int, default=16, help="wrk connections")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (the README's production command: 2)")
    p.add_argument("--rounds", type=int, default=2, help="timed runs per server, alternating; medians are shown")
    p.add_argument("--bot-app", default="bot:create_app()",
                   help="gunicorn app of the bot, e.g. a wrapper module on PYTHONPATH to try a change")
    p.add_argument("--compare-app", metavar="APP",
                   help="a second bot app (\"bot b\", e.g. the bot as it was, through a wrapper on PYTHONPATH) "
                        "timed in the same alternating rounds, on its own database: on a shared machine, two "
                        "runs an hour apart differ more than a change does")
    p.add_argument("--seed", type=int, default=5, help="seed of the generated traffic")
    p.add_argument("--py-spy", metavar="FILE", type=Path,
                   help="record the bot's workers with py-spy (wall clock, waits included) during its first "
                        "timed round into FILE (collapsed stacks) and print where the time goes")
    p.add_argument("--baselines", default="tutorial,floor", type=lambda v: [b for b in v.split(",") if b],
                   help="the apps to compare with, comma-separated: tutorial (signature check, one ORM query of a "
                        "keyword table, MessagingResponse), floor (form and signature check only), bare (nothing "
                        "checked)")
    p.add_argument("--unique-texts", action="store_true",
                   help="make every text unique (a number at its end), so the bot's remembered readings never "
                        "help: the figure for texts it has not seen")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs) and say where")
    args = p.parse_args(argv)
    if not args.baselines or set(args.baselines) - set(BASELINES):
        p.error(f"--baselines: a comma-separated choice of {', '.join(BASELINES)}")
    if min(args.requests, args.warmup_requests, args.senders, args.duration, args.connections,
           args.threads, args.workers, args.rounds) < 1:
        p.error("every count must be at least 1")
    return args


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command(app_spec: str, port: int, workers: int, *extra: str) -> list[str]:
    """The same gunicorn settings for both servers: sync workers on 127.0.0.1:port."""
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning",
            *extra, app_spec]


def start_server(name: str, command: list[str], port: int, env: dict[str, str], log: Path,
                 stack: ExitStack) -> Server:
    """Start a gunicorn server in its own session (stopped when ``stack`` closes)."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(name, proc, port, log)
    stack.callback(stop_server, server)
    return server


def stop_server(server: Server) -> None:
    """Stop gunicorn gracefully (SIGTERM), then kill its own process group if it lingers."""
    if server.proc.poll() is not None:
        return
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(server.proc.pid, signal.SIGKILL)  # the group this script created for it
        except ProcessLookupError:
            pass
        server.proc.wait(timeout=5)


def stop_process(proc: subprocess.Popen) -> None:
    """Stop a helper process this script started, if it still runs."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def log_tail(server: Server, lines: int = 30) -> str:
    """The last lines of a server's log, for error messages."""
    try:
        return "\n".join(server.log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_ready(server: Server) -> None:
    """Wait until GET /healthz answers 200; a SetupError if the server dies or never answers."""
    url = f"http://127.0.0.1:{server.port}/healthz"
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise SetupError(f"{server.name} exited with {server.proc.returncode}:\n{log_tail(server)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SetupError(f"{server.name} did not answer {url} within {READY_TIMEOUT:.0f} s:\n{log_tail(server)}")


def post(url: str, params: dict[str, str], signature: str) -> tuple[int, str, str]:
    """POST a form like Twilio does; (status, content type, body), also for 4xx/5xx."""
    request = urllib.request.Request(url, data=urlencode(params).encode(), method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode(errors="replace")


def message_text(xml: str) -> str | None:
    """The text of <Response><Message>, or None when there is none (or it is not TwiML)."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    message = root.find("Message") if root.tag == "Response" else None
    return message.text if message is not None else None


def expected_reply(body: str) -> str | None:
    """What the bot must answer a new sender's ``body``, computed in-process from data/ (None if it cannot be)."""
    try:
        from bot.conversation import texting
        from bot.store.snapshots import build
        from bot.table.files import read_table

        table = read_table(ROOT / "data")
        understander = build(table, None, None, ROOT / "instance" / "models", wait=True).understander
        return texting.answer(table, understander, body, texting.SenderState()).body
    except Exception as error:  # the bot's code is being changed: fall back to a looser check
        print(f"note: cannot compute the expected reply in-process ({type(error).__name__}: {error}); "
              f"checking only that a <Message> comes back")
        return None


def check_bot(server: Server, signed_for: str) -> None:
    """A signed "help" (signed for ``signed_for``) gets 200 and the right <Message>; a wrong signature 403."""
    rng = random.Random("check")
    params = traffic.webhook_params("+12095550199", "help", rng, traffic.sid("AC", rng))
    signature = RequestValidator(AUTH_TOKEN).compute_signature(signed_for, params)
    status, content_type, body = post(server.sms_url, params, signature)
    if status != 200 or "xml" not in content_type:
        raise SetupError(f"the bot answered a signed request with {status} {content_type!r}:\n{body[:500]}\n"
                         f"{log_tail(server)}")
    got, want = message_text(body), expected_reply("help")
    if not got or (want is not None and got != want):
        raise SetupError(f"the bot's reply to a signed 'help' is not the expected one.\n"
                         f"got:  {got!r}\nwant: {want!r}\n{log_tail(server)}")
    params["MessageSid"] = params["SmsSid"] = params["SmsMessageSid"] = traffic.sid("SM", rng)
    status, _, _ = post(server.sms_url, params, signature[::-1])
    if status != 403:
        raise SetupError(f"the bot answered a badly signed request with {status}, not 403")


def check_baseline(server: Server, signed_for: str) -> None:
    """A baseline answers a request signed as the traffic is (for ``signed_for``) with 200 and a <Message>."""
    params = {"Body": "help", "From": "+12095550100", "MessageSid": "SM" + "1" * 32}
    status, _, body = post(server.sms_url, params, RequestValidator(AUTH_TOKEN).compute_signature(signed_for, params))
    if status != 200 or not message_text(body):
        raise SetupError(f"{server.name} answered {status}:\n{body[:500]}")


def cpu_seconds(server: Server) -> float:
    """CPU seconds used so far by a server's gunicorn master and workers (0 where /proc cannot tell)."""
    pids, total = [server.proc.pid], 0.0
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1]) if entry.name.isdigit() else 0
            if parent == server.proc.pid:
                pids.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            continue
    return total


def run_wrk(url: str, requests_file: Path, seconds: int, args: argparse.Namespace,
            server: Server | None = None) -> Run:
    """One wrk run against ``url`` with the requests in ``requests_file``; its BENCH summary.

    With ``server``, the summary also holds ``cpu_ms``: the server's CPU milliseconds per request,
    which a busy neighbour on a shared machine skews far less than requests per second.
    """
    cpu_before = cpu_seconds(server) if server else 0.0
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "5s",
               "-s", str(BENCH / "requests.lua"), url, "--", str(requests_file), str(args.threads)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    line = next((l for l in done.stdout.splitlines() if l.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise SetupError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    fields = {k: float(v) for k, v in re.findall(r"(\w+)=([-\d.]+)", line)}
    if server and fields.get("requests"):
        fields["cpu_ms"] = (cpu_seconds(server) - cpu_before) * 1000 / fields["requests"]
    return Run(fields["requests"] / (fields["duration_us"] / 1e6), fields["p50_us"] / 1000,
               fields["p99_us"] / 1000, fields)


def count_log(server: Server, needle: str) -> int:
    """How many lines of the server's log contain ``needle``."""
    with open(server.log, encoding="utf-8", errors="replace") as f:
        return sum(needle in line for line in f)


def count_senders(database: Path) -> int | None:
    """How many senders the bot remembers in its database (None if it cannot be read)."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM sender").fetchone()[0]
    except sqlite3.Error:
        return None


def median_run(runs: list[Run]) -> Run:
    """Median requests/s, p50 and p99 over runs; counters summed."""
    counters = ("requests", "sent", "non2xx", "nomessage", "wrapped_threads", "err_connect", "err_read",
                "err_write", "err_status", "err_timeout")
    return Run(statistics.median(r.requests_per_s for r in runs), statistics.median(r.p50_ms for r in runs),
               statistics.median(r.p99_ms for r in runs),
               {**{k: sum(r.fields[k] for r in runs) for k in counters},
                "cpu_ms": statistics.median(r.fields.get("cpu_ms", 0.0) for r in runs)})


def revision() -> str:
    """The commit of the checkout, with "+ changes" when the work tree differs from it."""
    def git(*words: str) -> str:
        """Output of a git command in the checkout ("" if git fails)."""
        done = subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" + changes" if git("status", "--porcelain", "--", "bot", "data", "templates") else "")


def load_average() -> float:
    """The machine's 1-minute load average (0 where unknown)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def start_py_spy(server: Server, out: Path, seconds: int) -> subprocess.Popen:
    """Record the server's master and workers with py-spy for ``seconds``, idle time included."""
    exe = shutil.which("py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if not exe:
        raise SetupError("py-spy is not installed: .venv/bin/pip install py-spy")
    return subprocess.Popen([exe, "record", "--pid", str(server.proc.pid), "--subprocesses", "--idle",
                             "--rate", "200", "--duration", str(seconds), "--format", "raw", "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def summarize_stacks(path: Path, top: int = 25) -> str:
    """Share of the workers' request time spent in each function (inclusive), from collapsed stacks."""
    inclusive: dict[str, int] = {}
    total = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
            if not count.isdigit() or not any("handle_request" in frame for frame in frames):
                continue  # only samples of a worker serving a request
            total += int(count)
            for frame in set(frames):
                if "bot/" in frame or "sqlite" in frame.lower() or "do_commit" in frame or "do_execute" in frame:
                    inclusive[frame] = inclusive.get(frame, 0) + int(count)
    if not total:
        return "(no samples of a worker serving a request)"
    rows = sorted(inclusive.items(), key=lambda item: -item[1])[:top]
    return "\n".join(f"{100 * n / total:5.1f}%  {frame}" for frame, n in rows)


def socket_errors(run: Run) -> dict[str, float]:
    """wrk's socket errors of a run by kind: connect, read, write, timeout."""
    return {kind: run.fields[f"err_{kind}"] for kind in ("connect", "read", "write", "timeout")}


def report(runs: dict[str, Run], args: argparse.Namespace) -> None:
    """Print every server's figures, the bot's ratio to each baseline and the targets."""
    print(f"\n{args.connections} connections, {args.threads} wrk threads, {args.workers} sync gunicorn workers "
          f"each, {'every text unique, ' if args.unique_texts else ''}"
          f"{args.duration} s x {args.rounds} round(s) (medians), {os.cpu_count()} CPUs, "
          f"commit {revision()}, load average at start {args.load_at_start:.2f}\n")
    print(f"{'':12}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'non-2xx':>9}"
          f"{'no <Message>':>14}{'socket errors':>15}{'CPU ms/req':>12}")
    for name, run in runs.items():
        f = run.fields
        errors = sum(socket_errors(run).values())
        print(f"{name:12}{run.requests_per_s:>10.0f}{run.p50_ms:>9.1f}{run.p99_ms:>9.1f}{f['requests']:>10.0f}"
              f"{f['non2xx']:>9.0f}{f['nomessage']:>14.0f}{errors:>15.0f}{f['cpu_ms']:>12.2f}")
    for name, run in runs.items():
        kinds = socket_errors(run)
        if any(kinds.values()):  # a stall past wrk's timeout, a worker that died, a full backlog: which one
            print(f"{name} socket errors: " + ", ".join(f"{kind} {n:.0f}" for kind, n in kinds.items()))
    bot = runs["bot"]
    print()
    for name in args.baselines:
        ratio, target = bot.requests_per_s / runs[name].requests_per_s, TARGET_RATIO[name]
        cpu = (f"; {name}'s CPU per request over the bot's: {runs[name].fields['cpu_ms'] / bot.fields['cpu_ms']:.2f}"
               if bot.fields["cpu_ms"] > 0 else "")  # 0: no /proc to read it from
        print(f"ratio bot/{name}: {ratio:.2f}  (target >= {target}: {'met' if ratio >= target else 'MISSED'}{cpu})")
    print(f"bot p99: {bot.p99_ms:.1f} ms  (target <= {TARGET_P99_MS:.0f} ms at {args.connections} connections: "
          f"{'met' if bot.p99_ms <= TARGET_P99_MS else 'MISSED'})")
    if bot.fields["wrapped_threads"]:
        print(f"note: the bot's timed run used up its {args.requests} requests and sent some MessageSids "
              f"twice; raise --requests")


def paired(b: list[Run], a: list[Run]) -> str:
    """Bot b against the bot round by round (each pair ran minutes apart at most): its requests/s
    over the bot's, and its p99 minus the bot's."""
    ratios = [x.requests_per_s / y.requests_per_s for x, y in zip(b, a)]
    p99s = [x.p99_ms - y.p99_ms for x, y in zip(b, a)]
    return (f"bot b/bot, round by round: req/s x{' x'.join(f'{r:.2f}' for r in ratios)} (median "
            f"{statistics.median(ratios):.2f}); p99 {' '.join(f'{d:+.1f}' for d in p99s)} ms (median "
            f"{statistics.median(p99s):+.1f})")


def benchmark(args: argparse.Namespace, stack: ExitStack) -> None:
    """Set up the servers and the traffic, check them, warm up, time in alternating rounds, and report."""
    if not shutil.which("wrk"):
        raise SetupError("wrk is not installed: apt-get update && apt-get install -y wrk")
    args.load_at_start = load_average()  # before this script adds its own load
    if args.load_at_start > 0.5 * (os.cpu_count() or 1):
        print(f"note: load average {args.load_at_start:.2f} before starting: other work on this machine "
              f"will skew the figures")
    tmp = Path(tempfile.mkdtemp(prefix="helpline-bench-"))
    if args.keep:
        print(f"temporary folder kept: {tmp}")
    else:
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
    database = tmp / "helpline.db"
    env = {**os.environ, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "DATABASE_URL": f"sqlite:///{database}",
           "SECRET_KEY": secrets.token_hex(16), "SENDER_HASH_KEY": secrets.token_hex(16),
           "PUBLIC_BASE_URL": "", "PROXY_FIX": "0", "DATA_DIR": str(ROOT / "data"),
           "TABLE_REFRESH_SECONDS": "2"}  # set even when empty, so a developer's .env cannot change them
    bot_port = free_port()
    bot = start_server("bot", gunicorn_command(args.bot_app, bot_port, args.workers), bot_port,
                       env, tmp / "bot.log", stack)
    baseline_env = {**os.environ, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TUTORIAL_DB": str(tmp / "tutorial.db"),
                    "TUTORIAL_URL": f"http://127.0.0.1:{bot_port}/sms"}  # the URL the traffic is signed for
    tutorial_app.fill(baseline_env["TUTORIAL_DB"])
    servers = {}
    for name in args.baselines:
        port = free_port()
        servers[name] = start_server(name, gunicorn_command(BASELINES[name], port, args.workers, "--pythonpath",
                                                            str(BENCH)), port, baseline_env, tmp / f"{name}.log", stack)
    servers["bot"] = bot
    if args.compare_app:  # signed for the bot's URL too: its public URL says so
        port = free_port()
        servers["bot b"] = start_server("bot b", gunicorn_command(args.compare_app, port, args.workers), port,
                                        {**env, "DATABASE_URL": f"sqlite:///{tmp / 'helpline-b.db'}",
                                         "PUBLIC_BASE_URL": f"http://127.0.0.1:{bot_port}"}, tmp / "bot-b.log", stack)

    print(f"generating {args.rounds} x {args.requests} + {args.warmup_requests} signed requests "
          f"from {args.senders} senders ...")
    rng = random.Random(args.seed)
    senders = traffic.make_senders(args.senders, rng)
    files = [tmp / f"requests-{i}.txt" for i in range(args.rounds)]
    for path in files:
        traffic.write_requests(path, bot.sms_url, AUTH_TOKEN, args.requests, senders, rng, args.unique_texts)
    warmup_file = tmp / "warmup.txt"
    traffic.write_requests(warmup_file, bot.sms_url, AUTH_TOKEN, args.warmup_requests, senders, rng,
                           args.unique_texts)

    for name, server in servers.items():
        wait_ready(server)
        check_bot(server, bot.sms_url) if name.startswith("bot") else check_baseline(server, bot.sms_url)
    print(f"bot on {bot.sms_url} (SQLite {database.name}, data/ loaded) answered a signed 'help' "
          f"correctly and refused a bad signature; baselines: "
          + ", ".join(f"{name} on {servers[name].sms_url}" for name in args.baselines))

    for server in servers.values():
        print(f"warming up {server.name} ({args.warmup} s) ...")
        run_wrk(server.sms_url, warmup_file, args.warmup, args)
    results: dict[str, list[Run]] = {name: [] for name in servers}
    spy = None
    for i, path in enumerate(files):
        for name, server in servers.items():
            if args.py_spy and name == "bot" and i == 0:
                spy = start_py_spy(bot, args.py_spy, max(args.duration - 2, 1))
                stack.callback(stop_process, spy)
            run = run_wrk(server.sms_url, path, args.duration, args, server)
            results[name].append(run)
            print(f"round {i + 1}: {server.name:10} {run.requests_per_s:8.0f} req/s  p50 {run.p50_ms:5.1f} ms  "
                  f"p99 {run.p99_ms:5.1f} ms  CPU {run.fields.get('cpu_ms', 0):.2f} ms/request  "
                  f"non-2xx {run.fields['non2xx']:.0f}")
    report({name: median_run(runs) for name, runs in results.items()}, args)
    if "bot b" in results:
        print(paired(results["bot b"], results["bot"]))
    if spy:
        _, errors = spy.communicate(timeout=60)
        if spy.returncode != 0 or not args.py_spy.exists():
            print(f"py-spy failed ({spy.returncode}): {errors.strip()[-500:]}")
        else:
            print(f"\nwhere the bot's workers spend a request (py-spy, wall clock, {args.py_spy}):\n"
                  f"{summarize_stacks(args.py_spy)}")
    stop_server(bot)  # flush and close before reading its database and log
    print(f"bot log: {count_log(bot, 'last-resort')} last-resort replies, {count_log(bot, 'refused a webhook')} refused, "
          f"{count_log(bot, 'database unavailable')} breaker openings, {count_senders(database)} senders remembered")


def _interrupted(signum, frame) -> None:
    """SIGTERM: unwind like Ctrl-C, so the servers are stopped and the files removed."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; always stop the servers and remove temporary files."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        with ExitStack() as stack:
            benchmark(args, stack)
    except SetupError as error:
        print(f"setup failed: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; servers stopped, temporary files removed", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
