"""What every chart shares: a figure in the house style, titles, the bound legend, and the footer
built from the rows drawn, which also finishes the :class:`~musk_openai.export.Chart`."""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterable
from typing import ParamSpec

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import i18n, queries, style
from ..data import Dataset
from ..export import Chart

P = ParamSpec("P")

#: How an amount's bound is drawn: a dot, a hollow dot (approximate), an arrow pointing where the
#: true value lies (at most, at least).
BOUND_MARKERS = {"exact": "o", "approximate": "o", "upper_bound": "<", "lower_bound": ">"}


def in_house_style(build: Callable[P, Chart]) -> Callable[P, Chart]:
    """Draw the chart inside :func:`style.house`: matplotlib's own settings are left alone."""

    @functools.wraps(build)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> Chart:
        with style.house():
            return build(*args, **kwargs)

    return drawn


def figure(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """A figure outside pyplot: nothing global to close, and no pyplot import in the kernels."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def titles(fig: Figure, chart: str, lang: str) -> None:
    """The finding as a title, the measure and unit as a subtitle, top-left (``chart.<chart>``
    in texts.toml)."""
    title, subtitle = (i18n.t(f"chart.{chart}.{k}", lang) for k in ("title", "subtitle"))
    fig.text(
        0.015, 0.985, title, ha="left", va="top", fontsize=17, fontweight="bold", color=style.INK
    )
    fig.text(0.015, 0.925, subtitle, ha="left", va="top", fontsize=12, color=style.MUTED)


def hollow(bound: object) -> bool:
    """An approximate amount is drawn hollow."""
    return bound == "approximate"


def bound_legend(bounds: list[str], lang: str) -> list[Line2D]:
    """One legend entry per kind of bound, drawn as the markers are."""
    return [
        Line2D([], [], marker=BOUND_MARKERS[b], ls="none", color=style.INK, ms=9,
               mfc="white" if hollow(b) else style.INK, label=i18n.t(f"chart.bound.{b}", lang))
        for b in bounds
    ]  # fmt: skip


def according(asserted_by: object, lang: str) -> str:
    """'selon l’article' / 'according to the article'."""
    return i18n.t("chart.according", lang, who=i18n.assertor(str(asserted_by), lang))


def cited(rows: pd.DataFrame) -> list[str]:
    """The sources of the rows drawn: each row's ``source_ids`` (merged reports), else its
    ``source_id``."""
    if "source_ids" in rows.columns:
        return sorted({sid for ids in rows["source_ids"] for sid in str(ids).split(", ")})
    return sorted(set(rows["source_id"]))


def source_line(ds: Dataset, source_ids: Iterable[str], lang: str) -> str:
    """The footer, built from the rows drawn: each cited article with its date."""
    ids = sorted(set(source_ids))
    basis = ds.sources.set_index("source_id")["date_basis"]
    parts = []
    for sid in ids:
        when = i18n.date(*queries.publication(ds, sid), lang)
        if basis[sid] == "inferred":
            when = i18n.t("chart.footer.inferred", lang, date=when)
        parts.append(f"{sid} ({when})")
    number = "one" if len(ids) == 1 else "many"
    return i18n.t(f"chart.footer.{number}", lang, sources=", ".join(parts))


def footer(fig: Figure, ds: Dataset, rows: pd.DataFrame, lang: str, width: int = 150) -> str:
    """Write the source line under the chart; return it (it is also saved with the data)."""
    text = source_line(ds, cited(rows), lang)
    credit = i18n.t("chart.footer.credit", lang)
    wrapped = textwrap.fill(f"{text} {credit}.", width=width, break_on_hyphens=False)
    fig.text(0.015, 0.012, wrapped, ha="left", va="bottom", fontsize=9, color=style.MUTED)
    return text


def finish(
    name: str, fig: Figure, rows: pd.DataFrame, ds: Dataset, lang: str, line_sep: str = " "
) -> Chart:
    """The footer under the chart, and the chart with its data: the rows drawn, each label on one
    line (its lines joined with ``line_sep``), and the footer."""
    text = footer(fig, ds, rows, lang)
    if "label" in rows.columns:
        rows = rows.assign(label=[str(x).replace("\n", line_sep) for x in rows["label"]])
    return Chart(name, fig, rows.assign(footer=text).reset_index(drop=True), text)
