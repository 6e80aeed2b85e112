"""A value too long for the CSV reader is told apart from a double quote never closed.

Each test breaks a private copy of data/ (the ``data_copy`` fixture), never data/ itself.
"""

from __future__ import annotations

import csv
import sys
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
    assert "200,000 characters" in msg and "the limit is 131,072" in msg, msg


def test_the_limit_does_not_depend_on_what_else_the_process_imported(data_copy: Path) -> None:
    """sqlite-utils raises the csv module's limit to the maximum when imported: the loader reads
    with its own limit all the same, and leaves the process's limit as it found it."""
    path = data_copy / "events.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + 'E99,"' + "x" * 200_000 + '"\n', encoding="utf-8"
    )
    before = csv.field_size_limit(sys.maxsize)
    try:
        assert "200,000 characters" in _error(data_copy)
        assert csv.field_size_limit() == sys.maxsize
    finally:
        csv.field_size_limit(before)


def test_a_quote_never_closed_before_a_long_rest_of_file_is_unclosed(data_copy: Path) -> None:
    path = data_copy / "events.csv"
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    rest = "".join(f"E{i},a,b\n" for i in range(100, 20_000))
    path.write_text(text + 'E99,"unclosed\n' + rest, encoding="utf-8")
    msg = _error(data_copy)
    assert f"events.csv, line {line}: " in msg and "never closed" in msg, msg
    assert "too long" not in msg, msg
