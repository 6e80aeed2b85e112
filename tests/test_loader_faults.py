"""Every malformed input gives one DataError a journalist can act on, and the cache runs no code.

Each test breaks a private copy of data/ (the ``data_copy`` fixture), never data/ itself.
"""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from musk_openai import files, paths
from musk_openai.dataset import cache, data, loading

FIGURES_HEADER = (
    "id,subject,kind,payer,payee,value,unit,bound,date,date_precision,date_basis,date_note,"
    "asserted_by,source_id,excerpt,label_fr,label_en,note"
)
MEMBERS_HEADER = "id,figure_id,member,role,source_id,excerpt,note"


def _replace(folder: Path, table: str, old: str, new: str) -> None:
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _bytes(folder: Path, table: str, edit: Callable[[bytes], bytes]) -> None:
    path = folder / f"{table}.csv"
    path.write_bytes(edit(path.read_bytes()))


def _header_only(folder: Path, table: str) -> None:
    _bytes(folder, table, lambda b: b.split(b"\n")[0] + b"\n")


def _error(folder: Path | None = None) -> str:
    with pytest.raises(data.DataError) as err:
        data.load(folder)
    return str(err.value)


# Finding 1: impossible dates are DataErrors naming file, line, column and value -------------

BAD_DATES = [
    ("events", "E01,openai_founded,founding,2015,", "0000", "year", 2, "date"),
    ("figures", ",2024-10,month,stated,« En", "0000", "year", 2, "date"),
    ("sources", ",fr,2024-10,month,", "0000", "year", 3, "date_published"),
    ("sources", ",fr,2024-10,month,", "2024-02-30", "day", 3, "date_published"),
    ("sources", ",fr,2024-10,month,", "2024-13", "month", 3, "date_published"),
]


@pytest.mark.parametrize(
    ("table", "old", "bad", "precision", "line", "column"),
    BAD_DATES,
    ids=["events 0000", "figures 0000", "sources 0000", "sources 2024-02-30", "sources 2024-13"],
)
def test_impossible_date_is_a_data_error(
    data_copy: Path, table: str, old: str, bad: str, precision: str, line: int, column: str
) -> None:
    new = (
        old.replace("2015,", f"{bad},")
        if table == "events"
        else old.replace("2024-10,month", f"{bad},{precision}")
    )
    _replace(data_copy, table, old, new)
    msg = _error(data_copy)
    assert f"{table}.csv, line {line} (" in msg, msg
    assert f"column '{column}': not a real calendar date" in msg, msg
    assert f"(found: '{bad}')" in msg, msg


def test_date_in_other_digits_is_refused(data_copy: Path) -> None:
    # "\d" also matches Arabic-Indic digits: the date must be written with 0-9.
    _replace(data_copy, "events", "E01,openai_founded,founding,2015,", "E01,x,founding,٢٠١٥,")
    msg = _error(data_copy)
    assert "events.csv, line 2 (id E01), column 'date'" in msg, msg


# Finding 2: cross-table rules are the loader's, not only the tests' --------------------------


def test_empty_disputes_table_is_refused(data_copy: Path) -> None:
    _header_only(data_copy, "disputes")
    msg = _error(data_copy)
    assert msg.startswith(f"{data_copy / 'disputes.csv'}: the table is empty"), msg
    assert "at least one row" in msg, msg


def test_dispute_with_one_version_is_refused(data_copy: Path) -> None:
    path = data_copy / "disputes.csv"
    path.write_text(path.read_text(encoding="utf-8") + "musk_refund_demand,figures,value,q,q,n\n")
    msg = _error(data_copy)
    assert "disputes.csv, line 7 (subject musk_refund_demand), column 'subject'" in msg, msg
    assert "a dispute needs at least two versions" in msg, msg
    assert "found 1: F" in msg, msg


def test_dispute_versions_from_one_voice_in_one_source_are_refused(data_copy: Path) -> None:
    # A second row for musk_refund_demand, told by the same voice in the same article.
    path = data_copy / "figures.csv"
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (row,) = [r for r in rows if ",musk_refund_demand," in r]
    path.write_text("".join(rows) + "F99" + row[3:], encoding="utf-8")
    path = data_copy / "disputes.csv"
    path.write_text(path.read_text(encoding="utf-8") + "musk_refund_demand,figures,value,q,q,n\n")
    msg = _error(data_copy)
    assert "disputes.csv, line 7 (subject musk_refund_demand), column 'subject'" in msg, msg
    assert "different sources or voices" in msg, msg


def test_dispute_without_note_is_refused(data_copy: Path) -> None:
    path = data_copy / "disputes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = "microsoft_control,claims,content,Q ?,Q?,\n"
    path.write_text("".join(lines), "utf-8")
    msg = _error(data_copy)
    assert "disputes.csv, line 6 (subject microsoft_control), column 'note'" in msg, msg
    assert "why its versions cannot all be true" in msg, msg


def test_interval_without_note_is_refused(data_copy: Path) -> None:
    # A stated year made an interval: the note must say which words of the text give it.
    _replace(data_copy, "events", "E09,musk_takeover_attempt,governance,2018,year,stated,,",
             "E09,musk_takeover_attempt,governance,2018/2019,interval,stated,,")  # fmt: skip
    msg = _error(data_copy)
    assert "events.csv, line 10 (id E09), column 'date_note'" in msg, msg
    assert "or an interval needs a date_note" in msg and msg.count("\n  ") == 1, msg


# Finding 3: messages a user can act on -------------------------------------------------------


def test_missing_column_is_named_with_the_header_to_use(data_copy: Path) -> None:
    _bytes(data_copy, "figures", lambda b: b.replace(b",note\n", b"\n", 1))
    msg = _error(data_copy)
    assert (
        f"{data_copy / 'figures.csv'}: column 'note' is missing "
        f"(the header must be: {FIGURES_HEADER})" in msg
    ), msg
    assert "column_in_dataframe" not in msg and "pandera" not in msg


def test_extra_column_is_named(data_copy: Path) -> None:
    _bytes(data_copy, "members", lambda b: b.replace(b",note\n", b",note,foo\n", 1))
    msg = _error(data_copy)
    assert f"members.csv: unexpected column 'foo' (the header must be: {MEMBERS_HEADER})" in msg
    assert "column_in_schema" not in msg


def test_latin1_file_names_line_column_and_fix(data_copy: Path) -> None:
    _bytes(data_copy, "members", lambda b: b.decode("utf-8").encode("latin-1", "replace"))
    msg = _error(data_copy)
    assert "members.csv, line 5 (id M04), column 'excerpt': not valid UTF-8" in msg, msg
    assert "(byte 0xE9, character 19)" in msg and "r\ufffdcemment" in msg, msg
    assert "Save the file as UTF-8" in msg, msg


def test_empty_file_says_it_is_empty(data_copy: Path) -> None:
    (data_copy / "events.csv").write_bytes(b"")
    msg = _error(data_copy)
    assert "events.csv is empty" in msg, msg
    assert "header line" in msg and "id,subject,kind,date," in msg, msg
    assert "quoting" not in msg


def test_line_numbers_are_physical_lines(data_copy: Path) -> None:
    # A quoted line break in row M01 makes M02 start on line 4 of the file, not line 3.
    _replace(data_copy, "members", "M01,F03,Microsoft,", 'M01,F03,"Micro\nsoft",')
    _replace(data_copy, "members", "M02,F03,Nvidia,investor", "M02,F03,Nvidia,rich")
    msg = _error(data_copy)
    assert "members.csv, line 4 (id M02), column 'role'" in msg, msg


def test_line_numbers_count_blank_lines(data_copy: Path) -> None:
    _bytes(data_copy, "members", lambda b: b.replace(b"\nM02,", b"\n\n\nM02,", 1))
    _replace(data_copy, "members", "M02,F03,Nvidia,investor", "M02,F03,Nvidia,rich")
    msg = _error(data_copy)
    assert "members.csv, line 5 (id M02), column 'role'" in msg, msg


@pytest.mark.parametrize("table", ["figures", "sources", "events", "members"])
def test_header_only_table_is_named(data_copy: Path, table: str) -> None:
    _header_only(data_copy, table)
    msg = _error(data_copy)
    assert msg.startswith(f"{data_copy / table}.csv: the table is empty"), msg


def test_wrong_data_env_is_named(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = tmp_path / "nowhere"
    monkeypatch.setenv(paths.DATA_ENV, str(nowhere))
    msg = _error()
    assert f"MUSK_OPENAI_DATA points at {nowhere}, which does not exist" in msg, msg
    assert "unset MUSK_OPENAI_DATA" in msg and "from git" not in msg, msg

    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path))
    msg = _error()
    assert f"MUSK_OPENAI_DATA points at {tmp_path}, which is not a data folder" in msg, msg
    assert "figures.csv" in msg and "unset MUSK_OPENAI_DATA" in msg and "from git" not in msg, msg

    monkeypatch.setenv(paths.DATA_ENV, str(data_copy / "figures.csv"))
    assert "which is a file, not a folder" in _error()


def test_restore_from_git_only_for_the_project_data(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (data_copy / "disputes.csv").unlink()
    msg = _error(data_copy)
    assert "disputes.csv: file not found" in msg and "from git" not in msg, msg
    assert "Copy it again from the project's data/ folder" in msg, msg
    # The same folder seen as the project's own data/ (the project root moved to its parent).
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    monkeypatch.setattr(paths, "PROJECT_ROOT", data_copy.parent)
    msg = _error()
    assert "disputes.csv: file not found. Restore it from git: git checkout -- data/" in msg, msg


def test_many_problems_are_capped(data_copy: Path) -> None:
    path = data_copy / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = lines[1].replace(",157000000000,", ",lots,")
    path.write_text(lines[0] + "".join(f"F{i}{row[3:]}" for i in range(100, 1000)), "utf-8")
    msg = _error(data_copy)
    assert "failed validation (900 problems)" in msg, msg[:300]
    assert msg.count("\n  ") == 21, msg
    assert "\n  ... and 880 more problems\n" in msg, msg
    assert "line 21 (id F119), column 'value'" in msg and "line 22 " not in msg, msg


def test_many_malformed_rows_are_capped(data_copy: Path) -> None:
    path = data_copy / "members.csv"
    path.write_text(path.read_text(encoding="utf-8") + "M99,F03\n" * 500, encoding="utf-8")
    msg = _error(data_copy)
    assert "members.csv, line 10: 2 values, but the header has 7 columns" in msg, msg
    assert "... and 480 more problems" in msg and len(msg.splitlines()) < 30, msg


# Finding 4: the cache never runs code, trusts only its own markers ---------------------------


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    data._load_cached.cache_clear()
    yield home / "musk-openai"
    data._load_cached.cache_clear()


@pytest.fixture()
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every full validation the loader runs (a cache hit runs none)."""
    calls: list[Path] = []
    real = data._validate_all

    def spy(root: Path, *args: object) -> None:
        calls.append(root)
        real(root, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(data, "_validate_all", spy)
    return calls


def _fresh(folder: Path) -> data.Dataset:
    data._load_cached.cache_clear()
    return data.load(folder)


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch PWNED",))


def test_planted_pickle_is_never_unpickled(
    data_copy: Path, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _fresh(data_copy)
    planted = list(cache_home.iterdir())
    assert planted
    for f in planted:  # whatever the cache wrote, another user replaces it with code
        f.write_bytes(pickle.dumps(_Payload()))
    _fresh(data_copy)
    assert not (tmp_path / "PWNED").exists()


def test_cache_stores_a_small_marker_not_the_data(data_copy: Path, cache_home: Path) -> None:
    _fresh(data_copy)
    (marker,) = cache_home.iterdir()
    assert marker.suffix == ".json" and marker.stat().st_size < 400
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700
    assert stat.S_IMODE(marker.stat().st_mode) & 0o022 == 0


def _no_trust(marker: Path) -> None:
    os.chown(marker, 12345, -1)


UNTRUSTED: dict[str, Callable[[Path], None]] = {
    "marker of another user": _no_trust,
    "folder of another user": lambda m: os.chown(m.parent, 12345, -1),
    "marker writable by others": lambda m: m.chmod(0o666),
    "folder writable by group": lambda m: m.parent.chmod(0o770),
    "bad json": lambda m: m.write_text("{not json", "utf-8"),
    "other hashes": lambda m: m.write_text('{"data": "0", "loader": "0"}', "utf-8"),
    "symlink": lambda m: (m.rename(m.with_suffix(".x")), m.symlink_to(m.with_suffix(".x"))),
}


@pytest.mark.parametrize("spoil", list(UNTRUSTED.values()), ids=list(UNTRUSTED))
def test_untrusted_marker_means_validate_again(
    data_copy: Path, cache_home: Path, validations: list[Path], spoil: Callable[[Path], None]
) -> None:
    _fresh(data_copy)
    _fresh(data_copy)
    assert len(validations) == 1, "the second load is a cache hit"
    (marker,) = cache_home.glob("*.json")
    spoil(marker)
    _fresh(data_copy)
    assert len(validations) == 2, "an untrusted marker is ignored, never an error"


def test_forged_marker_of_another_user_cannot_pass_bad_data(
    data_copy: Path, cache_home: Path
) -> None:
    _fresh(data_copy)
    (marker,) = cache_home.glob("*.json")
    good = marker.read_text("utf-8")
    _replace(data_copy, "figures", ",157000000000,", ",-1,")
    key = cache.Key(data=files.digest(files.tree(data_copy.resolve())), loader=data._code())
    forged = cache_home / cache.marker_name(key)
    forged.write_text(good.replace(good.split('"')[3], key.data), "utf-8")
    os.chown(forged, 12345, -1)
    assert "line 2 (id F01), column 'value'" in _error(data_copy)


def test_failed_rename_leaves_no_temp_file(
    data_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise OSError("rename refused")

    monkeypatch.setattr(os, "replace", refuse)
    ds = _fresh(data_copy)
    assert len(ds.figures) > 0
    assert list(cache_home.iterdir()) == []


def test_relative_xdg_cache_home_is_ignored(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    _fresh(data_copy)
    assert not (tmp_path / "relative-cache").exists()
    assert list((tmp_path / "home" / ".cache" / "musk-openai").glob("*.json"))
    data._load_cached.cache_clear()


def test_cached_dataset_equals_a_validated_one(
    data_copy: Path, cache_home: Path, validations: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh(data_copy)
    warm = _fresh(data_copy)
    assert len(validations) == 1
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    cold = _fresh(data_copy)
    assert len(validations) == 2
    for table in data.TABLES:
        pd.testing.assert_frame_equal(getattr(warm, table), getattr(cold, table))
    assert warm.texts == cold.texts and warm.folder == cold.folder


# Finding 5: anything else malformed ----------------------------------------------------------


def test_folder_in_place_of_a_table(data_copy: Path) -> None:
    (data_copy / "events.csv").unlink()
    (data_copy / "events.csv").mkdir()
    msg = _error(data_copy)
    assert "events.csv is a folder, not a file" in msg, msg


def test_folder_in_place_of_a_source_text(data_copy: Path) -> None:
    text = data_copy / "sources" / "003_c1632105700a0d6a.txt"
    text.unlink()
    text.mkdir()
    msg = _error(data_copy)
    assert "sources.csv, line 5 (source_id S003), column 'file'" in msg, msg
    assert "is a folder, not a file" in msg, msg


def test_row_with_missing_values(data_copy: Path) -> None:
    path = data_copy / "members.csv"
    path.write_text(path.read_text(encoding="utf-8") + "M99,F03\n", encoding="utf-8")
    msg = _error(data_copy)
    assert "members.csv, line 10: 2 values, but the header has 7 columns" in msg, msg


def test_row_with_too_many_values(data_copy: Path) -> None:
    _bytes(data_copy, "events", lambda b: b.replace(b"\nE03,", b"\nE03,extra,", 1))
    msg = _error(data_copy)
    assert "events.csv, line 4: 14 values, but the header has 13 columns" in msg, msg
    assert "double quotes" in msg, msg


def test_unclosed_quote_names_the_row(data_copy: Path) -> None:
    _replace(data_copy, "members", "M03,F03,", 'M03,"F03,')
    msg = _error(data_copy)
    assert "members.csv, line 4: " in msg and "double quote" in msg, msg


def test_quote_never_closed_at_end_of_file(data_copy: Path) -> None:
    path = data_copy / "events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + 'E99,"unclosed,quote\n', "utf-8")
    msg = _error(data_copy)
    assert f"events.csv, line {text.count(chr(10)) + 1}: " in msg and "never closed" in msg, msg


def test_nul_byte_in_a_value(data_copy: Path) -> None:
    _bytes(
        data_copy, "members", lambda b: b.replace(b"Microsoft,investor", b"Micro\0soft,investor", 1)
    )
    msg = _error(data_copy)
    assert "members.csv, line 2 (id M01), column 'member': " in msg, msg
    assert "invisible control character" in msg, msg


def test_source_text_listed_nowhere(data_copy: Path) -> None:
    (data_copy / "sources" / "005_0123456789abcdef.txt").write_text("x", "utf-8")
    msg = _error(data_copy)
    assert "005_0123456789abcdef.txt" in msg and "no row of" in msg, msg


def test_infinite_value(data_copy: Path) -> None:
    _replace(data_copy, "figures", ",157000000000,", ",1" + "0" * 400 + ",")
    msg = _error(data_copy)
    assert "figures.csv, line 2 (id F01), column 'value'" in msg, msg


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b"\xef\xbb\xbf" + b,
        lambda b: b.replace(b"\n", b"\r\n"),
        lambda b: b + b"\n\n",
    ],
    ids=["BOM", "CRLF", "trailing blank lines"],
)
def test_harmless_variants_load_the_same(data_copy: Path, edit: Callable[[bytes], bytes]) -> None:
    before = _fresh(data_copy)
    for table in data.TABLES:
        _bytes(data_copy, table, edit)
    after = _fresh(data_copy)
    for table in data.TABLES:
        pd.testing.assert_frame_equal(getattr(before, table), getattr(after, table))


def test_header_lines_are_the_schema_columns() -> None:
    """The header the loader demands is the pandera schema's own column list."""
    from musk_openai.dataset import loading, schema

    schemas = {
        "sources": schema.sources_schema(),
        "figures": schema.figures_schema({}),
        "events": schema.events_schema({}),
        "members": schema.members_schema({}, []),
        "claims": schema.claims_schema({}),
        "disputes": schema.disputes_schema({}),
    }
    for table, sch in schemas.items():
        assert tuple(sch.columns) == loading.COLUMNS[table], table


@pytest.mark.parametrize("broken", ["{ not json", '{"name": "musk-openai"}', None])
def test_a_broken_or_missing_data_package_is_invalid_data(
    data_copy: Path, broken: str | None
) -> None:
    """data/datapackage.json names the dataset's version, which every report shows: a copy
    without it is refused like any other invalid data, before any kernel starts."""
    package = data_copy / "datapackage.json"
    if broken is None:
        package.unlink()
    else:
        package.write_text(broken, encoding="utf-8")
    with pytest.raises(data.DataError, match="datapackage.json: no dataset version"):
        data.load(data_copy)


def test_a_table_far_larger_than_a_hand_coded_one_is_refused_at_once(data_copy: Path) -> None:
    """A 50 MB file of bad rows is not checked row by row (minutes): its size is refused."""
    path = data_copy / "events.csv"
    line = path.read_text(encoding="utf-8").splitlines()[1] + "\n"
    with path.open("a", encoding="utf-8") as f:
        f.write(line * (loading.MAX_TABLE_BYTES // len(line) + 1))
    with pytest.raises(data.DataError, match=r"events.csv is [0-9.]+ MB: far larger"):
        data.load(data_copy)
