"""Limits on the table's files: size and YAML aliases, with clear messages, in load-data and the console."""
import pytest

from bot.table.files import MAX_FILE_BYTES, TooLarge, UnreadableValue, parse_yaml, read_docs
from bot.table.load import DataError
from conftest import csrf_token

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))


def test_aliases_are_refused():
    with pytest.raises(TooLarge, match="alias"):
        parse_yaml(BOMB, "topics.yaml")


def test_an_oversized_file_is_refused_before_it_is_parsed(data_copy):
    text = (data_copy / "topics.yaml").read_text()
    # broken YAML past the limit: refused for its size, so the parser never read it
    (data_copy / "topics.yaml").write_text(text + "\n".join(f"- [broken {i:08d}" for i in range(250_000)))
    with pytest.raises(DataError, match="topics.yaml: \\(file\\): is .* KB; it may have at most"):
        read_docs(data_copy)


def test_a_file_at_the_limit_is_parsed(data_copy):
    text = (data_copy / "topics.yaml").read_text()
    padded = text + "#" * (MAX_FILE_BYTES - len(text.encode()) - 1) + "\n"
    assert len(padded.encode()) == MAX_FILE_BYTES
    assert parse_yaml(padded, "topics.yaml") == parse_yaml(text, "topics.yaml")


def test_load_data_refuses_an_alias_bomb(runner, data_copy):
    (data_copy / "menu.yaml").write_text(BOMB)
    result = runner.invoke(args=["load-data", str(data_copy), "--yes"])
    assert result.exit_code == 1 and "uses a YAML alias" in result.output


def test_the_console_refuses_a_bomb_and_a_huge_file_with_the_reason(login):
    client = login("admin")
    token = csrf_token(client, "/console/files/topics.yaml")
    response = client.post("/console/files/topics.yaml", data={"text": BOMB, "csrf_token": token})
    assert response.status_code == 413 and len(response.data) < 200_000
    assert "uses a YAML alias" in response.get_data(as_text=True)
    big = "# x\n" * (MAX_FILE_BYTES // 4 + 10)
    response = client.post("/console/files/topics.yaml", data={"text": big, "csrf_token": token})
    assert response.status_code == 413 and "at most 128 KB" in response.get_data(as_text=True)
    huge = client.post("/console/files/topics.yaml", data={"text": "x" * 2_000_000, "csrf_token": token})
    assert huge.status_code == 413  # over the console's body limit


def test_a_number_of_100000_digits_is_a_clear_problem(tmp_path):
    import shutil

    from bot.table.files import UnreadableValue
    from conftest import DATA_DIR
    with pytest.raises(UnreadableValue, match="thousands of digits"):
        parse_yaml("fallback: " + "9" * 100_000, "menu.yaml")
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    (folder / "menu.yaml").write_text((folder / "menu.yaml").read_text() + "\nlimit: " + "9" * 100_000 + "\n")
    with pytest.raises(DataError, match="menu.yaml: \\(file\\): cannot be read: a number in menu.yaml has thousands"):
        read_docs(folder)


def test_an_impossible_date_is_said_as_such_not_as_a_long_number():
    with pytest.raises(UnreadableValue) as refused:
        parse_yaml("last_verified: 2024-02-30\n", "resources.yaml")
    assert "digits" not in str(refused.value) and "resources.yaml" in str(refused.value)
