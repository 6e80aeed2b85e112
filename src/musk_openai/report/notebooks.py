"""The contract with the notebooks, shared by the runner and the site: reading one, which cells a
language keeps, and its title.

A Markdown cell tagged with a language (``fr``, ``en``) is for that language only, an untagged
cell for every language; cells tagged ``findings`` or ``remove-cell`` are never shown.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from musk_openai.story.params import LANGS

#: Cells never shown on a page.
HIDDEN_TAGS = frozenset({"findings", "remove-cell"})
HEADING_RE = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def read_notebook(path: Path) -> Any:
    """An nbformat v4 notebook node."""
    import nbformat

    return nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call, unused-ignore]


def kept(cell: Any, lang: str | None) -> bool:
    """Is the cell shown on the page of ``lang`` (``None``: of any language)?"""
    tags = set(cell.get("metadata", {}).get("tags", []))
    other = set(LANGS) - {lang} if lang is not None else set()
    return not (tags & HIDDEN_TAGS) and not (tags & other)


def title(path: Path, lang: str | None = None) -> str:
    """A notebook's title: the first Markdown heading of the cells kept for ``lang`` (any
    language: ``None``), else its file name. Read as plain JSON: planning a run reads every
    notebook's title, and nbformat's import (its JSON schemas) costs more than the reading."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except Exception:  # noqa: BLE001 - the title is cosmetic
        return path.stem
    for cell in cells:
        if cell.get("cell_type") == "markdown" and kept(cell, lang):
            source = cell.get("source", "")
            for line in ("".join(source) if isinstance(source, list) else source).splitlines():
                m = HEADING_RE.match(line)
                if m:
                    return m.group(1)
    return path.stem
