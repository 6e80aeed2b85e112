"""The dataset itself: schema, provenance, disputes, and the answers it must give."""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest

from musk_openai.dataset import data
from musk_openai.paths import data_dir
from musk_openai.story import queries

FACT_TABLES = ("figures", "events", "members", "claims")


def _raw(table: str) -> list[dict[str, str]]:
    with (data_dir() / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_table_loads_and_validates(ds: data.Dataset) -> None:
    assert len(ds.sources) == 5
    assert len(ds.figures) == len(_raw("figures")) >= 16
    assert len(ds.events) == len(_raw("events")) >= 30
    assert len(ds.members) == len(_raw("members"))
    assert len(ds.claims) == len(_raw("claims")) >= 30
    assert ds.figures["value"].dtype == "float64"
    assert isinstance(ds.figures["bound"].dtype, pd.CategoricalDtype)
    assert str(ds.events["date_start"].dtype).startswith("datetime64")
    for df in (ds.figures, ds.events, ds.claims):
        assert {"date_start", "date_end", "date_qualifier"} <= set(df.columns)


def test_source_texts_are_the_coded_bytes(data_copy: Path) -> None:
    """Checked here from the raw files, independently of the loader."""
    for row in _raw("sources"):
        raw = (data_dir() / "sources" / row["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == row["sha256"], row["file"]
    assert len(list((data_dir() / "sources").glob("*.txt"))) == 5
    # The loader refuses a text in data/sources/ that sources.csv does not list.
    (data_copy / "sources" / "009_0123456789abcdef.txt").write_text("texte", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"009_0123456789abcdef.txt: no row of .*sources.csv"):
        data.load(data_copy)


@pytest.mark.parametrize("table", FACT_TABLES)
def test_every_excerpt_is_verbatim_in_its_source(table: str) -> None:
    files = {r["source_id"]: r["file"] for r in _raw("sources")}
    for row in _raw(table):
        text = (data_dir() / "sources" / files[row["source_id"]]).read_text(encoding="utf-8")
        assert row["excerpt"] in text, f"{table} {row['id']}"
        assert 0 < len(row["excerpt"]) <= 200


def _break(folder: Path, table: str, old: str, new: str) -> str:
    """Edit a copy of a table, load it, and return the loader's error."""
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(data.DataError) as err:
        data.load(folder)
    return str(err.value)


def test_ids_are_unique_across_tables(data_copy: Path) -> None:
    ids = [r["id"] for t in FACT_TABLES for r in _raw(t)] + [
        r["source_id"] for r in _raw("sources")
    ]
    assert len(ids) == len(set(ids))
    # The loader enforces it through each table's own id prefix (S, F, E, M).
    msg = _break(data_copy, "events", "\nE03,", "\nF01,")
    assert "events.csv, line 4 (id F01), column 'id': id must look like E" in msg, msg


def test_every_cited_source_exists(data_copy: Path) -> None:
    known = {r["source_id"] for r in _raw("sources")}
    cited = {r["source_id"] for t in FACT_TABLES for r in _raw(t)}
    assert cited <= known
    assert cited == known, "a source no row cites"
    # The loader refuses a source that no row cites (here S003, once its rows are gone).
    for table in ("figures", "events", "claims"):
        path = data_copy / f"{table}.csv"
        rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(r for r in rows if ",S003," not in r), encoding="utf-8")
    with pytest.raises(data.DataError) as err:
        data.load(data_copy)
    assert "sources.csv, line 5 (source_id S003), column 'source_id': no row of" in str(err.value)


def test_each_dispute_has_two_versions_from_distinct_assertors(
    ds: data.Dataset, data_copy: Path
) -> None:
    assert set(ds.disputes["subject"]) == {
        "musk_contribution",
        "musk_stops_funding",
        "musk_involvement_after_leaving",
        "founding_agreement",
        "microsoft_control",
    }
    assert (ds.disputes["note"].str.len() > 40).all(), "each dispute says why it is one"
    for d in ds.disputes.itertuples():
        v = queries.versions(ds, str(d.subject), str(d.table))
        voice = v["claimant" if d.table == "claims" else "asserted_by"].astype(str)
        assert len(set(zip(voice, v["source_id"], strict=True))) >= 2, d.subject
        assert voice.nunique() >= 2 or v["source_id"].nunique() >= 2, d.subject
    # The loader refuses a dispute with a single version.
    msg = _break(
        data_copy,
        "disputes",
        "musk_stops_funding,events,date,",
        "musk_refund_demand,figures,value,",
    )
    assert "disputes.csv, line 3 (subject musk_refund_demand), column 'subject'" in msg, msg
    assert "a dispute needs at least two versions" in msg, msg


def test_compatible_versions_are_no_dispute(ds: data.Dataset, data_copy: Path) -> None:
    """A dispute lists versions that cannot all be true: dates that overlap, or amounts that
    can both hold, are refused, and every listed date dispute has two disjoint dates."""
    for d in ds.disputes[ds.disputes["conflict"] == "date"].itertuples():
        v = queries.versions(ds, str(d.subject), str(d.table))
        lo = v["date_start"].fillna(pd.Timestamp("0001-01-01"))
        hi = v["date_end"].fillna(pd.Timestamp("9999-12-31"))
        dated = v["date_precision"] != "none"
        pairs = [(i, j) for i in v.index[dated] for j in v.index[dated] if i < j]
        assert any(hi[i] < lo[j] or hi[j] < lo[i] for i, j in pairs), d.subject
    path = data_copy / "disputes.csv"
    text = path.read_text(encoding="utf-8")
    # S001's « mars 2024 » and S003's « jeudi dernier » (22 Feb to 28 Mar 2024) overlap.
    path.write_text(text + "lawsuit_filed,events,date,Quand ?,When?,S001 vs S003\n", "utf-8")
    with pytest.raises(data.DataError) as err:
        data.load(data_copy)
    msg = str(err.value)
    assert "disputes.csv, line 7 (subject lawsuit_filed), column 'conflict'" in msg, msg
    assert "dates can all be true" in msg and "E27" in msg and "E28" in msg, msg
    # The billion promised (S002) and the billion Musk said to announce (S004): same amount.
    path.write_text(text + "one_billion_initial_commitment,figures,value,Q ?,Q?,n\n", "utf-8")
    with pytest.raises(data.DataError, match="line 7 .*column 'conflict': no two amounts"):
        data.load(data_copy)


def test_musk_contribution_keeps_every_version(ds: data.Dataset) -> None:
    v = queries.musk_contribution(ds)
    got = {(r.value, r.bound, r.asserted_by, r.source_id) for r in v.itertuples()}
    assert got == {
        (44e6, "exact", "Elon Musk", "S000"),
        (45e6, "exact", "article", "S001"),
        (100e6, "exact", "article", "S002"),
        (100e6, "approximate", "Elon Musk", "S004"),
        (45e6, "upper_bound", "OpenAI", "S004"),
    }
    # Each kind is the text's word: « apporté », « contribuant », « don », « investis ».
    kinds = dict(zip(ds.figures["id"], ds.figures["kind"].astype(str), strict=True))
    assert [kinds[f] for f in ("F04", "F05", "F06", "F07", "F08")] == [
        "contribution", "contribution", "donation", "donation", "investment",
    ]  # fmt: skip


def test_valuation_before_and_after_october_2024(ds: data.Dataset) -> None:
    v = queries.valuations(ds)
    assert list(v["value"]) == [86e9, 157e9]
    assert list(v["date"]) == ["", "2024-10"]
    assert queries.valuation_multiple(ds) == pytest.approx(157 / 86)
    round_ = ds.figures[ds.figures["kind"] == "funding_round"]
    assert list(round_["value"]) == [6.6e9]


def test_microsoft_investments_and_stake(ds: data.Dataset) -> None:
    m = queries.microsoft_investments(ds)
    assert list(zip(m["value"], m["bound"], m["date"], strict=True)) == [
        (1e9, "exact", "2019/2020"),  # « Peu de temps après » a 2019 event
        (10e9, "exact", "../2023-03"),  # « Récemment », in March 2023
        (1e9, "lower_bound", "2024-03"),  # « des milliards »: strictly above one, as of March 2024
    ]
    assert list(m["subject"]) == [
        "microsoft_investment_1bn", "microsoft_investment_10bn", "microsoft_investment_cumulative",
    ]  # fmt: skip
    assert list(m["date_basis"]) == ["relative", "relative", "publication"]
    stake = ds.figures[ds.figures["kind"] == "stake"]
    assert list(
        zip(stake["payer"], stake["payee"], stake["value"], stake["unit"], strict=True)
    ) == [("Microsoft", "OpenAI for-profit arm", 49.0, "percent")]


def test_lawsuit_filed_dropped_refiled(ds: data.Dataset) -> None:
    steps = queries.lawsuit_steps(ds)
    stated = steps[steps["date_basis"] == "stated"]
    assert list(zip(stated["step"], stated["date"], strict=True)) == [
        ("lawsuit_filed", "2024-03"),
        ("lawsuit_dropped", "2024-06"),
        ("lawsuit_refiled", "2024-08"),
    ]
    filed = steps[steps["step"] == "lawsuit_filed"]
    assert set(filed["source_id"]) == {"S000", "S001", "S003", "S004"}


def test_named_rivals_match_their_count(ds: data.Dataset, data_copy: Path) -> None:
    count = ds.figures.loc[ds.figures["subject"] == "rivals_investors_asked_to_avoid", "value"]
    rivals = ds.members[ds.members["role"] == "rival"]
    assert len(rivals) == int(count.iloc[0]) == 5
    # The loader refuses a count that does not match the members listed with it.
    msg = _break(
        data_copy,
        "figures",
        "F16,rivals_investors_asked_to_avoid,count,,,5,",
        "F16,rivals_investors_asked_to_avoid,count,,,6,",
    )
    assert "figures.csv, line 17 (id F16), column 'value': the count is 6" in msg, msg
    assert "members.csv lists 5 members" in msg, msg


def test_dates_never_claim_more_precision_than_given(ds: data.Dataset) -> None:
    for df in (ds.figures, ds.events, ds.claims):
        width = (df["date_end"] - df["date_start"]).dt.days
        assert (width[df["date_precision"] == "year"] >= 364).all()
        assert (width[df["date_precision"] == "month"] >= 27).all()
        assert (width[df["date_precision"] == "day"] == 0).all()
        assert (width[df["date_precision"] == "interval"].dropna() > 0).all()
        interval = df[df["date_precision"] == "interval"]
        assert (interval["date_start"].notna() | interval["date_end"].notna()).all()
        assert df.loc[df["date_precision"] == "none", "date_start"].isna().all()
        hedged = (df["date_qualifier"] != "") | (df["date_precision"] == "interval")
        assert (df.loc[hedged, "date_note"].str.len() > 0).all()
    days = ds.events[ds.events["date_precision"] == "day"]
    assert list(days["date"]) == ["2024-10-02"]
    # « Aucun accord n'ayant pu être trouvé » after the 2018 proposal: 2018, uncertain.
    left = ds.events.set_index("id").loc["E14"]
    assert (left["date"], left["date_qualifier"]) == ("2018?", "uncertain")


def test_timeline_merges_agreeing_reports_only(ds: data.Dataset) -> None:
    t = queries.timeline(ds)
    founded = t[t["subject"] == "openai_founded"]
    assert len(founded) == 1 and founded["source_ids"].iloc[0] == "S000, S001, S002, S003"
    # The filing is not « March 2024 · S000, S001, S003, S004 »: each date stays its own row,
    # and the articles that give no date of their own are not drawn.
    filed = t[t["subject"] == "lawsuit_filed"]
    assert sorted(zip(filed["date"], filed["source_ids"], strict=True)) == [
        ("2024-02-22/2024-03-28", "S003"),
        ("2024-03", "S001"),
    ]
    left = t[t["subject"] == "musk_leaves"]
    assert sorted(zip(left["date"], left["source_ids"], strict=True)) == [
        ("2018", "S002, S003"),
        ("2018?", "S001"),
    ]
    assert t["date_start"].is_monotonic_increasing
    assert t["date_start"].notna().all() and t["date_end"].notna().all()


def test_unknown_subject_is_a_clear_error(ds: data.Dataset) -> None:
    with pytest.raises(KeyError, match="unknown subject 'musk_gift'"):
        queries.versions(ds, "musk_gift")


def _fresh_load(folder: object) -> data.Dataset:
    data._load_cached.cache_clear()
    return data.load(folder)  # type: ignore[arg-type]


def test_validated_dataset_cache(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = _fresh_load(data_copy)
    cached = list((tmp_path / "cache" / "musk-openai").glob("validated-*.json"))
    assert len(cached) == 1
    second = _fresh_load(data_copy)
    pd.testing.assert_frame_equal(first.figures, second.figures)
    pd.testing.assert_frame_equal(first.events, second.events)
    # A damaged marker is ignored: the data is validated again.
    cached[0].write_bytes(b"not JSON")
    pd.testing.assert_frame_equal(_fresh_load(data_copy).figures, first.figures)
    # Changed data never comes from the cache: it is validated, and here refused.
    csv = data_copy / "figures.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",86000000000,", ",-86,"), "utf-8")
    with pytest.raises(data.DataError, match="line 3 \\(id F02\\), column 'value'"):
        _fresh_load(data_copy)
    # And the cache can be switched off.
    monkeypatch.setenv("MUSK_OPENAI_NO_CACHE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other"))
    csv.write_text(csv.read_text(encoding="utf-8").replace(",-86,", ",86000000000,"), "utf-8")
    _fresh_load(data_copy)
    assert not (tmp_path / "other").exists()
    data._load_cached.cache_clear()


@pytest.mark.slow
def test_cache_hit_skips_pandera(data_copy: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from musk_openai.dataset import data; ds = data.load(sys.argv[1]); "
        "print(len(ds.figures), 'pandera' in sys.modules)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, str(data_copy)],
            capture_output=True, text=True, env=env, check=True,
        ).stdout.split()
        for _ in range(2)
    ]  # fmt: skip
    rows = str(len(_raw("figures")))
    assert runs == [[rows, "True"], [rows, "False"]]
