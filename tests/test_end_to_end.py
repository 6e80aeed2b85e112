"""The whole collection as a user runs it: the real report (run once per session, shared), in a
real browser, and bad input."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from musk_openai.dataset import data
from musk_openai.paths import FIGURES_DIR, PROJECT_ROOT
from musk_openai.report import runner

pytestmark = pytest.mark.kernel

CONSOLE = Path(sys.executable).with_name("musk-openai")


@pytest.fixture(scope="module")
def full_report(real_report: tuple[runner.Report, Path]) -> tuple[runner.Report, Path]:
    return real_report


def test_full_report_has_every_page(full_report: tuple[runner.Report, Path]) -> None:
    result, tmp = full_report
    assert result.exit_code == 0
    assert (tmp / "reports" / "index.html").is_file()
    notebooks = sorted(p.stem for p in (PROJECT_ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    sources = sorted(str(s) for s in data.load().sources["source_id"])
    for lang in ("fr", "en"):  # every notebook, the front page, the explorer, the corrections
        pages = {p.stem for p in (tmp / "reports" / lang).glob("*.html")}
        assert pages == {*notebooks, "index", "facts", "corrections"}
        found = sorted(p.stem for p in (tmp / "reports" / lang / "sources").glob("S*.html"))
        assert found == sources


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_figures_match_the_committed_ones(
    full_report: tuple[runner.Report, Path], lang: str
) -> None:
    _, tmp = full_report
    built = tmp / "figures" / lang
    names = sorted(p.name for p in (FIGURES_DIR / lang).iterdir())
    assert sorted(p.name for p in built.iterdir()) == names
    _, mismatch, errors = filecmp.cmpfiles(built, FIGURES_DIR / lang, names, shallow=False)
    assert not mismatch and not errors


@pytest.fixture(scope="module")
def moved_report(
    full_report: tuple[runner.Report, Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The report folder copied to another place: it must still work there."""
    _, tmp = full_report
    moved = tmp_path_factory.mktemp("copied") / "report"
    shutil.copytree(tmp / "reports", moved, ignore=shutil.ignore_patterns(".lock"))
    return moved


def _open(browser, target: Path):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(target.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, requested


PAGES = [
    "index.html",
    "fr/index.html",
    "en/index.html",
    "fr/02-funding-sources.html",
    "en/01-valuation-growth.html",
    "fr/sources/S001.html",
]


@pytest.mark.browser
@pytest.mark.parametrize("page_name", PAGES)
def test_report_in_a_real_browser(moved_report: Path, page_name: str, browser: Any) -> None:
    """Every image loads (from the copied folder), nothing is requested outside file://."""
    try:
        page, requested = _open(browser, moved_report / page_name)
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.src.slice(0, 80), i.complete, "
            "i.naturalWidth, i.alt])"
        )
        lang = page.evaluate("document.documentElement.lang")
        # the charts: SVGs (their marks link to their sentences), each drawn wide and narrow
        charts = page.evaluate(
            "Array.from(document.querySelectorAll('figure.chart')).map(f => "
            "Array.from(f.querySelectorAll('object')).map(o => o.data))"
        )
        page.screenshot(path=str(moved_report.parent / f"{page_name.replace('/', '-')}.png"))
    finally:
        page.context.close()
    broken = [src for src, complete, width, _ in images if not complete or width == 0]
    assert not broken, f"images that did not load: {broken}"
    assert all(len(alt.split()) >= 4 for *_, alt in images), images
    outside = [u for u in requested if not u.startswith(("file://", "data:", "blob:"))]
    assert not outside, f"the page requested something outside file://: {outside}"
    assert lang == (page_name.split("/")[0] if "/" in page_name else "fr")
    if page_name.endswith("/index.html"):
        assert len(charts) == 7, "every chart of the language is shown"
        svgs = [Path(unquote(urlsplit(data).path)) for both in charts for data in both]
        assert all(len(both) == 2 for both in charts), "a wide and a narrow drawing each"
        assert all(svg.suffix == ".svg" and svg.is_file() for svg in svgs), svgs
    elif page_name != "index.html" and "sources" not in page_name:
        assert images, "the page shows its chart"


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_fact_explorer_is_interactive_offline(moved_report: Path, lang: str, browser: Any) -> None:
    from musk_openai.story import i18n

    try:
        page, requested = _open(browser, moved_report / lang / "facts.html")
        page.wait_for_selector("div.dt-container", timeout=15000)
        page.wait_for_selector("div.dtsp-panesContainer", timeout=15000)
        count = "document.querySelectorAll('table#facts tbody tr').length"
        total = page.evaluate(count)
        page.fill("div.dt-search input", "Microsoft")
        page.wait_for_function(f"{count} < {total}", timeout=15000)
        filtered = page.evaluate(count)
        headers = page.eval_on_selector_all(
            "table#facts thead th", "ths => ths.map(t => t.textContent.trim())"
        )
        page.screenshot(path=str(moved_report.parent / f"facts-{lang}.png"), full_page=True)
    finally:
        page.context.close()
    assert total == 25 and 0 < filtered < total  # a page of 25 rows, then the matches
    assert headers[:3] == [i18n.t(f"report.columns.{c}", lang) for c in ("id", "kind", "label")]
    outside = [u for u in requested if not u.startswith(("file://", "data:", "blob:"))]
    assert not outside, f"the page requested something outside file://: {outside}"


def _copy_data(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", dst)
    return dst


def _report_cli(tmp_path: Path, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MUSK_OPENAI_DATA": str(data_dir)}
    return subprocess.run(
        [str(CONSOLE), "report", "--output", str(tmp_path / "out"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_corrupted_csv_stops_the_report(tmp_path: Path) -> None:
    copy = _copy_data(tmp_path)
    csv = copy / "figures.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",157000000000,", ",157 Md$,"), "utf-8")
    res = _report_cli(tmp_path, copy, "--only", "01", "--lang", "en")
    assert res.returncode == 2
    assert "figures.csv, line 2 (id F01), column 'value'" in res.stderr
    assert "no notebook was run" in res.stderr
    assert not (tmp_path / "out").exists()


def test_missing_source_text_stops_the_report(tmp_path: Path) -> None:
    copy = _copy_data(tmp_path)
    (copy / "sources" / "004_946c3e4662a31b01.txt").unlink()
    res = _report_cli(tmp_path, copy, "--only", "01")
    assert res.returncode == 2
    assert "004_946c3e4662a31b01.txt is missing" in res.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_parameter_in_params_file(tmp_path: Path) -> None:
    params = tmp_path / "p.yaml"
    params.write_text("langue: fr\n", encoding="utf-8")
    res = _report_cli(tmp_path, PROJECT_ROOT / "data", "--params-file", str(params))
    assert res.returncode == 2
    assert "langue" in res.stderr and "--params-file" in res.stderr
    assert not (tmp_path / "out").exists()
