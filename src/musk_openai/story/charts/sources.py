"""05-sources: who speaks in each article: its rows of the dataset by who asserts them (Musk,
OpenAI, the article itself), one stacked bar per article."""

from __future__ import annotations

import numpy as np
import pandas as pd

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common, links, narrow_charts
from musk_openai.story.export import Chart


@_common.in_house_style
def article_voices(ds: Dataset, lang: str) -> Chart:
    """One bar per article, oldest at the top, split by who asserts its rows; each part's count
    written on it."""
    cells = queries.article_voices(ds, lang)
    articles = list(dict.fromkeys(cells["source"]))
    fig, ax = _common.figure((10, 2.6 + 0.62 * len(articles)))
    height = fig.get_figheight()
    fig.subplots_adjust(top=1 - 1.75 / height, bottom=1.0 / height, left=0.3, right=0.97)
    y = np.arange(len(articles))[::-1]
    left = np.zeros(len(articles))
    marks = links.Marks(lang)
    for party, part in cells.groupby("party", sort=False):
        part = part.set_index("source").loc[articles]
        counts = part["rows"].to_numpy()
        colour = style.PARTY_COLOURS[str(party)]
        bars = ax.barh(y, counts, left=left, height=0.62, color=colour, edgecolor="white", lw=1.5)
        for yi, x0, n, bar, sid in zip(y, left, counts, bars, part["source_id"], strict=True):
            if n:
                text = ax.text(x0 + n / 2, yi, str(n), ha="center", va="center", fontsize=11,
                               fontweight="bold", color="white")  # fmt: skip
                said = i18n.t(f"chart.sources.count.{party}", lang, n=int(n))
                tip = links.tip(i18n.source_name(sid, lang, short=True).capitalize(), said, lang)
                marks.link([bar, text], sid, "", tip)
        left = left + counts
    for yi, total in zip(y, left, strict=True):
        ax.text(total + 0.5, yi, str(int(total)), ha="left", va="center", fontsize=11,
                color=style.INK)  # fmt: skip
    ax.set_yticks(y, [_common.wrap(_common.sentence(a), 28) for a in articles], fontsize=11)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, left.max() * 1.08)
    ax.set_xlabel(i18n.t("chart.sources.x", lang))
    ax.grid(axis="y", visible=False)
    fig.legend(handles=_common.party_legend(cells["party"], "says", lang), loc="upper left",
               bbox_to_anchor=(0.005, 1 - 1.2 / height), ncol=4, fontsize=10,
               handletextpad=0.3, columnspacing=1.6)  # fmt: skip
    _common.titles(fig, "sources", lang)
    for txt, inches in zip(fig.texts[-2:], (0.1, 0.5), strict=True):  # fixed inches from the top
        txt.set_y(1 - inches / height)
    return _common.finish("05-sources", fig, cells, ds, lang, alt(cells, lang),
                          desc=desc(cells, lang), marks=marks,
                          narrow=narrow_charts.voices(ds, cells, lang))  # fmt: skip


def alt(cells: pd.DataFrame, lang: str) -> str:
    """The total, and for each party the article where it asserts the most rows."""
    totals = cells.groupby("source", sort=False)["rows"].sum()
    tops = []
    for party, part in cells.groupby("party", sort=False):
        top = part.sort_values("rows", ascending=False, kind="stable").iloc[0]
        tops.append(i18n.t("chart.sources.top", lang, n=int(top["rows"]),
                           who=i18n.t(f"chart.sources.who.{party}", lang),
                           source=i18n.source_name(str(top["source_id"]), lang),
                           of=int(totals[top["source"]])))  # fmt: skip
    return i18n.t("chart.sources.alt", lang, total=int(cells["rows"].sum()),
                  tops=i18n.t("chart.separator", lang).join(tops))  # fmt: skip


def desc(cells: pd.DataFrame, lang: str) -> str:
    """Every article with its rows by who asserts them."""
    articles = [
        i18n.t("chart.sources.article", lang,
               source=i18n.source_name(str(part["source_id"].iloc[0]), lang),
               counts=", ".join(i18n.t(f"chart.sources.count.{r['party']}", lang, n=int(r["rows"]))
                                for _, r in part.iterrows()))
        for _, part in cells.groupby("source_id", sort=False)
    ]  # fmt: skip
    text = _common.sentence(i18n.t("chart.separator", lang).join(articles))
    return i18n.t("chart.sources.desc", lang, articles=text)
