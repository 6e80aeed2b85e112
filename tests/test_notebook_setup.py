"""musk_openai.story.notebook: the one setup call of every notebook, and publishing a chart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from musk_openai.dataset import data
from musk_openai.story import charts, notebook, params


def test_setup_checks_loads_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ds: data.Dataset
) -> None:
    with pd.option_context("display.max_colwidth", 50, "display.float_format", None):
        story = notebook.setup("fr", "png", 80, str(tmp_path), start=2019, end="2024-06")
        assert pd.get_option("display.max_colwidth") == 220
    assert story.lang == "fr" and story.params.formats == ("png",) and story.params.dpi == 80
    assert story.params.figures_dir == tmp_path.resolve()
    assert (story.start, story.end) == ("2019", "2024-06")
    assert len(story.ds.figures) == len(ds.figures)
    assert capsys.readouterr().out == "", "nothing printed for readers"
    assert pd.get_option("display.html.use_mathjax") is False


def test_setup_without_a_window_takes_the_defaults(tmp_path: Path) -> None:
    story = notebook.setup("en", "png", 80, str(tmp_path))
    assert (story.start, story.end) == (params.DEFAULTS["start"], params.DEFAULTS["end"])


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"lang": "de"}, "parameter 'lang': got 'de'"),
        ({"start": "2015-13"}, "parameter 'start': got '2015-13'"),
        ({"start": "2024", "end": "2019"}, "start must not be after end"),
    ],
)
def test_setup_refuses_a_bad_parameter(
    tmp_path: Path, kwargs: dict[str, object], says: str
) -> None:
    args: dict[str, object] = {"lang": "fr", "formats": "png", "dpi": 80} | kwargs
    with pytest.raises(params.ParameterError, match=says):
        notebook.setup(figures_dir=str(tmp_path / "figs"), **args)
    assert not (tmp_path / "figs").exists()


def test_publish_saves_shows_and_keeps_each_chart(tmp_path: Path, ds: data.Dataset) -> None:
    story = notebook.Story(params.validate("en", "png,svg", 60, str(tmp_path)), ds, "2015", "2024")
    shown = story.publish(charts.musk_contribution(ds, "en"))
    story.publish(charts.musk_stops_funding(ds, "en"))
    assert type(shown).__name__ == "Image"  # the exported PNG itself, with its alt text
    data, metadata = shown._repr_mimebundle_()  # type: ignore[attr-defined]
    assert metadata["image/png"]["alt"] == story.charts["04-musk-contribution"].alt
    assert "44 million dollars" in metadata["image/png"]["alt"]
    assert [p.name for p in story.files] == [
        f"04-{name}.{ext}"
        for name in ("musk-contribution", "musk-stops-funding")
        for ext in ("png", "svg", "narrow.png", "narrow.svg", "csv", "alt.txt", "desc.txt")
    ]
    assert all(p.is_file() for p in story.files)
    assert list(story.charts) == ["04-musk-contribution", "04-musk-stops-funding"]
    said = story.say(
        "notebook.valuation.summary", before="$8B", after="$9B", multiple="2", raised="C"
    )
    # "$" as an entity: JupyterLab typesets "$...$", even "\$...\$", as LaTeX.
    assert said.data == (  # type: ignore[attr-defined]
        '<span class="mathjax_ignore tex2jax_ignore">'
        "**&#36;8B → &#36;9B**: ×2; money raised: C</span>"
    )


def test_tables_for_readers(tmp_path: Path, ds: data.Dataset) -> None:
    """Headers in words, amounts and dates in the language, a dash for missing values, sources
    named in words and linked to their page at the row, no row id, no index, no raw column
    name, no MathJax; excerpts marked as French on an English page."""
    from musk_openai.story import queries

    story = notebook.Story(params.validate("fr", "png", 60, str(tmp_path)), ds, "2015", "2024")
    columns = ["id", "label", "amount", "date", "asserted_by", "source_id", "excerpt"]
    html = story.table(queries.valuations(ds), columns)._repr_html_()
    assert "mathjax_ignore" in html and "$" not in html and "157\u00a0Md&#36;" in html
    assert ">Montant</th>" in html and ">Selon</th>" in html and "source_id" not in html
    assert ">octobre 2024</td>" in html and ">—</td>" in html  # F02 has no date
    assert '<td style="text-align: right">157' in html  # numbers right, words left
    assert '<a href="sources/S001.html#F01">article d’octobre 2024</a>' in html
    assert ">F01<" not in html and ">Ligne</th>" not in html  # the row's id: only in the link
    assert "Valorisation après la levée d’octobre 2024" in html and "<th></th>" not in html
    en = notebook.Story(params.validate("en", "png", 60, str(tmp_path)), ds, "2015", "2024")
    html = en.table(queries.timeline(ds), ["label", "date", "source_ids"])._repr_html_()
    assert ">October 2, 2024</td>" in html and "label_en" not in html
    assert (
        '<a href="sources/S000.html#E01">2024 article on the suit</a>, '
        '<a href="sources/S001.html#E02">October 2024 article</a>'
    ) in html
    html = en.table(queries.valuations(ds), ["label", "excerpt"])._repr_html_()
    assert '<td style="text-align: left"><span lang="fr">' in html
    with pytest.raises(KeyError, match="no column"):
        en.table(queries.valuations(ds), ["nothing"])
