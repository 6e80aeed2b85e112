"""06-the-lawsuits: who says what in Musk's 2024 suits, one mark per claim and per source."""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common
from musk_openai.story.export import Chart

#: Each side's column: its colour (the house colour of who speaks) and where it starts (x).
COLOURS = {side: style.assertor_colour(side) for side in ("Musk", "OpenAI", "other")}
#: A mark's shape by kind of claim: an assertion, a demand, a rejection of the other side's claim.
SHAPES = {"assertion": "o", "demand": "D", "rejection": "X"}
#: Space between two marks of a column, and between two columns (in marks).
SLOT, GAP = 1.0, 1.2


def _columns(rows: pd.DataFrame) -> dict[str, float]:
    """Where each side's column starts: as wide as its fullest line."""
    widest = rows.groupby("side")["slot"].max() + 1
    x, starts = 0.0, {}
    for side in queries.SIDE_ORDER:
        starts[side] = x
        x += max(int(widest.get(side, 1)), 2) * SLOT + GAP
    return starts


def _mark(ax: Axes, x: float, y: float, r: pd.Series) -> None:
    """One claim: its shape, filled for the first suit, hollow for the refiled one; its source
    under it."""
    colour = COLOURS[str(r["side"])]
    ax.plot(x, y + 0.1, marker=SHAPES[str(r["mark"])], ms=12, ls="none", color=colour, mew=2,
            mfc=colour if r["suit"] == "first" else "white")  # fmt: skip
    ax.text(x, y - 0.22, str(r["source_id"]), ha="center", va="center", fontsize=8.5,
            color=style.INK)  # fmt: skip


def _legend(fig: Figure, ds: Dataset, lang: str) -> None:
    """Colours (who speaks), shapes (what kind of claim), fills (which suit): one line each."""
    height = fig.get_figheight()
    colours = {i18n.t(f"chart.lawsuits.colour_{s}", lang): c for s, c in COLOURS.items()}
    shapes, fills = _shapes(ds, lang)
    for i, handles in enumerate((_common.colour_legend(colours), shapes, fills)):
        fig.legend(handles=handles, loc="upper left", ncol=len(handles), fontsize=10,
                   bbox_to_anchor=(0.005, 1 - (1.24 + 0.3 * i) / height), handletextpad=0.3,
                   columnspacing=1.6)  # fmt: skip


def _suit_date(ds: Dataset, step: str, lang: str) -> tuple[str, str]:
    """The date a suit's step is stated in the text (``date_basis`` stated), and its source."""
    steps = queries.lawsuit_steps(ds)
    row = steps[(steps["step"] == step) & (steps["date_basis"] == "stated")].iloc[0]
    return i18n.date(str(row["date"]), str(row["date_precision"]), lang), str(row["source_id"])


def _shapes(ds: Dataset, lang: str) -> tuple[list[Artist], list[Artist]]:
    """The legend's shapes (kinds of claim), then its fills (the suits, with their dates)."""
    shapes: list[Artist] = [
        Line2D([], [], marker=m, ls="none", ms=9, color=style.MUTED, mew=2,
               label=i18n.t(f"chart.lawsuits.{k}", lang))
        for k, m in SHAPES.items()
    ]  # fmt: skip
    fills: list[Artist] = []
    for suit, step, fill in (("first", "lawsuit_filed", style.MUTED),
                             ("refiled", "lawsuit_refiled", "white")):  # fmt: skip
        date, source = _suit_date(ds, step, lang)
        label = i18n.t(f"chart.lawsuits.{suit}", lang, date=date, source=source)
        fills.append(Line2D([], [], marker="o", ls="none", ms=9, color=style.MUTED, mew=2,
                            mfc=fill, label=label))  # fmt: skip
    return shapes, fills


def alt(ds: Dataset, rows: pd.DataFrame, lang: str) -> str:
    """Each column (Musk, OpenAI, the articles) with its claims by subject, each with its source
    and, if the text dates it, its date."""
    sides = []
    for side in queries.SIDE_ORDER:
        mine = rows[rows["side"] == side]
        topics = []
        for _, claims in mine.groupby("row", sort=True):
            said = [
                i18n.t("chart.lawsuits.alt_" + ("dated" if r["date"] else "claim"), lang,
                       label=r["label"], source=r["source_id"], when=r["when"])
                for _, r in claims.iterrows()
            ]  # fmt: skip
            topics.append(
                i18n.t(
                    "chart.lawsuits.alt_topic",
                    lang,
                    topic=claims["topic_label"].iloc[0],
                    claims=i18n.t("chart.separator", lang).join(said),
                )  # fmt: skip
            )
        head = _common.one_line(i18n.t(f"chart.lawsuits.{side}", lang, n=len(mine)))
        sides.append(
            i18n.t(
                "chart.lawsuits.alt_side", lang, head=head, topics=". ".join(topics)
            )  # fmt: skip
        )
    suits = {
        suit: i18n.t(f"chart.lawsuits.{suit}", lang, date=date, source=source)
        for suit, step in (("first", "lawsuit_filed"), ("refiled", "lawsuit_refiled"))
        for date, source in [_suit_date(ds, step, lang)]
    }
    return i18n.t("chart.lawsuits.alt", lang, n=len(rows), sides=". ".join(sides), **suits)


@_common.in_house_style
def lawsuit_claims(ds: Dataset, lang: str) -> Chart:
    """Each subject of the suits on a line, and each side's claims on it: one mark per claim
    and per article, coloured by who speaks, shaped by what kind of claim it is."""
    rows = queries.lawsuit_marks(ds, lang)
    topics = rows.drop_duplicates("row").sort_values("row")
    n = len(topics)
    starts = _columns(rows)
    fig, ax = _common.figure((10, 3.35 + 0.62 * n))
    height = fig.get_figheight()
    fig.subplots_adjust(top=1 - 2.85 / height, bottom=0.6 / height, left=0.29, right=0.985)
    for _, r in rows.iterrows():
        _mark(ax, starts[str(r["side"])] + float(r["slot"]) * SLOT, n - 1 - float(r["row"]), r)
    counts = rows["side"].value_counts()
    for side, x in starts.items():
        head = i18n.t(f"chart.lawsuits.{side}", lang, n=counts.get(side, 0))
        ax.text(x - 0.35, n - 0.35, head, ha="left", va="bottom", fontsize=11, fontweight="bold",
                color=COLOURS[side])  # fmt: skip
        if x:  # a thin line between two columns
            ax.axvline(x - GAP / 2 - 0.1, color=style.GRID, lw=1)
    for y in range(n):  # a light rule under each line
        ax.axhline(y - 0.5, color=style.GRID, lw=0.8)
    labels = [textwrap.fill(str(t), 30) for t in topics["topic_label"]]
    ax.set_yticks(range(n - 1, -1, -1), labels, fontsize=11)
    ax.tick_params(axis="y", length=0)
    ax.set_xticks([])
    ax.set_xlim(-0.6, max(starts.values()) + 3 * SLOT)
    ax.set_ylim(-0.5, n - 0.5)
    ax.grid(visible=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _legend(fig, ds, lang)
    _common.titles(fig, "lawsuits", lang)
    for txt, inches in zip(fig.texts[-2:], (0.1, 0.78), strict=True):
        txt.set_y(1 - inches / height)
    return _common.finish("06-the-lawsuits", fig, rows, ds, lang, alt(ds, rows, lang))
