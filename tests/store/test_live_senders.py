"""Sender state held by each worker: a STOP reaches every worker within 2 s, an outage keeps what each
worker knew (spooled changes too), and two workers' batches never take each other for a dead database."""
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy.exc import OperationalError

from bot import create_app
from bot.store.breaker import Breaker, is_conflict
from bot.store.models import utcnow
from bot.store.pending import Pending
from bot.store.sender_memory import Remembered, SenderMemory
from conftest import parse_twiml, post_signed, wait_until, wait_until_closed

WATCHED, PLAIN, STOPPED = "+12095550101", "+12095550102", "+12095550103"


def send(client, sender, body):
    """The reply's text to ``body`` from ``sender`` (None: an empty response)."""
    message = parse_twiml(post_signed(client, "/sms", {"From": sender, "Body": body})).find("Message")
    return None if message is None else message.text


def plain(reply: str) -> bool:
    """True when a reply names the subject (what a discreet reply never does)."""
    return "traffick" in reply.lower()


def test_a_stop_reaches_another_worker_within_two_seconds(app_config):
    one = create_app({**app_config, "SENDER_REFRESH_SECONDS": 0.5})
    two = create_app({**app_config, "SENDER_REFRESH_SECONDS": 0.5})
    try:
        assert send(two.test_client(), STOPPED, "help") is not None
        assert send(one.test_client(), STOPPED, "STOP") is None
        assert send(one.test_client(), STOPPED, "help") is None  # at once on the worker that got it
        wait_until(lambda: send(two.test_client(), STOPPED, "help") is None,
                   "the other worker still answers an opted-out sender after 2 s", seconds=2.0)
    finally:
        one.extensions["store"].close()
        two.extensions["store"].close()


def test_a_worker_idle_for_a_while_reads_the_changes_before_its_next_text(app_config):
    one = create_app({**app_config, "SENDER_REFRESH_SECONDS": 30})  # no background round in this test's time
    two = create_app({**app_config, "SENDER_REFRESH_SECONDS": 30})
    try:
        assert send(one.test_client(), STOPPED, "STOP") is None
        assert send(two.test_client(), STOPPED, "help") is not None  # two read the senders at start, before the STOP
        two.extensions["store"].memory.read_at -= 61  # then nothing for two rounds
        assert send(two.test_client(), STOPPED, "help") is None
    finally:
        one.extensions["store"].close()
        two.extensions["store"].close()


def test_an_outage_keeps_what_each_worker_knew(app_config):
    one, two = create_app(app_config), create_app(app_config)
    first, second = one.test_client(), two.test_client()
    assert send(first, WATCHED, "my husband checks my phone") is not None
    assert send(first, STOPPED, "STOP") is None
    assert plain(send(second, PLAIN, "is this human trafficking?"))
    send(second, WATCHED, "hi")  # the second worker has read both choices
    for app in (one, two):
        app.extensions["store"].close()  # every database call now fails at once

    for client in (first, second):
        assert not plain(send(client, WATCHED, "what is human trafficking"))  # still discreet
        assert send(client, STOPPED, "help") is None  # still silent
        # a sender held as nothing but new cannot be told from one never seen: the safe default
        assert not plain(send(client, "+12095550199", "what is human trafficking"))

    assert send(first, PLAIN, "QUIET") is not None  # a choice made during the outage is spooled...
    assert not plain(send(second, PLAIN, "what is human trafficking"))  # ...and read by the other worker
    assert send(second, "+12095550104", "STOP") is None
    assert send(first, "+12095550104", "help") is None

    restarted = create_app(app_config)  # the database is back for a new worker: it writes the spool
    try:
        assert restarted.extensions["store"].spool.entries_now() == {}
        assert send(second, PLAIN, "hi") is not None and not plain(send(second, PLAIN, "what is human trafficking"))
        assert send(second, "+12095550104", "help") is None  # the emptied spool took nothing from it
        assert send(restarted.test_client(), "+12095550104", "help") is None
        assert not plain(send(restarted.test_client(), PLAIN, "what is human trafficking"))
    finally:
        restarted.extensions["store"].close()


def test_a_start_or_normal_during_an_outage_holds_though_the_worker_did_not_know_the_sender(app_config):
    one, two = create_app(app_config), create_app(app_config)
    try:
        send(two.test_client(), WATCHED, "hi")  # two has read the senders: nobody has chosen anything yet
        assert send(one.test_client(), STOPPED, "STOP") is None
        assert not plain(send(one.test_client(), WATCHED, "QUIET"))
        for app in (one, two):
            app.extensions["store"].close()  # every database call now fails at once
        assert send(two.test_client(), STOPPED, "START") is not None  # two never held the opt-out
        assert send(two.test_client(), WATCHED, "NORMAL") is not None  # nor the discreet choice
        assert send(one.test_client(), STOPPED, "help") is not None  # one read both from the spool
        assert plain(send(one.test_client(), WATCHED, "what is human trafficking"))
    finally:
        for app in (one, two):
            app.extensions["store"].spool.path.unlink(missing_ok=True)


def test_unknown_senders_during_an_outage_are_logged_once_not_per_text(app_config, caplog):
    app = create_app(app_config)
    client = app.test_client()
    app.extensions["store"].close()  # every database call now fails at once
    for i in range(20):
        assert not plain(send(client, f"+1209555{i:04d}", "what is human trafficking"))
    said = [r for r in caplog.records if "sender state unknown" in r.getMessage()]
    assert len(said) == 1


def test_senders_held_during_an_outage_do_not_log_it_over_as_ended(app_config, caplog):
    app = create_app(app_config)
    client = app.test_client()
    assert not plain(send(client, WATCHED, "QUIET"))  # held from now on: a discreet sender
    app.extensions["store"].close()  # every database call now fails at once
    for i in range(10):
        assert not plain(send(client, WATCHED, "what is human trafficking"))
        assert not plain(send(client, f"+1209555{i:04d}", "what is human trafficking"))
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("sender state")]
    assert len(said) == 1 and said[0].startswith("sender state unknown"), said


def test_the_end_of_an_outage_is_logged_once_the_senders_are_read_again(app, caplog):
    store, client = app.extensions["store"], app.test_client()
    assert not plain(send(client, WATCHED, "QUIET"))
    store.guard.trip("a test")  # open until its probe, a second from now, finds the database
    for sender in (PLAIN, WATCHED, PLAIN):
        assert not plain(send(client, sender, "what is human trafficking"))
    wait_until_closed(store.guard)
    assert plain(send(client, PLAIN, "what is human trafficking"))
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("sender state")]
    assert len(said) == 2, said
    assert said[0].startswith("sender state unknown") and said[1].startswith("sender state known again, after 2 ")


def test_sender_changes_during_an_outage_are_logged_once_and_hold_after_it(app, caplog):
    store, client = app.extensions["store"], app.test_client()
    stopped = [f"+1209555{i:04d}" for i in range(5)]
    store.guard.trip("a test")  # open until its probe, a second from now, finds the database
    for sender in stopped:
        assert send(client, sender, "STOP") is None

    def said() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.getMessage().startswith("sender changes")]

    # the breaker closes first, then catches up (replays the spool) on its probe's thread
    wait_until(lambda: len(said()) > 1, "the spooled changes were not written")
    lines = said()
    assert len(lines) == 2, lines
    assert lines[0].startswith("sender changes not saved") and lines[1].startswith("sender changes saved again, after 5 ")
    assert not store.spool.entries_now()  # written: from now on only the database tells another worker
    other = create_app(app.config)
    assert all(send(other.test_client(), sender, "help") is None for sender in stopped)
    other.extensions["store"].close()


def conflict() -> OperationalError:
    """The error PostgreSQL gives one of two deadlocked writers."""
    orig = type("DeadlockDetected", (Exception,), {"sqlstate": "40P01"})("deadlock detected")
    return OperationalError("UPDATE rate_window ...", {}, orig)


def test_a_deadlock_is_tried_again_not_taken_for_a_dead_database(app):
    store = app.extensions["store"]
    breaker = Breaker(lambda: None, deadline=2)
    tries = []

    def write(*_):
        tries.append(1)
        if len(tries) == 1:
            raise conflict()
        Pending._write(pending, *_)

    pending = Pending(store.sessions, 0, timedelta(hours=1), breaker)
    pending._write = write
    pending.replies[("a" * 64, 1)] += 1
    pending.flush()
    assert len(tries) == 2 and not breaker.is_open and not pending.replies
    assert is_conflict(conflict()) and not is_conflict(OperationalError("SELECT 1", {}, Exception("gone")))
    pending.close()
    breaker.close()


def test_memory_holds_only_senders_who_differ_from_a_new_one(app):
    store = app.extensions["store"]
    client = app.test_client()
    for i in range(10):
        send(client, f"+1209555{i:04d}", "hello")  # English, the default: nothing to hold
    send(client, "+12095559999", "hola necesito ayuda")
    store.refresh_senders()
    assert [state.language for state in store.memory.states.values()] == ["es"]


def test_a_row_read_before_a_change_made_here_does_not_undo_it():
    """A refresh whose read began before this worker's STOP was written keeps the STOP."""
    memory, now = SenderMemory(timedelta(hours=1)), utcnow()
    memory.apply("a" * 64, False, Remembered(None, True, None))

    def read(rows):
        return lambda fn, *args: {"read_at": utcnow(), "senders": rows, "answers": [], "replies": {}}

    row = SimpleNamespace(id="a" * 64, simulated=False, language="es", opted_out=False, discreet=False)
    memory.refresh(read([SimpleNamespace(**vars(row), updated_at=now - timedelta(seconds=1))]), None)
    assert memory.state("a" * 64) == Remembered(None, True, False)
    memory.refresh(read([SimpleNamespace(**vars(row), updated_at=now + timedelta(seconds=1))]), None)  # a START later
    assert memory.state("a" * 64) == Remembered("es", False, False)


def test_a_change_sets_only_what_it_says():
    """A STOP during an outage (or an older spool's opt-out) keeps a sender discreet."""
    memory = SenderMemory(timedelta(hours=1))
    memory.apply("a" * 64, False, Remembered("es", None, True))
    memory.apply("a" * 64, False, Remembered(None, True, None))
    assert memory.state("a" * 64) == Remembered("es", True, True)
    memory.apply("a" * 64, False, Remembered(None, False, False))
    assert memory.state("a" * 64) == Remembered("es", False, False)



def test_answers_are_forgotten_after_the_retention_in_one_pass_now_and_then():
    """An answered MessageSid is held for the retention, and forgotten once the oldest held is a
    little (PURGE_SLACK of the retention) past it, with every other one that old; not one pass over
    every answer held per round."""
    memory, start = SenderMemory(timedelta(hours=1)), utcnow()

    def read(answers, at):
        return lambda fn, *args: {"read_at": at, "senders": [], "answers": answers, "replies": {}}

    memory.refresh(read([("old", "HOTLINE", "en", False, False)], start), None, now=start)
    later = start + timedelta(minutes=30)
    memory.refresh(read([("new", "HOTLINE", "es", False, True)], later), None, now=later)
    memory.refresh(read([], later), None, now=start + timedelta(hours=1, minutes=1))  # within the slack
    assert memory.answer("old") is not None
    memory.refresh(read([], later), None, now=start + timedelta(hours=1, minutes=3))
    assert memory.answer("old") is None
    assert memory.answer("new")["language"] == "es"
    memory.refresh(read([], later), None, now=later + timedelta(hours=1, minutes=3))
    assert memory.answer("new") is None

def test_a_retried_message_gets_the_same_answer_from_another_worker(app_config):
    one, two = create_app(app_config), create_app(app_config)
    try:
        params = {"From": PLAIN, "Body": "where can i sleep tonight", "MessageSid": "SM" + "7" * 32}
        first = parse_twiml(post_signed(one.test_client(), "/sms", params)).find("Message").text
        again = parse_twiml(post_signed(two.test_client(), "/sms", {**params, "Body": "help"})).find("Message").text
        assert again == first
    finally:
        one.extensions["store"].close()
        two.extensions["store"].close()
