"""What a notebook's page shows in one language: the cells kept for it and outputs cleaned for
readers.

The cells of a language are those :func:`musk_openai.report.notebooks.kept` keeps. Pages show no
``stream`` output (prints of the set-up). An image carries its alt text in its output's metadata
(``{"image/png": {"alt": ...}}``); one without gets a sentence made from the page's title. HTML
tables (pandas) get a safety net: no index column of plain row numbers, an em dash for a missing
value, short cells that do not wrap (dates), and every source id linked to its page
(``sources/S001.html#F01``). A source link the notebook made for JupyterLab (to the article's text
file) becomes the link to its page (:func:`musk_openai.story.tables.report_links`).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from musk_openai.report.notebooks import kept
from musk_openai.story import i18n, tables

SOURCES_RE = re.compile(r"^S\d{3}(\s*,\s*S\d{3})*$")
ROW_RE = re.compile(r"^[FEM]\d{2,}$")
MISSING = frozenset({"NaN", "NaT", "<NA>", "None", "nan"})
#: A table cell this short never wraps (a date, an amount, an id).
SHORT = 24
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")
#: The marker a notebook puts at the top of a language's cell, for JupyterLab: a page holds one
#: language, so it goes (nbconvert's Markdown parser would split the tag from its text).
MARKER_RE = re.compile(r"<kbd class=\"lang-marker\"[^>]*>[^<]*</kbd>[ \t]*\n?")


def for_language(nb: Any, lang: str, page_title: str) -> Any:
    """A copy of the executed notebook as the page of ``lang`` shows it."""
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if kept(c, lang)]
    alt = i18n.t(
        "report.figure.alt_fallback",
        lang,
        caption=i18n.t("report.figure.unnamed", lang, question=page_title),
    )
    for cell in out.cells:
        if cell.cell_type == "markdown":
            cell.source = MARKER_RE.sub("", cell.source)
        if cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"]
        for output in cell.outputs:
            _with_alt(output, alt)
            _report_links(output)
            html = output.get("data", {}).get("text/html")
            if isinstance(html, str) and "<table" in html:
                output["data"]["text/html"] = readable_tables(html, lang)
    return out


def _report_links(output: Any) -> None:
    """Every source link of the output's HTML and Markdown leads to its page in the report."""
    data = output.get("data", {})
    for mime in ("text/html", "text/markdown"):
        if mime in data:
            shown = data[mime]
            text = "".join(shown) if isinstance(shown, list) else str(shown)
            data[mime] = tables.report_links(text)


def _with_alt(output: Any, fallback: str) -> None:
    """Every image of the output has an alt text in its metadata."""
    data = output.get("data", {})
    for mime in IMAGE_TYPES:
        if mime in data:
            meta = output.setdefault("metadata", {}).setdefault(mime, {})
            if not str(meta.get("alt", "")).strip():
                meta["alt"] = fallback


def readable_tables(html: str, lang: str) -> str:
    """The HTML of pandas tables, for readers (see the module's doc)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for table in soup.find_all("table"):
        _drop_row_numbers(table)
        for row in table.find_all("tr"):
            ids = [c.get_text(strip=True) for c in row.find_all(["td", "th"])]
            row_id = next((x for x in ids if ROW_RE.match(x)), None)
            for cell in row.find_all(["td", "th"]):
                _readable_cell(soup, cell, row_id, lang)
    return str(soup)


def _readable_cell(soup: Any, cell: Any, row_id: str | None, lang: str) -> None:
    text = cell.get_text(strip=True)
    if text in MISSING:
        cell.string = i18n.t("report.none", lang)
        text = cell.string
    if len(text) <= SHORT:
        cell["class"] = [*cell.get("class", []), "nowrap"]
    if SOURCES_RE.match(text) and cell.find("a") is None:
        ids = [x.strip() for x in text.split(",")]
        cell.clear()
        for i, source_id in enumerate(ids):
            anchor = f"#{row_id}" if row_id and len(ids) == 1 else ""
            link = soup.new_tag("a", href=f"sources/{source_id}.html{anchor}")
            link.string = source_id
            if i:
                cell.append(", ")
            cell.append(link)


def _drop_row_numbers(table: Any) -> None:
    """Remove pandas' index column when it is only the row numbers 0, 1, 2..."""
    body = table.find("tbody")
    if body is None:
        return
    rows = body.find_all("tr", recursive=False)
    heads = [r.find_all("th", recursive=False) for r in rows]
    if not rows or any(len(h) != 1 for h in heads):
        return
    if [h[0].get_text(strip=True) for h in heads] != [str(i) for i in range(len(rows))]:
        return
    for h in heads:
        h[0].decompose()
    head = table.find("thead")
    for tr in head.find_all("tr") if head is not None else []:
        first = tr.find(["th", "td"])
        if first is not None:
            first.decompose()
