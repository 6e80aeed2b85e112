"""Malformed rows in a temporary copy of data/ give one clear error: file, line, column, fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from musk_openai.dataset import data


def _edit(folder: Path, table: str, row_id: str, column: str, value: str) -> int:
    """Set one cell of a temporary copy; return the CSV line number of the row."""
    import csv

    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    key = "source_id" if table == "sources" else "id"
    line = next(i for i, r in enumerate(rows) if r[key] == row_id) + 2
    rows[line - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return line


CASES = [
    ("bad date", "events", "E25", "date", "2023-13", "not a real calendar date"),
    ("day on a month", "events", "E25", "date", "2023-11-30", "never add a day"),
    ("impossible day", "events", "E38", "date", "2024-02-30", "not a real calendar date"),
    ("made-up day", "figures", "F01", "date", "2024-10-15", "never add a day"),
    ("negative amount", "figures", "F01", "value", "-157000000000", "positive number"),
    ("amount in words", "figures", "F03", "value", "6,6 milliards", "positive number"),
    ("unknown source", "figures", "F14", "source_id", "S099", "unknown source id"),
    ("excerpt not in text", "figures", "F04", "excerpt", "a apporté 46 millions", "verbatim"),
    (
        "wrong apostrophe",
        "events",
        "E33",
        "excerpt",
        "puis abandonnée en juin 2024 par Elon Musk, qui n’a pas",
        "verbatim",
    ),
    ("wrong bound", "figures", "F07", "bound", "exact", "moins de"),
    ("unknown bound", "figures", "F06", "bound", "roughly", "must be one of"),
    ("unknown assertor", "figures", "F05", "asserted_by", "Bloomberg", "must be one of"),
    ("duplicate id", "events", "E02", "id", "E01", "unique"),
    ("derived date without note", "events", "E06", "date_note", "", "date_note"),
    ("percent over 100", "figures", "F15", "value", "149", "between 0 and 100"),
    ("unknown figure in members", "members", "M01", "figure_id", "F99", "unknown figure id"),
    # EDTF dates (dates.py)
    ("interval ends first", "events", "E28", "date", "2024-03-28/2024-02-22", "ends before"),
    ("not EDTF", "events", "E28", "date", "22/02/2024-28/03/2024", "EDTF"),
    ("level 2 EDTF", "events", "E28", "date", "[2024-02-22,2024-02-29]", "EDTF"),
    ("interval side unreal", "events", "E28", "date", "2024-02-22/2024-02-30", "EDTF"),
    ("interval as a month", "events", "E28", "date_precision", "month", "does not match"),
    ("uncertain without note", "events", "E27", "date", "2024-03?", "uncertain (?)"),
    ("day on an interval", "figures", "F13", "date", "2019-06-15", "never add a day"),
    # claims.csv
    ("claim without claimant", "claims", "C01", "claimant", "", "needs its claimant"),
    ("unknown claimant", "claims", "C01", "claimant", "Bloomberg", "unknown claimant"),
    ("claim not verbatim", "claims", "C18", "excerpt", "OpenAI est en désaccord", "verbatim"),
    ("unknown stance", "claims", "C18", "stance", "shrugs", "must be one of"),
    ("unknown suit", "claims", "C15", "proceeding", "musk_v_apple", "must be one of"),
    ("claim date without basis", "claims", "C01", "date_basis", "none", "date_basis"),
]


#: The column an error names when it is not the one edited (a rule that ties two columns).
NAMED_COLUMN = {
    "moins de": "bound",
    "does not match": "date",
    "uncertain (?)": "date_note",
}


@pytest.mark.parametrize(
    ("table", "row_id", "column", "value", "says"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_malformed_row_is_named(
    data_copy: Path, table: str, row_id: str, column: str, value: str, says: str
) -> None:
    line = _edit(data_copy, table, row_id, column, value)
    with pytest.raises(data.DataError) as err:
        data.load(data_copy)
    msg = str(err.value)
    wanted_column = NAMED_COLUMN.get(says, column)
    assert f"{table}.csv" in msg
    assert f"line {line} " in msg, msg
    assert re.search(rf"column '{wanted_column}'", msg), msg
    assert says in msg, msg
    # One problem, one line (a duplicate id names both rows that share it).
    assert msg.count("\n  ") == (2 if says == "unique" else 1), msg


def test_several_problems_are_all_listed_in_one_error(data_copy: Path) -> None:
    _edit(data_copy, "figures", "F01", "value", "-1")
    _edit(data_copy, "figures", "F02", "unit", "EUR")
    with pytest.raises(data.DataError, match=r"2 problems") as err:
        data.load(data_copy)
    assert "line 2 (id F01), column 'value'" in str(err.value)
    assert "line 3 (id F02), column 'unit'" in str(err.value)


def test_missing_source_text(data_copy: Path) -> None:
    (data_copy / "sources" / "003_c1632105700a0d6a.txt").unlink()
    with pytest.raises(
        data.DataError, match=r"sources.csv, line 5 \(source_id S003\), column 'file'"
    ):
        data.load(data_copy)


def test_edited_source_text(data_copy: Path) -> None:
    p = data_copy / "sources" / "001_ba58808c1500e8b1.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("157 milliards", "175 milliards"), "utf-8")
    with pytest.raises(data.DataError, match=r"line 3 \(source_id S001\), column 'sha256'"):
        data.load(data_copy)


def test_malformed_csv_line(data_copy: Path) -> None:
    p = data_copy / "events.csv"
    text = p.read_text(encoding="utf-8")
    p.write_text(text + 'E99,"unclosed,quote\n', "utf-8")
    line = text.count("\n") + 1
    with pytest.raises(data.DataError, match=rf"events.csv, line {line}: .* never closed"):
        data.load(data_copy)


def test_missing_and_extra_columns(data_copy: Path) -> None:
    p = data_copy / "figures.csv"
    text = p.read_text(encoding="utf-8").replace("asserted_by", "who", 1)
    p.write_text(text, "utf-8")
    with pytest.raises(data.DataError, match=r"figures.csv has a wrong header line") as err:
        data.load(data_copy)
    assert "figures.csv: column 'asserted_by' is missing (the header must be: id," in str(err.value)
    assert "figures.csv: unexpected column 'who' (the header must be: id," in str(err.value)


def test_missing_table(data_copy: Path) -> None:
    (data_copy / "disputes.csv").unlink()
    with pytest.raises(data.DataError, match=r"disputes.csv: file not found"):
        data.load(data_copy)


def test_not_utf8(data_copy: Path) -> None:
    p = data_copy / "members.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("latin-1", errors="replace") + b"\xff")
    with pytest.raises(data.DataError, match=r"members.csv is not saved as UTF-8") as err:
        data.load(data_copy)
    assert "members.csv, line 5 (id M04), column 'excerpt': not valid UTF-8" in str(err.value)
    assert "members.csv, line 10 (id \ufffd), column 'id'" in str(err.value)
