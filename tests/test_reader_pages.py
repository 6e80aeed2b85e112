"""The real report as its readers get it, in Chromium, at a phone's width (390 px) and a
desktop's (1280 px), in both languages: no page scrolls sideways; front and notebook pages show
no source code (S001) and no row id (F01): readers get the articles named in words, the codes are
for the pages where a number is checked; on an English page every French quote is marked as
French; axe-core finds no serious or critical violation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

WIDTHS = (390, 1280)
#: A source's code or a row's id, as the dataset writes them.
CODE = re.compile(r"\b(?:S00\d|[FECMRK]\d{2,3})\b")


def pages(report: Path) -> list[Path]:
    """Every HTML page of the report but the language chooser."""
    return sorted(p for p in report.rglob("*.html") if p.parent != report)


def reader_pages(report: Path) -> list[Path]:
    """The pages readers read (front and notebooks), not those where they check a row."""
    return [p for p in pages(report) if p.parent.name in ("fr", "en")
            and p.name not in ("facts.html", "corrections.html")]  # fmt: skip


@pytest.fixture(scope="module")
def report(real_report: tuple[Any, Path]) -> Path:
    return real_report[1] / "reports"


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    yield page
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(report: Path, tab: Any, width: int) -> None:
    tab.set_viewport_size({"width": width, "height": 900})
    wide = {}
    for page in pages(report):
        tab.goto(page.as_uri())
        scroll = tab.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide[str(page.relative_to(report))] = scroll
    assert not wide, f"wider than the {width}-px screen: {wide}"


def test_readers_pages_show_no_code_nor_row_id(report: Path, tab: Any) -> None:
    found = {}
    for page in reader_pages(report):
        tab.goto(page.as_uri())
        codes = sorted(set(CODE.findall(tab.evaluate("document.body.innerText"))))
        if codes:
            found[str(page.relative_to(report))] = codes
    assert not found, f"codes on readers' pages: {found}"


#: Each text of the page holding « and the language it is marked with (its closest [lang]).
FRENCH_QUOTES = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.data.includes("«") || !node.parentElement.checkVisibility()) continue;
    const marked = node.parentElement.closest("[lang]");
    found.push([marked ? marked.getAttribute("lang") : "", node.data.trim().slice(0, 60)]);
  }
  return found;
}"""


def test_french_quotes_on_english_pages_are_marked_french(report: Path, tab: Any) -> None:
    unmarked = {}
    for page in pages(report / "en"):
        tab.goto(page.as_uri())
        bad = [text for lang, text in tab.evaluate(FRENCH_QUOTES) if lang != "fr"]
        if bad:
            unmarked[str(page.relative_to(report))] = bad[:3]
    assert not unmarked, f"« outside lang=fr on English pages: {unmarked}"


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_accessibility_violation(report: Path, tab: Any, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    tab.set_viewport_size({"width": width, "height": 900})
    found = {}
    for page in pages(report):
        tab.goto(page.as_uri())
        results = axe.run(tab).response["violations"]
        serious = [v["id"] for v in results if v["impact"] in ("serious", "critical")]
        if serious:
            found[str(page.relative_to(report))] = serious
    assert not found, f"axe-core at {width} px: {found}"
