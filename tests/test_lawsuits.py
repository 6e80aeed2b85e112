"""06-the-lawsuits: the notebook in both languages (from the shared real report), its findings
checked against the dataset; the chart's rows, alt text and committed files."""

from __future__ import annotations

import filecmp
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_notebooks import executed

from musk_openai.dataset import data
from musk_openai.paths import FIGURES_DIR
from musk_openai.story import charts, params, queries
from musk_openai.story.export import save

NAME = "06-the-lawsuits"


def _side(claimant: object) -> str:
    return queries.SIDES.get(str(claimant), "other")


def _claims_in_suits(ds: data.Dataset) -> pd.DataFrame:
    """Every claim made in a suit, straight from the table (not through the queries)."""
    c = ds.claims[ds.claims["proceeding"] != ""]
    return c.assign(side=[_side(x) for x in c["claimant"]])


@pytest.mark.kernel
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lawsuits_notebook(lang: str, real_report: Any, ds: data.Dataset) -> None:
    f = executed(real_report, NAME, lang)
    c = _claims_in_suits(ds)
    expected = {
        suit: c[c["proceeding"] == suit]["side"].value_counts().to_dict()
        for suit in sorted(set(c["proceeding"]))
    }
    assert f["claims"] == expected
    # Musk alleges and demands in both suits; OpenAI answers the first only, as the texts say.
    assert f["claims"]["musk_v_openai_2024"]["OpenAI"] > 0
    assert "OpenAI" not in f["claims"]["musk_v_openai_2024_refiled"]
    filed = ds.events[ds.events["subject"] == "lawsuit_filed"]
    assert f["filing_dates"] == dict(zip(filed["source_id"], filed["date"], strict=True))
    assert f["filing_dates"]["S001"] == "2024-03" and "/" in f["filing_dates"]["S003"]
    stated = ds.events[ds.events["subject"].isin(queries.LAWSUIT_STEPS)]
    stated = stated[stated["date_basis"] == "stated"]
    assert f["steps"] == dict(zip(stated["subject"], stated["date"], strict=True))
    assert f["topics"] == list(queries.LAWSUIT_TOPICS)
    assert f["files"] == [f"{NAME}.{x}" for x in ("alt.txt", "csv", "png", "svg")]
    png = real_report[1] / "reports" / "figures" / lang / f"{NAME}.png"
    assert png.stat().st_size > 10_000


def test_every_claim_of_a_suit_has_a_topic(ds: data.Dataset) -> None:
    subjects = set(_claims_in_suits(ds)["subject"])
    placed = {s for topic in queries.LAWSUIT_TOPICS.values() for s in topic}
    assert subjects <= placed, subjects - placed
    with pytest.raises(KeyError, match="no topic"):
        queries.lawsuit_topic("not_a_subject")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_chart_draws_one_mark_per_claim_of_the_suits(ds: data.Dataset, lang: str) -> None:
    chart = charts.lawsuit_claims(ds, lang)
    expected = queries.lawsuit_marks(ds, lang)
    pd.testing.assert_frame_equal(chart.data.drop(columns="footer"), expected, check_dtype=False)
    assert sorted(chart.data["id"]) == sorted(_claims_in_suits(ds)["id"])
    # one mark per claim: no two marks share a place
    assert not chart.data.duplicated(["row", "side", "slot"]).any()
    # the footer cites exactly the sources of the marks
    assert set(chart.data["footer"]) == {chart.footer}
    for sid in ds.sources["source_id"]:
        assert (f"{sid} (" in chart.footer) == (sid in set(chart.data["source_id"]))


def test_legend_explains_colours_shapes_and_suits(ds: data.Dataset) -> None:
    fig = charts.lawsuit_claims(ds, "en").fig
    entries = {t.get_text() for legend in fig.legends for t in legend.get_texts()}
    assert {"Elon Musk", "demand", "denial, rebuttal"} <= entries, entries
    assert "suit filed in March 2024 (S001)" in entries
    assert "suit refiled in August 2024 (S001)" in entries


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["29 affirmations", "Musk accuse ou demande (13)", "OpenAI répond (12)",
                "L’accord fondateur\u202f:", "44 millions de dollars", "un contrôle total",
                "plainte déposée en mars 2024 (S001)", "plainte relancée en août 2024 (S001)",
                "(S003, entre le 22 février et le 28 mars 2024)"]),
        ("en", ["29 claims", "Musk alleges or demands (13)", "OpenAI answers (12)",
                "The founding agreement:", "$44M", "“full control”",
                "suit filed in March 2024 (S001)", "suit refiled in August 2024 (S001)",
                "(S003, between February 22 and March 28, 2024)"]),
    ],
)  # fmt: skip
def test_alt_text_names_the_key_facts(ds: data.Dataset, lang: str, expected: list[str]) -> None:
    alt = charts.lawsuit_claims(ds, lang).alt
    assert [x for x in expected if x not in alt] == [], alt
    assert alt.endswith(".") and "\n" not in alt
    # every claim drawn is named, with its source
    for r in queries.lawsuit_marks(ds, lang).itertuples():
        assert f"{r.label} ({r.source_id}" in alt, r.id


def test_tables_for_readers_are_in_the_language(ds: data.Dataset) -> None:
    fr = queries.lawsuit_table(ds, "fr", "Musk", "musk_v_openai_2024_refiled")
    assert set(fr["claim_stance"]) == {"accuse"}
    assert "Sam Altman, ses partenaires" in set(fr["claim_target"])
    assert set(fr["date_as_given"]) == {"août 2024"}
    en = queries.lawsuit_table(ds, "en", "other")
    assert set(en["claim_by"]) == {"the article"}
    steps = queries.lawsuit_step_rows(ds, "fr")
    assert list(steps["date_as_given"][:2]) == [
        "entre le 22 février et le 28 mars 2024",
        "mars 2024",
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_committed_lawsuit_figures_are_fresh(ds: data.Dataset, lang: str, tmp_path: Path) -> None:
    """The committed 06 files, byte for byte, are what the canonical build writes."""
    assert NAME in charts.BUILDERS and charts.lawsuit_claims in charts.BUILDERS[NAME]
    p = params.validate(lang, params.DEFAULTS["formats"], params.DEFAULTS["dpi"], str(tmp_path))
    names = sorted(x.name for x in save(charts.lawsuit_claims(ds, lang), p))
    assert names == sorted(x.name for x in (FIGURES_DIR / lang).glob(f"{NAME}.*"))
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, FIGURES_DIR / lang, names, shallow=False)
    assert not mismatch and not errors, f"stale: {mismatch + errors}; run `make figures`"
