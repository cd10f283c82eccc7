"""``flask evaluate``: labelled texts answered as first texts on /sms, scored; dev.yaml must pass."""
import json
from pathlib import Path

import pytest
import yaml

from bot.conversation.segments import segments

REPO = Path(__file__).resolve().parents[2]
DEV = REPO.parent / "shared" / "texts" / "dev.yaml"
BUDGET = {"en": 3, "es": 5}  # segments of any reply


def run(runner, path, *flags):
    result = runner.invoke(args=["evaluate", str(path), *flags])
    assert result.exit_code == 0, result.output
    return result.output


def test_scoring_rule(runner, tmp_path):
    path = tmp_path / "texts.yaml"
    path.write_text(yaml.safe_dump([
        {"text": "I need a shelter tonight", "lang": "en", "topics": ["HOUSING"]},
        {"text": "I need a shelter tonight", "lang": "es", "topics": ["HOUSING"]},  # wrong language
        {"text": "I need a shelter tonight", "lang": "en", "topics": ["HOUSING"], "not": ["HOUSING"]},
        {"text": "hola", "lang": "es", "topics": []},
    ]))
    lines = [json.loads(line) for line in run(runner, path, "--json").splitlines()]
    assert [line["text"] for line in lines[:-1]] == ["I need a shelter tonight"] * 3 + ["hola"]
    assert "HOUSING" in lines[0]["topics"] and len(lines[0]["topics"]) <= 2 and lines[0]["language"] == "en"
    summary = lines[-1]
    assert summary["right"] == 2 and summary["texts"] == 4 and summary["language_accuracy"] == 0.75
    report = run(runner, path)
    assert "right: 2/4 = 50.0%" in report and "wrong (2):" in report and "HOUSING" in report


def test_json_replies_are_what_sms_sends(runner, text, tmp_path):
    texts = ["mi jefe tiene mi pasaporte", "he has a gun", "es anonimo esto?", "?", "chest of hope info"]
    path = tmp_path / "texts.yaml"
    path.write_text(yaml.safe_dump([{"text": t, "lang": "en", "topics": []} for t in texts]))
    lines = [json.loads(line) for line in run(runner, path, "--json").splitlines()[:-1]]
    for i, (sent, line) in enumerate(zip(texts, lines)):
        assert line["reply"] == text(sent, sender=f"+1209555{i:04d}")  # a new sender each
        assert segments(line["reply"]) <= BUDGET[line["language"]]


def test_a_bad_file_is_refused(runner, tmp_path):
    path = tmp_path / "texts.yaml"
    path.write_text("- {lang: en}\n")
    result = runner.invoke(args=["evaluate", str(path)])
    assert result.exit_code != 0 and "needs text and lang" in result.output


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} is absent (the shared texts sit beside the repository)")
def test_dev_texts_are_understood(runner):
    lines = run(runner, DEV, "--json").splitlines()
    summary = json.loads(lines[-1])
    assert summary["texts"] == len(yaml.safe_load(DEV.read_text()))
    assert summary["share_right"] >= 0.85, summary
    assert summary["danger_recall"] >= 0.95, summary
    for line in map(json.loads, lines[:-1]):
        assert segments(line["reply"]) <= BUDGET[line["language"]], line
