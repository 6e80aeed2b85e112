"""The narrow drawings of 01, 04 and 05 (:mod:`.narrow`): the same rows, the same marks and
links as the wide charts, fewer words per line."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common, links
from musk_openai.story.charts import narrow as nw


def start(ds: Dataset, rows: pd.DataFrame, key: str, lang: str, legend_rows: int,
          body: float) -> nw.Page:  # fmt: skip
    """A narrow page with the chart's title, subtitle and footer (``chart.<key>``)."""
    title, subtitle = (_common.one_line(i18n.t(f"chart.{key}.{k}", lang))
                       for k in ("title", "subtitle"))  # fmt: skip
    footer = _common.source_line(ds, _common.cited(rows), lang)
    return nw.page(title, subtitle, legend_rows, body, footer, lang)


def valuation(ds: Dataset, rows: pd.DataFrame, multiple: float, lang: str) -> nw.Page:
    """01: three bars, their figures on top, the labels under them."""
    from musk_openai.story.charts.valuation import outline

    p = start(ds, rows, "valuation", lang, 0, 3.4)
    ax = p.axes(2.6, left=0.8, right=0.15)
    x = np.arange(3)
    bars = ax.bar(x, rows["value"] / 1e9, width=0.62)
    outline(bars, rows)
    for xi, bar, (_, r) in zip(x.tolist(), bars, rows.iterrows(), strict=True):
        figure = ax.text(xi, r["value"] / 1e9 + 3, i18n.money(r["value"], lang), ha="center",
                         va="bottom", fontsize=10, fontweight="bold", color=style.INK)  # fmt: skip
        said = queries.according_in(r["asserted_by"], r["source_id"], lang)
        what = _common.one_line(f"{r['label']}, {i18n.money(r['value'], lang)}")
        p.marks.link([bar, figure], r["source_id"], r["id"], links.tip(what, said, lang))
    ax.set_xticks(x, [_common.wrap(lb, 14) for lb in rows["label"]], fontsize=nw.LABEL)
    ax.set_ylim(0, 190)
    ax.set_yticks([0, 50, 100, 150])
    ax.set_yticklabels([i18n.money(y * 1e9, lang) if y else "0" for y in [0, 50, 100, 150]])
    nw.small_ticks(ax)
    ax.grid(axis="x", visible=False)
    text = _common.one_line(
        i18n.t("chart.valuation.multiple", lang, m=i18n.number(multiple, lang, 2))
    )
    ax.text(0.02, 0.97, text, transform=ax.transAxes, ha="left", va="top", fontsize=nw.LABEL + 1,
            fontweight="bold", color=style.INK)  # fmt: skip
    return p


def contribution(ds: Dataset, rows: pd.DataFrame, lang: str) -> nw.Page:
    """04: each version of Musk's contribution on its own line, its label above it."""
    p = start(ds, rows, "contribution", lang, 4, 0.62 * len(rows) + 0.45)
    p.legend(_common.party_legend(map(style.assertor_party, rows["asserted_by"]), "says", lang), 4)
    p.legend(_common.bound_legend(["exact", "approximate", "upper_bound"], lang), 1)
    ax = p.axes(0.62 * len(rows), left=0.15, right=0.2)
    for i, (_, r) in enumerate(rows.iterrows()):
        y = len(rows) - 1 - i
        colour = style.assertor_colour(r["asserted_by"])
        before = links.drawn(ax)
        millions = r["value"] / 1e6
        if r["bound"] == "upper_bound":
            ax.plot([0, millions], [y, y], color=colour, lw=2.5, alpha=0.45)
        ax.plot(millions, y, marker=_common.BOUND_MARKERS[str(r["bound"])], ms=9, ls="none",
                color=colour, mfc="white" if _common.hollow(r["bound"]) else colour,
                mew=2)  # fmt: skip
        ax.text(millions + 7, y, i18n.money_bound(r["value"], str(r["bound"]), lang),
                va="center", fontsize=nw.LABEL + 0.5, fontweight="bold", color=colour)  # fmt: skip
        nw.label_above(ax, 0, y, nw.wrapped(r["label"], nw.LABEL))
        what = i18n.money_bound(r["value"], str(r["bound"]), lang)
        tip = links.tip(what, _common.one_line(r["label"]), lang)
        p.marks.link(links.since(ax, before), r["source_id"], r["id"], tip)
    ax.set_xlim(0, 150)
    ax.set_ylim(-0.5, len(rows) - 0.1)
    ax.set_yticks([])
    ax.set_xticks([0, 50, 100])
    ax.set_xticklabels([i18n.money(x * 1e6, lang) if x else "0" for x in [0, 50, 100]])
    ax.spines["left"].set_visible(False)
    nw.small_ticks(ax)
    return p


def stop_funding(ds: Dataset, rows: pd.DataFrame, lang: str) -> nw.Page:
    """04: when Musk stopped paying, one hatched bar per article, its label above it."""
    lo, hi = queries.window("2015", "2024")
    p = start(ds, rows, "stop_funding", lang, 1, 1.0 * len(rows) + 0.5)
    p.legend(_common.span_legend(["interval"], lang) + [_open_arrow(lang)], 1)
    p.y += 0.05
    ax = p.axes(1.0 * len(rows), left=0.2, right=0.3)
    for i, (_, r) in enumerate(rows.iterrows()):
        y = len(rows) - 1 - i
        colour = style.assertor_colour(r["asserted_by"])
        before = links.drawn(ax)
        s: Any = pd.Timestamp(r["date_start"]) if r["date_start"] else lo
        e: Any = pd.Timestamp(r["date_end"]) if r["date_end"] else hi
        s0, s1 = _common.span(ax, y, s, e, "interval", colour)
        if not r["date_start"]:
            _common.open_end(ax, s0, y, "left", colour)
        if not r["date_end"]:
            _common.open_end(ax, s1, y, "right", colour)
        voice = queries.according_in(r["asserted_by"], r["source_id"], lang)
        nw.label_above(ax, 0, y + 0.3, nw.wrapped(f"{r['when']} — {voice}", nw.LABEL))
        p.marks.link(links.since(ax, before), r["source_id"], r["id"],
                     links.tip(r["when"], voice, lang))  # fmt: skip
    ax.set_xlim(lo - _common.DAY * 60, hi + _common.DAY * 60)  # type: ignore[arg-type]
    _common.time_axis(ax, lo, hi, lang)
    ax.set_ylim(-0.6, len(rows) - 0.1)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    nw.small_ticks(ax)
    return p


def _open_arrow(lang: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], marker=">", ls="none", ms=8, color=style.MUTED,
                  label=i18n.t("chart.stop_funding.open", lang))  # fmt: skip


def voices(ds: Dataset, cells: pd.DataFrame, lang: str) -> nw.Page:
    """05: one stacked bar per article, its name above it."""
    articles = list(dict.fromkeys(cells["source"]))
    p = start(ds, cells, "sources", lang, 1, 0.6 * len(articles) + 0.5)
    p.legend(_common.party_legend(cells["party"], "says", lang), 4)
    ax = p.axes(0.6 * len(articles), left=0.15, right=0.3)
    y = np.arange(len(articles))[::-1]
    left = np.zeros(len(articles))
    for party, part in cells.groupby("party", sort=False):
        part = part.set_index("source").loc[articles]
        counts = part["rows"].to_numpy()
        bars = ax.barh(y, counts, left=left, height=0.5, color=style.PARTY_COLOURS[str(party)],
                       edgecolor="white", lw=1)  # fmt: skip
        for yi, x0, n, bar, sid in zip(y, left, counts, bars, part["source_id"], strict=True):
            if n:
                text = ax.text(x0 + n / 2, yi, str(n), ha="center", va="center",
                               fontsize=nw.LABEL, fontweight="bold", color="white")  # fmt: skip
                said = i18n.t(f"chart.sources.count.{party}", lang, n=int(n))
                tip = links.tip(_common.sentence(i18n.source_name(sid, lang, short=True)), said,
                                lang)  # fmt: skip
                p.marks.link([bar, text], sid, "", tip)
        left = left + counts
    for yi, total, name in zip(y, left, articles, strict=True):
        ax.text(total + 0.5, yi, str(int(total)), ha="left", va="center", fontsize=nw.LABEL)
        nw.label_above(ax, 0, yi + 0.18, _common.sentence(name))
    ax.set_yticks([])
    ax.set_xlim(0, left.max() * 1.1)
    ax.set_ylim(-0.5, len(articles) - 0.2)
    ax.spines["left"].set_visible(False)
    nw.small_ticks(ax)
    return p
