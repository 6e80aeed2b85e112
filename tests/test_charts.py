"""The numbers each chart draws, checked against the dataset; exports; committed figures fresh.

Words, numbers and dates: tests/test_i18n.py; parameters: tests/test_params.py; the house style
in its context: tests/test_style.py.
"""

from __future__ import annotations

import filecmp
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.text import Text

from musk_openai.dataset import data
from musk_openai.paths import FIGURES_DIR
from musk_openai.story import charts, export, i18n, params, queries


def test_valuation_chart_draws_the_dataset(ds: data.Dataset) -> None:
    chart = charts.valuation_growth(ds, "en")
    d = chart.data
    assert list(d["value"]) == [86e9, 6.6e9, 157e9]
    assert set(d["source_id"]) == {"S001"}
    assert d["multiple_after_over_before"].iloc[0] == pytest.approx(157 / 86, abs=1e-4)
    assert chart.footer.startswith("Source: the October 2024 article (French press)")
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
    # Grouped by who paid, top to bottom: Musk first, the round last; Microsoft's by their
    # earliest bound; each group's heading in words.
    assert list(dict.fromkeys(d["group"])) == [
        "Elon_Musk",
        "other_donors",
        "unspecified",
        "Microsoft",
        "round",
    ]
    assert d["payer"].iloc[0] == "Elon Musk" and d["kind"].iloc[-1] == "funding_round"
    assert d.loc[d["group"] == "round", "group_label"].iloc[0] == (
        "les investisseurs de la levée d’octobre 2024"
    )
    assert list(d.loc[d["payer"] == "Microsoft", "id"]) == ["F13", "F14", "F17"]
    # Each date in words: « Peu de temps après » 2019, « Récemment » in March 2023.
    label = d.set_index("id")["label"]
    assert "2019 ou 2020" in label["F13"] and "au plus tard en mars 2023" in label["F14"]
    # Who says each amount, in which article, in words: « selon OpenAI, dans l’article de 2024
    # sur les e-mails de Musk ».
    assert "selon OpenAI, dans l’article de 2024 sur les e-mails de Musk" in label["F07"]
    assert "selon l’article de mars 2024" in label["F17"]
    # The footer names exactly the articles of the rows drawn.
    cited = {s for s in ds.sources["source_id"]
             if i18n.source_name(s, "fr") in d["footer"].iloc[0]}  # fmt: skip
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


def test_whose_word_each_article_carries(ds: data.Dataset) -> None:
    """05: every row of the dataset counted once, by article and by who asserts it; a claim by
    its side (Jason Kwon speaks for OpenAI)."""
    d = charts.article_voices(ds, "en").data
    tables = (ds.figures, ds.events, ds.members, ds.claims)
    assert d["rows"].sum() == sum(len(t) for t in tables)
    per_source = d.groupby("source_id")["rows"].sum().to_dict()
    expected = pd.concat([t["source_id"] for t in tables]).value_counts().to_dict()
    assert per_source == expected
    cells = d.set_index(["source_id", "party"])["rows"]
    suit = ds.claims[ds.claims["source_id"] == "S000"]
    assert cells["S000", "OpenAI"] == 0  # the article on the suit carries no word of OpenAI
    assert (
        cells["S000", "Elon Musk"]
        == (suit["claimant"] == "Elon Musk").sum()
        + ((ds.figures["source_id"] == "S000") & (ds.figures["asserted_by"] == "Elon Musk")).sum()
    )
    kwon = (ds.claims["source_id"] == "S003") & ds.claims["claimant"].str.contains("OpenAI")
    assert cells["S003", "OpenAI"] >= kwon.sum() > 0
    # oldest article first, named in words
    assert d["source"].iloc[0] == "March 2023 article"


@pytest.mark.parametrize(
    ("build", "rows", "line_sep"),
    [
        (charts.valuation_growth, queries.valuation_bars, " "),
        (charts.funding_sources, queries.funding_lanes, " — "),
        (charts.dispute_timeline, queries.timeline_rows, " "),
        (charts.musk_contribution, queries.contribution_versions, " "),
        (charts.musk_stops_funding, queries.stop_funding_versions, " "),
        (charts.article_voices, queries.article_voices, " "),
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
        "01-valuation-growth.desc.txt",
        "01-valuation-growth.narrow.pdf",
        "01-valuation-growth.narrow.png",
        "01-valuation-growth.narrow.svg",
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
def test_a_chart_drawn_again_gives_the_same_bytes_in_every_format(tmp_path: Path) -> None:
    """A chart and its narrow drawing, drawn and exported twice in PNG, SVG and PDF: the same
    files, byte for byte. The dates and ids a PDF or SVG writer adds are set in the one export
    function that every chart goes through; every chart's PNG and SVG are also compared with
    the committed ones (:func:`test_committed_figures_are_fresh`)."""
    ds = data.load()
    into = {d: params.validate("en", "png,svg,pdf", 60, str(tmp_path / d)) for d in "ab"}
    a = export.save(charts.valuation_growth(ds, "en"), into["a"])
    b = export.save(charts.valuation_growth(ds, "en"), into["b"])
    assert {x.suffix for x in a} >= {".png", ".svg", ".pdf"} and any("narrow" in x.name for x in a)
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
            ["selon l’article d’octobre 2024", "86\u00a0milliards de dollars (date non précisée)",
             "157\u00a0milliards", "6,6\u00a0milliards", "×1,83"],
            ["according to the October 2024 article", "86 billion dollars (date not given)",
             "157 billion dollars", "6.6 billion dollars", "×1.83"],
        ),
        (
            charts.funding_sources,
            ["Elon Musk, selon Elon Musk, environ 100\u00a0millions de dollars ou 44\u00a0millions",
             "selon OpenAI, moins de 45\u00a0millions de dollars",
             "Microsoft, de 1\u00a0milliard de dollars à 10\u00a0milliards de dollars selon les "
             "articles", "plus de 90\u00a0millions de dollars selon OpenAI",
             "1\u00a0milliard de dollars (Elon Musk, selon l’article de mars 2023)"],
            ["Elon Musk, according to Elon Musk, about 100 million dollars or 44 million",
             "according to OpenAI, less than 45 million dollars",
             "Microsoft, from 1 billion dollars to 10 billion dollars according to the articles",
             "more than 90 million dollars according to OpenAI",
             "1 billion dollars (Elon Musk, according to the March 2023 article)"],
        ),
        (
            charts.dispute_timeline,
            ["25 événements", "du premier (Fondation d’OpenAI, 2015)", "2 octobre 2024)",
             "12\u00a0actes d’Elon Musk", "10\u00a0d’OpenAI"],
            ["25 events", "from the first (OpenAI founded, 2015)", "October 2, 2024)",
             "12 by Elon Musk",
             "10 by OpenAI"],
        ),
        (
            charts.musk_contribution,
            ["5 versions", "de 44\u00a0millions de dollars à 100\u00a0millions de dollars",
             "selon OpenAI, moins de 45\u00a0millions de dollars",
             "selon Elon Musk, environ 100\u00a0millions de dollars ou 44\u00a0millions"],
            ["5 versions", "from 44 million dollars to 100 million dollars",
             "according to OpenAI, less than 45 million dollars",
             "according to Elon Musk, about 100 million dollars or 44 million"],
        ),
        (
            charts.musk_stops_funding,
            ["selon l’article de mars 2023, au plus tard en 2018",
             "selon l’article de 2024 sur la plainte, en 2019 ou après", "à moins de lire"],
            ["according to the March 2023 article, by 2018",
             "according to the 2024 article on the suit, in 2019 or later", "unless"],
        ),
        (
            charts.article_voices,
            ["120\u00a0lignes", "Elon Musk en affirme le plus dans l’article de 2024 sur la "
             "plainte (9 sur 15)"],
            ["120 rows", "Elon Musk asserts the most in the 2024 article on the suit (9 of 15)"],
        ),
    ],
)  # fmt: skip
def test_alt_text_names_the_key_values(
    ds: data.Dataset,
    build: Callable[[data.Dataset, str], export.Chart],
    fr: list[str],
    en: list[str],
) -> None:
    """Alt text is written from the rows drawn: one or two sentences with the key numbers and
    who says them, in each language; the description says more."""
    for lang, expected in (("fr", fr), ("en", en)):
        chart = build(ds, lang)
        alt = chart.alt
        assert alt.endswith(".") and len(alt.split()) > 12, alt
        assert [x for x in expected if x not in alt] == [], alt
        assert "\n" not in alt
        assert len(re.findall(r"[.!?](?:\s|$)", alt)) <= 2, alt
        assert chart.desc.endswith(".") and len(chart.desc) > len(alt), chart.desc


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_readers_see_articles_named_in_words_never_codes(ds: data.Dataset, lang: str) -> None:
    """No source code (S000-S004), row id (F07, E39, C31), « éditeur inconnu » or project credit
    in what a reader of a chart sees or hears: its drawn text, footer, alt text, description."""
    codes = re.compile(r"\b(?:S00\d|[FECMR]\d\d)\b|éditeur inconnu|publisher unknown|musk-openai")
    for builders in charts.BUILDERS.values():
        for build in builders:
            chart = build(ds, lang)
            drawn = [t.get_text() for t in chart.fig.findobj(Text)]
            seen = [*drawn, chart.footer, chart.alt, chart.desc]
            assert [x for x in seen if codes.search(x)] == [], chart.name
            assert any(i18n.source_name(s, lang) in chart.footer for s in chart.data["source_id"])


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
    early, late = charts.dispute_timeline(ds, "en").fig.axes
    assert (day("2017-01-01"), day("2018-01-01")) in _bars(early)
    assert (day("2024-08-01"), day("2024-09-01")) in _bars(late)  # a month: its whole month


def test_the_timeline_draws_its_last_two_years_month_by_month(ds: data.Dataset) -> None:
    """03: the crowded 2023-2024 events get a panel of their own, one month a gridline, so that
    a month's bar is as wide as a year's in the first panel, not a sliver."""
    import matplotlib.dates as mdates

    chart = charts.dispute_timeline(ds, "en")
    early, late = chart.fig.axes
    x0, x1 = (mdates.num2date(x).year for x in late.get_xlim())  # type: ignore[no-untyped-call]
    assert (x0, x1) in {(2022, 2024), (2022, 2025)}
    late_rows = chart.data[pd.to_datetime(chart.data["date_start"]) >= "2023-01-01"]
    assert len(late.texts) == len(late_rows) + 2  # one label per event, and the two years' names
    month = _bars(late)
    refiled = next(b for b in month if b[0] == mdates.date2num(pd.Timestamp("2024-08-01")))
    width = refiled[1] - refiled[0]
    inches = width / (late.get_xlim()[1] - late.get_xlim()[0]) * late.get_window_extent().width
    assert inches / chart.fig.dpi > 0.25  # a month drawn at least a quarter of an inch wide
    # a window of two years or less keeps one panel
    assert len(charts.dispute_timeline(ds, "en", "2023", "2024").fig.axes) == 1


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


def test_every_event_has_who_acts_in_it(ds: data.Dataset) -> None:
    """The timeline colours each event by who acts (Musk, OpenAI, others): every subject of the
    dataset's events has one, and an unknown subject is an error, not a silent grey."""
    from musk_openai.story.queries import parties

    assert {parties.event_party(s) for s in ds.events["subject"]} == {"Elon Musk", "OpenAI",
                                                                      "others"}  # fmt: skip
    assert parties.event_party("lawsuit_filed") == "Elon Musk"
    assert parties.event_party("microsoft_invests_10bn") == "others"
    with pytest.raises(KeyError, match="no party"):
        parties.event_party("not_a_subject")
