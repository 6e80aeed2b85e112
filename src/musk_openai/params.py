"""The parameters every notebook takes, and their validation (shared with the report runner).

Each notebook has one cell tagged ``parameters`` with these defaults; the next cell calls
:func:`validate`, which fails with a message naming the parameter, the value given and what
is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .paths import FIGURES_DIR

LANGS = ("fr", "en")
FORMATS = ("png", "svg", "pdf")
DEFAULT_FORMATS = "png,svg"
DPI_RANGE = (50, 600)


class ParameterError(ValueError):
    """A parameter value is not allowed; the message says which, what was given, what is allowed."""


@dataclass(frozen=True)
class Params:
    lang: str
    formats: tuple[str, ...]
    dpi: int
    figures_dir: Path


def check_lang(lang: object) -> str:
    if lang not in LANGS:
        raise ParameterError(f"parameter 'lang': got {lang!r}; allowed: {', '.join(LANGS)}")
    return str(lang)


def check_formats(formats: object) -> tuple[str, ...]:
    items = formats.split(",") if isinstance(formats, str) else formats
    if not isinstance(items, list | tuple) or not items:
        raise ParameterError(
            f"parameter 'formats': got {formats!r}; allowed: a comma-separated list of "
            f"{', '.join(FORMATS)} (e.g. 'png,svg')"
        )
    out = []
    for item in items:
        f = str(item).strip().lower()
        if f not in FORMATS:
            raise ParameterError(
                f"parameter 'formats': got {formats!r}; {item!r} is not one of {', '.join(FORMATS)}"
            )
        if f not in out:
            out.append(f)
    return tuple(out)


def check_dpi(dpi: object) -> int:
    lo, hi = DPI_RANGE
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not lo <= dpi <= hi:
        raise ParameterError(
            f"parameter 'dpi': got {dpi!r}; allowed: a whole number from {lo} to {hi}"
        )
    return dpi


def validate(lang: object, formats: object, dpi: object, figures_dir: object = "") -> Params:
    """Check the notebook parameters; ``figures_dir`` '' means ``figures/<lang>``."""
    lang_ = check_lang(lang)
    if not isinstance(figures_dir, str | Path):
        raise ParameterError(
            f"parameter 'figures_dir': got {figures_dir!r}; allowed: a folder path"
        )
    folder = Path(figures_dir) if str(figures_dir) else FIGURES_DIR / lang_
    return Params(lang_, check_formats(formats), check_dpi(dpi), folder)


def check_window(start: object, end: object) -> tuple[str, str]:
    """A date window for the timeline: 'YYYY' or 'YYYY-MM', start not after end."""
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", value):
            raise ParameterError(
                f"parameter '{name}': got {value!r}; allowed: a year 'YYYY' or a month 'YYYY-MM' "
                "(quote it in a YAML file)"
            )
    assert isinstance(start, str) and isinstance(end, str)
    first = start if len(start) == 7 else f"{start}-01"
    last = end if len(end) == 7 else f"{end}-12"
    if first > last:
        raise ParameterError(
            f"parameters 'start' and 'end': got {start!r} and {end!r}; start must not be after end"
        )
    return start, end
