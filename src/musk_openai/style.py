"""The house style, applied once: fonts, sizes, a colour-blind-safe palette, footers."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import matplotlib as mpl
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure

from . import i18n
from .data import Dataset

#: Okabe & Ito's palette, safe for the common forms of colour blindness.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",
]
INK = "#1a1a1a"
MUTED = "#666666"
GRID = "#dddddd"

#: One colour per kind of event or money, used by every chart.
KIND_COLOURS = {
    "founding": PALETTE[2],
    "governance": PALETTE[0],
    "funding": PALETTE[1],
    "legal": PALETTE[3],
    "statement": PALETTE[4],
    "product": PALETTE[5],
    "rival": MUTED,
    "donation": PALETTE[2],
    "investment": PALETTE[0],
    "funding_round": PALETTE[1],
    "pledge": PALETTE[4],
    "valuation": MUTED,
}
#: Who asserts: the same colour for the same party in every chart.
ASSERTOR_COLOURS = {
    "Elon Musk": PALETTE[3],
    "OpenAI": PALETTE[0],
    "article": PALETTE[2],
    "OpenAI employee": PALETTE[5],
    "Semafor": PALETTE[1],
    "The Verge": PALETTE[4],
}

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 12,
    "axes.titlesize": 17,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 12,
    "axes.labelcolor": INK,
    "axes.edgecolor": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.frameon": False,
    "legend.fontsize": 11,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.figsize": (10, 5.625),
    "figure.dpi": 100,
    "axes.prop_cycle": cycler(color=PALETTE),
    # Reproducible files: fixed SVG ids, text kept as paths, no hash of time.
    "svg.hashsalt": "musk-openai",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
    # "$" is money here, never the start of a formula.
    "text.parse_math": False,
}


def apply() -> None:
    """Set the house style for every later chart (idempotent)."""
    mpl.rcParams.update(RC)  # type: ignore[arg-type]


def titles(fig: Figure, title: str, subtitle: str) -> None:
    """The finding as a title, the measure and unit as a subtitle, top-left."""
    fig.text(0.015, 0.985, title, ha="left", va="top", fontsize=17, fontweight="bold", color=INK)
    fig.text(0.015, 0.925, subtitle, ha="left", va="top", fontsize=12, color=MUTED)


def source_line(ds: Dataset, source_ids: Iterable[str], lang: str) -> str:
    """The footer, built from the rows drawn: each cited article with its date."""
    ids = sorted(set(source_ids))
    src = ds.sources.set_index("source_id")
    parts = []
    for sid in ids:
        row = src.loc[sid]
        when = i18n.date(str(row["date_published"]), str(row["date_precision"]), lang)
        if row["date_basis"] == "inferred":
            when += ", déduite" if lang == "fr" else ", inferred"
        parts.append(f"{sid} ({when})")
    if lang == "fr":
        head = "Source : article" if len(ids) == 1 else "Sources : articles"
        return (
            f"{head} de presse en français {', '.join(parts)} ; éditeur inconnu ; "
            "chiffres rapportés par la presse, non audités."
        )
    head = "Source: French news article" if len(ids) == 1 else "Sources: French news articles"
    return f"{head} {', '.join(parts)}; publisher unknown; figures as reported, not audited."


def footer(fig: Figure, ds: Dataset, drawn: pd.DataFrame, lang: str, width: int = 150) -> str:
    """Write the source line under the chart; return it (it is also saved with the data)."""
    text = source_line(ds, drawn["source_id"], lang)
    credit = "Données et code : musk-openai" if lang == "fr" else "Data and code: musk-openai"
    wrapped = textwrap.fill(f"{text} {credit}.", width=width, break_on_hyphens=False)
    fig.text(0.015, 0.012, wrapped, ha="left", va="bottom", fontsize=9, color=MUTED)
    return text


def _plain_number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def pandas_display() -> None:
    """Tables in notebooks: plain numbers (157,000,000,000, not 1.57e+11), excerpts in full."""
    pd.set_option("display.float_format", _plain_number)
    pd.set_option("display.max_colwidth", 220)
