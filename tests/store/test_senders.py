"""Sender state in the database: languages written many at once keep each sender's opt-out."""
from bot.store import senders


def state(store, sender, simulated=False):
    """(language, opted_out) of a sender as a worker reads what changed (None, None: no row)."""
    rows = {(r.id, r.simulated): r for r in store.read(senders.changed_since, None)}
    row = rows.get((sender, simulated))
    return (row.language, row.opted_out) if row else (None, None)


def test_languages_are_written_in_one_statement_and_keep_opt_outs(app):
    store = app.extensions["store"]
    store.write(senders.save, "a" * 64, ("en", True, False))
    store.write(senders.save_languages, {"a" * 64: "es", "b" * 64: "en"})
    store.write(senders.save_languages, {"c" * 64: "es"}, True)
    store.write(senders.save_languages, {})
    assert state(store, "a" * 64) == ("es", True)  # the language changed, the opt-out held
    assert state(store, "b" * 64) == ("en", False)
    assert state(store, "c" * 64, True) == ("es", False) and state(store, "c" * 64) == (None, None)


def test_a_change_writes_only_what_it_says(app):
    store = app.extensions["store"]
    store.write(senders.save, "d" * 64, ("es", False, True))
    store.write(senders.save, "d" * 64, (None, True, None))  # a STOP alone
    rows = {r.id: r for r in store.read(senders.changed_since, None)}
    assert (rows["d" * 64].language, rows["d" * 64].opted_out, rows["d" * 64].discreet) == ("es", True, True)
