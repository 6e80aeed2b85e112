"""The numbers each chart draws, checked against the dataset; exports; committed figures fresh.

Words, numbers and dates: tests/test_i18n.py; parameters: tests/test_params.py; the house style
in its context: tests/test_style.py.
"""

from __future__ import annotations

import filecmp
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from musk_openai.dataset import data
from musk_openai.paths import FIGURES_DIR
from musk_openai.story import charts, export, params, queries


def test_valuation_chart_draws_the_dataset(ds: data.Dataset) -> None:
    chart = charts.valuation_growth(ds, "en")
    d = chart.data
    assert list(d["value"]) == [86e9, 6.6e9, 157e9]
    assert set(d["source_id"]) == {"S001"}
    assert d["multiple_after_over_before"].iloc[0] == pytest.approx(157 / 86, abs=1e-4)
    assert chart.footer.startswith("Source: French news article S001 (October 2024)")
    texts = [t.get_text() for t in chart.fig.axes[0].texts]
    assert "$157B" in texts and "$6.6B" in texts and "$86B" in texts


def test_funding_chart_keeps_every_version(ds: data.Dataset) -> None:
    d = charts.funding_sources(ds, "fr").data
    # Musk's five versions, whatever the text calls them (don, apport, investi): all drawn.
    musk = d[(d["payer"] == "Elon Musk") & (d["kind"] != "pledge")]
    assert set(musk["kind"]) == {"donation", "contribution", "investment"}
    assert sorted(zip(musk["value"], musk["bound"], strict=True)) == sorted(
        zip(
            queries.musk_contribution(ds)["value"],
            queries.musk_contribution(ds)["bound"],
            strict=True,
        )
    )
    assert {"F13", "F14", "F03", "F10", "F11", "F12", "F17"} <= set(d["id"])
    assert d["value"].min() == 44e6 and d["value"].max() == 10e9
    # Top to bottom by payer: Musk first, the round last; Microsoft's by their earliest bound.
    assert d["payer"].iloc[0] == "Elon Musk" and d["kind"].iloc[-1] == "funding_round"
    assert list(d.loc[d["payer"] == "Microsoft", "id"]) == ["F13", "F14", "F17"]
    # Each date in words: « Peu de temps après » 2019, « Récemment » in March 2023.
    label = d.set_index("id")["label"]
    assert "2019 ou 2020" in label["F13"] and "au plus tard en mars 2023" in label["F14"]
    # The footer cites exactly the sources of the rows drawn.
    cited = {s for s in ("S000", "S001", "S002", "S003", "S004") if f"{s} (" in d["footer"].iloc[0]}
    assert cited == set(d["source_id"])


def test_musk_share_by_each_version(ds: data.Dataset) -> None:
    share = queries.musk_share(ds).set_index("id")["share_at_most"]
    assert share["F07"] == pytest.approx(45 / 135)  # OpenAI's figures: under a third
    assert share["F06"] == pytest.approx(100 / 190)  # Musk's figure: just over half
    assert share["F08"] == pytest.approx(44 / 134)


def test_timeline_keeps_precision_and_window(ds: data.Dataset) -> None:
    d = charts.dispute_timeline(ds, "fr").data
    evil = d[d["subject"] == "openai_is_evil"].iloc[0]
    assert (evil["date_start"], evil["date_end"]) == ("2024-10-02", "2024-10-02")
    refiled = d[d["subject"] == "lawsuit_refiled"].iloc[0]
    assert (refiled["date_start"], refiled["date_end"]) == ("2024-08-01", "2024-08-31")
    founded = d[d["subject"] == "openai_founded"].iloc[0]
    assert (founded["date_start"], founded["date_end"]) == ("2015-01-01", "2015-12-31")
    # The filing as each source dates it: S001's month and S003's window of Thursdays, apart.
    filed = d[d["subject"] == "lawsuit_filed"].set_index("source_ids")
    assert filed.loc["S001", "date"] == "2024-03"
    assert (filed.loc["S003", "date_start"], filed.loc["S003", "date_end"]) == (
        "2024-02-22",
        "2024-03-28",
    )
    assert filed.loc["S003", "when"] == "entre le 22 février et le 28 mars 2024"
    # Open-sided and undated events are listed by queries.undrawn_events, not drawn.
    undrawn = queries.undrawn_events(ds)
    assert {"E21", "E39", "E40", "E29"} <= set(undrawn["id"])
    assert not set(undrawn["subject"] + undrawn["date"]) & set(d["subject"] + d["date"])
    narrow = charts.dispute_timeline(ds, "en", "2024-03", "2024-08").data
    assert set(narrow["subject"]) >= {"lawsuit_filed", "lawsuit_dropped", "lawsuit_refiled"}
    assert "openai_founded" not in set(narrow["subject"])


def test_contested_charts(ds: data.Dataset) -> None:
    c = charts.musk_contribution(ds, "en").data
    assert len(c) == 5 and c["asserted_by"].nunique() == 3
    o = charts.musk_stops_funding(ds, "fr").data
    assert list(o["date"]) == ["../2018", "2019/.."]  # S002, then S000
    assert list(o["source_id"]) == ["S002", "S000"]
    # A date dispute: the two versions share no day.
    assert o["date_end"].iloc[0] < o["date_start"].iloc[1]


def test_heatmap_counts_every_row(ds: data.Dataset) -> None:
    d = charts.facts_heatmap(ds, "en").data
    tables = (ds.figures, ds.events, ds.members, ds.claims)
    assert d["rows"].sum() == sum(len(t) for t in tables)
    claims = d[d["kind"] == "Claim"].set_index("source_id")["rows"]
    assert claims.to_dict() == ds.claims["source_id"].value_counts().to_dict()


@pytest.mark.parametrize(
    ("build", "rows", "line_sep"),
    [
        (charts.valuation_growth, queries.valuation_bars, " "),
        (charts.funding_sources, queries.funding_lanes, " — "),
        (charts.dispute_timeline, queries.timeline_rows, " "),
        (charts.musk_contribution, queries.contribution_versions, " "),
        (charts.musk_stops_funding, queries.stop_funding_versions, " "),
        (charts.facts_heatmap, queries.facts_cells, " "),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_chart_draws_the_rows_of_its_query(
    ds: data.Dataset,
    lang: str,
    build: Callable[[data.Dataset, str], export.Chart],
    rows: Callable[[data.Dataset, str], pd.DataFrame],
    line_sep: str,
) -> None:
    """Charts draw; the queries shape. The CSV is the query's rows, each label on one line, and
    the footer built from the sources of those rows."""
    chart = build(ds, lang)
    expected = rows(ds, lang)
    if "label" in expected:
        expected["label"] = expected["label"].str.replace("\n", line_sep)
    pd.testing.assert_frame_equal(chart.data.drop(columns="footer"), expected, check_dtype=False)
    assert set(chart.data["footer"]) == {chart.footer}


def test_save_writes_formats_and_csv_atomically(ds: data.Dataset, tmp_path: Path) -> None:
    p = params.validate("en", "png,svg,pdf", 60, str(tmp_path))
    written = export.save(charts.valuation_growth(ds, "en"), p)
    assert sorted(x.name for x in written) == [
        "01-valuation-growth.alt.txt",
        "01-valuation-growth.csv",
        "01-valuation-growth.pdf",
        "01-valuation-growth.png",
        "01-valuation-growth.svg",
    ]
    assert not list(tmp_path.glob(".tmp-*")), "temporary files left behind"
    assert pd.read_csv(tmp_path / "01-valuation-growth.csv")["value"].tolist() == [
        86e9,
        6.6e9,
        157e9,
    ]
    svg = (tmp_path / "01-valuation-growth.svg").read_text()
    assert "<dc:date>" not in svg


def test_interrupted_save_leaves_nothing(
    ds: data.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chart = charts.valuation_growth(ds, "en")

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    p = params.validate("en", "png,svg", 60, str(tmp_path))
    with pytest.raises(KeyboardInterrupt):
        export.save(chart, p)
    assert list(tmp_path.iterdir()) == [], "a half-written export was left"


@pytest.mark.slow
def test_rerun_is_byte_identical(tmp_path: Path) -> None:
    a = charts.build_all("fr", "png,svg,pdf", 60, tmp_path / "a")
    b = charts.build_all("fr", "png,svg,pdf", 60, tmp_path / "b")
    assert [x.name for x in a] == [x.name for x in b]
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_committed_figures_are_fresh(lang: str, tmp_path: Path) -> None:
    """Rebuild every figure and compare it, byte for byte, with the committed one."""
    rebuilt = charts.build_all(lang, out_dir=tmp_path)
    committed = FIGURES_DIR / lang
    names = sorted(x.name for x in rebuilt)
    assert names == sorted(x.name for x in committed.iterdir()), (
        "figures/ has extra or missing files"
    )
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, committed, names, shallow=False)
    assert not mismatch and not errors, (
        f"stale figures in figures/{lang}: {mismatch + errors}; "
        "run `make figures` and commit the result"
    )


# --- alt text, the one way to draw a date, print-ready files ---------------------------------


@pytest.mark.parametrize(
    ("build", "fr", "en"),
    [
        (
            charts.valuation_growth,
            ["86\u00a0milliards de dollars", "157\u00a0milliards", "6,6\u00a0milliards", "×1,83",
             "octobre 2024"],
            ["86 billion dollars", "157 billion dollars", "6.6 billion dollars", "×1.83",
             "October 2024"],
        ),
        (
            charts.funding_sources,
            ["44\u00a0millions de dollars", "10\u00a0milliards", "plus de 90\u00a0millions",
             "Microsoft · investissement", "157\u00a0milliards"],
            ["44 million dollars", "10 billion dollars", "more than 90 million dollars",
             "Microsoft · investment", "157 billion dollars"],
        ),
        (
            charts.dispute_timeline,
            ["25 événements", "2015", "2 octobre 2024", "Musk relance sa plainte (août 2024)",
             "Musk quitte OpenAI avec l’intention de créer sa propre entreprise d’IA concurrente "
             "(2018 (incertain))", "(entre le 22 février et le 28 mars 2024)",
             "Musk porte plainte contre OpenAI (mars 2024)", "(2019 ou 2020)", "hachurée"],
            ["25 events", "2015", "October 2, 2024", "Musk refiles his lawsuit (August 2024)",
             "Musk leaves OpenAI, intending to build his own rival AI company (2018 (uncertain))",
             "(between February 22 and March 28, 2024)",
             "Musk sues OpenAI (March 2024)", "(2019 or 2020)", "hatched"],
        ),
        (
            charts.musk_contribution,
            ["5 versions", "moins de 45\u00a0millions de dollars selon OpenAI (S004)",
             "44\u00a0millions de dollars selon Elon Musk (S000)"],
            ["5 versions", "less than 45 million dollars according to OpenAI (S004)",
             "44 million dollars according to Elon Musk (S000)"],
        ),
        (
            charts.musk_stops_funding,
            ["au plus tard en 2018 selon l’article (S002)",
             "en 2019 ou après selon l’article (S000)"],
            ["by 2018 according to the article (S002)",
             "in 2019 or later according to the article (S000)"],
        ),
        (
            charts.facts_heatmap,
            ["120\u00a0lignes", "S001 (octobre 2024)\u202f: 37\u00a0lignes"],
            ["120 rows", "S001 (October 2024): 37 rows"],
        ),
    ],
)  # fmt: skip
def test_alt_text_names_the_key_values(
    ds: data.Dataset,
    build: Callable[[data.Dataset, str], export.Chart],
    fr: list[str],
    en: list[str],
) -> None:
    """Alt text is written from the rows drawn, a full sentence in each language."""
    for lang, expected in (("fr", fr), ("en", en)):
        alt = build(ds, lang).alt
        assert alt.endswith(".") and len(alt.split()) > 12, alt
        assert [x for x in expected if x not in alt] == [], alt
        assert "\n" not in alt


def _bars(ax: object) -> list[tuple[float, float]]:
    """(left, right) of each bar of a chart, in days since matplotlib's epoch."""
    from matplotlib.patches import Rectangle

    return sorted(
        (p.get_x(), p.get_x() + p.get_width())
        for p in ax.patches  # type: ignore[attr-defined]
        if isinstance(p, Rectangle)
    )


def test_a_year_is_drawn_from_its_first_to_its_last_day_in_every_chart(ds: data.Dataset) -> None:
    """03's year bars run from 1 January to 31 December (the day after at 0:00); 04's open
    intervals from the axis's edge to their one bound."""
    import matplotlib.dates as mdates

    def day(text: str) -> float:
        return float(mdates.date2num(pd.Timestamp(text)))  # type: ignore[no-untyped-call]

    stops = _bars(charts.musk_stops_funding(ds, "en").fig.axes[0])
    assert (day("2015-01-01"), day("2019-01-01")) in stops  # ../2018: by the end of 2018
    assert (day("2019-01-01"), day("2025-01-01")) in stops  # 2019/..: to the window's end
    timeline = _bars(charts.dispute_timeline(ds, "en").fig.axes[0])
    assert (day("2017-01-01"), day("2018-01-01")) in timeline
    assert (day("2024-08-01"), day("2024-09-01")) in timeline  # a month: its whole month


def test_an_interval_is_drawn_as_a_hatched_span(ds: data.Dataset) -> None:
    """An interval of uncertain dates: a pale hatched bar over all of it, never a mark."""
    from musk_openai.story.charts import _common

    chart = charts.valuation_growth(ds, "en")  # any figure: draw on a fresh one
    ax = chart.fig.add_subplot(2, 1, 2)
    s0, s1 = _common.span(ax, 0, "2024-02-22", "2024-03-28", "interval", "#000000")
    assert (s0, s1) == (pd.Timestamp("2024-02-22"), pd.Timestamp("2024-03-29"))
    (bar,) = ax.patches
    assert bar.get_hatch() == "////" and bar.get_alpha() == 0.35
    assert _common.span_style("interval") == "interval" and _common.span_style("day") == "dot"
    # An uncertain year ("2018?") is no solid bar either.
    assert _common.span_style("year", "uncertain") == "interval"
    timeline = charts.dispute_timeline(ds, "en")
    hatched = {p.get_hatch() for p in timeline.fig.axes[0].patches}
    assert "////" in hatched


@pytest.mark.parametrize(
    ("build", "colours"),
    [
        (charts.funding_sources, {"Who says it:", "Elon Musk", "OpenAI", "the press"}),
        (charts.musk_contribution, {"Who says it:", "Elon Musk", "OpenAI", "the press"}),
        (charts.musk_stops_funding,
         {"an uncertain date or a range", "the text gives no other bound"}),
        (charts.dispute_timeline, {"Who acts:", "Elon Musk", "OpenAI",
                                   "others (Microsoft, Google, Apple)", "a single day",
                                   "a whole month or year",
                                   "an uncertain date or a range"}),
    ],
)  # fmt: skip
def test_legends_explain_colours_and_shapes(
    ds: data.Dataset, build: Callable[[data.Dataset, str], export.Chart], colours: set[str]
) -> None:
    fig = build(ds, "en").fig
    entries = {t.get_text() for legend in fig.legends for t in legend.get_texts()}
    assert colours <= entries, entries


def test_svg_keeps_text_as_text_with_a_font_fallback(tmp_path: Path, ds: data.Dataset) -> None:
    export.save(charts.valuation_growth(ds, "fr"), params.validate("fr", "svg", 60, str(tmp_path)))
    svg = (tmp_path / "01-valuation-growth.svg").read_text(encoding="utf-8")
    assert "157\u00a0Md$</text>" in svg
    assert "font-family: 'DejaVu Sans', 'Arial', 'Helvetica', sans-serif" in svg


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_committed_csvs_write_whole_numbers_as_integers(lang: str) -> None:
    text = (FIGURES_DIR / lang / "01-valuation-growth.csv").read_text(encoding="utf-8")
    assert ",157000000000,USD," in text and ",6600000000,USD," in text and ".0," not in text
    alt = (FIGURES_DIR / lang / "01-valuation-growth.alt.txt").read_text(encoding="utf-8")
    assert alt.count("\n") == 1 and "157" in alt
