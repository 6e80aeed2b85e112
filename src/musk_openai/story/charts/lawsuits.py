"""06-the-lawsuits: who says what in Musk's 2024 suits: a table drawn as a chart, one line per
subject, one column per side (Musk, OpenAI, the articles), each claim in a few words
(``chart.lawsuits.short`` in texts.toml), once per article that reports it."""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common, links, narrow_long
from musk_openai.story.export import Chart

#: Each side's column: its colour (the house colour of who speaks).
COLOURS = {side: style.assertor_colour(side) for side in queries.SIDE_ORDER}
#: A mark's shape by kind of claim: an assertion, a demand, a rejection of the other side's claim.
SHAPES = {"assertion": "o", "demand": "D", "rejection": "X"}
#: The key to the fills (filled: the first suit, hollow: the refiled one): a hexagon, a shape no
#: claim has (and not the colour legend's square).
FILL_KEY = "h"
#: The layout, in inches: the figure's width, the subjects' column, each side's column, a line of
#: text (10 pt) and the space between two claims and around a subject's line; characters per line.
WIDTH, TOPICS, COLUMN, LINE, PAD, CHARS = 10.0, 1.9, 2.6, 0.175, 0.1, 31
#: Inches above the table (titles, legends, heads) and below it (the footer).
TOP, BOTTOM = 2.75, 0.55


def short(claim_id: object, lang: str) -> str:
    """A claim in a few words (``chart.lawsuits.short.<id>``)."""
    return i18n.t(f"chart.lawsuits.short.{claim_id}", lang)


def _cells(rows: pd.DataFrame, lang: str) -> dict[tuple[int, str], list[tuple[pd.Series, str]]]:
    """The claims of each (line, side), each with its words wrapped to the column."""
    cells: dict[tuple[int, str], list[tuple[pd.Series, str]]] = {}
    for _, r in rows.iterrows():
        text = textwrap.fill(short(r["id"], lang), CHARS, break_on_hyphens=False)
        cells.setdefault((int(r["row"]), str(r["side"])), []).append((r, text))
    return cells


def _heights(
    cells: dict[tuple[int, str], list[tuple[pd.Series, str]]], labels: list[str]
) -> list[float]:
    """Each subject's line height, in inches: its fullest cell, or its name."""
    heights = []
    for row, label in enumerate(labels):
        tallest = max(
            (sum(t.count("\n") + 1 for _, t in cells.get((row, s), [])) * LINE
             + PAD * max(len(cells.get((row, s), [])) - 1, 0))
            for s in queries.SIDE_ORDER
        )  # fmt: skip
        heights.append(max(tallest, (label.count("\n") + 1) * LINE * 1.1) + 2 * PAD)
    return heights


def _claim(ax: Axes, x: float, y: float, r: pd.Series, text: str) -> float:
    """One claim at (x, y), from the top: its mark (shape: kind; filled: first suit, hollow:
    refiled), its words; return its height."""
    colour = COLOURS[str(r["side"])]
    ax.plot(x + 0.08, y - LINE / 2, marker=SHAPES[str(r["mark"])], ms=8, ls="none", color=colour,
            mew=1.6, mfc=colour if r["suit"] == "first" else "white")  # fmt: skip
    ax.text(x + 0.22, y, text, ha="left", va="top", fontsize=10, color=style.INK,
            linespacing=1.05)  # fmt: skip
    return (text.count("\n") + 1) * LINE


def _legend(fig: Figure, ds: Dataset, lang: str) -> None:
    """Shapes (what kind of claim), then fills (which suit): one line each."""
    height = fig.get_figheight()
    shapes, fills = _shapes(ds, lang)
    for i, handles in enumerate((shapes, fills)):
        fig.legend(handles=handles, loc="upper left", ncol=len(handles), fontsize=10,
                   bbox_to_anchor=(0.005, 1 - (1.2 + 0.3 * i) / height), handletextpad=0.3,
                   columnspacing=1.6)  # fmt: skip


def _suit_date(ds: Dataset, step: str, lang: str) -> tuple[str, str]:
    """The date a suit's step is stated in the text (``date_basis`` stated), and its source in
    words ('article d’octobre 2024')."""
    steps = queries.lawsuit_steps(ds)
    row = steps[(steps["step"] == step) & (steps["date_basis"] == "stated")].iloc[0]
    when = i18n.date(str(row["date"]), str(row["date_precision"]), lang)
    return when, i18n.source_name(str(row["source_id"]), lang, short=True)


def _shapes(ds: Dataset, lang: str, ms: float = 9) -> tuple[list[Artist], list[Artist]]:
    """The legend's shapes (kinds of claim), then its fills (the suits, with their dates): a
    hexagon, filled or hollow, a shape no claim has, so that no key reads as a kind of claim."""
    shapes: list[Artist] = [
        Line2D([], [], marker=m, ls="none", ms=ms, color=style.MUTED, mew=2,
               label=i18n.t(f"chart.lawsuits.{k}", lang))
        for k, m in SHAPES.items()
    ]  # fmt: skip
    fills: list[Artist] = []
    for suit, step, fill in (("first", "lawsuit_filed", style.MUTED),
                             ("refiled", "lawsuit_refiled", "white")):  # fmt: skip
        date, source = _suit_date(ds, step, lang)
        label = i18n.t(f"chart.lawsuits.{suit}", lang, date=date, source=source)
        fills.append(Line2D([], [], marker=FILL_KEY, ls="none", ms=ms, color=style.MUTED, mew=2,
                            mfc=fill, label=label))  # fmt: skip
    return shapes, fills


def alt(rows: pd.DataFrame, lang: str) -> str:
    """How many claims each side makes, and the chart's title (its finding)."""
    counts = rows["side"].value_counts()
    title = _common.one_line(i18n.t("chart.lawsuits.title", lang))
    musk, openai, other = (int(counts.get(side, 0)) for side in queries.SIDE_ORDER)
    return i18n.t("chart.lawsuits.alt", lang, title=title, musk=musk, openai=openai, other=other)


def desc(ds: Dataset, rows: pd.DataFrame, lang: str) -> str:
    """Each column (Musk, OpenAI, the articles) with its claims by subject, each in full with
    its article and, if the text dates it, its date."""
    sides = []
    for side in queries.SIDE_ORDER:
        mine = rows[rows["side"] == side]
        topics = []
        for _, claims in mine.groupby("row", sort=True):
            said = [
                i18n.t("chart.lawsuits.alt_" + ("dated" if r["date"] else "claim"), lang,
                       label=r["label"], source=i18n.source_name(str(r["source_id"]), lang),
                       when=r["when"])
                for _, r in claims.iterrows()
            ]  # fmt: skip
            topics.append(i18n.t("chart.lawsuits.alt_topic", lang,
                                 topic=claims["topic_label"].iloc[0],
                                 claims=i18n.t("chart.separator", lang).join(said)))  # fmt: skip
        head = i18n.t(f"chart.lawsuits.{side}", lang, n=len(mine))
        sides.append(i18n.t("chart.lawsuits.alt_side", lang, head=head,
                            topics=i18n.t("chart.separator", lang).join(topics)))  # fmt: skip
    suits = {
        suit: _common.one_line(i18n.t(f"chart.lawsuits.{suit}", lang, date=date, source=source))
        for suit, step in (("first", "lawsuit_filed"), ("refiled", "lawsuit_refiled"))
        for date, source in [_suit_date(ds, step, lang)]
    }
    return i18n.t("chart.lawsuits.desc", lang, sides=". ".join(sides), **suits)


@_common.in_house_style
def lawsuit_claims(ds: Dataset, lang: str) -> Chart:
    """Each subject of the suits on a line, each side's claims on it in a few words: coloured by
    who speaks, marked by what kind of claim it is and by which suit."""
    rows = queries.lawsuit_marks(ds, lang)
    topics = rows.drop_duplicates("row").sort_values("row")
    cells = _cells(rows, lang)
    labels = [_common.wrap(t, 19) for t in topics["topic_label"]]
    heights = _heights(cells, labels)
    body = sum(heights)
    fig, ax = _common.figure((WIDTH, TOP + body + BOTTOM))
    height = fig.get_figheight()
    fig.subplots_adjust(top=1 - TOP / height, bottom=BOTTOM / height, left=0.015, right=0.985)
    ax.set_xlim(0, WIDTH * 0.97)
    ax.set_ylim(-body, 0)
    ax.axis("off")
    starts = {side: TOPICS + i * COLUMN for i, side in enumerate(queries.SIDE_ORDER)}
    counts = rows["side"].value_counts()
    for side, x in starts.items():
        head = _common.wrap(i18n.t(f"chart.lawsuits.{side}", lang, n=int(counts.get(side, 0))), 18)
        ax.text(x, 0.12, head, ha="left", va="bottom", fontsize=11, fontweight="bold",
                color=COLOURS[side])  # fmt: skip
    top, marks = 0.0, links.Marks(lang)
    for (_, t), label, h in zip(topics.iterrows(), labels, heights, strict=True):
        ax.axhline(top, color=style.GRID, lw=0.8)
        ax.text(0, top - PAD, label, ha="left", va="top",
                fontsize=10.5, fontweight="bold", color=style.INK)  # fmt: skip
        for side, x in starts.items():
            y = top - PAD
            for r, text in cells.get((int(t["row"]), side), []):
                before = links.drawn(ax)
                y -= _claim(ax, x, y, r, text) + PAD
                who = queries.according_in(r["claimant"], r["source_id"], lang)
                tip = links.tip(r["label"], who, lang)
                marks.link(links.since(ax, before), r["source_id"], r["id"], tip)
        top -= h
    ax.axhline(top, color=style.GRID, lw=0.8)
    _legend(fig, ds, lang)
    _common.titles(fig, "lawsuits", lang)
    for txt, inches in zip(fig.texts[-2:], (0.1, 0.72), strict=True):
        txt.set_y(1 - inches / height)
    shapes, fills = _shapes(ds, lang, ms=6.5)  # on a phone: small enough not to touch
    legends = [(_common.party_legend(rows["side"].map(style.assertor_party), "says", lang), 4),
               (shapes, 2), (fills, 1)]  # fmt: skip
    small = narrow_long.lawsuits(ds, rows, lang, legends)
    return _common.finish("06-the-lawsuits", fig, rows, ds, lang, alt(rows, lang),
                          desc=desc(ds, rows, lang), marks=marks, narrow=small)  # fmt: skip
