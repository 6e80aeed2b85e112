"""One module per chart; each function returns a :class:`~musk_openai.export.Chart`: the figure,
drawn in the house style, and the exact rows it draws (from :mod:`musk_openai.queries`, saved
beside it as CSV). Notebooks call these; tests check their data.

Charts draw; they do not shape data. Sorting, lanes, the timeline's window and the heatmap's
grid are decided by the queries; the words come from ``texts.toml`` (:mod:`musk_openai.i18n`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..data import Dataset
from ..export import Chart, save
from ..params import DEFAULTS, validate
from .contested import musk_contribution, musk_stops_funding
from .funding import funding_sources
from .lawsuits import lawsuit_claims
from .sources import facts_heatmap
from .timeline import dispute_timeline
from .valuation import valuation_growth

__all__ = [
    "BUILDERS",
    "build_all",
    "dispute_timeline",
    "facts_heatmap",
    "funding_sources",
    "lawsuit_claims",
    "musk_contribution",
    "musk_stops_funding",
    "valuation_growth",
]

#: The charts of each notebook, in the order the notebook shows them.
BUILDERS: dict[str, list[Callable[[Dataset, str], Chart]]] = {
    "01-valuation-growth": [valuation_growth],
    "02-funding-sources": [funding_sources],
    "03-dispute-timeline": [dispute_timeline],
    "04-contested-figures": [musk_contribution, musk_stops_funding],
    "05-sources": [facts_heatmap],
    "06-the-lawsuits": [lawsuit_claims],
}


def build_all(
    lang: str,
    formats: object = DEFAULTS["formats"],
    dpi: object = DEFAULTS["dpi"],
    out_dir: object = DEFAULTS["figures_dir"],
    ds: Dataset | None = None,
) -> list[Path]:
    """Every chart of every notebook in one process (the benchmark's floor, the staleness test).

    The parameters are the notebooks' (checked by :func:`params.validate`); ``out_dir`` is their
    ``figures_dir`` (a folder, or '' for the default one).
    """
    from ..data import load

    params = validate(lang, formats, dpi, str(out_dir))
    ds = ds or load()
    written: list[Path] = []
    for builders in BUILDERS.values():
        for build in builders:
            written += save(build(ds, lang), params)
    return written
