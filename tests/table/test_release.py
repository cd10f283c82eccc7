"""A saved table carried onto this release's data/: the staff's entries win, the release's wording stays."""
import copy

from bot.table.release import carried_over
from bot.table.load import build_table


def test_the_staffs_entries_are_carried_onto_the_release(docs):
    release = copy.deepcopy(docs)
    saved = copy.deepcopy(docs)
    helpline = next(r for r in saved["resources.yaml"] if r["key"] == "chest-of-hope-helpline")
    helpline["phone"] = "(209) 259-5553"
    del helpline["short"]  # an earlier release had no short names
    first = saved["examples.yaml"][0]
    first["topics"] = ["REPORT"]  # taught differently by staff
    saved["examples.yaml"].append({"text": "el mayordomo no nos deja salir del rancho", "lang": "es",
                                   "topics": ["DANGER"]})
    saved["messages.yaml"]["en"]["menu"] = "an earlier release's wording"
    release["examples.yaml"].append({"text": "a text only this release has", "lang": "en", "topics": []})

    merged = carried_over(saved, release)
    table = build_table(merged)
    carried = table.resources["chest-of-hope-helpline"]
    assert carried.phone == "+12092595553" and carried.short == build_table(release).resources[carried.key].short
    texts = {e.text: e.topics for e in table.examples}
    assert texts[first["text"]] == ("REPORT",) and texts["el mayordomo no nos deja salir del rancho"] == ("DANGER",)
    assert "a text only this release has" in texts
    assert merged["messages.yaml"] == release["messages.yaml"]  # wording follows the release
    assert len(table.examples) == len(release["examples.yaml"]) + 1
