"""Answered MessageSids and per-sender reply counts: both hashed, both expiring."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import AnsweredMessage, RateWindow, utcnow


def answered(session: Session, sid: str) -> AnsweredMessage | None:
    """The earlier answer to this (hashed) MessageSid, if any."""
    return session.get(AnsweredMessage, sid)


def remember_answer(session: Session, sid: str, topics: tuple[str, ...], language: str, silent: bool) -> None:
    """Keep what the answer to ``sid`` was made of; a concurrent retry that got there first wins."""
    try:
        with session.begin_nested():
            session.add(AnsweredMessage(id=sid, topics=",".join(topics), language=language, silent=silent))
    except IntegrityError:
        pass


def take_reply(session: Session, sender: str, limit: int, seconds: int, now: float | None = None) -> bool:
    """Count one reply for ``sender`` in the current window; False once past ``limit`` in it."""
    window = int((now or time.time()) // seconds)
    bump = (update(RateWindow).where(RateWindow.sender == sender, RateWindow.window == window)
            .values(count=RateWindow.count + 1))
    if session.execute(bump).rowcount == 0:
        try:
            with session.begin_nested():
                session.add(RateWindow(sender=sender, window=window, count=1))
            return True
        except IntegrityError:  # another instance counted the first one
            session.execute(bump)
    return session.get(RateWindow, (sender, window), populate_existing=True).count <= limit


def purge(session: Session, older_than: timedelta, now: datetime | None = None) -> None:
    """Forget answered MessageSids and reply counts older than ``older_than``."""
    cutoff = (now or utcnow()) - older_than
    session.execute(delete(AnsweredMessage).where(AnsweredMessage.created_at < cutoff))
    session.execute(delete(RateWindow).where(RateWindow.created_at < cutoff))
