"""A changed number loses its verification; the others keep theirs."""
import copy
from datetime import date

from bot.table.load import build_table
from bot.table.verification import clear_renumbered


def verified(docs):
    docs = copy.deepcopy(docs)
    for r in docs["resources.yaml"]:
        r["last_verified"], r["verified_by"] = date(2026, 11, 27), "staff"
    return docs


def test_a_new_number_clears_only_its_verification(docs):
    old = build_table(verified(docs))
    new_docs = verified(docs)
    hotline = next(r for r in new_docs["resources.yaml"] if r["key"] == "national-hotline")
    hotline["phone"] = "(888) 373-7889"
    new, keys = clear_renumbered(old, build_table(new_docs))
    assert keys == ["national-hotline"]
    assert new.resources["national-hotline"].last_verified is None
    assert new.resources["national-hotline"].verified_by is None
    assert all(r.last_verified == date(2026, 11, 27) for k, r in new.resources.items() if k != "national-hotline")


def test_a_new_number_with_a_new_date_keeps_it(docs):
    old = build_table(verified(docs))
    new_docs = verified(docs)
    hotline = next(r for r in new_docs["resources.yaml"] if r["key"] == "national-hotline")
    hotline.update(phone="(888) 373-7889", last_verified=date(2026, 11, 28))
    new, keys = clear_renumbered(old, build_table(new_docs))
    assert keys == [] and new.resources["national-hotline"].last_verified == date(2026, 11, 28)


def test_a_new_text_number_clears_it_too(docs):
    old = build_table(verified(docs))
    new_docs = verified(docs)
    hotline = next(r for r in new_docs["resources.yaml"] if r.get("text"))
    hotline["text"] = "(209) 948-1911"
    _, keys = clear_renumbered(old, build_table(new_docs))
    assert keys == [hotline["key"]]
