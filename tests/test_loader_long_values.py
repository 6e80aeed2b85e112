"""A value too long for the CSV reader is told apart from a double quote never closed.

Each test breaks a private copy of data/ (the ``data_copy`` fixture), never data/ itself.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from musk_openai.dataset import data


def _error(folder: Path) -> str:
    with pytest.raises(data.DataError) as info:
        data.load(folder)
    return str(info.value)


def test_a_quoted_value_over_the_limit_is_too_long_not_unclosed(data_copy: Path) -> None:
    path = data_copy / "events.csv"
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    path.write_text(text + 'E99,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    msg = _error(data_copy)
    assert f"events.csv, line {line}: " in msg, msg
    assert "never closed" not in msg, msg
    assert "200,000 characters" in msg and f"{csv.field_size_limit():,}" in msg, msg


def test_a_quote_never_closed_before_a_long_rest_of_file_is_unclosed(data_copy: Path) -> None:
    path = data_copy / "events.csv"
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    rest = "".join(f"E{i},a,b\n" for i in range(100, 20_000))
    path.write_text(text + 'E99,"unclosed\n' + rest, encoding="utf-8")
    msg = _error(data_copy)
    assert f"events.csv, line {line}: " in msg and "never closed" in msg, msg
    assert "too long" not in msg, msg
