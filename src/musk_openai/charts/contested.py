"""04-contested-figures: what Musk gave, and when he opposed the for-profit turn, by version."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from .. import i18n, queries, style
from ..data import Dataset
from ..export import Chart
from . import _common


def _version(ax: Axes, y: float, usd: float, bound: str, colour: str, lang: str) -> None:
    """One version of Musk's contribution: its marker, a bar up to an upper bound, its amount."""
    millions = usd / 1e6
    if bound == "upper_bound":
        ax.plot([0, millions], [y, y], color=colour, lw=3, alpha=0.45)
    ax.plot(millions, y, marker=_common.BOUND_MARKERS[bound], ms=12, ls="none", color=colour,
            mfc="white" if _common.hollow(bound) else colour, mew=2.4)  # fmt: skip
    text = i18n.money_bound(usd, bound, lang)
    ax.text(millions + 3, y, text, va="center", fontsize=12, fontweight="bold", color=colour)


@_common.in_house_style
def musk_contribution(ds: Dataset, lang: str) -> Chart:
    """Each version of what Musk gave, on one linear scale, coloured by who says it."""
    rows = queries.contribution_versions(ds, lang)
    fig, ax = _common.figure((10, 5.6))
    fig.subplots_adjust(top=0.74, bottom=0.16, left=0.3, right=0.97)
    y = np.arange(len(rows))[::-1]
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        colour = style.ASSERTOR_COLOURS[str(r["asserted_by"])]
        _version(ax, yi, r["value"], str(r["bound"]), colour, lang)
    ax.set_yticks(y, list(rows["label"]), fontsize=11)
    ax.set_xlim(0, 140)
    ticks = [0, 25, 50, 75, 100, 125]
    ax.set_xticks(ticks)
    ax.set_xticklabels([i18n.money(x * 1e6, lang) if x else "0" for x in ticks])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(axis="y", visible=False)
    fig.legend(handles=_assertors(rows, lang), loc="upper left", bbox_to_anchor=(0.005, 0.875),
               ncol=4, fontsize=10, handletextpad=0.3, columnspacing=1.6)  # fmt: skip
    handles = _common.bound_legend(["exact", "approximate", "upper_bound"], lang)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.005, 0.835), ncol=3,
               fontsize=10, handletextpad=0.3, columnspacing=1.6)  # fmt: skip
    _common.titles(fig, "contribution", lang)
    versions = [
        i18n.t("chart.contribution.version", lang, source=r["source_id"],
               amount=i18n.money_bound(r["value"], str(r["bound"]), lang, words=True),
               according=_common.according(r["asserted_by"], lang))
        for _, r in rows.iterrows()
    ]  # fmt: skip
    text = i18n.t("chart.contribution.alt", lang, n=len(rows),
                  versions=i18n.t("chart.separator", lang).join(versions))  # fmt: skip
    return _common.finish("04-musk-contribution", fig, rows, ds, lang, text)


def _assertors(rows: pd.DataFrame, lang: str) -> list[Artist]:
    """The colours: who says it, in the house order."""
    drawn = set(rows["asserted_by"].astype(str))
    return _common.colour_legend(
        {_common.according(a, lang): c for a, c in style.ASSERTOR_COLOURS.items() if a in drawn}
    )


@_common.in_house_style
def for_profit_opposition(ds: Dataset, lang: str) -> Chart:
    """The year each version gives for Musk's opposition to the for-profit turn."""
    rows = queries.opposition_versions(ds, lang)
    spans = queries.spans(ds, list(rows["id"]))
    fig, ax = _common.figure((10, 5.4))
    fig.subplots_adjust(top=0.76, bottom=0.16, left=0.42, right=0.97)
    lo, hi = pd.Timestamp("2015-01-01"), pd.Timestamp("2021-12-31")
    left: Any = lo  # a date on the time axis (matplotlib converts it; its stubs want numbers)
    y = np.arange(len(rows))[::-1]
    said = []
    for yi, (_, r), (start, end) in zip(y, rows.iterrows(), spans.itertuples(index=False),
                                        strict=True):  # fmt: skip
        colour = style.ASSERTOR_COLOURS[str(r["asserted_by"])]
        when = i18n.date(str(r["date"]), str(r["date_precision"]), lang)
        said.append(f"{when} {_common.according(r['asserted_by'], lang)} ({r['source_id']})")
        if pd.isna(start):
            ax.text(left, yi, i18n.t("chart.opposition.undated", lang), va="center", fontsize=11,
                    color=colour, fontstyle="italic")  # fmt: skip
            continue
        spanned: Any = _common.span(ax, yi, start, end, r["date_precision"], colour)
        ax.text(spanned[1] + _common.DAY * 25, yi, when, va="center", fontsize=12,
                fontweight="bold", color=colour)  # fmt: skip
    labels = [
        f"{r['label']}\n({_common.according(r['asserted_by'], lang)}, {r['source_id']})"
        for _, r in rows.iterrows()
    ]
    ax.set_yticks(y, labels, fontsize=11)
    ax.set_xlim(lo - _common.DAY * 60, hi + _common.DAY * 60)  # type: ignore[arg-type]
    _common.time_axis(ax, lo, hi, lang)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="y", visible=False)
    fig.legend(handles=_assertors(rows, lang), loc="upper left", bbox_to_anchor=(0.005, 0.86),
               ncol=4, fontsize=10, handletextpad=0.3, columnspacing=1.6)  # fmt: skip
    _common.titles(fig, "opposition", lang)
    text = i18n.t("chart.opposition.alt", lang, versions=i18n.t("chart.separator", lang).join(said))
    return _common.finish("04-for-profit-opposition", fig, rows, ds, lang, text)
