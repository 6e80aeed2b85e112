"""The names of a chart's exported files, for whoever reads them (the report's site) without
drawing: no matplotlib here. ``<name>.png`` (and ``.svg``, ``.pdf``, ``.csv``, ``.alt.txt``),
its narrow drawing for phones ``<name>.narrow.png`` (and ``.narrow.svg``), its full description
``<name>.desc.txt``."""

from __future__ import annotations

from pathlib import Path

#: The narrow drawing's files: ``<name>.narrow.png`` beside ``<name>.png``.
NARROW = ".narrow"
#: A chart's full description, for a page's ``<details>`` (summary: ``chart.details``).
DESC_SUFFIX = ".desc.txt"


def narrow_file(image: Path) -> Path:
    """The narrow drawing of an exported chart image (``x.png`` -> ``x.narrow.png``), for a page's
    ``<picture><source media="(max-width: 40rem)" srcset="...">``; the wide one is the
    ``<img>``."""
    return image.with_name(image.stem + NARROW + image.suffix)
