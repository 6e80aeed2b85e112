"""The two calls every notebook makes: set itself up from its parameters, then publish its charts.

::

    story = notebook.setup(lang, formats, dpi, figures_dir)          # the cell after `parameters`
    story.publish(charts.valuation_growth(story.ds, story.lang))     # one line per chart

:func:`setup` checks the parameters (:func:`params.validate`: a bad value fails here, before
anything is written), loads the validated dataset and sets how pandas shows tables.
:meth:`Story.publish` writes the chart's files (:func:`export.save`, in the house style) and shows
the exported PNG, what a reader of the figures gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import data, export, i18n, params
from .export import Chart


def _plain_number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def pandas_display() -> None:
    """Tables in notebooks: plain numbers (157,000,000,000, not 1.57e+11), excerpts in full."""
    pd.set_option("display.float_format", _plain_number)
    pd.set_option("display.max_colwidth", 220)


@dataclass
class Story:
    """A notebook's parameters (checked), its dataset, and what it has published so far."""

    params: params.Params
    ds: data.Dataset
    #: The timeline's window (notebook 03's ``start`` and ``end``), normalised: '2019', '2024-06'.
    start: str
    end: str
    #: Every file written by :meth:`publish`, in order.
    files: list[Path] = field(default_factory=list)
    #: Every chart published, by name (``03-dispute-timeline``...).
    charts: dict[str, Chart] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.params.lang

    def publish(self, chart: Chart) -> object:
        """Save the chart (its formats and its CSV) and return the exported image to show."""
        written = export.save(chart, self.params)
        self.files += written
        self.charts[chart.name] = chart
        return export.show(written)

    def say(self, key: str, **fmt: object) -> object:
        """A sentence of ``texts.toml`` in the notebook's language, shown as Markdown (a ``$``
        is money, not the start of a formula, as in the charts)."""
        from IPython.display import Markdown

        return Markdown(i18n.t(key, self.lang, **fmt).replace("$", r"\$"))


def setup(
    lang: object,
    formats: object,
    dpi: object,
    figures_dir: object = params.DEFAULTS["figures_dir"],
    **others: object,
) -> Story:
    """Check the notebook's parameters (``others``: its own, such as ``start`` and ``end``), load
    the dataset, set pandas' display; print the run's settings and the dataset's version."""
    p = params.validate(lang, formats, dpi, figures_dir, **others)
    start, end = params.check_window(
        others.get("start", params.DEFAULTS["start"]), others.get("end", params.DEFAULTS["end"])
    )
    pandas_display()
    ds = data.load()
    print(f"lang={p.lang} formats={','.join(p.formats)} dpi={p.dpi} -> {p.figures_dir}")
    print(
        i18n.t("notebook.dataset", p.lang, version=data.dataset_hash(), figures=len(ds.figures),
               events=len(ds.events))
    )  # fmt: skip
    return Story(p, ds, start, end)
