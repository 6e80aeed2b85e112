"""One page per source article, ``<lang>/sources/SNNN.html``: its full text, in paragraphs, with
every excerpt the dataset quotes highlighted and anchored by its row id, and the rows it
supports listed below it, each linked to its excerpt.

Excerpts may overlap (several rows quote the same sentence, or one quote holds another): the
overlapping spans are merged into one ``<mark>``, whose ``id`` is its first row's; every other
row's anchor is an empty ``<a id>`` at the place its own excerpt starts. A mark that runs over
a paragraph break is continued, without an id, in the next paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from musk_openai.dataset.data import Dataset
from musk_openai.report.site import jinja
from musk_openai.report.site import rows as dataset_rows
from musk_openai.story import i18n

PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")


@dataclass
class Span:
    """Merged excerpts: ``[start, end)`` of the text, and where each row's excerpt starts."""

    start: int
    end: int
    starts: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [row_id for _, row_id in self.starts]


@dataclass(frozen=True)
class Piece:
    """Text of a paragraph; inside a mark (``rows``), anchors placed before it."""

    text: str
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """Plain text (no ``rows``), or a ``<mark>``: its ``id`` (none when continued), its rows."""

    pieces: tuple[Piece, ...]
    rows: tuple[str, ...] = ()
    id: str | None = None


def merged_spans(text: str, excerpts: Iterable[tuple[str, str]]) -> list[Span]:
    """Each excerpt (row id, verbatim text) located at its first occurrence; overlapping or
    touching spans merged. An excerpt not in the text is left out."""
    found = []
    for row_id, excerpt in excerpts:
        at = text.find(excerpt) if excerpt else -1
        if at >= 0:
            found.append((at, at + len(excerpt), row_id))
    spans: list[Span] = []
    for start, end, row_id in sorted(found):
        if spans and start <= spans[-1].end:
            spans[-1].end = max(spans[-1].end, end)
            spans[-1].starts.append((start, row_id))
        else:
            spans.append(Span(start, end, [(start, row_id)]))
    return spans


#: The line the copy of an article starts with, saying when it was published (« date 2024-03 »):
#: the copy's metadata, not the article's words (the page says the date in its own words).
DATE_LINE = re.compile(r"\A\s*date \d{4}(?:-\d{2}){0,2}\s+")


def paragraphs(text: str, spans: Sequence[Span]) -> list[list[Chunk]]:
    """The text cut into paragraphs (at line breaks), each a list of chunks; the copy's date
    line left out (unless an excerpt quotes it)."""
    bounds, at = [], 0
    dated = DATE_LINE.match(text)
    if dated and not any(span.start < dated.end() for span in spans):
        at = dated.end()
    for m in PARAGRAPH_BREAK.finditer(text):
        bounds.append((at, m.start()))
        at = m.end()
    bounds.append((at, len(text)))
    out = []
    for start, end in bounds:
        if text[start:end].strip():
            out.append(_chunks(text, start, end, spans))
    return out


def _chunks(text: str, start: int, end: int, spans: Sequence[Span]) -> list[Chunk]:
    chunks, at = [], start
    for span in spans:
        lo, hi = max(span.start, start), min(span.end, end)
        if lo >= hi:
            continue
        if lo > at:
            chunks.append(Chunk((Piece(text[at:lo]),)))
        first = span.start >= start  # the mark starts in this paragraph: it carries the ids
        chunks.append(
            Chunk(_pieces(text, lo, hi, span), tuple(span.ids), span.ids[0] if first else None)
        )
        at = hi
    if at < end:
        chunks.append(Chunk((Piece(text[at:end]),)))
    return chunks


def _pieces(text: str, lo: int, hi: int, span: Span) -> tuple[Piece, ...]:
    """The marked text ``[lo, hi)`` cut where another row's excerpt starts (its anchor)."""
    cuts: dict[int, list[str]] = {}
    for i, (at, row_id) in enumerate(span.starts):
        if i and lo <= at < hi:  # the first row's anchor is the mark's own id
            cuts.setdefault(at, []).append(row_id)
    pieces: list[Piece] = []
    at, anchors = lo, list[str]()
    for cut in sorted(cuts):
        if cut > at:
            pieces.append(Piece(text[at:cut], tuple(anchors)))
            at, anchors = cut, []
        anchors += cuts[cut]
    pieces.append(Piece(text[at:hi], tuple(anchors)))
    return tuple(pieces)


def source_row(ds: Dataset, source_id: str, lang: str) -> dict[str, Any]:
    """A source as the front page and its page list it: heading, date, what it covers."""
    src = ds.sources.set_index("source_id").loc[source_id]
    when = i18n.date(str(src["date_published"]), str(src["date_precision"]), lang)
    name = i18n.source_name(source_id, lang)
    language = str(src["language"])
    return {
        "id": source_id,
        "name": name[:1].upper() + name[1:],
        "href": f"sources/{source_id}.html",
        "heading": str(src["first_heading"]),
        "translation": i18n.t(f"source.{source_id}.heading", lang),
        "language": language,
        "date": i18n.t("report.sources.published", lang, date=when),
        "inferred": str(src["date_basis"]) == "inferred",
        "covers": i18n.typography(_localized(src, "covers", lang), lang),
        "outlets": i18n.listing(
            [
                i18n.outlet(x.strip(), lang)
                for x in str(src["outlets_cited"] or "").split(";")
                if x.strip()
            ],
            lang,  # fmt: skip
        ),
    }


def _localized(row: Any, column: str, lang: str) -> str:
    """``<column>_<lang>`` when the table has it, else ``<column>``."""
    value = row.get(f"{column}_{lang}", row.get(column, ""))
    return "" if value is None or value != value else str(value)


def write_pages(ds: Dataset, folder: Path, lang: str, layout: dict[str, Any]) -> list[Path]:
    """Every source's page, in ``folder`` (``<lang>/sources``)."""

    folder.mkdir(parents=True, exist_ok=True)
    every = dataset_rows.every_row(ds, lang)
    written = []
    for source_id in ds.sources["source_id"]:
        supported = [r for r in every if r.source_id == source_id]
        text = ds.texts[source_id]
        spans = merged_spans(text, [(r.id, r.excerpt) for r in supported])
        source = source_row(ds, source_id, lang)
        html = (
            jinja.templates()
            .get_template("source.html.j2")
            .render(
                **layout | {"here": f"sources/{source_id}.html"},
                root="../",
                wide=True,
                title=i18n.t(
                    "report.sources.page_title", lang, id=source_id, heading=source["heading"]
                ),
                source=source,
                paragraphs=paragraphs(text, spans),
                rows=supported,
            )
        )
        page = folder / f"{source_id}.html"
        page.write_text(html, encoding="utf-8")
        written.append(page)
    return written
