"""The house style: ``musk_openai.mplstyle`` (fonts, sizes, a colour-blind-safe palette, a light
grid, reproducible SVG and PDF), applied only inside :func:`house`; the colours charts pick by
meaning.

Matplotlib's global settings are never changed: ``with style.house():`` sets the style for what is
drawn and saved inside the block and restores the previous settings after it, so a JupyterLab
user's own plots after a chart keep matplotlib's defaults.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

import matplotlib as mpl

STYLE_FILE = "musk_openai.mplstyle"


@cache
def house_rc() -> dict[str, Any]:
    """The settings of ``musk_openai.mplstyle``, read and validated once."""
    with resources.as_file(
        resources.files(__package__ or "musk_openai.story") / STYLE_FILE
    ) as path:
        rc: Any = mpl.rc_params_from_file(str(path), use_default_template=False)
    return dict(rc)


@contextmanager
def house() -> Iterator[None]:
    """Draw and save charts in the house style; matplotlib's settings are restored on exit."""
    with mpl.rc_context(rc=house_rc()):  # type: ignore[arg-type]
        yield


#: Okabe & Ito's palette, safe for the common forms of colour blindness (from the style file).
PALETTE: list[str] = list(house_rc()["axes.prop_cycle"].by_key()["color"])
INK: str = house_rc()["axes.labelcolor"]
MUTED: str = house_rc()["axes.edgecolor"]
GRID: str = house_rc()["grid.color"]

#: One colour per kind of event or money, used by every chart.
KIND_COLOURS = {
    "founding": PALETTE[2],
    "governance": PALETTE[0],
    "funding": PALETTE[1],
    "legal": PALETTE[3],
    "statement": PALETTE[4],
    "product": PALETTE[5],
    "rival": MUTED,
    "donation": PALETTE[2],
    "contribution": PALETTE[3],
    "investment": PALETTE[0],
    "funding_round": PALETTE[1],
    "pledge": PALETTE[4],
    "valuation": MUTED,
}
#: Who asserts: the same colour for the same party in every chart.
ASSERTOR_COLOURS = {
    "Elon Musk": PALETTE[3],
    "OpenAI": PALETTE[0],
    "article": PALETTE[2],
    "OpenAI employee": PALETTE[5],
    "Semafor": PALETTE[1],
    "The Verge": PALETTE[4],
}
