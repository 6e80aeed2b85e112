"""A source link of a notebook's table, followed where the reader is. In the report, from a page
rendered from a notebook really run (01, in English): the link is the source's page at the row,
clicked in Chromium it lands on the row's highlighted excerpt. (In JupyterLab: test_lab.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from musk_openai.dataset import data
from musk_openai.paths import NOTEBOOKS_DIR
from musk_openai.report import runner

pytestmark = [pytest.mark.kernel, pytest.mark.browser]


def test_report_source_link_lands_on_the_rows_excerpt(
    tmp_path: Path, browser: Any, ds: data.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUSK_OPENAI_NO_CACHE", "1")
    result = runner.run_report(
        notebooks_dir=NOTEBOOKS_DIR,
        output=tmp_path / "out",
        figures_root=tmp_path / "figures",
        lang="en",
        only=["01"],
        stream=None,
    )
    assert result.exit_code == 0, runner.summary(result)
    page_path = tmp_path / "out" / "en" / "01-valuation-growth.html"
    html = page_path.read_text(encoding="utf-8")
    assert "data-page" not in html and ".txt" not in html  # JupyterLab's links made the report's

    rows = pd.concat([ds.figures, ds.events]).set_index("id")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(page_path.as_uri(), wait_until="load")
        links = page.eval_on_selector_all(
            "table a[href^='sources/']", "e => e.map(a => a.getAttribute('href'))"
        )
        assert links and all("#" in href for href in links), links
        page.click("table a[href^='sources/']")
        page.wait_for_url("**/sources/*.html#*")
        row = page.url.split("#")[1]
        landed = page.evaluate(f"document.getElementById('{row}').closest('mark').textContent")
        page.screenshot(path=str(tmp_path / "report-source-link.png"))
    finally:
        context.close()
    assert page.url.split("#")[0].endswith(f"/en/sources/{rows.loc[row, 'source_id']}.html")
    assert " ".join(str(rows.loc[row, "excerpt"]).split()) in " ".join(landed.split())
