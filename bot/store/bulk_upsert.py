"""Many rows in a few statements: ``INSERT ... VALUES (...), (...) ON CONFLICT ...``, written out here.

The batched writes (``pending``) send thousands of rows a second. Through SQLAlchemy's executemany
(its per-row parameter processing and its "insertmanyvalues" rewriting), a batch of 600 texts'
rows (about 1,100) took 29 ms of CPU; written out here it takes 12 ms, SQLite's own work included
(docs/bench.md, fourth pass): one SQL string per few hundred rows, each value converted by its
column's type once per distinct value (a batch's rows share their timestamp) and handed to the
driver as it is. One statement per chunk also keeps the writer from waiting for the interpreter
lock once per row (``sqlite3``'s executemany gives it up and takes it back around every row) while
a request holds it.

The values are gathered column by column, each column's distinct values converted once and put
in place by ``map``, not value by value with a test and a look-up each: the interpreter lock this
thread holds meanwhile is time a request of the same worker waits for (docs/bench.md, fifth pass).

The SQL is the same on SQLite (3.24 and later) and PostgreSQL; only the driver's placeholder differs.
"""
from __future__ import annotations

from itertools import chain
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
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    one_row = "(" + ", ".join([mark] * len(names)) + ")"
    head = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
            f"({', '.join(quote(name) for name in names)}) VALUES ")
    tail = _on_conflict(table, key, add, replace, quote)
    to_db = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    columns = [_converted([row[name] for row in rows], convert) for name, convert in zip(names, to_db)]
    values = list(chain.from_iterable(zip(*columns)))  # row after row, as the statement lists them
    width = len(names)
    for start in range(0, len(rows), CHUNK_ROWS):
        part = values[start * width:(start + CHUNK_ROWS) * width]
        connection.exec_driver_sql(head + ", ".join([one_row] * (len(part) // width)) + tail, tuple(part))


def _converted(column: list, to_db) -> list:
    """A column's values as the driver takes them: each distinct value converted once by the column
    type's ``to_db`` (None: taken as it is); None stays None."""
    if to_db is None:
        return column
    distinct = {value: to_db(value) for value in set(column) if value is not None}
    return list(map(distinct.get, column))


def _on_conflict(table: Table, key: Sequence[str], add: Sequence[str], replace: Sequence[str], quote) -> str:
    """The ON CONFLICT clause: nothing done, or the ``add`` columns summed and ``replace`` columns set."""
    if not (add or replace):
        return " ON CONFLICT DO NOTHING"
    target = quote(table.name)
    sets = [f"{quote(c)} = {target}.{quote(c)} + excluded.{quote(c)}" for c in add]
    sets += [f"{quote(c)} = excluded.{quote(c)}" for c in replace]
    return f" ON CONFLICT ({', '.join(quote(c) for c in key)}) DO UPDATE SET {', '.join(sets)}"
