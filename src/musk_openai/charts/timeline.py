"""03-dispute-timeline: the feud's dated events, each drawn at the precision its date has."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import i18n, queries, style
from ..data import Dataset
from ..export import Chart
from ..params import DEFAULTS
from . import _common

#: Space between a bar and its label, and around the window on the time axis.
GAP, MARGIN = pd.Timedelta(days=25), pd.Timedelta(days=60)


def _event(ax: Axes, y: float, r: pd.Series, lo: pd.Timestamp, span_days: int, lang: str) -> None:
    """One event: a dot for a day, a bar over the year or month its date allows; its label on
    the side with more room."""
    colour = style.KIND_COLOURS[str(r["kind"])]
    # Timestamps, drawn on the date axis (matplotlib converts them; its stubs want numbers).
    s0: Any = pd.Timestamp(r["date_start"])
    s1: Any = pd.Timestamp(r["date_end"]) + pd.Timedelta(days=1)
    if r["date_precision"] == "day":
        ax.plot(s0, y, "o", ms=8, color=colour)
    else:
        ax.barh(y, s1 - s0, left=s0, height=0.62, color=colour, alpha=0.9)
    when = i18n.date(str(r["date"]), str(r["date_precision"]), lang)
    text = f"{r['label']} — {when} · {r['source_ids']}"
    right = (s0 - lo).days < span_days * 0.55
    ax.text(s1 + GAP if right else s0 - GAP, y, text, ha="left" if right else "right",
            va="center", fontsize=10, color=style.INK)  # fmt: skip


def _legend(fig: Figure, kinds: set[str], lang: str) -> None:
    """The kinds of event drawn, in the house order, then what a dot and a bar mean."""
    handles = [
        Line2D([], [], marker="s", ls="none", ms=10, color=colour, label=i18n.kind(k, lang))
        for k, colour in style.KIND_COLOURS.items()
        if k in kinds
    ]
    precision = [
        Line2D([], [], marker="o", ls="none", ms=8, color=style.MUTED,
               label=i18n.t("chart.timeline.day", lang)),
        Line2D([], [], lw=6, color=style.MUTED, label=i18n.t("chart.timeline.period", lang)),
    ]  # fmt: skip
    fig.legend(handles=handles + precision, loc="upper left", ncol=(len(handles) + 3) // 2,
               bbox_to_anchor=(0.005, 1 - 1.0 / fig.get_figheight()), fontsize=10,
               handletextpad=0.5, columnspacing=1.2)  # fmt: skip


@_common.in_house_style
def dispute_timeline(
    ds: Dataset, lang: str, start: object = DEFAULTS["start"], end: object = DEFAULTS["end"]
) -> Chart:
    """Every dated event in the window (years or months: ``params.check_window``), one line
    each, coloured by kind; a bar spans the period its date allows (a year, a month), a dot
    marks a day."""
    rows = queries.timeline_rows(ds, lang, start, end)
    lo, hi = queries.window(start, end)
    n = len(rows)
    fig, ax = _common.figure((10, 2.6 + 0.36 * max(n, 4)))
    height = fig.get_figheight()
    fig.subplots_adjust(top=1 - 1.65 / height, bottom=0.95 / height, left=0.03, right=0.97)
    y = np.arange(n)[::-1]
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        _event(ax, yi, r, lo, (hi - lo).days, lang)
    years = pd.date_range(lo.normalize(), hi, freq="YS")
    ax.set_xticks(list(years), [str(d.year) for d in years])  # type: ignore[arg-type]
    ax.set_xlim(lo - MARGIN, hi + MARGIN)  # type: ignore[arg-type]
    ax.set_yticks([])
    ax.set_ylim(-0.8, n - 0.2)
    ax.spines["left"].set_visible(False)
    _legend(fig, set(rows["kind"].astype(str)), lang)
    _common.titles(fig, "timeline", lang)
    # Titles sit at fixed inches from the top, whatever the figure's height.
    for txt, inches in zip(fig.texts[-2:], (0.1, 0.48), strict=True):
        txt.set_y(1 - inches / height)
    return _common.finish("03-dispute-timeline", fig, rows, ds, lang)
