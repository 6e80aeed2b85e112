"""Data is text on every page made from the dataset (the source pages, the fact explorer and its
"who says what", the corrections): a label, an excerpt, a note, a headline or a source text that
spells a script, an event handler or a javascript: link shows as written, never runs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from musk_openai.dataset import data
from musk_openai.report.site import corrections, facts, nav, sources

PAYLOAD = (
    "[x](javascript:alert(1)) <img src=x onerror=alert(2)> <script>alert(3)</script>"
    '</script><script>alert(4)</script> " onmouseover="alert(5) javascript:alert(6)'
)
#: The free-text columns of each table (ids, dates and vocabularies are checked by the schema).
TEXT = {
    "figures": ("label_fr", "label_en", "note", "date_note"),
    "events": ("label_fr", "label_en", "note", "date_note"),
    "claims": ("label_fr", "label_en", "note"),
    "disputes": ("question_fr", "question_en", "note"),
    "sources": ("first_heading", "covers", "covers_fr"),
}


def unsafe(ds: data.Dataset) -> data.Dataset:
    """The dataset with the payload in every free text, and in every excerpt and its source."""
    changed = {}
    for table, columns in TEXT.items():
        frame = getattr(ds, table).copy()
        for column in columns:
            if column in frame.columns:
                frame[column] = frame[column].astype(object).where(frame[column].isna(), PAYLOAD)
        changed[table] = frame
    texts = {sid: f"{PAYLOAD}\n\n{text}" for sid, text in ds.texts.items()}
    claims = changed["claims"]
    first = claims.index[0]  # an excerpt that is the payload itself, found in its source text
    claims.loc[first, "excerpt"] = PAYLOAD
    return dataclasses.replace(ds, texts=texts, **changed)


def pages(ds: data.Dataset, out: Path, lang: str) -> list[Path]:
    layout = nav.layout(("fr", "en"), lang)
    written = sources.write_pages(ds, out / "sources", lang, layout)
    written.append(facts.write_page(ds, out, lang, layout | {"here": "facts.html"}))
    written.append(corrections.write_page(ds, out, lang, layout | {"here": "corrections.html"}))
    return written


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_data_never_runs_on_a_page(tmp_path: Path, ds: data.Dataset, lang: str) -> None:
    clean = {p.name: p.read_text() for p in pages(ds, tmp_path / "clean", lang)}
    for page in pages(unsafe(ds), tmp_path / "unsafe", lang):
        html = page.read_text()
        soup = BeautifulSoup(html, "html.parser")
        assert "alert(2)" in html, f"the payload never reached {page.name}"
        handlers = [
            (tag.name, attr) for tag in soup.find_all(True) for attr in tag.attrs
            if attr.lower().startswith("on")
        ]  # fmt: skip
        assert not handlers, (page.name, handlers[:3])
        links = [str(a.get("href", "")) for a in soup.find_all("a")]
        assert not [h for h in links if h.strip().lower().startswith("javascript:")], page.name
        assert not soup.find_all("img", src="x"), page.name
        assert html.count("<script") == clean[page.name].count("<script"), page.name
        assert "alert(3)</script>" not in html and "alert(4)</script>" not in html, page.name
