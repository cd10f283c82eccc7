"""bot/console/numbers.py: every phone number in a console page sits in one span that never wraps,
changed characters still marked inside it, and the text around it escaped."""
from bot.console.numbers import unbroken, unbroken_pieces


def test_each_number_in_a_text_is_one_span():
    html = str(unbroken("Call (209) 948-1911 or (888) 373-7888 <now>. In danger? Call 911."))
    assert html == ('Call <span class="number">(209) 948-1911</span> or <span class="number">(888) 373-7888</span> '
                    '&lt;now&gt;. In danger? Call 911.')


def test_a_marked_digit_stays_inside_its_number():
    old = (("Chest of Hope (209) 259-555", False), ("2", True), (", any time", False))
    assert str(unbroken_pieces(old)) == ('Chest of Hope <span class="number">(209) 259-555<mark>2</mark></span>'
                                         ', any time')


def test_a_changed_piece_that_spans_a_number_and_words_is_cut_at_its_edge():
    pieces = (("Text ", False), ("(209) 259-5553 now", True))
    assert str(unbroken_pieces(pieces)) == ('Text <span class="number"><mark>(209) 259-5553</mark></span>'
                                            '<mark> now</mark>')


def test_text_without_a_number_is_only_escaped():
    assert str(unbroken_pieces((("a & b", True), ("<c>", False)))) == "<mark>a &amp; b</mark>&lt;c&gt;"
