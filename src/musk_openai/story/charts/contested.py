"""04-contested-figures: what Musk gave, and when he stopped paying, by version."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common, links, narrow_charts
from musk_openai.story.export import Chart
from musk_openai.story.params import DEFAULTS


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
    marks = links.Marks(lang)
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        colour = style.assertor_colour(r["asserted_by"])
        before = links.drawn(ax)
        _version(ax, yi, r["value"], str(r["bound"]), colour, lang)
        what = i18n.money_bound(r["value"], str(r["bound"]), lang)
        tip = links.tip(what, _common.one_line(r["label"]), lang)
        marks.link(links.since(ax, before), r["source_id"], r["id"], tip)
    ax.set_yticks(y, [_common.wrap(x, 32) for x in rows["label"]], fontsize=11)
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
    short, full = _contribution_alt(rows, lang)
    small = narrow_charts.contribution(ds, rows, lang)
    return _common.finish("04-musk-contribution", fig, rows, ds, lang, short, desc=full,
                          marks=marks, narrow=small)  # fmt: skip


def _contribution_alt(rows: pd.DataFrame, lang: str) -> tuple[str, str]:
    """Alt text (the range, each party's amounts) and description (each version, its article)."""

    def amount(r: pd.Series) -> str:
        return i18n.money_bound(r["value"], str(r["bound"]), lang, words=True)

    versions = [
        i18n.t("chart.contribution.version", lang, amount=amount(r),
               according=_common.one_line(r["label"]))
        for _, r in rows.iterrows()
    ]  # fmt: skip
    sep = i18n.t("chart.separator", lang)
    high, low = rows.iloc[0], rows.iloc[-1]  # the query gives them largest first
    short = i18n.t("chart.contribution.alt", lang, n=len(rows), low=amount(low),
                   high=amount(high), voices=_common.voices(rows, amount, lang))  # fmt: skip
    full = i18n.t("chart.contribution.desc", lang, versions=_common.sentence(sep.join(versions)))
    return short, full


def _assertors(rows: pd.DataFrame, lang: str) -> list[Artist]:
    """The colours: who says it, in the house order."""
    return _common.party_legend(map(style.assertor_party, rows["asserted_by"]), "says", lang)


@_common.in_house_style
def musk_stops_funding(ds: Dataset, lang: str) -> Chart:
    """When Musk stopped funding OpenAI, by version (dispute ``musk_stops_funding``): each
    version a hatched bar over every day it allows; an open side runs to the axis's edge, with
    an arrow; a line where one version ends and the other begins."""
    rows = queries.stop_funding_versions(ds, lang)
    lo, hi = queries.window(DEFAULTS["start"], DEFAULTS["end"])
    fig, ax = _common.figure((10, 5.4))
    height = fig.get_figheight()
    fig.subplots_adjust(top=1 - 1.85 / height, bottom=0.9 / height, left=0.3, right=0.97)
    y = np.arange(len(rows))[::-1]
    marks = links.Marks(lang)
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        colour = style.assertor_colour(r["asserted_by"])
        before = links.drawn(ax)
        start = pd.Timestamp(r["date_start"]) if r["date_start"] else lo
        end = pd.Timestamp(r["date_end"]) if r["date_end"] else hi
        s0, s1 = _common.span(ax, yi, start, end, "interval", colour)
        if not r["date_start"]:
            _common.open_end(ax, s0, yi, "left", colour)
        if not r["date_end"]:
            _common.open_end(ax, s1, yi, "right", colour)
        x: Any = s0 + (s1 - s0) / 2  # a date on the time axis
        ax.text(x, yi + 0.42, r["when"], ha="center", va="bottom", fontsize=12,
                fontweight="bold", color=colour)  # fmt: skip
        tip = links.tip(r["when"], _voice(r, lang), lang)
        marks.link(links.since(ax, before), r["source_id"], r["id"], tip)
    ends = sorted(pd.Timestamp(d) for d in rows["date_end"] if d)
    starts = sorted(pd.Timestamp(d) for d in rows["date_start"] if d)
    if ends and starts and ends[0] < starts[-1]:  # the versions share no day
        line: Any = starts[-1]
        ax.axvline(line, color=style.INK, lw=1.4, ls="--")
        gap = i18n.t("chart.stop_funding.gap", lang)
        ax.text(line + _common.DAY * 30, len(rows) - 0.55, gap, ha="left", va="center",
                fontsize=10, fontstyle="italic", color=style.INK)  # fmt: skip
    labels = [
        textwrap.fill(str(r["label"]), 30) + "\n" + _common.wrap(f"({_voice(r, lang)})", 30)
        for _, r in rows.iterrows()
    ]
    ax.set_yticks(y, labels, fontsize=11)
    ax.set_xlim(lo - _common.DAY * 60, hi + _common.DAY * 60)  # type: ignore[arg-type]
    _common.time_axis(ax, lo, hi, lang)
    ax.set_ylim(-0.6, len(rows) - 0.05)
    ax.grid(axis="y", visible=False)
    handles = _common.span_legend(["interval"], lang) + [_open_legend(lang)]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.005, 1 - 1.2 / height),
               ncol=2, fontsize=10, handletextpad=0.5, columnspacing=2.0)  # fmt: skip
    _common.titles(fig, "stop_funding", lang)
    for txt, inches in zip(fig.texts[-2:], (0.1, 0.48), strict=True):  # fixed inches from the top
        txt.set_y(1 - inches / height)
    said = i18n.t("chart.separator", lang).join(
        i18n.t("chart.stop_funding.version", lang, according=_voice(r, lang), when=r["when"])
        for _, r in rows.iterrows()
    )
    short = i18n.t("chart.stop_funding.alt", lang, versions=said)
    full = i18n.t("chart.stop_funding.desc", lang, versions=_common.sentence(said))
    small = narrow_charts.stop_funding(ds, rows, lang)
    return _common.finish("04-musk-stops-funding", fig, rows, ds, lang, short, desc=full,
                          marks=marks, narrow=small)  # fmt: skip


def _voice(row: pd.Series, lang: str) -> str:
    """'selon l’article de mars 2023': who says it, in which article."""
    return queries.according_in(row["asserted_by"], row["source_id"], lang)


def _open_legend(lang: str) -> Artist:
    """What an arrow at a bar's end means."""
    return Line2D([], [], marker=">", ls="none", ms=10, color=style.MUTED,
                  label=i18n.t("chart.stop_funding.open", lang))  # fmt: skip
