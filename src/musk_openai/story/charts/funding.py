"""02-funding-sources: every amount paid or pledged to OpenAI, on a log scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, NullLocator

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common
from musk_openai.story.export import Chart


def _amount(ax: Axes, y: float, value: float, bound: str, colour: str, lang: str) -> None:
    """One amount: its marker, a segment towards where a bounded value lies, its figure."""
    if bound == "upper_bound":
        ax.plot([value / 3, value], [y, y], color=colour, lw=2.5, alpha=0.6)
    if bound == "lower_bound":
        ax.plot([value, value * 3], [y, y], color=colour, lw=2.5, alpha=0.6)
    ax.plot(value, y, marker=_common.BOUND_MARKERS[bound], ms=11, color=colour,
            mfc="white" if _common.hollow(bound) else colour, mew=2.2, ls="none")  # fmt: skip
    x = value * 1.35 if bound != "lower_bound" else value * 3.6
    ax.text(x, y, i18n.money_bound(value, bound, lang), va="center", fontsize=11)


@_common.in_house_style
def funding_sources(ds: Dataset, lang: str) -> Chart:
    """Every amount paid or pledged to OpenAI, on a log scale; each version on its own line."""
    rows = queries.funding_lanes(ds, lang)
    fig, ax = _common.figure((10, 8.4))
    fig.subplots_adjust(top=0.8, bottom=0.1, left=0.42, right=0.97)
    y = np.arange(len(rows))[::-1]
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        _amount(ax, yi, r["value"], str(r["bound"]), style.assertor_colour(r["asserted_by"]), lang)
    valuation = queries.valuations(ds)["value"].iloc[-1]
    ax.axvline(valuation, color=style.MUTED, ls="--", lw=1.2)
    text = i18n.t("chart.funding.valuation_line", lang, v=i18n.money(valuation, lang))
    ax.text(valuation / 1.1, len(rows) - 0.4, text, ha="right", va="bottom", fontsize=10,
            color=style.MUTED)  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlim(1e7, 4e11)
    ticks = [1e7, 1e8, 1e9, 1e10, 1e11]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([i18n.money(x, lang) for x in ticks])
    ax.set_yticks(y, list(rows["label"]), fontsize=10)
    ax.set_ylim(-0.7, len(rows) + 0.2)
    ax.grid(axis="y", visible=False)
    colours = _common.party_legend(map(style.assertor_party, rows["asserted_by"]), "says", lang)
    fig.legend(handles=colours, loc="upper left", bbox_to_anchor=(0.005, 0.905), ncol=len(colours),
               fontsize=10, handletextpad=0.3, columnspacing=1.6)  # fmt: skip
    handles = _common.bound_legend(["exact", "approximate", "upper_bound", "lower_bound"], lang)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.005, 0.875), ncol=4,
               fontsize=10, handletextpad=0.3, columnspacing=1.2)  # fmt: skip
    _common.titles(fig, "funding", lang)
    text = alt(rows, valuation, lang)
    return _common.finish("02-funding-sources", fig, rows, ds, lang, text, line_sep=" — ")


def alt(rows: pd.DataFrame, valuation: float, lang: str) -> str:
    """Every amount drawn, by line name (who paid, what), lowest and highest first."""
    by_name: dict[str, list[str]] = {}
    for _, r in rows.iterrows():
        name = str(r["label"]).split("\n")[0].split(",")[0]
        amount = i18n.money_bound(r["value"], str(r["bound"]), lang, words=True)
        by_name.setdefault(name, []).append(amount)
    low, high = rows["value"].min(), rows["value"].max()
    lines = _common.items(by_name.items(), lang)
    return i18n.t("chart.funding.alt", lang, n=len(rows), low=i18n.money(low, lang, words=True),
                  high=i18n.money(high, lang, words=True), lines=lines,
                  valuation=i18n.money(valuation, lang, words=True))  # fmt: skip
