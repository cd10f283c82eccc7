"""Read the resource table's files in data/ (YAML) and build the table from them."""
from __future__ import annotations

from pathlib import Path

import yaml

from .table import Table
from .validation import FILES, DataError, Problem, build_table


def read_docs(folder: str | Path) -> dict[str, object]:
    """Parse every table file in ``folder``; a missing folder or a YAML error is a DataError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError([Problem(str(folder), "(folder)", "no such folder")])
    docs, problems = {}, []
    for name in FILES:
        path = folder / name
        try:
            docs[name] = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(Problem(name, "(file)", f"missing from {folder}"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, "(file)", f"cannot be read: {exc}"))
    if problems:
        raise DataError(problems)
    return docs


def read_table(folder: str | Path) -> Table:
    """The checked ``Table`` from the files in ``folder``."""
    return build_table(read_docs(folder))


def read_reply_tests(folder: str | Path) -> object:
    """The parsed reply_tests.yaml of ``folder`` (None when there is none)."""
    path = Path(folder) / "reply_tests.yaml"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError([Problem(path.name, "(file)", f"cannot be read: {exc}")]) from None
