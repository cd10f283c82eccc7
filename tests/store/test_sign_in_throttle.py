"""Wrong sign-ins: the waits read from the database and each worker's memory of them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.store import get_store, sign_in_throttle
from bot.store.sign_in_throttle import BY_EMAIL, KnownWaits


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_remembered_wait_counts_down_and_ends():
    clock = Clock()
    known = KnownWaits(clock=clock)
    known.remember({"a": 30, "b": 0})
    assert known.wait(["a", "b"]) == 30 and known.wait(["b"]) == 0
    clock.now += 29.5
    assert known.wait(["a"]) == 1  # whole seconds, rounded up
    clock.now += 0.5
    assert known.wait(["a", "b"]) == 0


def test_waits_that_have_all_ended_let_a_try_through():
    clock = Clock()
    known = KnownWaits(clock=clock)
    known.remember({"address": 5, "email": 30})
    clock.now += 40  # both ended 10 s and 35 s ago
    assert known.wait(["address", "email"]) == 0
    assert known.wait([]) == 0  # no keys: nothing to wait for


def test_the_slowest_key_sets_the_wait_and_a_longer_read_replaces_a_shorter():
    clock = Clock()
    known = KnownWaits(clock=clock)
    known.remember({"address": 5, "email": 20})
    assert known.wait(["address", "email"]) == 20
    known.remember({"address": 80})
    assert known.wait(["address"]) == 80 and known.wait(["nobody"]) == 0


def test_forgotten_keys_wait_no_more():
    known = KnownWaits(clock=Clock())
    known.remember({"email": 30, "address": 30})
    known.forget(["email"])
    assert known.wait(["email"]) == 0 and known.wait(["address"]) == 30


def test_memory_is_bounded_ended_waits_first_then_the_oldest():
    clock = Clock()
    known = KnownWaits(limit=3, clock=clock)
    known.remember({"short": 1, "old": 100, "older": 100})
    clock.now += 2
    known.remember({"new": 100})  # over the limit: the ended wait goes
    assert set(known.ends) == {"old", "older", "new"}
    known.remember({"newest": 100})  # still over: the oldest remembered goes
    assert set(known.ends) == {"older", "new", "newest"} and known.wait(["old"]) == 0


def test_waits_are_read_per_key_untried_keys_wait_nothing(app):
    keys = sign_in_throttle.throttle_keys(b"k", "198.51.100.7", "a@example.org")
    address, email = keys
    now = datetime.now(timezone.utc)
    with app.app_context():
        store = get_store()
        assert store.read(sign_in_throttle.waits, keys, now) == {address: 0, email: 0}
        for _ in range(BY_EMAIL.free):
            store.write(sign_in_throttle.record_failure, keys)
        waits = store.read(sign_in_throttle.waits, keys, datetime.now(timezone.utc))
    assert waits[address] == 0  # fewer than BY_ADDRESS.free failures
    assert 0 < waits[email] <= 5
    assert sign_in_throttle.wait_seconds(BY_EMAIL.free, now, now + timedelta(seconds=5), BY_EMAIL) == 0
