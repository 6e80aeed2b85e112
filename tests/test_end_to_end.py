"""The whole collection as a user runs it: the report, in a real browser, and bad input."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from musk_openai import build, data
from musk_openai.paths import FIGURES_DIR, PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CONSOLE = Path(sys.executable).with_name("musk-openai")


@pytest.fixture(scope="module")
def full_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[build.Report, Path, str, str]:
    """The full report, both languages, into a temporary folder; data/ hashed around it."""
    tmp = tmp_path_factory.mktemp("report")
    before = data.dataset_hash(PROJECT_ROOT / "data")
    result = build.run_report(
        output=tmp / "reports", figures_root=tmp / "figures", stream=None, jobs=2
    )
    after = data.dataset_hash(PROJECT_ROOT / "data")
    return result, tmp, before, after


def test_full_report_leaves_data_unchanged(
    full_report: tuple[build.Report, Path, str, str],
) -> None:
    result, tmp, before, after = full_report
    assert result.exit_code == 0
    assert before == after
    assert (tmp / "reports" / "index.html").is_file()
    assert len(list((tmp / "reports").glob("*/*.html"))) == 12


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_figures_match_the_committed_ones(
    full_report: tuple[build.Report, Path, str, str], lang: str
) -> None:
    _, tmp, _, _ = full_report
    built = tmp / "figures" / lang
    names = sorted(p.name for p in (FIGURES_DIR / lang).iterdir())
    assert sorted(p.name for p in built.iterdir()) == names
    _, mismatch, errors = filecmp.cmpfiles(built, FIGURES_DIR / lang, names, shallow=False)
    assert not mismatch and not errors


def _launch_chromium():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    return pw, browser


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed here (.ci/run installs it, so CI runs this test)",
)
@pytest.mark.parametrize("page_name", ["index.html", "fr/02-funding-sources.html"])
def test_report_in_a_real_browser(
    full_report: tuple[build.Report, Path, str, str], page_name: str
) -> None:
    assert CHROMIUM, "chromium is missing in CI: .ci/run should have installed it"
    _, tmp, _, _ = full_report
    target = tmp / "reports" / page_name
    pw, browser = _launch_chromium()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(target.as_uri(), wait_until="load")
        page.wait_for_load_state("networkidle")
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.src.slice(0, 80), i.complete, i.naturalWidth])"
        )
        page.screenshot(path=str(tmp / f"{page_name.replace('/', '-')}.png"), full_page=True)
    finally:
        browser.close()
        pw.stop()
    assert images, "the page shows no image"
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"images that did not load: {broken}"
    outside = [u for u in requested if not u.startswith(("file://", "data:"))]
    assert not outside, f"the page requested something outside file://: {outside}"
    if page_name == "index.html":
        assert len(images) == 2 * 6, "every figure of both languages is shown"


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
