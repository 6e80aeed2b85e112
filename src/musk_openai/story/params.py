"""The parameters every notebook takes, their only defaults, and their validation (shared by the
notebooks and the report runner, so that a bad value is refused before any kernel starts).

Each notebook has one cell tagged ``parameters`` with the defaults of :data:`DEFAULTS` (a test
checks it); the next cell calls :func:`.notebook.setup`, whose :func:`validate` fails
with a message naming the parameter, the value given and what is allowed.

Where figures go: a run of the project's data/ with every parameter at its default (the
*canonical build*) writes the committed ``figures/<lang>/``; any other run writes
``reports/figures/<lang>/`` unless ``figures_dir`` says otherwise, and never the committed
figures. See :func:`paths.refusal`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from musk_openai import paths
from musk_openai.errors import ProjectError

LANGS = ("fr", "en")
FORMATS = ("png", "svg", "pdf")
DPI_RANGE = (50, 600)
#: The one definition of every parameter's default (the notebooks' parameters cells repeat them
#: because papermill reads them there; tests/test_notebooks.py checks that they agree).
DEFAULTS: dict[str, object] = {
    "lang": "fr",
    "formats": "png,svg",
    "dpi": 200,
    "figures_dir": "",
    "start": "2015",
    "end": "2024",
}


class ParameterError(ProjectError):
    """A parameter value is not allowed; the message says which, what was given, what is allowed."""


@dataclass(frozen=True)
class Params:
    lang: str
    formats: tuple[str, ...]
    dpi: int
    figures_dir: Path
    #: Every parameter at its default: this run may write the committed figures/.
    canonical: bool = False


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


def _period(name: str, value: object) -> str:
    """A year or a month as text; a year given as a number (``-p start 2020``) is unambiguous."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", value.strip()):
        return value.strip()
    raise ParameterError(
        f"parameter '{name}': got {value!r}; allowed: a year (2020) or a month 'YYYY-MM' "
        "(e.g. '2024-03')"
    )


def check_window(start: object, end: object) -> tuple[str, str]:
    """A date window for the timeline: 'YYYY' or 'YYYY-MM', start not after end."""
    first_, last_ = _period("start", start), _period("end", end)
    first = first_ if len(first_) == 7 else f"{first_}-01"
    last = last_ if len(last_) == 7 else f"{last_}-12"
    if first > last:
        raise ParameterError(
            f"parameters 'start' and 'end': got {start!r} and {end!r}; start must not be after end"
        )
    return first_, last_


def check_folder(name: str, value: object, *, figures_allowed: bool = False) -> Path:
    """A folder a run may write into (relative paths are read from the current folder)."""
    if not isinstance(value, str | Path) or not str(value).strip():
        raise ParameterError(f"parameter '{name}': got {value!r}; allowed: a folder path")
    folder = Path(str(value).strip()).expanduser().resolve()
    why = paths.refusal(folder, figures_allowed=figures_allowed)
    if why:
        raise ParameterError(
            f"parameter '{name}': got {str(value)!r}, but {why}; allowed: a folder of your own "
            "(e.g. reports/figures/<lang>), or leave it empty"
        )
    if folder.exists() and not folder.is_dir():
        raise ParameterError(
            f"parameter '{name}': got {str(value)!r}, which is a file; allowed: a folder"
        )
    return folder


def check_notebook_parameters(values: dict[str, object]) -> dict[str, object]:
    """Check every parameter a notebook may declare; returns them normalised (unknown names are
    returned as they are: a notebook's own parameters are its own business)."""
    out = dict(values)
    if "lang" in values:
        out["lang"] = check_lang(values["lang"])
    if "formats" in values:
        out["formats"] = ",".join(check_formats(values["formats"]))
    if "dpi" in values:
        out["dpi"] = check_dpi(values["dpi"])
    if "start" in values or "end" in values:
        out["start"], out["end"] = check_window(
            values.get("start", DEFAULTS["start"]), values.get("end", DEFAULTS["end"])
        )
    return out


def is_canonical(values: dict[str, object]) -> bool:
    """Are all these (normalised) parameters, but ``lang`` and ``figures_dir``, the defaults?"""
    for key, value in values.items():
        if key in ("lang", "figures_dir"):
            continue
        default = DEFAULTS.get(key)
        if key in ("start", "end") and default is not None:
            default = _period(key, default)
        if value != default:
            return False
    return True


def validate(
    lang: object, formats: object, dpi: object, figures_dir: object = "", **others: object
) -> Params:
    """Check the notebook parameters (``others``: the notebook's own, such as ``start``).

    ``figures_dir`` '' means ``figures/<lang>`` for the canonical build, else
    ``reports/figures/<lang>``; a folder given must pass :func:`paths.refusal`, and only the
    canonical build may name the committed figures.
    """
    values = check_notebook_parameters({"lang": lang, "formats": formats, "dpi": dpi, **others})
    lang_ = str(values["lang"])
    canonical = is_canonical(values) and paths.committed_data()
    if figures_dir is None or (isinstance(figures_dir, str | Path) and not str(figures_dir)):
        folder = (paths.FIGURES_DIR if canonical else paths.SCRATCH_FIGURES_DIR) / lang_
    else:
        folder = check_folder("figures_dir", figures_dir, figures_allowed=canonical)
    formats_ = tuple(str(values["formats"]).split(","))  # checked, then joined, above
    return Params(lang_, formats_, int(str(values["dpi"])), folder, canonical)
