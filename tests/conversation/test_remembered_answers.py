"""Answers to short texts remembered per table snapshot: the same answer as working it out, worked out
once, never for a long text, and never across tables."""
from dataclasses import replace

from bot.conversation import remembered_answers, texting
from bot.conversation.texting import SenderState


def snapshot_of(app):
    """The app's current table snapshot."""
    return app.extensions["store"].snapshot()


def test_a_short_text_is_answered_as_worked_out_and_remembered(app):
    snapshot = snapshot_of(app)
    table, understander = snapshot.table, snapshot.understander
    for text, state in (("help", SenderState()), ("ayuda", SenderState(discreet=True)), ("STOP", SenderState()),
                        ("hi", SenderState(language="es")), ("?", SenderState(opted_out=True))):
        first = remembered_answers.answer(table, understander, text, state)
        assert first == texting.answer(table, understander, text, state)
        assert remembered_answers.answer(table, understander, text, state) is first  # not worked out again
    discreet = remembered_answers.answer(table, understander, "help", SenderState(discreet=True)).body
    assert discreet != remembered_answers.answer(table, understander, "help", SenderState()).body  # the state counts


def test_a_long_text_is_kept_nowhere(app):
    snapshot = snapshot_of(app)
    story = "my boss keeps my passport and says I owe him money for the trip here"
    remembered_answers.answer(snapshot.table, snapshot.understander, story, SenderState())
    held = remembered_answers._BY_UNDERSTANDER.get(snapshot.understander, (None, {}))[1]
    assert all(story not in key for key in held)


def test_another_table_with_the_same_understander_starts_afresh(app):
    snapshot = snapshot_of(app)
    before = remembered_answers.answer(snapshot.table, snapshot.understander, "help", SenderState()).body
    key, resource = next((k, r) for k, r in snapshot.table.resources.items() if r.phone.endswith("9481911"))
    resources = {**snapshot.table.resources, key: replace(resource, phone="+12095550123")}
    table = replace(snapshot.table, resources=resources, memo={})  # a table of its own, as a load makes one
    after = remembered_answers.answer(table, snapshot.understander, "help", SenderState()).body
    assert "(209) 948-1911" in before and "(209) 555-0123" in after and "948-1911" not in after
