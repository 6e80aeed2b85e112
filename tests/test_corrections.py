"""The corrections log: no cell of the dataset differs from the last release (2.0.0) without a
correction row saying so, and every correction is the change it says it is.

The released 2.0.0 tables are copied in tests/data_2_0_0/ (from git commit 3bf0635), so that this
test needs no git. A row added since is logged as ``added`` (its cells are the table's); a row
removed as ``removed``; a changed cell as ``edited``, with its old and new value.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from musk_openai.dataset import data, loading
from musk_openai.paths import data_dir

RELEASED = Path(__file__).parent / "data_2_0_0"
TABLES = loading.CORRECTED_TABLES


def _rows(folder: Path, table: str) -> dict[str, dict[str, str]]:
    key = loading.ID_COLUMN.get(table, "id")
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return {r[key]: r for r in csv.DictReader(f)}


def _log(folder: Path) -> list[dict[str, str]]:
    with (folder / "corrections.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _unlogged(folder: Path) -> list[str]:
    """Every difference from 2.0.0 that the corrections log does not account for, and every
    correction that is not the difference it claims."""
    log = _log(folder)
    problems = []
    for table in TABLES:
        old, new = _rows(RELEASED, table), _rows(folder, table)
        mine = [c for c in log if c["table"] == table]
        added = {c["row_id"] for c in mine if c["change"] == "added"}
        removed = {c["row_id"] for c in mine if c["change"] == "removed"}
        edits = {(c["row_id"], c["field"]): c for c in mine if c["change"] == "edited"}
        for rid in set(new) - set(old) - added:
            problems.append(f"{table} {rid}: new row, not logged as added")
        for rid in set(old) - set(new) - removed:
            problems.append(f"{table} {rid}: row removed, not logged as removed")
        for rid in (added & set(old)) | (removed & set(new)):
            problems.append(f"{table} {rid}: logged as added or removed, but it is not")
        for rid in set(old) & set(new):
            for col, was in old[rid].items():
                now = new[rid][col]
                c = edits.pop((rid, col), None)
                if c is None and now != was:
                    problems.append(f"{table} {rid} {col}: changed without a correction")
                elif c is not None and (c["old_value"], c["new_value"]) != (was, now):
                    problems.append(f"{table} {rid} {col}: the correction is not the change")
        problems += [f"{table} {rid} {col}: correction of a row not in 2.0.0" for rid, col in edits]
    return problems


def test_every_change_since_2_0_0_is_a_correction() -> None:
    assert _unlogged(data_dir()) == []


def test_the_log_is_complete_per_row() -> None:
    log = _log(data_dir())
    assert [c["correction_id"] for c in log] == [f"K{i:03d}" for i in range(1, len(log) + 1)]
    assert {c["dataset_version"] for c in log} == {"2.1.0"}
    for c in log:
        assert c["reason"].strip(), c["correction_id"]
        # A reason quotes the French words that justify it.
        assert "«" in c["reason"], c["correction_id"]
    edited = [(c["table"], c["row_id"], c["field"]) for c in log if c["change"] == "edited"]
    assert len(edited) == len(set(edited)), "one row per changed cell"


def test_released_copy_is_2_0_0() -> None:
    """tests/data_2_0_0 holds the six tables of 2.0.0: 17 figures, 49 events, 39 claims, 8
    members, 7 disputes, 5 sources."""
    counts = {t: len(_rows(RELEASED, t)) for t in TABLES}
    assert counts == {
        "sources": 5, "figures": 17, "events": 49, "members": 8, "claims": 39, "disputes": 7,
    }  # fmt: skip


def _edit(folder: Path, table: str, old: str, new: str) -> None:
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unlogged_change_fails(data_copy: Path) -> None:
    _edit(data_copy, "figures", "Valorisation précédente", "Valorisation antérieure")
    assert _unlogged(data_copy) == ["figures F02 label_fr: changed without a correction"]


def test_a_wrong_correction_fails(data_copy: Path) -> None:
    _edit(data_copy, "events", "Musk cesse de financer OpenAI (en 2019 ou après)", "Musk arrête")
    assert "events E39 label_fr: the correction is not the change" in _unlogged(data_copy)
    # The loader refuses it too: the logged new value is not the cell's value.
    with pytest.raises(data.DataError, match=r"corrections\.csv, line \d+ \(correction_id K\d+\)"):
        data.load(data_copy)


def test_loader_refuses_a_correction_of_a_missing_row(data_copy: Path) -> None:
    path = data_copy / "corrections.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "K999,figures,F99,label_fr,edited,a,b,« x »,2.1.0\n",
        encoding="utf-8",
    )
    with pytest.raises(
        data.DataError, match=r"\(correction_id K999\), column 'row_id': no row F99"
    ):
        data.load(data_copy)


def test_dataset_is_2_1_0(ds: data.Dataset) -> None:
    assert ds.version == "2.1.0"
    assert len(ds.corrections) == len(_log(data_dir()))
    citation = (data_dir().parent / "CITATION.cff").read_text(encoding="utf-8")
    assert "\nversion: 2.1.0\n" in citation
    assert "## 2.1.0" in (data_dir().parent / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_public_record_is_apart_cited_twice_and_settles_real_rows(ds: data.Dataset) -> None:
    """data/record.csv: facts from outside the five articles, each with two references from two
    publishers, each naming press rows about the same fact; the press tables hold none of it."""
    record = ds.record
    assert len(record) >= 3
    hosts = record["ref1_url"].str.extract(r"https://([^/]+)")[0]
    assert (hosts != record["ref2_url"].str.extract(r"https://([^/]+)")[0]).all()
    assert (record["ref1_publisher"] != record["ref2_publisher"]).all()
    filed = record[(record["fact"] == "lawsuit_filed") & (record["date"] != "")]
    assert list(filed["date"]) == ["2024-02-29"]
    # the press rows keep their own dates: S001's month stays March, with its note
    e27 = ds.events.set_index("id").loc["E27"]
    assert e27["date"] == "2024-03" and "R01" in e27["note"] and "contradicts" in e27["note"]
    for table in (ds.figures, ds.events, ds.claims):
        assert not table["excerpt"].str.contains("29 février|Feb. 29").any()


def test_a_record_row_that_settles_another_fact_or_one_publisher_twice_is_refused(
    data_copy: Path,
) -> None:
    path = data_copy / "record.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",E33,", ",E27,", 1), encoding="utf-8")
    with pytest.raises(data.DataError, match=r"column 'settles': 'E27': its subject is"):
        data.load(data_copy)
    lines = text.splitlines(keepends=True)
    r03 = next(i for i, line in enumerate(lines) if line.startswith("R03,"))
    reuters = "https://www.staradvertiser.com/2024/06/11/breaking-news/"
    lines[r03] = lines[r03].replace(reuters, "https://cryptoslate.com/", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(data.DataError, match="two publishers"):
        data.load(data_copy)
