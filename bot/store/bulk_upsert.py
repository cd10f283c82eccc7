"""Many rows in a few statements: ``INSERT ... VALUES (...), (...) ON CONFLICT ...``, written out here.

The batched writes (``pending``) send thousands of rows a second. Through SQLAlchemy's executemany
(its per-row parameter processing and its "insertmanyvalues" rewriting), a batch of 600 texts'
rows (about 1,100) took 29 ms of CPU; written out here it takes 12 ms, SQLite's own work included
(docs/bench.md, fourth pass): one SQL string per few hundred rows, each value converted by its
column's type once per distinct value (a batch's rows share their timestamp) and handed to the
driver as it is. One statement per chunk also keeps the writer from waiting for the interpreter
lock once per row (``sqlite3``'s executemany gives it up and takes it back around every row) while
a request holds it.
The SQL is the same on SQLite (3.24 and later) and PostgreSQL; only the driver's placeholder differs.
"""
from __future__ import annotations

from typing import Sequence

from sqlalchemy import Table
from sqlalchemy.orm import Session

CHUNK_ROWS = 500  # rows per statement: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters


def upsert_many(session: Session, table: Table, rows: Sequence[dict], key: Sequence[str] = (),
                add: Sequence[str] = (), replace: Sequence[str] = ()) -> None:
    """Insert ``rows`` (dicts with the same columns) into ``table``; a row whose ``key`` is already
    there adds its ``add`` columns to the stored ones and sets its ``replace`` columns, or (neither
    given) is left as it is."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    names = list(rows[0])
    convert = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    one_row = "(" + ", ".join([mark] * len(names)) + ")"
    head = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
            f"({', '.join(quote(name) for name in names)}) VALUES ")
    tail = _on_conflict(table, key, add, replace, quote)
    converted: dict = {}
    for start in range(0, len(rows), CHUNK_ROWS):
        part = rows[start:start + CHUNK_ROWS]
        values = []
        for row in part:
            for name, to_db in zip(names, convert):
                value = row[name]
                if to_db is not None and value is not None:
                    memo_key = (name, value)
                    if memo_key not in converted:
                        converted[memo_key] = to_db(value)
                    value = converted[memo_key]
                values.append(value)
        connection.exec_driver_sql(head + ", ".join([one_row] * len(part)) + tail, tuple(values))


def _on_conflict(table: Table, key: Sequence[str], add: Sequence[str], replace: Sequence[str], quote) -> str:
    """The ON CONFLICT clause: nothing done, or the ``add`` columns summed and ``replace`` columns set."""
    if not (add or replace):
        return " ON CONFLICT DO NOTHING"
    target = quote(table.name)
    sets = [f"{quote(c)} = {target}.{quote(c)} + excluded.{quote(c)}" for c in add]
    sets += [f"{quote(c)} = excluded.{quote(c)}" for c in replace]
    return f" ON CONFLICT ({', '.join(quote(c) for c in key)}) DO UPDATE SET {', '.join(sets)}"
