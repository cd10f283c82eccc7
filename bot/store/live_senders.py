"""Sender state in each worker: held in memory (``sender_memory``), followed in the background, and
saved at once when a sender's choice changes (STOP, START, discreet), so a text is answered with no
database call on its path.

``LiveSenders`` is the sender half of ``Store`` (``extension.py``), beside ``LiveTable``. A change
waits in the spool file until the database has it, and every worker reads the spool into its memory
on each round; a change the spool cannot take (read-only or full disk) while the database cannot
either is logged once, loudly, and kept in memory until the database takes it.
"""
from __future__ import annotations

import logging
import time

from sqlalchemy.exc import SQLAlchemyError

from . import senders
from .sender_memory import Remembered

log = logging.getLogger("bot.store")
STALE_ROUNDS = 2  # a memory older than this many rounds is brought up to date before a text is answered


def _said(write) -> None:
    """Log a sender write that failed in a way it does not handle itself (it spools what the database refuses)."""
    if write.exception() is not None:
        log.error("a sender change was not written", exc_info=write.exception())


class LiveSenders:
    """What a text needs to know of its sender and its MessageSid, from memory."""

    def sender(self, sender: str, simulated: bool = False) -> Remembered | None:
        """The sender's state as this worker knows it; None when unknown (the database was not read).
        Unknown senders are logged once per outage: a sender held meanwhile says nothing of the database."""
        held = self.memory.state(sender, simulated)
        if held is None:
            self.unknown_senders.failed("the database was not read")
        elif self.memory.current:
            self.unknown_senders.succeeded()
        return held

    def answered(self, sid: str) -> dict | None:
        """The answer already given to a hashed MessageSid (this worker's pending ones first)."""
        return self.pending.answer(sid) or self.memory.answer(sid)

    def replies(self, sender: str, window: int) -> int:
        """Replies to ``sender`` in ``window`` as the database counted them when last read."""
        return self.memory.replies_in(sender, window)

    def save_sender(self, sender: str, simulated: bool, change: Remembered) -> None:
        """Hold a sender's choice at once in this worker (None fields keep what was held), and write
        it at once, off the text's path (in order, by this worker's one sender writer; in the
        request itself when batching is off, WRITE_BATCH_SECONDS 0)."""
        self.memory.apply(sender, simulated, change)
        if self.pending.flush_seconds > 0:
            try:
                self.sender_writer.submit(self._write_sender, sender, simulated, change).add_done_callback(_said)
                return
            except RuntimeError:  # the store is closing: write it here
                pass
        self._write_sender(sender, simulated, change)

    def _write_sender(self, sender: str, simulated: bool, change: Remembered) -> None:
        """Spool a sender's change first, so every worker of this machine holds it at its next round
        whatever the database does, then write it (bounded in time) and take it out of the spool;
        a change neither can take is kept in memory until the database takes it."""
        try:
            spooled = self.spool.put(sender, simulated, tuple(change))
        except OSError as exc:
            spooled, why = None, exc
        try:
            self.write(senders.save, sender, change, simulated)
        except SQLAlchemyError as exc:
            self.unsaved_senders.failed(type(exc).__name__)
            if spooled is None:
                self._owe(sender, simulated, change, why)
            return
        self.unsaved_senders.succeeded()
        self.owed.pop((sender, simulated), None)
        if spooled is not None:
            try:
                self.spool.drop(sender, simulated, spooled)
            except OSError:
                pass  # written again from the spool later: the same state

    def refresh_senders(self) -> None:
        """One round: the spool's changes into memory, what is owed written, the database's changes read."""
        for (sender, simulated), change in [*self.spool.entries_now().items(), *self.owed.items()]:
            self.memory.apply(sender, simulated, Remembered(*change))
        if self.owed and not self.guard.is_open:
            self._write_owed()
        window = int(time.time() // self.window_seconds)
        self.memory.refresh(self.read, window, self.reply_limit // 2)  # below half the limit, own counts do

    def follow_senders(self) -> None:
        """Keep the memory current before a text is read from it: a background round every
        SENDER_REFRESH_SECONDS, or (0, for tests) a round here; and a round here too when the
        memory is older than two rounds (a worker idle until now, a round that could not run)."""
        if self.sender_seconds <= 0:
            self._sender_round()
            return
        self.sender_rounds.ensure()
        if self.memory.age() > STALE_ROUNDS * self.sender_seconds and not self.guard.is_open:
            self._sender_round(older_than=STALE_ROUNDS * self.sender_seconds)

    def _sender_round(self, older_than: float = 0.0) -> None:
        """One round of following the senders, unless another one made the memory younger than
        ``older_than`` meanwhile; a database that does not answer leaves the memory as it was."""
        with self.round_lock:
            if older_than and self.memory.age() <= older_than:
                return
            try:
                self.refresh_senders()
            except SQLAlchemyError as exc:
                log.debug("could not read sender state (%s); answering from memory", type(exc).__name__)

    def _owe(self, sender: str, simulated: bool, change: Remembered, why: OSError) -> None:
        """Keep a change neither the database nor the spool took in memory, said loudly once."""
        if not self.owed:
            log.error("the spool %s cannot be written (%s): sender changes are kept in this worker's "
                      "memory until the database takes them; a restart before then loses them",
                      self.spool.path, why)
        self.owed[(sender, simulated)] = change

    def _write_owed(self) -> None:
        """Write the changes neither the database nor the spool could take before."""
        owed = dict(self.owed)
        try:
            for (sender, simulated), change in owed.items():
                self.write(senders.save, sender, change, simulated)
                self.owed.pop((sender, simulated), None)
        except SQLAlchemyError:
            return
        log.warning("wrote %d sender change(s) kept in memory", len(owed))

    def _replay_spool(self, session) -> None:
        """The database is back: write every spooled change (the spool keeps what fails)."""
        self.spool.replay(lambda sender, simulated, change: senders.save(session, sender, change, simulated))

