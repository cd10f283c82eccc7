"""bot/store/bulk_upsert.py: many rows in a few hand-written statements, read back through the ORM
exactly as SQLAlchemy's own inserts would be (timestamps compare, booleans are booleans)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.exc import IntegrityError

from bot.store import bulk_upsert
from bot.store.bulk_upsert import upsert_many
from bot.store.models import AnsweredMessage, RateWindow, Sender, UsageCount, utcnow


def answer_row(i: int, now, silent: bool = False) -> dict:
    """One answered MessageSid row."""
    return {"id": f"{i:064d}", "topics": "HOTLINE,+chest-of-hope", "language": "es", "silent": silent,
            "discreet": i % 2 == 1, "created_at": now}


def test_rows_come_back_as_the_orm_wrote_them_and_compare_by_time(app, monkeypatch):
    monkeypatch.setattr(bulk_upsert, "CHUNK_ROWS", 3)  # several statements for one batch
    store = app.extensions["store"]
    now = utcnow()
    with store.session() as session:
        upsert_many(session, AnsweredMessage.__table__, [answer_row(i, now, silent=i == 4) for i in range(7)]
                    + [answer_row(9, now - timedelta(hours=2))])  # older: compared as a time, not as text
    with store.session() as session:
        recent = session.scalars(select(AnsweredMessage).where(AnsweredMessage.created_at >= now - timedelta(seconds=1))
                                 .order_by(AnsweredMessage.id)).all()
        assert [r.id for r in recent] == [f"{i:064d}" for i in range(7)]
        assert [(r.silent, r.discreet) for r in recent[3:5]] == [(False, True), (True, False)]
        assert recent[0].topics == "HOTLINE,+chest-of-hope" and recent[0].language == "es"
        assert abs(recent[0].created_at.replace(tzinfo=now.tzinfo) - now) < timedelta(seconds=1)


def test_a_row_already_there_is_left_added_to_or_replaced(app):
    store = app.extensions["store"]
    now, today = utcnow(), date(2026, 12, 2)
    with store.session() as session:
        upsert_many(session, AnsweredMessage.__table__, [answer_row(1, now)])
        upsert_many(session, RateWindow.__table__, [{"sender": "s" * 64, "window": 7, "count": 2, "created_at": now}],
                    key=("sender", "window"), add=("count",))
        upsert_many(session, UsageCount.__table__, [{"day": today, "kind": "topic", "key": "HOTLINE", "count": 5}],
                    key=("day", "kind", "key"), add=("count",))
        upsert_many(session, Sender.__table__, [{"id": "a" * 64, "language": "en", "opted_out": True,
                                                 "discreet": True, "updated_at": now}])
    with store.session() as session:
        upsert_many(session, AnsweredMessage.__table__,
                    [{**answer_row(1, now), "topics": "DANGER"}, answer_row(2, now)])
        upsert_many(session, RateWindow.__table__, [{"sender": "s" * 64, "window": 7, "count": 3, "created_at": now},
                                                    {"sender": "s" * 64, "window": 8, "count": 1, "created_at": now}],
                    key=("sender", "window"), add=("count",))
        upsert_many(session, UsageCount.__table__, [{"day": today, "kind": "topic", "key": "HOTLINE", "count": 1}],
                    key=("day", "kind", "key"), add=("count",))
        upsert_many(session, Sender.__table__, [{"id": "a" * 64, "language": "es", "opted_out": False,
                                                 "discreet": False, "updated_at": now}],
                    key=("id",), replace=("language", "updated_at"))
    with store.session() as session:
        assert session.scalar(select(AnsweredMessage.topics).where(AnsweredMessage.id == f"{1:064d}")) == \
            "HOTLINE,+chest-of-hope"  # the first answer stands
        assert session.scalar(select(AnsweredMessage.topics).where(AnsweredMessage.id == f"{2:064d}")) == \
            "HOTLINE,+chest-of-hope"
        assert dict(session.execute(select(RateWindow.window, RateWindow.count)).all()) == {7: 5, 8: 1}
        assert session.scalar(select(UsageCount.count).where(UsageCount.day == today)) == 6
        sender = session.get(Sender, "a" * 64)
        assert (sender.language, sender.opted_out, sender.discreet) == ("es", True, True)  # only the language


def test_a_refused_row_fails_the_statement_and_writes_nothing(app):
    store = app.extensions["store"]
    now = utcnow()
    with pytest.raises(IntegrityError):
        with store.session() as session:
            upsert_many(session, AnsweredMessage.__table__,
                        [answer_row(1, now), {**answer_row(2, now), "language": None}])
    with store.session() as session:
        assert session.scalars(select(AnsweredMessage.id)).all() == []


def test_no_rows_no_statement(app):
    with app.extensions["store"].sessions() as session:
        upsert_many(session, AnsweredMessage.__table__, [])
        assert not session.in_transaction()


def test_a_table_of_one_column_and_repeated_values_are_written_as_given(app):
    """A table of one column, and values shared by many rows (each converted once), land in the
    right rows."""
    store = app.extensions["store"]
    table = Table("bulk_upsert_check", MetaData(), Column("name", String(10), primary_key=True))
    table.create(store.engine)
    try:
        with store.session() as session:
            upsert_many(session, table, [{"name": name} for name in ("bee", "ant", "cat")])
            upsert_many(session, table, [{"name": "ant"}, {"name": "dog"}])  # "ant" is there: left as it is
        with store.session() as session:
            assert session.scalars(select(table.c.name).order_by(table.c.name)).all() == ["ant", "bee", "cat", "dog"]
        now = utcnow()
        rows = [answer_row(i, now - timedelta(hours=i % 3), silent=i % 4 == 0) for i in range(10)]
        with store.session() as session:
            upsert_many(session, AnsweredMessage.__table__, rows)
        with store.session() as session:
            got = {a.id: (a.silent, a.discreet, a.created_at.replace(tzinfo=now.tzinfo)) for a in
                   session.scalars(select(AnsweredMessage))}
        assert got == {row["id"]: (row["silent"], row["discreet"], row["created_at"]) for row in rows}
    finally:
        table.drop(store.engine)
