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

from musk_openai.story.queries.parties import assertor_party as assertor_party

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

#: One colour per party, the same meaning in every chart: Musk, OpenAI, the press (the article
#: itself and the outlets it cites), everyone else (Microsoft, Google, Apple, the round's
#: investors).
#: Four colours at most, told apart in a colour-blindness simulation (tests/test_style.py); what
#: kind of money or event a mark is goes by its shape, its place or its words, never its colour.
MUSK, OPENAI, PRESS, OTHERS = PALETTE[3], PALETTE[0], "#4d4d4d", "#a0a0a0"
PARTY_COLOURS = {"Elon Musk": MUSK, "OpenAI": OPENAI, "press": PRESS, "others": OTHERS}


def assertor_colour(asserted_by: object) -> str:
    """The colour of who asserts a row (or a claim's side): Musk, OpenAI or the press."""
    return PARTY_COLOURS[assertor_party(asserted_by)]
