"""The narrow drawings of the long charts, 02, 03 and 06 (:mod:`.narrow`): each mark's words on
their own line above it, the groups and subjects as headings."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, NullLocator

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common, links
from musk_openai.story.charts import narrow as nw
from musk_openai.story.charts.narrow_charts import start

#: Inches per line of a narrow list: a mark and its one-line label; a group's heading.
ROW, HEADING = 0.5, 0.32
#: 02: the band above the first heading, where the valuation's dashed line is named (inches);
#: the log axis's span, in dollars.
TOP, LOG_SPAN = 0.3, (1e7, 4e11)


def funding(ds: Dataset, rows: pd.DataFrame, valuation: float, lang: str) -> nw.Page:
    """02: under each payer's heading, each amount on its line, what it is and who says it
    above; the October 2024 valuation a dashed line, named at its top. Headings and labels are
    wrapped to end left of that line."""
    left, right = 0.3, 0.3
    fraction = (np.log10(valuation) - np.log10(LOG_SPAN[0])) / np.log10(LOG_SPAN[1] / LOG_SPAN[0])
    room = (nw.WIDTH - left - right) * fraction - 0.2  # inches from the axes' edge to the line
    chars = int(nw.CHARS[nw.LABEL] * room / (nw.WIDTH - 2 * nw.MARGIN))
    labels = [_common.wrap(str(x).replace("\n", " — "), chars) for x in rows["label"]]
    extra = [(nw.lines(lb) - 1) * nw.LEADING[nw.LABEL] for lb in labels]
    heads = {g: _common.wrap(_common.sentence(str(lb)), int(chars * 0.86))
             for g, lb in zip(rows["group"], rows["group_label"], strict=True)}  # fmt: skip
    tall = {g: HEADING + (nw.lines(h) - 1) * nw.LEADING[nw.LABEL] * 1.12 for g, h in heads.items()}
    body = TOP + ROW * len(rows) + sum(extra) + sum(tall.values())
    p = start(ds, rows, "funding", lang, 6, body + 0.5)
    p.legend(_common.party_legend(map(style.assertor_party, rows["asserted_by"]), "says", lang), 4)
    p.legend(_common.bound_legend(["exact", "approximate", "upper_bound", "lower_bound"], lang), 1)
    ax = p.axes(body, left=left, right=right)
    y, seen = -TOP, set()
    for (_, r), label, more in zip(rows.iterrows(), labels, extra, strict=True):
        if r["group"] not in seen:
            seen.add(r["group"])
            y -= tall[r["group"]]
            ax.annotate(heads[r["group"]], (0, y), va="bottom", linespacing=1.1,
                        xycoords=("axes fraction", "data"), fontsize=nw.LABEL + 1,
                        fontweight="bold", color=style.INK)  # fmt: skip
        y -= ROW + more
        colour = style.assertor_colour(r["asserted_by"])
        before = links.drawn(ax)
        value, bound = r["value"], str(r["bound"])
        if bound in ("upper_bound", "lower_bound"):
            end = value / 3 if bound == "upper_bound" else value * 3
            ax.plot([end, value], [y, y], color=colour, lw=2, alpha=0.6)
        ax.plot(value, y, marker=_common.BOUND_MARKERS[bound], ms=8, ls="none", color=colour,
                mfc="white" if _common.hollow(bound) else colour, mew=1.8)  # fmt: skip
        x = value * (3.6 if bound == "lower_bound" else 1.4)
        ax.text(x, y, i18n.money_bound(value, bound, lang), va="center", fontsize=nw.LABEL,
                color=colour, fontweight="bold")  # fmt: skip
        nw.label_above(ax, 0, y + 0.06, label, style.MUTED)
        said = _common.one_line(str(r["label"]).split("\n")[1])
        tip = links.tip(i18n.money_bound(value, bound, lang), said, lang)
        p.marks.link(links.since(ax, before), r["source_id"], r["id"], tip)
    ax.axvline(valuation, color=style.MUTED, ls="--", lw=1)
    named = i18n.t("chart.funding.valuation_line", lang, v=i18n.money(valuation, lang))
    ax.text(valuation / 1.1, -TOP / 2, named, ha="right", va="center", fontsize=nw.LABEL,
            color=style.MUTED)  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlim(*LOG_SPAN)
    ticks = [1e7, 1e8, 1e9, 1e10, 1e11]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([i18n.money(x, lang) for x in ticks])
    ax.set_ylim(y - 0.35, 0)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    nw.small_ticks(ax)
    return p


def timeline(ds: Dataset, rows: pd.DataFrame, parts: list[Any], title: str, subtitle: str,
             lang: str) -> nw.Page:  # fmt: skip
    """03: each panel's events top to bottom, each bar under its label and date."""
    chars = nw.CHARS[nw.LABEL] - 4  # from the panel's edge, a little in from the figure's
    labels = [_common.wrap(f"{_common.one_line(r['label'])} — {r['when']}", chars)
              for _, r in rows.iterrows()]  # fmt: skip
    height_of = {i: ROW + (nw.lines(lb) - 1) * nw.LEADING[nw.LABEL]
                 for i, lb in zip(rows.index, labels, strict=True)}  # fmt: skip
    axis = 0.45  # inches under each panel for its axis
    body = sum(height_of.values()) + axis * len(parts)
    footer = _common.source_line(ds, _common.cited(rows), lang)
    p = nw.page(title, subtitle, 5, body + 0.3, footer, lang)
    p.legend(_common.party_legend(rows["party"], "acts", lang), 2)
    shapes = map(_common.span_style, rows["date_precision"], rows["date_qualifier"])
    p.legend(_common.span_legend(shapes, lang), 1)
    text_of = dict(zip(rows.index, labels, strict=True))
    for part, lo, hi in parts:
        inches = sum(height_of[i] for i in part.index)
        ax = p.axes(inches, left=0.15, right=0.15)
        p.y += axis
        y = 0.0
        for i, r in part.iterrows():
            y -= height_of[i]
            before = links.drawn(ax)
            _common.span(ax, y, r["date_start"], r["date_end"], r["date_precision"],
                         style.PARTY_COLOURS[str(r["party"])], r["date_qualifier"],
                         height=0.16)  # fmt: skip
            nw.label_above(ax, 0, y + 0.06, text_of[i])
            sources = i18n.listing([i18n.source_name(s.strip(), lang)
                                    for s in str(r["source_ids"]).split(",")], lang)  # fmt: skip
            said = i18n.t("chart.according", lang, who=sources)
            first = str(r["event_ids"]).split(",")[0].strip()
            tip = links.tip(f"{_common.one_line(r['label'])} — {r['when']}", said, lang)
            p.marks.link(links.since(ax, before), r["source_id"], first, tip)
        margin = (hi - lo) * 0.02
        ax.set_xlim(lo - margin, hi + margin)
        if (hi - lo).days > 800:
            _common.time_axis(ax, lo, hi, lang)
            years = [t.get_text() for t in ax.get_xticklabels(minor=True)]
            ax.set_xticklabels([f"’{y[2:]}" if len(y) == 4 else y for y in years], minor=True)
        else:
            _common.month_axis(ax, lo, hi, lang)
        ax.set_ylim(y - 0.3, 0)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        nw.small_ticks(ax)
    return p


def lawsuits(ds: Dataset, rows: pd.DataFrame, lang: str, legends: list[Any]) -> nw.Page:
    """06: each subject as a heading, then its claims, Musk's first, each in a few words after
    its mark (colour: who speaks; shape: what kind; fill: which suit)."""
    from musk_openai.story.charts.lawsuits import SHAPES, short

    items: list[tuple[str, str, Any]] = []
    for _, topic in rows.groupby("row", sort=True):
        items.append(("head", topic["topic_label"].iloc[0], None))
        for _, r in topic.iterrows():
            items.append(("claim", _common.wrap(short(r["id"], lang), 60), r))
    inches = [HEADING if kind == "head" else nw.lines(text) * nw.LEADING[nw.LABEL] + 0.07
              for kind, text, _ in items]  # fmt: skip
    body = sum(inches)
    p = start(ds, rows, "lawsuits", lang, 6, body + 0.2)
    for handles, ncol in legends:
        p.legend(handles, ncol)
    ax = p.axes(body, left=0.1, right=0.1)
    ax.set_xlim(0, nw.WIDTH - 0.2)
    ax.set_ylim(-body, 0)
    ax.axis("off")
    y = 0.0
    for (kind, text, r), h in zip(items, inches, strict=True):
        if kind == "head":
            ax.text(0, y - 0.1, text, ha="left", va="top", fontsize=nw.LABEL + 1,
                    fontweight="bold", color=style.INK)  # fmt: skip
            y -= h
            continue
        before = links.drawn(ax)
        colour = style.assertor_colour(r["side"])
        ax.plot(0.12, y - 0.08, marker=SHAPES[str(r["mark"])], ms=7, ls="none", color=colour,
                mew=1.5, mfc=colour if r["suit"] == "first" else "white")  # fmt: skip
        ax.text(0.3, y, text, ha="left", va="top", fontsize=nw.LABEL, color=style.INK,
                linespacing=1.1)  # fmt: skip
        who = queries.according_in(r["claimant"], r["source_id"], lang)
        p.marks.link(links.since(ax, before), r["source_id"], r["id"],
                     links.tip(r["label"], who, lang))  # fmt: skip
        y -= h
    return p
