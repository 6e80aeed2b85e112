"""04-contested-figures: what Musk gave, and when he opposed the for-profit turn, by version."""

from __future__ import annotations

import numpy as np
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
    fig.subplots_adjust(top=0.78, bottom=0.16, left=0.3, right=0.97)
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
    handles = _common.bound_legend(["exact", "approximate", "upper_bound"], lang)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.005, 0.86), ncol=3,
               fontsize=10, handletextpad=0.3)  # fmt: skip
    _common.titles(fig, "contribution", lang)
    return _common.finish("04-musk-contribution", fig, rows, ds, lang)


@_common.in_house_style
def for_profit_opposition(ds: Dataset, lang: str) -> Chart:
    """The year each version gives for Musk's opposition to the for-profit turn."""
    rows = queries.opposition_versions(ds, lang)
    fig, ax = _common.figure((10, 5.2))
    fig.subplots_adjust(top=0.8, bottom=0.17, left=0.42, right=0.97)
    y = np.arange(len(rows))[::-1]
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        colour = style.ASSERTOR_COLOURS[str(r["asserted_by"])]
        if r["date_precision"] == "none":
            ax.text(2015, yi, i18n.t("chart.opposition.undated", lang), va="center", fontsize=11,
                    color=colour, fontstyle="italic")  # fmt: skip
            continue
        year = int(str(r["date"])[:4])
        ax.barh(yi, 1, left=year, height=0.55, color=colour)
        ax.text(year + 1.08, yi, str(year), va="center", fontsize=12, fontweight="bold",
                color=colour)  # fmt: skip
    labels = [
        f"{r['label']}\n({_common.according(r['asserted_by'], lang)}, {r['source_id']})"
        for _, r in rows.iterrows()
    ]
    ax.set_yticks(y, labels, fontsize=11)
    ax.set_xlim(2014.8, 2021.8)
    ax.set_xticks([x + 0.5 for x in range(2015, 2022)], [str(x) for x in range(2015, 2022)])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="y", visible=False)
    _common.titles(fig, "opposition", lang)
    return _common.finish("04-for-profit-opposition", fig, rows, ds, lang)
