"""The SQLAlchemy engine, with the settings each database needs."""
from __future__ import annotations

from sqlalchemy import Engine, create_engine, event


POOL_TIMEOUT = 2  # seconds to wait for a pooled connection
# libpq: give up connecting after 3 s; keepalives and tcp_user_timeout notice a dead peer on the network
# (a frozen server still ACKs, which only the deadlines of ``breaker`` catch)
PG_CONNECT = {"connect_timeout": 3, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3,
              "keepalives_count": 3, "tcp_user_timeout": 10000}


def make_engine(url: str) -> Engine:
    """An engine for DATABASE_URL; a dead server fails fast instead of hanging a webhook."""
    if url.startswith("sqlite"):
        engine = create_engine(url, pool_timeout=POOL_TIMEOUT, connect_args={"timeout": 5})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, pool_timeout=POOL_TIMEOUT, connect_args=PG_CONNECT)
    return create_engine(url, pool_pre_ping=True, pool_timeout=POOL_TIMEOUT)


def _sqlite_connect(dbapi_connection, _record) -> None:
    """WAL (readers and a writer at once), a sync per checkpoint rather than per commit, foreign keys;
    and transactions begun by SQLAlchemy below, not by the driver."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """A transaction that may write takes the write lock at once, so two writers queue instead of
    failing on a read lock each wants to upgrade; a read-only one takes none and never waits; a
    read of one statement (``single_statement``) needs no BEGIN: SQLite reads it in one snapshot."""
    options = connection.get_execution_options()
    if options.get("single_statement"):
        return
    connection.exec_driver_sql("BEGIN" if options.get("read_only") else "BEGIN IMMEDIATE")
