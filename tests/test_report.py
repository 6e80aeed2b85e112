"""The report runner on tiny throw-away notebooks: outputs, failures, HTML, reproducibility."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from bs4 import BeautifulSoup
from helpers import FIGURE, make_notebook, snapshot

from musk_openai.dataset import data
from musk_openai.report import runner
from musk_openai.story import i18n

pytestmark = pytest.mark.kernel

PLAIN = """\
import os
print("cwd=" + os.getcwd())
print("lang=" + lang)
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    nbs = root / "notebooks"
    nbs.mkdir()
    make_notebook(nbs, "00-plain", PLAIN, title="Plain page")
    make_notebook(nbs, "01-figure", FIGURE, title="A figure")
    return root


@pytest.fixture(scope="module")
def first_run(project: Path) -> runner.Report:
    return runner.run_report(
        notebooks_dir=project / "notebooks",
        output=project / "reports",
        figures_root=project / "figures",
        formats="png,svg",
        dpi=60,
        stream=None,
    )


def test_every_notebook_in_every_language(project: Path, first_run: runner.Report) -> None:
    assert first_run.exit_code == 0, runner.summary(first_run)
    for lang in ("fr", "en"):
        for name in ("00-plain", "01-figure"):
            assert (project / "reports" / lang / f"{name}.ipynb").is_file()
            assert (project / "reports" / lang / f"{name}.html").is_file()
        for fmt in ("png", "svg"):  # dpi 60 is not the canonical build: figures stay beside
            assert (project / "reports" / "figures" / lang / f"01-bars.{fmt}").is_file()
    assert not (project / "figures").exists()
    # the sources are untouched: no outputs, no injected cell
    src = nbformat.read(project / "notebooks" / "00-plain.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in src.cells if c.cell_type == "code")


def test_parameters_and_working_folder(project: Path, first_run: runner.Report) -> None:
    nb = json.loads((project / "reports" / "en" / "00-plain.ipynb").read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1
    code = "".join(injected[0]["source"])
    assert 'lang = "en"' in code and "dpi = 60" in code and 'formats = "png,svg"' in code
    building = project / "reports" / ".building"  # where the run was built before it was put
    # each job writes its figures into a folder of its own, then copied to figures/<lang>
    assert f'figures_dir = "{building / "jobs" / "en" / "00-plain"}"' in code
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert f"cwd={project / 'notebooks'}" in text
    assert "lang=en" in text


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def links(page: BeautifulSoup) -> list[str]:
    """Every address the page refers to: links, images, scripts, style sheets, frames."""
    found = [str(t.get("href") or t.get("src") or "") for t in page.find_all(["a", "link"])]
    found += [str(t.get("src", "")) for t in page.find_all(["img", "script", "iframe"])]
    return [u for u in found if u]


def test_index_offers_each_language(project: Path, first_run: runner.Report) -> None:
    index = soup(project / "reports" / "index.html")
    assert index.html is not None and index.html.get("lang") == "fr"
    hrefs = [str(a.get("href")) for a in index.select(".go a")]
    assert hrefs == ["fr/index.html", "en/index.html"]
    assert [s.get("lang") for s in index.find_all("section")] == ["fr", "en"]
    assert not [u for u in links(index) if u.startswith(("http:", "https:", "//"))]


def test_front_page_shows_pages_and_figures_the_build_log_the_run(
    project: Path, first_run: runner.Report
) -> None:
    from musk_openai.dataset.data import dataset_hash

    for lang in ("fr", "en"):
        front = soup(project / "reports" / lang / "index.html")
        assert front.html is not None and front.html.get("lang") == lang
        hrefs = {str(a.get("href")) for a in front.find_all("a")}
        images = {str(img.get("src")) for img in front.find_all("img")}
        assert {"00-plain.html", "01-figure.html", "facts.html"} <= hrefs
        assert f"../figures/{lang}/01-bars.svg" in hrefs
        assert images == {f"../figures/{lang}/01-bars.png"}
        assert [h2.get_text() for h2 in front.select("section.question h2")] == [
            "Plain page",
            "A figure",
        ]
        colophon = front.find("section", id="colophon")
        assert colophon is not None and colophon.find_previous("section", class_="question")
        version = data.dataset_version()  # semantic (data/datapackage.json), then the data's hash
        assert version.count(".") == 2
        assert version in colophon.get_text() and dataset_hash() not in colophon.get_text()
        assert not colophon.find("table") and "python3" not in front.get_text()
        assert front.select_one(".failures") is None
        assert not [u for u in links(front) if u.startswith(("http:", "https:", "//"))]
    # the run's technical details: in the build log, for whoever ran it
    log = (project / "reports" / "build-log.txt").read_text(encoding="utf-8").splitlines()
    assert f"dataset version: {data.dataset_version()} ({dataset_hash()})" in log
    assert {"formats: png,svg", "dpi: 60", "notebooks: 00-plain, 01-figure"} <= set(log)
    assert "  fr/00-plain.ipynb: executed" in log


def test_index_escapes_what_it_shows(tmp_path: Path) -> None:
    """Titles, names and errors are text in the index, never markup (Jinja autoescaping)."""
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-tags", "raise ValueError('<b>bold</b> & co')", title="<i>x</i> & y")
    result = runner.run_report(
        notebooks_dir=nbs, output=tmp_path / "out", lang="en", stream=None, figures_root=tmp_path
    )
    assert result.exit_code == 1
    index = soup(tmp_path / "out" / "failed-run" / "en" / "index.html")
    assert index.find("i") is None and index.find("b") is None
    assert index.select_one("section.question h2").get_text() == "<i>x</i> & y"  # type: ignore[union-attr]
    error = index.select_one("pre.error")
    assert error is not None and "ValueError: <b>bold</b> & co" in error.get_text()


def assert_self_contained(path: Path) -> None:
    """Nothing is loaded from the network or from another file: images are embedded."""
    page = soup(path)
    assert not [u for u in links(page) if u.startswith(("http:", "https:", "//"))]
    assert not page.find_all("script", src=True), "no script is loaded from a file"
    assert not page.find_all("link", rel="stylesheet")
    for style in page.find_all("style"):
        css = style.get_text()
        assert "@import" not in css and "url(http" not in css and "url(//" not in css
    for img in page.find_all("img"):
        assert str(img.get("src", "")).startswith("data:image/"), img


def test_html_is_self_contained_and_hides_code(project: Path, first_run: runner.Report) -> None:
    for lang in ("fr", "en"):
        path = project / "reports" / lang / "01-figure.html"
        assert_self_contained(path)
        page = soup(path)
        images = [str(img.get("src")) for img in page.find_all("img")]
        assert len(images) == 1 and images[0].startswith("data:image/png;base64,")
        assert "fig.savefig" not in page.get_text()  # code hidden by default
        assert page.find(id="cell-id=injected-parameters") is not None  # a stable id
        # the site's header, as on every page; the question before it (this run's order)
        nav = [(a.get("href"), a.get("lang")) for a in page.select("header.site nav a")]
        other = "en" if lang == "fr" else "fr"
        assert nav[0] == ("index.html", None) and ("facts.html", None) in nav
        assert nav[-1] == (f"../{other}/01-figure.html", other)
        pager = page.select("nav.pager a")
        assert [(a.get("href"), a.get("rel")) for a in pager] == [("00-plain.html", ["prev"])]
        assert "Plain page" in pager[0].get_text()
        assert page.title is not None and page.title.get_text() == "A figure"
        assert page.html is not None and page.html.get("lang") == lang
        assert all(len(str(img.get("alt", "")).split()) >= 4 for img in page.find_all("img"))


def test_rerun_is_byte_identical(project: Path, first_run: runner.Report) -> None:
    figures = snapshot(project / "figures")
    reports = snapshot(project / "reports")
    again = runner.run_report(
        notebooks_dir=project / "notebooks",
        output=project / "reports",
        figures_root=project / "figures",
        formats="png,svg",
        dpi=60,
        stream=None,
        force=True,  # every notebook executed again, nothing reused
    )
    assert again.exit_code == 0 and not any(r.reused_from for r in again.results)
    assert snapshot(project / "figures") == figures
    after = snapshot(project / "reports")
    assert sorted(after) == sorted(reports)
    # the pages and the index are reproducible too (the executed notebooks hold timings)
    for name in after:
        if not name.endswith(".ipynb"):
            assert after[name] == reports[name], name
    assert snapshot(project / "notebooks").keys() == {"00-plain.ipynb", "01-figure.ipynb"}


def test_failing_notebook_others_finish(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    make_notebook(nbs, "00-good", "print('fine')")
    make_notebook(
        nbs, "01-broken", "x = 1", "total = 10\nratio = total / 0\nprint(ratio)", "x += 1"
    )
    make_notebook(nbs, "02-good-too", "print('also fine')")
    out = tmp_path / "out"
    good = runner.run_report(
        notebooks_dir=nbs, output=out, lang="en", only=["00"], stream=None, figures_root=tmp_path
    )
    assert good.exit_code == 0 and good.location == out
    previous = snapshot(out)
    result = runner.run_report(
        notebooks_dir=nbs,
        output=out,
        figures_root=tmp_path / "figures",
        lang="en",
        with_code=True,
        stream=None,
    )
    assert result.exit_code == 1
    assert [r.job.notebook.name for r in result.failures] == ["01-broken"]
    failure = result.failures[0].failure
    assert failure is not None
    # source cells: 0 title, 1 parameters, 2 "x = 1", 3 the division
    assert failure.cell == 3 and failure.executed_cell is not None
    assert failure.source_line == "total = 10"
    assert failure.ename == "ZeroDivisionError"
    text = runner.summary(result)
    assert "FAILED 01-broken.ipynb (en), cell 3" in text
    assert "total = 10" in text and "ZeroDivisionError: division by zero" in text
    assert "1 failed" in text
    # the previous good report is untouched; this run went to failed-run/
    assert snapshot(out / "en") == {k[3:]: v for k, v in previous.items() if k.startswith("en/")}
    assert (out / "index.html").read_bytes() == previous["index.html"]
    assert result.location == out / "failed-run"
    assert f"{out} keeps its previous report" in text
    assert str(out / "failed-run" / "en" / "01-broken.ipynb") in text
    out = out / "failed-run"
    # the others finished; the partial notebook is kept, with the error, and rendered
    for name in ("00-good", "02-good-too"):
        assert (out / "en" / f"{name}.html").is_file()
    partial = nbformat.read(out / "en" / "01-broken.ipynb", as_version=4)
    outputs: list[Any] = partial.cells[failure.executed_cell].outputs
    assert any(o.get("ename") == "ZeroDivisionError" for o in outputs)
    assert not partial.cells[failure.executed_cell + 1].get("outputs")  # never ran
    page = out / "en" / "01-broken.html"
    assert "ratio = total / 0" in soup(page).get_text()  # --with-code shows the code
    assert_self_contained(page)
    index = soup(out / "en" / "index.html")
    assert index.select_one(".failures") is not None
    assert [s.get_text() for s in index.select("section.question .failed")] == [
        i18n.t("report.failed", "en")
    ]
    error = index.select_one("pre.error")
    assert error is not None and "ZeroDivisionError" in error.get_text()


def test_cell_timeout_names_the_cell(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    make_notebook(nbs, "00-slow", "import time\ntime.sleep(60)")
    result = runner.run_report(
        notebooks_dir=nbs,
        output=tmp_path / "out",
        figures_root=tmp_path / "figures",
        lang="fr",
        timeout=2,
        stream=None,
    )
    assert result.exit_code == 1
    failure = result.failures[0].failure
    assert failure is not None
    assert failure.cell == 2 and failure.source_line == "import time"
    assert "Timeout" in failure.ename
    assert (tmp_path / "out" / "failed-run" / "fr" / "00-slow.ipynb").is_file()
    assert not (tmp_path / "out" / ".building").exists()


def test_params_file_extra_parameter_only_where_declared(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    make_notebook(nbs, "00-a", "print(since)")
    # a notebook that declares one more parameter
    nb = nbformat.read(make_notebook(nbs, "01-b", "print(since)"), as_version=4)
    nb.cells[1].source += '\nsince: str = "2020"'
    nbformat.write(nb, nbs / "01-b.ipynb")
    nb = nbformat.read(nbs / "00-a.ipynb", as_version=4)
    nb.cells[1].source += '\nsince: str = "2020"'
    nbformat.write(nb, nbs / "00-a.ipynb")
    pfile = tmp_path / "p.yaml"
    pfile.write_text(f"since: '2024-03-01'\ndpi: 80\nfigures_dir: {tmp_path}/figs/{{lang}}\n")
    plan = runner.plan_report(notebooks_dir=nbs, output=tmp_path / "out", params_file=pfile)
    assert plan.dpi == 80 and plan.langs == ("fr", "en")
    job = plan.work[0]
    assert job.parameters["since"] == "2024-03-01"
    assert plan.figures_dirs["fr"] == tmp_path / "figs" / "fr"
    assert job.figures == tmp_path / "out" / ".building" / "jobs" / "fr" / job.notebook.name
    # the command line wins over the file
    plan = runner.plan_report(
        notebooks_dir=nbs, output=tmp_path / "out", params_file=pfile, dpi="300", lang="en"
    )
    assert plan.dpi == 300 and plan.langs == ("en",)
    assert not (tmp_path / "out").exists()
