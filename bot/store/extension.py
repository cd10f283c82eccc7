"""The database extension: engine and sessions, reads and writes bounded in time, the background
threads' lifetimes. Every database call goes through ``Store.guard`` (``breaker``): bounded in time,
and skipped while the database is held to be down. The live table (``live_table.LiveTable``) and the
senders' state (``live_senders.LiveSenders``) are the other halves: both held in memory, so a
webhook's path makes no database call (a sender's changed choice is written by its own thread).
"""
from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from flask import Flask, current_app
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .breaker import Breaker
from .engine import make_engine
from .live_senders import LiveSenders, log as senders_log
from .live_table import Check, LiveTable, log as table_log
from .outage_log import RepeatedFailure
from .pending import Pending
from .sender_memory import SenderMemory
from .snapshots import Builder, Snapshot
from .spool import Spool


ANSWERS_ROUNDS = 5  # answered MessageSids are read every this many sender rounds (a retry comes seconds later)


class Store(LiveTable, LiveSenders):
    """The database extension: ``Store(check).init_app(app)``; ``get_store()`` finds it again."""

    def __init__(self, check: Check | None = None):
        """``check``: a table's safety problems (none: only what loading checks)."""
        self.check = check or (lambda table: [])

    def init_app(self, app: Flask) -> None:
        """Connect to DATABASE_URL, make sure the table is there, build the snapshot, read the senders."""
        url = app.config["DATABASE_URL"]
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_engine = self.engine.execution_options(read_only=True)
        self.one_read_engine = self.read_engine.execution_options(single_statement=True)  # ``read``: no BEGIN
        self.data_dir = app.config["DATA_DIR"]
        self.refresh_seconds = app.config["TABLE_REFRESH_SECONDS"]
        self.train = app.config["TRAIN_NEW_MODELS"]
        self.guard = Breaker(self._ping, app.config["DATABASE_DEADLINE_SECONDS"], on_recover=self._catch_up)
        name = hashlib.sha256(url.encode()).hexdigest()[:12]  # one spool per database
        self.spool = Spool(Path(app.instance_path) / f"optout-spool-{name}.json")
        retention = timedelta(hours=app.config["RETENTION_HOURS"])
        self.memory = SenderMemory(retention, app.config["DATABASE_DEADLINE_SECONDS"],
                                   ANSWERS_ROUNDS * app.config["SENDER_REFRESH_SECONDS"])
        self.owed = {}
        self.unknown_senders = RepeatedFailure(senders_log, "sender state unknown: answering discreetly",
                                               "sender state known")
        self.unsaved_senders = RepeatedFailure(senders_log, "sender changes not saved: written when the database "
                                               "is back", "sender changes saved")
        self.pending = Pending(self.sessions, app.config["WRITE_BATCH_SECONDS"], retention, self.guard,
                               self.memory.written)
        self.sender_seconds = app.config["SENDER_REFRESH_SECONDS"]
        self.reply_limit, self.window_seconds = app.config["RATE_LIMIT"], app.config["RATE_LIMIT_SECONDS"]
        self.sender_rounds = Builder(self._sender_round, max(self.sender_seconds, 0.2), "sender-rounds")
        self.round_lock = threading.Lock()  # one sender round at a time: in the background or on a text
        self.sender_writer = ThreadPoolExecutor(1, "sender-write")  # one: a sender's changes are written in order
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.models_dir = Path(app.instance_path) / "models"  # trained models, by training data
        self.builder = Builder(self._background, max(self.refresh_seconds, 0.2))
        self.table_checks = RepeatedFailure(table_log, "could not check the resource table",
                                            "checked the resource table")
        app.extensions["store"] = self
        self.start(seed=app.config["LOAD_DATA_IF_EMPTY"])
        self._sender_round()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only transaction on a plain connection: on SQLite it takes no write lock, so it
        never waits for a writer (the hot path of every webhook)."""
        with self.read_engine.begin() as connection:
            yield connection

    def read(self, fn, *args):
        """``fn(connection, *args)``, one read-only statement (its own snapshot), bounded in time (``guard``)."""
        def run():
            with self.one_read_engine.begin() as connection:
                return fn(connection, *args)
        return self.guard.call(run)

    def write(self, fn, *args):
        """``fn(session, *args)`` in a transaction, bounded in time (``guard``)."""
        def run():
            with self.session() as session:
                return fn(session, *args)
        return self.guard.call(run)

    def healthy(self) -> bool:
        """True when the database answers now (within the deadline); False at once while it is held down."""
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and not Path(database).exists():
            return False  # SQLite would make a new, empty file
        try:
            self.guard.call(self._ping)
        except SQLAlchemyError:
            return False
        return True

    def _ping(self) -> None:
        """One round trip to the database."""
        with self.reading() as connection:
            connection.execute(text("SELECT 1"))

    def _catch_up(self) -> None:
        """The database is back: write the spooled sender changes and what is pending."""
        with self.session() as session:
            self._replay_spool(session)
        self.unsaved_senders.succeeded()
        self.pending.flush()

    def close(self) -> None:
        """Stop the background threads, write what is pending and close the connections (an app
        that is done: a test's, or a worker's at exit)."""
        self.builder.stop()
        self.sender_rounds.stop()
        self.sender_writer.shutdown(wait=True)  # each write is bounded by the guard
        self.pending.close()
        self.guard.close()
        self.engine.dispose()


def get_store() -> Store:
    """The current app's Store."""
    return current_app.extensions["store"]
