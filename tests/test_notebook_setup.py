"""musk_openai.story.notebook: the one setup call of every notebook, and publishing a chart."""

from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd
import pytest

from musk_openai.dataset import data
from musk_openai.story import charts, export, notebook, params, tables


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
    # the exported PNG itself, with its alt text, and its narrow drawing for the report's phones
    data, metadata = shown._repr_mimebundle_()  # type: ignore[attr-defined]
    png = (tmp_path / "04-musk-contribution.png").read_bytes()
    narrow = (tmp_path / "04-musk-contribution.narrow.png").read_bytes()
    assert base64.b64decode(data["image/png"]) == png
    assert base64.b64decode(data[export.NARROW_MIME]) == narrow
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
    assert (
        '<td style="text-align: right" data-label="Montant">157' in html
    )  # numbers right, words left
    page = tables.report_links(html)  # the links as the report's page has them
    assert '<a href="sources/S001.html#F01">article d’octobre 2024</a>' in page
    assert ">F01<" not in html and ">Ligne</th>" not in html  # the row's id: only in the link
    assert "Valorisation après la levée d’octobre 2024" in html and "<th></th>" not in html
    en = notebook.Story(params.validate("en", "png", 60, str(tmp_path)), ds, "2015", "2024")
    html = en.table(queries.timeline(ds), ["label", "date", "source_ids"])._repr_html_()
    assert ">October 2, 2024</td>" in html and "label_en" not in html
    assert (
        '<a href="sources/S000.html#E01">2024 article on the suit</a>, '
        '<a href="sources/S001.html#E02">October 2024 article</a>'
    ) in tables.report_links(html)
    html = en.table(queries.valuations(ds), ["label", "excerpt"])._repr_html_()
    assert '<td style="text-align: left" data-label="Excerpt"><span lang="fr">' in html
    with pytest.raises(KeyError, match="no column"):
        en.table(queries.valuations(ds), ["nothing"])


def test_source_links_open_the_article_at_its_excerpt_in_lab_and_its_page_in_the_report(
    tmp_path: Path, ds: data.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In JupyterLab (the kernel in the notebook's folder), a source link is the article's text
    file, relative, at the line of the row's excerpt (JupyterLab counts lines from 0); the
    report's page of the same output links to the source's page at the row."""
    from bs4 import BeautifulSoup
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from musk_openai.paths import NOTEBOOKS_DIR
    from musk_openai.report.site import cells
    from musk_openai.story import queries

    monkeypatch.chdir(NOTEBOOKS_DIR)
    story = notebook.Story(params.validate("en", "png", 60, str(tmp_path)), ds, "2015", "2024")
    shown = story.table(queries.valuations(ds), ["label", "source_id"])._repr_html_()
    quote = story.quote("F07").data  # type: ignore[attr-defined]
    links = BeautifulSoup(shown + quote, "html.parser")("a")
    rows = pd.concat([ds.figures, ds.events]).set_index("id")
    assert len(links) == len(queries.valuations(ds)) + 1
    for link in links:
        path, line = link["href"].split("#line=")
        page, row_id = link["data-page"].split("#")
        assert not path.startswith("/") and ".." in path  # relative: the notebook's folder
        text = (NOTEBOOKS_DIR / path).resolve()
        source = rows.loc[row_id, "source_id"]
        assert page == f"sources/{source}.html"
        assert (
            text
            == (ds.folder / "sources").resolve()
            / ds.sources.set_index("source_id").loc[source, "file"]
        )
        assert (
            rows.loc[row_id, "excerpt"] in text.read_text(encoding="utf-8").split("\n")[int(line)]
        )

    nb = new_notebook(
        cells=[
            new_code_cell(
                outputs=[
                    new_output("execute_result", {"text/html": shown}, execution_count=1),
                    new_output("execute_result", {"text/markdown": quote}, execution_count=2),
                ]
            )
        ]
    )
    page_cells = cells.for_language(nb, "en", "Valuations").cells
    outputs = [
        o["data"].get("text/html") or o["data"]["text/markdown"] for o in page_cells[0].outputs
    ]
    on_page = BeautifulSoup("".join(outputs), "html.parser")("a")
    assert [a["href"] for a in on_page] == [a["data-page"] for a in links]
    assert all(not a.has_attr("data-page") for a in on_page)
    assert "../" not in "".join(outputs) and ".txt" not in "".join(outputs)


def test_findings_are_kept_for_the_tests_and_never_printed(
    tmp_path: Path, ds: data.Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    story = notebook.Story(params.validate("en", "png", 60, str(tmp_path)), ds, "2015", "2024")
    story.findings({"before": 86e9, "files": ["a.png"]})  # no kernel: nothing shown
    assert capsys.readouterr().out == ""
    with pytest.raises(TypeError, match="not JSON serializable"):
        story.findings({"when": pd.Timestamp("2024-01-01")})

    kept = {"before": 86e9, "files": ["a.png"]}
    cell = new_code_cell(
        "story.findings(findings)",
        metadata={"tags": ["findings"]},
        outputs=[new_output("display_data", {notebook.FINDINGS_MIME: kept})],
    )
    assert notebook.findings_of(new_notebook(cells=[cell])) == kept
    cell.outputs = []
    with pytest.raises(KeyError, match="did not run"):
        notebook.findings_of(new_notebook(cells=[cell]))


def test_language_style_applies_only_inside_its_own_notebook() -> None:
    """Every rule of the style starts from the notebook holding the run's marker: no rule for
    the whole page (the browser check, with several notebooks: test_lab.py)."""
    import re

    for lang in ("fr", "en"):
        html = notebook.language_style(lang)
        style = re.search(r"<style>(.*)</style>", html, re.S)
        assert style is not None
        selectors = [s.strip() for s in re.findall(r"([^{}]+)\{[^}]*\}", style.group(1))]
        own = f'.jp-Notebook:has(.{notebook.LANG_MARK}[data-lang="{lang}"]) '
        assert len(selectors) == 2 and all(s.startswith(own) for s in selectors), selectors
        assert f'<span class="{notebook.LANG_MARK}" data-lang="{lang}" hidden></span>' in html


def test_a_source_text_opened_in_jupyterlab_leaves_the_dataset_loadable(tmp_path: Path) -> None:
    """A source link opens the article's text in JupyterLab, which keeps a checkpoint of it in
    sources/.ipynb_checkpoints/: the dataset still loads, and a stray text is still refused."""
    import shutil

    from musk_openai.paths import PROJECT_ROOT

    copy = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", copy)
    text = next((copy / "sources").glob("001_*.txt"))
    checkpoints = copy / "sources" / ".ipynb_checkpoints"
    checkpoints.mkdir()
    shutil.copy(text, checkpoints / f"{text.stem}-checkpoint.txt")
    assert len(data.load(copy).texts) == 5
    shutil.copy(text, copy / "sources" / "stray.txt")
    with pytest.raises(data.DataError, match="stray.txt: no row"):
        data.load(copy)


#: What a label or a source text could hold that a page must show as words, never run.
PAYLOAD = "[read more](javascript:alert(1)) <img src=x onerror=alert(1)> **loud**"


def test_data_is_shown_as_text_never_as_markup(tmp_path: Path, ds: data.Dataset) -> None:
    """A row's label and its source text, in a quote and in a sentence: the link, the tag and
    the emphasis they spell show as written, on a page (nbconvert's Markdown) as in Lab."""
    import dataclasses

    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    figures = ds.figures.copy()
    at = figures["id"] == "F07"
    figures.loc[at, "label_en"] = PAYLOAD
    source, excerpt = (
        str(figures.loc[at, "source_id"].iloc[0]),
        str(figures.loc[at, "excerpt"].iloc[0]),
    )
    texts = dict(ds.texts) | {source: ds.texts[source].replace(excerpt, f"{PAYLOAD} {excerpt}")}
    unsafe = dataclasses.replace(ds, figures=figures, texts=texts)
    story = notebook.Story(params.validate("en", "png", 60, str(tmp_path)), unsafe, "2015", "2024")
    quoted = story.quote("F07")._repr_html_()  # type: ignore[attr-defined]
    said = markdown2html_mistune(
        story.say("notebook.lawsuits.summary", musk=PAYLOAD, openai=1, other=2).data
    )  # type: ignore[attr-defined]
    for shown in (quoted, said):
        assert 'href="javascript' not in shown and "<img" not in shown
        assert "<strong>loud" not in shown
    assert quoted.count("[read more]") == 2  # the label and the source text, as written
    assert "[read more](javascript:alert(1))" in said.replace("&#40;", "(").replace("&#41;", ")")


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("Musk says so (claim C31).", "Musk says so."),
        ("Same as (E06, claim C41) here", "Same as here"),
        ("Dated by S001; see E40.", "Dated by the October 2024 article."),
        ("Both (F01, F02) agree", "Both agree"),
    ],
)
def test_a_note_shows_no_row_id_nor_the_word_that_introduced_it(note: str, shown: str) -> None:
    assert tables.readable(note, "en") == shown
