"""06-the-lawsuits: the notebook in both languages (from the shared real report), its findings
checked against the dataset; the chart's rows, alt text and committed files."""

from __future__ import annotations

import filecmp
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import EXPORTED
from test_notebooks import executed

from musk_openai.dataset import data
from musk_openai.paths import FIGURES_DIR
from musk_openai.story import charts, i18n, params, queries
from musk_openai.story.charts import _common
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
    assert f["files"] == [f"{NAME}.{x}" for x in EXPORTED]
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
    # the footer names exactly the articles of the marks, in words
    assert set(chart.data["footer"]) == {chart.footer}
    for sid in ds.sources["source_id"]:
        named = i18n.source_name(sid, lang) in chart.footer
        assert named == (sid in set(chart.data["source_id"])), sid
    # each claim drawn in a few words, once per mark
    drawn = [t.get_text() for t in chart.fig.axes[0].texts]
    for r in expected.itertuples():
        words = _common.wrap(charts.lawsuits.short(r.id, lang), charts.lawsuits.CHARS)
        assert drawn.count(words) == (expected["id"] == r.id).sum(), r.id


def test_legend_explains_colours_shapes_and_suits(ds: data.Dataset) -> None:
    fig = charts.lawsuit_claims(ds, "en").fig
    entries = {t.get_text() for legend in fig.legends for t in legend.get_texts()}
    assert {"demand", "denial, rebuttal"} <= entries, entries
    assert "suit filed in March 2024 (October 2024 article)" in entries
    assert "suit refiled in August 2024 (October 2024 article)" in entries


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["13\u00a0affirmations et demandes de Musk", "12\u00a0réponses d’OpenAI",
                "4\u00a0constats des articles", "rompu l’accord fondateur",
                "un contrôle total"]),
        ("en", ["13 allegations and demands by Musk", "12 answers by OpenAI",
                "4 observations by the articles", "broke its founding agreement",
                "“full control”"]),
    ],
)  # fmt: skip
def test_alt_text_names_the_key_facts(ds: data.Dataset, lang: str, expected: list[str]) -> None:
    chart = charts.lawsuit_claims(ds, lang)
    alt, desc = chart.alt, chart.desc
    assert [x for x in expected if x not in alt] == [], alt
    assert alt.endswith(".") and "\n" not in alt and len(alt.split()) < 60
    # the description names every claim drawn, with its article in words
    for r in queries.lawsuit_marks(ds, lang).itertuples():
        said = i18n.typography(f"{r.label} ({i18n.source_name(r.source_id, lang)}", lang)
        assert said in desc, r.id
    suits = {"fr": "plainte déposée en mars 2024", "en": "suit filed in March 2024"}
    assert suits[lang] in desc


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
