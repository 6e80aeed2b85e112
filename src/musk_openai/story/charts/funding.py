"""02-funding-sources: every amount paid or pledged to OpenAI, grouped by who paid, on a log
scale; the colour says who asserts each amount (Musk, OpenAI, the press), the label what it is
and in which article."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, NullLocator

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common, links, narrow_long
from musk_openai.story.export import Chart

#: Height of a line and of a group's heading, in lines; the figure's fixed part, in inches.
LINE, HEADING, INCHES_PER_LINE, FIXED_INCHES = 1.0, 0.8, 0.56, 2.9


def _amount(ax: Axes, y: float, value: float, bound: str, colour: str, lang: str) -> None:
    """One amount: its marker, a segment towards where a bounded value lies, its figure."""
    if bound == "upper_bound":
        ax.plot([value / 3, value], [y, y], color=colour, lw=2.5, alpha=0.6)
    if bound == "lower_bound":
        ax.plot([value, value * 3], [y, y], color=colour, lw=2.5, alpha=0.6)
    ax.plot(value, y, marker=_common.BOUND_MARKERS[bound], ms=11, color=colour,
            mfc="white" if _common.hollow(bound) else colour, mew=2.2, ls="none")  # fmt: skip
    x = value * 1.35 if bound != "lower_bound" else value * 3.6
    ax.text(x, y, i18n.money_bound(value, bound, lang), va="center", fontsize=11, color=colour)


def heights(rows: pd.DataFrame) -> tuple[list[float], dict[str, float]]:
    """Each line's height, top to bottom, and each group's heading height: a heading above
    each group's first line."""
    y, ys, heads = 0.0, [], {}
    for group in rows["group"]:
        if group not in heads:
            y -= HEADING
            heads[str(group)] = y
        y -= LINE
        ys.append(y)
    return ys, heads


@_common.in_house_style
def funding_sources(ds: Dataset, lang: str) -> Chart:
    """Every amount paid or pledged to OpenAI, on a log scale, under who paid it; each version
    on its own line, coloured by who asserts it."""
    rows = queries.funding_lanes(ds, lang)
    ys, heads = heights(rows)
    lines = -min(ys) + 0.6
    fig, ax = _common.figure((10, FIXED_INCHES + INCHES_PER_LINE * lines))
    height = fig.get_figheight()
    fig.subplots_adjust(top=1 - 1.95 / height, bottom=0.95 / height, left=0.42, right=0.97)
    marks = links.Marks(lang)
    for yi, (_, r) in zip(ys, rows.iterrows(), strict=True):
        before = links.drawn(ax)
        _amount(ax, yi, r["value"], str(r["bound"]), style.assertor_colour(r["asserted_by"]), lang)
        what = i18n.money_bound(r["value"], str(r["bound"]), lang)
        said = _common.one_line(str(r["label"]).split("\n")[1])
        marks.link(links.since(ax, before), r["source_id"], r["id"], links.tip(what, said, lang))
    for group, y in heads.items():
        label = rows.loc[rows["group"] == group, "group_label"].iloc[0]
        ax.annotate(_common.sentence(label), (0.015, y), xycoords=("figure fraction", "data"),
                    ha="left", va="center", fontsize=11.5, fontweight="bold",
                    color=style.INK, annotation_clip=False)  # fmt: skip
        if y < -HEADING:  # a rule above each group but the first
            ax.axhline(y + 0.6, color=style.GRID, lw=0.8)
    valuation = queries.valuations(ds)["value"].iloc[-1]
    ax.axvline(valuation, color=style.MUTED, ls="--", lw=1.2)
    text = i18n.t("chart.funding.valuation_line", lang, v=i18n.money(valuation, lang))
    ax.text(valuation / 1.1, -0.35, text, ha="right", va="center", fontsize=10, color=style.MUTED)
    ax.set_xscale("log")
    ax.set_xlim(1e7, 4e11)
    ticks = [1e7, 1e8, 1e9, 1e10, 1e11]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([i18n.money(x, lang) for x in ticks])
    labels = [_lines(str(x)) for x in rows["label"]]
    ax.set_yticks(ys, labels, fontsize=10, color=style.MUTED)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(min(ys) - 0.6, 0)
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    colours = _common.party_legend(map(style.assertor_party, rows["asserted_by"]), "says", lang)
    fig.legend(handles=colours, loc="upper left", bbox_to_anchor=(0.005, 1 - 1.05 / height),
               ncol=len(colours), fontsize=10, handletextpad=0.3, columnspacing=1.6)  # fmt: skip
    handles = _common.bound_legend(["exact", "approximate", "upper_bound", "lower_bound"], lang)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.005, 1 - 1.4 / height),
               ncol=4, fontsize=10, handletextpad=0.3, columnspacing=1.2)  # fmt: skip
    _common.titles(fig, "funding", lang)
    for txt, inches in zip(fig.texts[-2:], (0.1, 0.5), strict=True):  # fixed inches from the top
        txt.set_y(1 - inches / height)
    short, full = alt(rows, valuation, lang), desc(rows, valuation, lang)
    small = narrow_long.funding(ds, rows, valuation, lang)
    return _common.finish("02-funding-sources", fig, rows, ds, lang, short, " — ", full, marks,
                          small)  # fmt: skip


def _lines(label: str) -> str:
    """A line's label: what and when on its first line, who says it (wrapped) below."""
    what, who = label.split("\n", 1)
    return what + "\n" + _common.wrap(who, 52)


def _amount_words(r: pd.Series, lang: str) -> str:
    return i18n.money_bound(r["value"], str(r["bound"]), lang, words=True)


def _what(r: pd.Series) -> str:
    """What an amount is, and when: the label's first line, in lower case ('don', 'investissement,
    2019 ou 2020')."""
    what = str(r["label"]).split("\n")[0]
    return what[:1].lower() + what[1:]


def alt(rows: pd.DataFrame, valuation: float, lang: str) -> str:
    """Each payer with the range of what was paid and who says it; then the pledges."""
    paid, pledged = rows[rows["kind"] != "pledge"], rows[rows["kind"] == "pledge"]
    groups = []
    for _, mine in paid.groupby("group", sort=False):
        group = mine["group_label"].iloc[0]
        parties = [
            p
            for p in style.PARTY_COLOURS
            if p in set(mine["asserted_by"].map(style.assertor_party))
        ]
        if len(parties) > 1:  # versions of one sum: who says which
            voices = _common.voices(mine, lambda r: _amount_words(r, lang), lang)
            groups.append(i18n.t("chart.funding.group_voices", lang, group=group, voices=voices))
            continue
        by_value = mine.sort_values("value", kind="stable")
        low, high = (_amount_words(r, lang) for r in (by_value.iloc[0], by_value.iloc[-1]))
        amounts = low if len(mine) == 1 else i18n.t("chart.funding.range", lang, low=low, high=high)
        who = i18n.t(f"chart.party.according.{parties[0]}", lang)
        groups.append(i18n.t("chart.funding.group_alt", lang, group=group, amounts=amounts,
                             according=who))  # fmt: skip
    pledges = [
        i18n.t("chart.funding.pledge_alt", lang, amount=_amount_words(r, lang),
               group=r["group_label"], according=_common.one_line(str(r["label"]).split("\n")[1]))
        for _, r in pledged.iterrows()
    ]  # fmt: skip
    sep = i18n.t("chart.separator", lang)
    return i18n.t("chart.funding.alt", lang, n=len(rows), groups=sep.join(groups),
                  pledges=sep.join(pledges))  # fmt: skip


def desc(rows: pd.DataFrame, valuation: float, lang: str) -> str:
    """Every amount drawn: its payer, what it is, the amount, who says it, in which article."""
    lines = [
        i18n.t("chart.funding.line", lang, group=r["group_label"], amount=_amount_words(r, lang),
               what=_what(r),
               according=_common.one_line(str(r["label"]).split("\n")[1]))
        for _, r in rows.iterrows()
    ]  # fmt: skip
    lines_text = _common.sentence(i18n.t("chart.separator", lang).join(lines))
    return i18n.t("chart.funding.desc", lang, lines=lines_text,
                  valuation=i18n.money(valuation, lang, words=True))  # fmt: skip
