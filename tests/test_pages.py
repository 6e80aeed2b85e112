"""The report's pages as readers get them: one language per page, readers' content only, alt text
on every image, every source link landing on its excerpt, a self-contained folder; the source
pages' highlights, and the fact explorer (static checks here; in a browser: test_end_to_end.py)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import golden
import pytest
from bs4 import BeautifulSoup
from helpers import FIGURE, make_tagged_notebook, write_site_pages

from musk_openai.dataset import data
from musk_openai.paths import PROJECT_ROOT
from musk_openai.report import runner
from musk_openai.report.runner import execute as runner_execute
from musk_openai.report.site import cells, corrections, facts, figures, sources
from musk_openai.story import i18n

LANGS = ("fr", "en")
ALT = "Diagramme en barres : deux barres, a vaut 1 et b vaut 2, dessinées pour le test"
SHOW = """\
from IPython.display import Image, display
display(Image(filename=f"{figures_dir}/01-bars.png"), metadata={"image/png": {"alt": ALT}})
"""
TABLE = """\
import pandas as pd
pd.DataFrame({"id": ["F01", "F02"], "date": ["2024-10", None], "source_id": ["S001", "S001"]})
"""


@pytest.fixture(scope="module")
def site_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report's own pages (front pages, source pages, fact explorer, corrections) written
    from the dataset, with no notebook run: no kernel."""
    return write_site_pages(tmp_path_factory.mktemp("site"))


def make_notebooks(nbs: Path) -> None:
    """The two notebooks of the page tests (their executed copies: tests/golden/)."""
    make_tagged_notebook(
        nbs,
        "01-figure",
        ("md", "# Combien vaut OpenAI ?", ["fr"]),
        ("md", "# How much is OpenAI worth?", ["en"]),
        ("md", "Untagged prose for both.", []),
        ("code", 'print("DEBUG setup /secret/path")', []),
        ("code", FIGURE.replace("plt.show()\n", "plt.close(fig)\n"), []),
        ("code", f"ALT = {ALT!r}\n" + SHOW, []),
        ("code", TABLE, []),
        ("code", 'import json\nprint(json.dumps({"findings": 1}))', ["findings"]),
        ("code", 'print("hidden cell")', ["remove-cell"]),
    )
    make_tagged_notebook(nbs, "02-plain", ("md", "# Plain", []), ("code", "1 + 1", []))


def build_report(root: Path, execute: Any = None) -> Path:
    """The report of the two notebooks, moved elsewhere (it must work from anywhere); executed
    by ``execute`` in place of the runner's (the golden copies), else by real kernels."""
    nbs = root / "notebooks"
    make_notebooks(nbs)
    with pytest.MonkeyPatch.context() as mp:
        if execute is not None:
            mp.setattr(runner_execute, "execute_job", execute)
        result = runner.run_report(
            notebooks_dir=nbs,
            output=root / "out",
            figures_root=root / "figures",
            formats="png,svg",
            dpi=60,
            stream=None,
        )
    assert result.exit_code == 0, runner.summary(result)
    moved = root / "elsewhere" / "copy"
    shutil.copytree(root / "out", moved, ignore=shutil.ignore_patterns(".lock"))
    shutil.rmtree(root / "out")
    return moved


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the two notebooks, rendered from their golden executed copies: no kernel
    (test_golden_notebooks_are_what_the_notebooks_compute checks that they are current)."""
    return build_report(tmp_path_factory.mktemp("pages"), golden.execute)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def lang_of(page: Path, folder: Path) -> str | None:
    first = page.relative_to(folder).parts[0]
    return first if first in LANGS else None


def test_layout(report: Path) -> None:
    for lang in LANGS:
        names = sorted(p.relative_to(report / lang).as_posix() for p in html_pages(report / lang))
        expected = ["01-figure.html", "02-plain.html", "corrections.html", "facts.html"]
        expected.append("index.html")
        assert names == sorted(expected + [f"sources/S00{i}.html" for i in range(5)])
    assert (report / "index.html").is_file()


def test_every_page_is_in_its_language(report: Path) -> None:
    words = i18n.texts()["report"]
    headings = ("title", "contents", "questions", "home", "read_page")
    own = {lg: {words[k][lg] for k in headings} for lg in LANGS}
    own = {
        lg: own[lg] | {words[s]["heading"][lg] for s in ("sources", "facts", "colophon")}
        for lg in LANGS
    }
    for page in html_pages(report):
        lang = lang_of(page, report)
        if lang is None:
            continue
        doc = soup(page)
        assert doc.html is not None and doc.html.get("lang") == lang, page
        text = doc.get_text(" ")
        for other in set(LANGS) - {lang}:
            found = [w for w in own[other] if w in text and w not in own[lang]]
            assert not found, f"{page}: {found}"


def test_page_keeps_its_language_cells_only(report: Path) -> None:
    fr, en = soup(report / "fr" / "01-figure.html"), soup(report / "en" / "01-figure.html")
    assert fr.title is not None and fr.title.get_text() == "Combien vaut OpenAI ?"
    assert en.title is not None and en.title.get_text() == "How much is OpenAI worth?"
    assert "How much is OpenAI worth?" not in fr.get_text()
    assert "Combien vaut OpenAI" not in en.get_text()
    for page in (fr, en):
        text = page.get_text(" ")
        assert "Untagged prose for both." in text
        for hidden in ("DEBUG", "/secret/path", "findings", "hidden cell"):
            assert hidden not in text
    front = soup(report / "fr" / "index.html")
    assert [h.get_text() for h in front.select("section.question h2")] == [
        "Combien vaut OpenAI ?",
        "Plain",
    ]


def test_readers_content_only(report: Path) -> None:
    for page in html_pages(report):
        doc = soup(page)
        for tag in doc(["script", "style"]):
            tag.decompose()
        text = doc.get_text(" ")
        assert not re.search(r"\bNaN\b|\bNaT\b", text), page
        assert '{"' not in text, f"{page}: a JSON dump"
        assert str(PROJECT_ROOT) not in text and "/tmp/" not in text, f"{page}: a path"
        assert "mathjax" not in page.read_text(encoding="utf-8").lower(), page


def test_tables_for_readers(report: Path) -> None:
    page = soup(report / "en" / "01-figure.html")
    table = page.select_one(".jp-RenderedHTMLCommon table")
    assert table is not None
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "id",
        "date",
        "source_id",
    ]
    rows = [[td.get_text(strip=True) for td in tr("td")] for tr in table.select("tbody tr")]
    assert rows == [["F01", "2024-10", "S001"], ["F02", "—", "S001"]]
    assert [a.get("href") for a in table("a")] == ["sources/S001.html#F01", "sources/S001.html#F02"]
    assert all("nowrap" in td.get("class", []) for td in table("td"))


def test_readable_tables_keeps_a_real_index() -> None:
    html = (
        "<table><thead><tr><th></th><th>x</th></tr></thead>"
        "<tbody><tr><th>F01</th><td>NaN</td></tr></tbody></table>"
    )
    out = BeautifulSoup(cells.readable_tables(html, "fr"), "html.parser")
    assert [th.get_text() for th in out("th")] == ["", "x", "F01"]
    assert out.td is not None and out.td.get_text() == "—"
    several = "<table><tbody><tr><td>E01</td><td>S000, S002</td></tr></tbody></table>"
    out = BeautifulSoup(cells.readable_tables(several, "en"), "html.parser")
    assert [a.get("href") for a in out("a")] == ["sources/S000.html", "sources/S002.html"]
    assert out("td")[1].get_text() == "S000, S002"


def test_every_image_has_alt_text(report: Path) -> None:
    for page in html_pages(report):
        for img in soup(page)("img"):
            alt = str(img.get("alt", ""))
            assert len(alt.split()) >= 4, (page, img.get("src", "")[:60], alt)
    shown = soup(report / "fr" / "01-figure.html").find("img")
    assert shown is not None and shown.get("alt") == ALT


def test_front_page_figures_and_downloads(report: Path) -> None:
    for lang in LANGS:
        front = soup(report / lang / "index.html")
        figure = front.select_one("figure.chart")
        assert figure is not None and figure.img is not None
        assert figure.img.get("src") == f"../figures/{lang}/01-bars.png"
        alt = str(figure.img.get("alt"))
        assert (
            "01-bars" not in alt and i18n.t("report.figure.alt_fallback", lang, caption="") in alt
        )
        downloads = [a.get("href") for a in figure.select(".downloads a")]
        assert downloads == [f"../figures/{lang}/01-bars.{x}" for x in ("png", "svg")]
        colophon = front.find("section", id="colophon")
        assert colophon is not None and colophon.find_next("section") is None, "colophon last"


def test_alt_text_file_wins(tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    folder.mkdir()
    for suffix in ("png", "csv"):
        (folder / f"01-x.{suffix}").write_bytes(b"x")
    (folder / "01-x.alt.txt").write_text("Un graphique\nen deux lignes.\n", encoding="utf-8")
    charts = figures.by_notebook(folder, {"01": "Question ?"}, "fr", tmp_path)
    chart = charts["01"][0]
    assert chart.alt == "Un graphique en deux lignes."
    labels = [label for label, _ in chart.downloads]
    assert labels == [i18n.t(f"report.downloads.{k}", "fr") for k in ("png", "csv", "alt")]


def targets(report: Path) -> list[tuple[Path, str]]:
    """Every link and image of every page: (page, address)."""
    found = []
    for page in html_pages(report):
        doc = soup(page)
        found += [(page, str(a["href"])) for a in doc.find_all(["a", "link"], href=True)]
        found += [(page, str(t["src"])) for t in doc.find_all(["img", "script"], src=True)]
    return found


def test_self_contained_every_link_resolves(report: Path) -> None:
    ids: dict[Path, set[str]] = {}
    for page, address in targets(report):
        parts = urlsplit(address)
        if parts.scheme in ("http", "https"):
            assert "itables.org" in parts.netloc, (page, address)  # itables' help link only
            continue
        if parts.scheme == "data":
            continue
        assert not parts.scheme and not address.startswith("/"), (page, address)
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        assert target.is_relative_to(report.resolve()), (page, address)
        assert target.exists(), (page, address)
        if parts.fragment and target.suffix == ".html":
            if target not in ids:
                ids[target] = {str(t["id"]) for t in soup(target).find_all(id=True)}
            assert parts.fragment in ids[target], (page, address)


def test_every_source_id_links_to_its_page(report: Path) -> None:
    for page in html_pages(report):
        doc = soup(page)
        for tag in doc(["script", "style"]):
            tag.decompose()
        for node in doc.find_all(string=re.compile(r"^\s*S\d{3}\s*$")):
            assert node.find_parent("a") is not None, (page, str(node))


def expected_ids(ds: data.Dataset, source_id: str) -> set[str]:
    return {
        str(i)
        for table in (ds.figures, ds.events, ds.members, ds.claims)
        for i in table.loc[table["source_id"] == source_id, "id"]
    }


@pytest.mark.parametrize("lang", LANGS)
def test_source_pages_highlight_every_excerpt(report: Path, ds: data.Dataset, lang: str) -> None:
    for source_id in ds.sources["source_id"]:
        page = soup(report / lang / "sources" / f"{source_id}.html")
        marks = page.select("article mark")
        anchored = {str(m["id"]) for m in marks if m.get("id")}
        anchored |= {str(a["id"]) for a in page.select("article mark a.anchor")}
        assert anchored == expected_ids(ds, source_id), source_id
        listed = {a.get_text() for a in page.select("aside table a")}
        assert listed == expected_ids(ds, source_id)
        # the whole text, but the copy's date line (« date 2024-03 »): S001 to S003 have one
        text = "".join(p.get_text() for p in page.select("article p:not(.how)"))
        words = re.sub(r"\s+", "", ds.texts[source_id])
        dated = re.match(r"date\d{4}-\d{2}", words)
        assert re.sub(r"\s+", "", text) == (words[dated.end() :] if dated else words)


def test_overlapping_excerpts_merge() -> None:
    text = "Alpha beta gamma.\n\nDelta zeta eta."
    spans = sources.merged_spans(
        text, [("F01", "beta gamma"), ("F02", "gamma.\n\nDelta"), ("M01", "beta"), ("E01", "zeta")]
    )
    assert [(s.start, s.end, s.ids) for s in spans] == [
        (6, 24, ["M01", "F01", "F02"]),
        (25, 29, ["E01"]),
    ]
    first, second = sources.paragraphs(text, spans)
    mark = first[1]
    assert mark.id == "M01" and mark.rows == ("M01", "F01", "F02")
    assert [(p.text, p.anchors) for p in mark.pieces] == [("beta ", ("F01",)), ("gamma.", ("F02",))]
    assert second[0].id is None and second[0].rows and second[0].pieces[0].text == "Delta"


@pytest.mark.parametrize("lang", LANGS)
def test_facts_page_offline_and_in_its_language(report: Path, ds: data.Dataset, lang: str) -> None:
    html = (report / lang / "facts.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    assert not page.find_all("script", src=True) and not page.find_all("link", href=True)
    assert "unpkg.com" not in html and "cdn." not in html
    assert "searchPanes" in html and "injectModule" in html
    table = facts.frame(ds, lang)
    assert list(table.columns) == [i18n.t(f"report.columns.{c}", lang) for c in facts.COLUMNS]
    assert len(table) == len(ds.figures) + len(ds.events) + len(ds.members) + len(ds.claims)
    words = facts.language(lang)
    assert json.dumps(words["search"]) in html  # as itables writes it
    assert json.dumps(words["searchPanes"]["buttons"]["clearSearch"]) in html


@pytest.mark.parametrize("lang", LANGS)
def test_corrections_page_lists_every_change_with_its_sentence(
    site_pages: Path, ds: data.Dataset, lang: str
) -> None:
    page = soup(site_pages / lang / "corrections.html")
    assert page.html is not None and page.html["lang"] == lang
    rows = page.select("table.corrections tbody tr")
    assert len(rows) == len(ds.corrections) > 0
    linked = 0
    for row in rows:
        link = row.find("a")
        if link is None:
            continue
        path, anchor = link["href"].split("#")
        target = soup(site_pages / lang / path)
        assert target.find(id=anchor) is not None, link["href"]
        linked += 1
    kept = ds.corrections["change"].astype(str) != "removed"
    anchored = set(ds.figures["id"]) | set(ds.events["id"]) | set(ds.members["id"])
    anchored |= set(ds.claims["id"])
    assert linked == (kept & ds.corrections["row_id"].isin(anchored)).sum() > 0
    reasons = [row.find_all("td")[-1] for row in rows]
    if lang == "en":
        assert all(not r.has_attr("lang") for r in reasons)
    else:  # written in English around the French words: said so to a screen reader
        assert all(r.get("lang") == "en" for r in reasons)
    assert "label_fr" not in page.get_text()  # column names in words
    anchored = {tr["id"] for tr in rows if tr.has_attr("id")}
    assert anchored == set(ds.corrections["row_id"])  # corrections.html#F03: a row's changes
    quotes = [q for r in reasons for q in r.find_all("span", lang="fr")]
    assert quotes and all(q.get_text().startswith("«\u202f") for q in quotes)
    front = soup(site_pages / lang / "index.html")
    assert front.find("a", href="corrections.html") is not None


def test_the_explorer_marks_corrected_rows(ds: data.Dataset) -> None:
    corrected = corrections.corrected_rows(ds)
    table = facts.frame(ds, "en")
    column = table[i18n.t("report.columns.corrected", "en")]
    ids = table[i18n.t("report.columns.id", "en")].str.extract(r">(\w+)<")[0]
    yes = i18n.t("report.yes", "en")
    marked = {i for i, c in zip(ids, column, strict=True) if yes in c}
    shown = {str(i) for t in (ds.figures, ds.events, ds.members, ds.claims) for i in t["id"]}
    assert marked == corrected & shown and marked
    assert "corrected" in {
        facts.COLUMNS[i] for i in facts.datatable_options("en")["searchPanes"]["columns"]
    }


@pytest.mark.kernel
def test_golden_notebooks_are_what_the_notebooks_compute(tmp_path: Path) -> None:
    """The executed copies the page tests render (tests/golden/) are what real kernels make of
    the two notebooks today: same cells, same outputs (timings aside)."""
    fresh = build_report(tmp_path)
    for lang in LANGS:
        for name in golden.NOTEBOOKS:
            assert golden.outputs(fresh / lang / f"{name}.ipynb") == golden.outputs(
                golden.golden_path(lang, name)
            ), (lang, name, "run: python tests/golden.py")


def test_a_chart_with_its_svg_phone_drawing_and_description(tmp_path: Path) -> None:
    """The front page shows a chart's SVG (its marks link to their sentences), its narrow
    drawing on a phone, and its full description; the narrow files are not charts of their own."""
    folder = tmp_path / "figures"
    folder.mkdir()
    for name in ("01-x.png", "01-x.svg", "01-x.narrow.png", "01-x.narrow.svg", "01-x.csv"):
        (folder / name).write_bytes(b"x")
    (folder / "01-x.desc.txt").write_text("Une ligne par version.\n", encoding="utf-8")
    charts = figures.by_notebook(folder, {"01": "Question ?"}, "fr", tmp_path)
    assert [c.stem for c in charts["01"]] == ["01-x"]
    chart = charts["01"][0]
    assert (chart.svg, chart.narrow_svg) == ("figures/01-x.svg", "figures/01-x.narrow.svg")
    assert chart.narrow == "figures/01-x.narrow.png"
    assert chart.description == "Une ligne par version."
