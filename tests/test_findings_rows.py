"""Findings that cite their rows: a notebook's opening findings (the markdown cell with
**Findings.** / **Résultats.**) names in its metadata (musk_openai.rows) the rows it rests on;
those ids exist, and every number in the sentence is in the cited rows (a value, a date, an
excerpt, a label or a note), a ratio of two cited figures, a source id or an article's name in words
(« l’article de mars 2023 », which dates the article, not the finding), a count of cited things,
or a year of the window."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from musk_openai.dataset import data
from musk_openai.story import i18n
from musk_openai.story.params import LANGS

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CITED = [
    "01-valuation-growth",
    "02-funding-sources",
    "03-dispute-timeline",
    "04-contested-figures",
    "05-sources",
    "06-the-lawsuits",
]


def _cells(name: str) -> list[dict]:
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if "musk_openai" in c.get("metadata", {})]


def _row_text(ds: data.Dataset, rid: str) -> str:
    table = {"F": ds.figures, "E": ds.events, "C": ds.claims, "M": ds.members}[rid[0]]
    row = table[table["id"] == rid].iloc[0]
    text = " ".join(str(v) for v in row.to_dict().values())
    if rid[0] == "F":
        v = float(row["value"])
        text += f" {v:g} {v / 1e6:g} {v / 1e9:g}".replace(".", ",") + f" {v / 1e9:g}"
    return text


def _ratios(ds: data.Dataset, rows: list[str]) -> set[str]:
    """What a finding may compute from its figures: each ratio of two, to two decimals."""
    values = [float(v) for v in ds.figures.loc[ds.figures["id"].isin(rows), "value"]]
    found = set()
    for a in values:
        for b in values:
            if b and a != b:
                found |= {f"{a / b:.2f}", f"{a / b:.2f}".replace(".", ",")}
    return found


def _without_article_names(ds: data.Dataset, text: str) -> str:
    """The text without the articles' names in words (texts.toml's [source]): their dates name
    the article, they are not numbers of the finding."""
    for sid in ds.sources["source_id"]:
        for lang in LANGS:
            for short in (False, True):
                text = text.replace(i18n.source_name(sid, lang, short=short), "")
    return text


def _numbers(text: str) -> list[str]:
    text = re.sub(r"S00[0-4]", "", text)  # source ids
    return re.findall(r"[0-9]+(?:[.,][0-9]+)?", text.replace("\xa0", " "))


@pytest.mark.parametrize("name", CITED)
def test_findings_cite_rows_that_exist_and_hold_their_numbers(ds: data.Dataset, name: str) -> None:
    cells = _cells(name)
    assert cells, f"{name}: no cell cites its rows"
    assert {"fr", "en"} <= {t for c in cells for t in c["metadata"].get("tags", [])}
    ids = (
        set(ds.figures["id"]) | set(ds.events["id"]) | set(ds.claims["id"]) | set(ds.members["id"])
    )
    for c in cells:
        rows = c["metadata"]["musk_openai"]["rows"]
        assert rows and set(rows) <= ids, (name, c["id"], set(rows) - ids)
        cited = " ".join(_row_text(ds, r) for r in rows)
        allowed = set(_numbers(cited)) | {"2015", "2024"} | {str(i) for i in range(1, 10)}
        allowed |= _ratios(ds, rows)
        text = _without_article_names(ds, "".join(c["source"]))
        missing = [n for n in _numbers(text) if n not in allowed]
        assert missing == [], (name, c["id"], missing)
