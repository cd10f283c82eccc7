"""Fixtures: an app on a real SQLite file (or TEST_DATABASE_URL), its client and CLI runner,
and helpers that sign webhook requests with twilio's own RequestValidator."""
from __future__ import annotations

import base64
import copy
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from sqlalchemy import create_engine, make_url
from sqlalchemy import text as sql
from twilio.request_validator import RequestValidator

from bot import create_app
from bot.table.files import read_docs
from bot.store import get_store, staff

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


SETTINGS = {  # what every test app starts from, but its database
    "TESTING": True,
    "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
    "SECRET_KEY": "test-secret-key",
    "SENDER_HASH_KEY": "test-sender-hash-key",
    "TABLE_REFRESH_SECONDS": 0,  # each request sees the table's newest version
    "SENDER_REFRESH_SECONDS": 0,  # each text reads what changed since (tests/store/test_live_senders.py: in the background)
    "TRAIN_NEW_MODELS": False,  # a changed table keeps the model (tests/store/test_store.py retrains)
    "WRITE_BATCH_SECONDS": 0,  # write counts and answered MessageSids at once
    "SESSION_COOKIE_SECURE": False,  # the test client talks plain http
}


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL run (TEST_DATABASE_URL set), skip the tests that use no database, and those
    marked ``once`` (what they test does not depend on it): the SQLite run has run them."""
    if os.environ.get("TEST_DATABASE_URL"):
        once = pytest.mark.skip(reason="uses no database: run once, on SQLite")
        same = pytest.mark.skip(reason="marked once: what it tests does not depend on the database")
        for item in items:
            if not {"database_url", "seeded_database"} & set(item.fixturenames):
                item.add_marker(once)
            elif item.get_closest_marker("once"):
                item.add_marker(same)


def _server():
    """An AUTOCOMMIT engine on the TEST_DATABASE_URL server (None: tests use SQLite files)."""
    url = os.environ.get("TEST_DATABASE_URL")
    return create_engine(url, isolation_level="AUTOCOMMIT") if url else None


def empty_database(folder: Path, template: str | None = None) -> str:
    """A new database: a SQLite file in ``folder`` (a copy of ``template``'s file), or a new database
    on the TEST_DATABASE_URL server (made from ``template``; ``drop_database`` ends it)."""
    server = _server()
    if server is None:
        path = folder / f"helpline-{uuid.uuid4().hex[:8]}.db"
        if template:
            shutil.copyfile(make_url(template).database, path)
        return f"sqlite:///{path}"
    name = f"test_{uuid.uuid4().hex[:16]}"
    with server.connect() as connection:
        source = f' TEMPLATE "{make_url(template).database}"' if template else ""
        connection.execute(sql(f'CREATE DATABASE "{name}"{source}'))
    server.dispose()
    return server.url.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database ``empty_database`` made on the PostgreSQL server, even with connections a
    test left behind (a SQLite file goes with its tmp_path)."""
    server = _server()
    if server is not None:
        with server.connect() as connection:
            connection.execute(sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory):
    """A database migrated and loaded from data/ once per session (and xdist worker); tests use copies."""
    url = empty_database(tmp_path_factory.mktemp("seeded"))
    app = create_app({**SETTINGS, "DATABASE_URL": url})
    app.extensions["store"].close()
    yield url
    drop_database(url)


@pytest.fixture
def database_url(seeded_database, tmp_path):
    """A database of this test's own, migrated and loaded from data/ (a copy of the seeded one)."""
    url = empty_database(tmp_path, template=seeded_database)
    yield url
    drop_database(url)


@pytest.fixture
def empty_database_url(seeded_database, tmp_path):
    """A database of this test's own with nothing in it, not even the schema."""
    url = empty_database(tmp_path)
    yield url
    drop_database(url)


@pytest.fixture
def app_config(database_url):
    """The settings every test app starts from."""
    return {**SETTINGS, "DATABASE_URL": database_url}


@pytest.fixture(scope="session")
def pristine():
    """data/'s documents, parsed once."""
    return read_docs(DATA_DIR)


@pytest.fixture
def docs(pristine):
    """A copy of data/'s documents to change."""
    return copy.deepcopy(pristine)


@pytest.fixture
def data_copy(tmp_path):
    """A copy of data/ to edit."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


@pytest.fixture
def app(app_config):
    """The app, with data/ loaded into a fresh database."""
    app = create_app(app_config)
    yield app
    app.extensions["store"].close()  # its threads and connections end with the test


@pytest.fixture
def made():
    """Apps a test makes itself (add each to the list), closed at its end."""
    apps = []
    yield apps
    for app in apps:
        app.extensions["store"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def clear_of_a_window_edge(seconds: float, window: int = 600) -> None:
    """Wait, if need be, so that the next ``seconds`` fall in one reply-limit window (RATE_LIMIT_SECONDS):
    a test that counts replies would see the count start again at 0 in the next one."""
    left = window - time.time() % window
    if left < seconds:
        time.sleep(left + 0.5)


def sign(url: str, params: dict, token: str = AUTH_TOKEN) -> str:
    """The X-Twilio-Signature Twilio would send for ``params`` posted to ``url``."""
    return RequestValidator(token).compute_signature(url, params)


def post_signed(client, path: str, params: dict, base: str = "http://localhost"):
    """POST form ``params`` to ``path`` signed as Twilio signs it."""
    return client.post(path, data=params, headers={"X-Twilio-Signature": sign(base + path, params)})


def parse_twiml(response) -> ET.Element:
    """The response's TwiML, parsed; fails the test unless it is well-formed XML with a <Response> root."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


_sids = iter(range(10**6))


@pytest.fixture
def text(client):
    """Send a signed text; returns the reply's body, or None for an empty <Response/>."""

    def send(body: str, sender: str = "+12095550100", **extra) -> str | None:
        params = {"From": sender, "To": "+12095550000", "Body": body,
                  "MessageSid": f"SM{next(_sids):032d}", "AccountSid": "AC" + "0" * 32, **extra}
        root = parse_twiml(post_signed(client, "/sms", params))
        messages = root.findall("Message")
        assert len(messages) <= 1
        return messages[0].text if messages else None

    return send


STAFF_PASSWORD = "correct horse battery staple"


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on ``path``."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    assert match, f"no csrf_token on {path}"
    return match.group(1) or match.group(2)


def file_doc(client, name: str):
    """The console file editor's YAML of ``name``, parsed."""
    page = client.get(f"/console/files/{name}").get_data(as_text=True)
    return yaml.safe_load(html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)))


def post_file(client, name: str, doc):
    """Submit ``doc`` in the console's file editor; the preview (or refusal) page."""
    return client.post(f"/console/files/{name}", data={"text": yaml.safe_dump(doc, allow_unicode=True),
                                                       "csrf_token": csrf_token(client, f"/console/files/{name}")})


@pytest.fixture
def add_staff(app):
    """Create a console account directly in the database."""

    def create(email: str = "staff@example.org", role: str = "staff", password: str = STAFF_PASSWORD):
        with app.app_context(), get_store().session() as session:
            staff.add(session, email, password, role)
        return email

    return create


@pytest.fixture
def login(client, add_staff):
    """Sign in to the console through its form (creating the account first)."""

    def sign_in(role: str = "staff", email: str | None = None):
        email = add_staff(email or f"{role}@example.org", role)
        token = csrf_token(client, "/console/login")
        response = client.post("/console/login", data={"email": email, "password": STAFF_PASSWORD,
                                                      "csrf_token": token})
        assert response.status_code == 302, response.status_code
        return client

    return sign_in


def wait_until_up(url: str, process: subprocess.Popen, name: str, seconds: float = 60, **options) -> None:
    """Return once GET ``url`` (with requests' ``options``) answers 200; fail if ``process`` exits or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url, timeout=2, **options).status_code == 200:
                return
        except OSError:  # not listening yet, or (TLS) its certificate not written yet
            pass
        assert process.poll() is None, f"{name} exited with {process.returncode} (see its log)"
        assert time.monotonic() < deadline, f"{name} did not start"
        time.sleep(0.3)


def wait_until(condition, what: str, seconds: float = 30) -> None:
    """Return once ``condition()`` is true; fail, saying ``what`` did not happen, after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def wait_until_closed(breaker, seconds: float = 30) -> None:
    """Return once ``breaker`` (``bot.store.breaker.Breaker``) has closed again; fail after ``seconds``."""
    wait_until(lambda: not breaker.is_open, "the breaker did not close", seconds)


@pytest.fixture
def gunicorn():
    """``gunicorn(env, config=None, log=None)``: serve ``bot:create_app()`` with 2 sync workers (or as a config
    file says, given HELPLINE_BIND) on a free loopback port with these settings, its output to the file ``log``,
    once /healthz answers; its base URL. Stopped at the end of the test."""
    servers = []

    def serve(env: dict, config: Path | None = None, log: Path | None = None) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        options = ["-c", str(config)] if config else ["-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
                                                       "bot:create_app()"]
        with open(log or os.devnull, "ab") as output:
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", *options], cwd=DATA_DIR.parent, stdout=output, stderr=output,
                env={**os.environ, "HELPLINE_BIND": f"127.0.0.1:{port}", **env}))
        wait_until_up(f"http://127.0.0.1:{port}/healthz", servers[-1], "gunicorn")
        return f"http://127.0.0.1:{port}"

    yield serve
    for server in servers:
        server.terminate()
        server.wait(timeout=30)


PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
             default=Path("/usr/lib/postgresql/15/bin"))  # the newest, as .ci/start-postgres picks


def _cannot_start_postgres() -> str:
    """Why this machine cannot start a throw-away PostgreSQL ("" when it can)."""
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL binaries in {PG_BIN}"
    if os.geteuid() != 0 or not shutil.which("runuser"):
        return "starting PostgreSQL as the postgres user needs root and runuser"
    return ""


class Postgres:
    """A throw-away PostgreSQL server of one test: its URL and data folder, frozen, killed or started again."""

    def __init__(self, folder: Path):
        self.folder, self.data = folder, folder / "data"
        self.url = subprocess.run([str(DATA_DIR.parent / ".ci/start-postgres"), str(folder)], check=True,
                                  capture_output=True, text=True, timeout=120).stdout.strip()

    def freeze(self) -> None:
        """SIGSTOP the whole server: every call to it hangs."""
        signal_postgres(self.data, signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT the whole server."""
        signal_postgres(self.data, signal.SIGCONT)

    def kill(self) -> None:
        """Stop it at once, as a crash would (connections are refused from then on)."""
        self.thaw()
        self._pg_ctl("stop", "-m", "immediate")

    def start(self) -> None:
        """Start it again on the same port and data."""
        port = make_url(self.url).port
        self._pg_ctl("-l", str(self.folder / "log"), "-w", "-o", f"-h 127.0.0.1 -p {port} -k {self.folder} -F", "start")

    def _pg_ctl(self, *words: str) -> None:
        """Run pg_ctl on the data folder as the postgres user."""
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.data), *words],
                       capture_output=True, timeout=60)


@pytest.fixture
def postgres():
    """A throw-away PostgreSQL server (.ci/start-postgres, ``Postgres``); stopped afterwards."""
    reason = _cannot_start_postgres()
    if reason:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    server = Postgres(Path(tempfile.mkdtemp(prefix="throwaway-pg-")))
    try:
        yield server
    finally:
        server.kill()
        shutil.rmtree(server.folder, ignore_errors=True)


def _server_pids(data: Path) -> list[int]:
    """The postmaster and every process it started (backends, writer, checkpointer...)."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            children.append(int(stat.parent.name))
    return [postmaster, *children]


def signal_postgres(data: Path, sig: int) -> None:
    """Send ``sig`` to the whole server whose data folder is ``data``."""
    if (data / "postmaster.pid").exists():
        for pid in _server_pids(data):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass


@pytest.fixture
def local_api():
    """Serve a stand-in for a REST API (Twilio's) on 127.0.0.1: ``local_api(answer)`` gives its base
    URL. ``answer(request)`` returns (status, JSON body) for each request, a dict of its method, path,
    query, form and the Basic credentials it carried ("user:password")."""
    servers = []

    def serve(answer) -> str:
        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                auth = self.headers.get("Authorization", "Basic ").split()[-1]
                status, body = answer({"method": self.command, "path": url.path, "query": parse_qs(url.query),
                                       "form": {k: v[0] for k, v in form.items()},
                                       "auth": base64.b64decode(auth).decode()})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
