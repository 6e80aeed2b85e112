"""01-valuation-growth: the previous valuation, the money raised, the valuation after."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.container import BarContainer

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common, links, narrow_charts
from musk_openai.story.export import Chart


@_common.in_house_style
def valuation_growth(ds: Dataset, lang: str) -> Chart:
    """Bars: the previous valuation, the money raised in October 2024, the valuation after."""
    rows = queries.valuation_bars(ds, lang)
    multiple = queries.valuation_multiple(ds)  # unrounded, as the arrow's label rounds it
    fig, ax = _common.figure((10, 6.2))
    fig.subplots_adjust(top=0.84, bottom=0.2, left=0.09, right=0.97)
    x = np.arange(3)
    bars = ax.bar(x, rows["value"] / 1e9, width=0.6)
    outline(bars, rows)
    marks = links.Marks(lang)
    for xi, bar, (_, r) in zip(x.tolist(), bars, rows.iterrows(), strict=True):
        figure = ax.text(xi, r["value"] / 1e9 + 3, i18n.money(r["value"], lang), ha="center",
                       va="bottom", fontsize=14, fontweight="bold", color=style.INK)  # fmt: skip
        said = queries.according_in(r["asserted_by"], r["source_id"], lang)
        what = _common.one_line(f"{r['label']}, {i18n.money(r['value'], lang)}")
        marks.link([bar, figure], r["source_id"], r["id"], links.tip(what, said, lang))
    ax.set_xticks(x, list(rows["label"]))
    ax.set_ylim(0, 200)
    ax.set_yticks([0, 50, 100, 150])
    ax.set_yticklabels([i18n.money(y * 1e9, lang) if y else "0" for y in [0, 50, 100, 150]])
    ax.grid(axis="x", visible=False)
    # The growth: a dashed line at the previous level, an arrow up to the new one.
    lo, hi = rows["value"].iloc[0] / 1e9, rows["value"].iloc[-1] / 1e9
    ax.plot([-0.3, 2.3], [lo, lo], ls="--", lw=1.2, color=style.MUTED)
    ax.annotate("", xy=(2.42, hi), xytext=(2.42, lo),
                arrowprops={"arrowstyle": "->", "color": style.INK, "lw": 1.8})  # fmt: skip
    growth = i18n.t("chart.valuation.multiple", lang, m=i18n.number(multiple, lang, 2))
    ax.text(2.48, (lo + hi) / 2, growth, ha="left", va="center", fontsize=13, color=style.INK)
    ax.set_xlim(-0.5, 3.0)
    _common.titles(fig, "valuation", lang)
    short, full = (alt(rows, multiple, lang, k) for k in ("alt", "desc"))
    small = narrow_charts.valuation(ds, rows, multiple, lang)
    return _common.finish("01-valuation-growth", fig, rows, ds, lang, short, desc=full,
                          marks=marks, narrow=small)  # fmt: skip


def outline(bars: BarContainer, rows: pd.DataFrame) -> None:
    """Every bar in neutral ink (colours mean who says a thing, and the article says all three):
    a valuation solid, the money raised outlined (the subtitle says which is which)."""
    for bar, kind in zip(bars, rows["kind"], strict=True):
        solid = kind == "valuation"
        bar.set_facecolor(style.INK if solid else "white")
        bar.set_edgecolor(style.INK)
        bar.set_linewidth(0 if solid else 1.8)


def alt(rows: pd.DataFrame, multiple: float, lang: str, key: str = "alt") -> str:
    """'Bar chart: according to the October 2024 article, OpenAI's valuation went from 86
    billion dollars (date not given) to 157 billion dollars after its October 2024 funding round,
    which raised 6.6 billion dollars (×1.83, “almost double”).' (``key`` 'desc': every bar.)"""
    before, raised, after = (i18n.money(v, lang, words=True) for v in rows["value"])
    r = rows.iloc[1]
    when = i18n.date(str(r["date"]), str(r["date_precision"]), lang)
    sources = sorted(set(rows["source_id"]))
    source = i18n.listing([i18n.source_name(s, lang) for s in sources], lang)
    return i18n.t(f"chart.valuation.{key}", lang, before=before, after=after, raised=raised,
                  when=when, m=i18n.number(multiple, lang, 2), source=source)  # fmt: skip
