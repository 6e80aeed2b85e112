"""One module per chart; each function returns a :class:`~..export.Chart`: the figure,
drawn in the house style, and the exact rows it draws (from :mod:`..queries`, saved
beside it as CSV). Notebooks call these; tests check their data.

Charts draw; they do not shape data. Sorting, lanes, the timeline's window and the heatmap's
grid are decided by the queries; the words come from ``texts.toml`` (:mod:`musk_openai.story.i18n`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from musk_openai.dataset import data
from musk_openai.dataset.data import Dataset
from musk_openai.story.charts.contested import musk_contribution, musk_stops_funding
from musk_openai.story.charts.funding import funding_sources
from musk_openai.story.charts.lawsuits import lawsuit_claims
from musk_openai.story.charts.sources import article_voices
from musk_openai.story.charts.timeline import dispute_timeline
from musk_openai.story.charts.valuation import valuation_growth
from musk_openai.story.export import Chart, save
from musk_openai.story.params import DEFAULTS, validate

__all__ = [
    "BUILDERS",
    "build_all",
    "dispute_timeline",
    "article_voices",
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
    "05-sources": [article_voices],
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
    params = validate(lang, formats, dpi, str(out_dir))
    ds = ds or data.load()
    written: list[Path] = []
    for builders in BUILDERS.values():
        for build in builders:
            written += save(build(ds, lang), params)
    return written
