"""03-dispute-timeline: the feud's dated events, each drawn at the precision its date has."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common
from musk_openai.story.export import Chart
from musk_openai.story.params import DEFAULTS

#: Space between a bar and its label, and around the window on the time axis.
GAP, MARGIN = pd.Timedelta(days=40), pd.Timedelta(days=60)


#: The axes' width in inches, and what a character of the labels takes (10 pt, DejaVu Sans).
AXES_INCHES, CHAR_INCHES = 9.4, 0.074


def _event(ax: Axes, y: float, r: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp) -> None:
    """One event over its whole span (a dot for a day, a bar over its month or year, a hatched
    bar over an interval: :func:`_common.span`); its label on the side with more room, wrapped
    to the room there, never cut by the edge."""
    colour = style.PARTY_COLOURS[str(r["party"])]
    # Timestamps, drawn on the date axis (matplotlib converts them; its stubs want numbers).
    spanned: Any = _common.span(ax, y, r["date_start"], r["date_end"], r["date_precision"], colour,
                                r["date_qualifier"])  # fmt: skip
    s0, s1 = spanned
    text = f"{r['label']} — {r['when']} · {r['source_ids']}"
    first, last = lo - MARGIN, hi + MARGIN
    days = (last - first).days
    room_right = (last - (s1 + GAP)).days / days * AXES_INCHES
    room_left = ((s0 - GAP) - first).days / days * AXES_INCHES
    right = room_right >= room_left
    width = max(24, int((room_right if right else room_left) / CHAR_INCHES))
    ax.text(s1 + GAP if right else s0 - GAP, y, textwrap.fill(text, width),
            ha="left" if right else "right", va="center", fontsize=10, color=style.INK,
            linespacing=1.0)  # fmt: skip


def _legend(fig: Figure, rows: pd.DataFrame, lang: str) -> None:
    """Who acts (colours: Musk, OpenAI, others); below, what a dot, a bar and a hatched bar
    mean (shapes)."""
    colours = _common.party_legend(rows["party"], "acts", lang)
    height = fig.get_figheight()
    fig.legend(handles=colours, loc="upper left", ncol=len(colours),
               bbox_to_anchor=(0.005, 1 - 0.86 / height), fontsize=10, handletextpad=0.3,
               columnspacing=1.4)  # fmt: skip
    drawn = map(_common.span_style, rows["date_precision"], rows["date_qualifier"])
    shapes = _common.span_legend(drawn, lang)
    fig.legend(handles=shapes, loc="upper left", ncol=len(shapes), fontsize=10,
               bbox_to_anchor=(0.005, 1 - 1.18 / height), handletextpad=0.5,
               columnspacing=2.0)  # fmt: skip


def alt(rows: pd.DataFrame, lang: str) -> str:
    """The first and the last event, then every event with its date, in order."""
    whens = [str(w) for w in rows["when"]]
    labels = [_common.one_line(x) for x in rows["label"]]
    events = i18n.t("chart.separator", lang).join(
        f"{x} ({w})" for x, w in zip(labels, whens, strict=True)
    )
    return i18n.t("chart.timeline.alt", lang, n=len(rows), first=labels[0], first_date=whens[0],
                  last=labels[-1], last_date=whens[-1], events=events)  # fmt: skip


@_common.in_house_style
def dispute_timeline(
    ds: Dataset, lang: str, start: object = DEFAULTS["start"], end: object = DEFAULTS["end"]
) -> Chart:
    """Every dated event in the window (years or months: ``params.check_window``), one line
    each, coloured by who acts; a bar spans the period its date allows (a year, a month), a dot
    marks a day, a hatched bar an interval or an uncertain date."""
    rows = queries.timeline_rows(ds, lang, start, end)
    lo, hi = queries.window(start, end)
    n = len(rows)
    fig, ax = _common.figure((10, 2.9 + 0.36 * max(n, 4)))
    height = fig.get_figheight()
    fig.subplots_adjust(top=1 - 1.8 / height, bottom=0.95 / height, left=0.03, right=0.97)
    y = np.arange(n)[::-1]
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        _event(ax, yi, r, lo, hi)
    ax.set_xlim(lo - MARGIN, hi + MARGIN)  # type: ignore[arg-type]
    _common.time_axis(ax, lo, hi, lang)
    ax.set_yticks([])
    ax.set_ylim(-0.8, n - 0.2)
    ax.spines["left"].set_visible(False)
    _legend(fig, rows, lang)
    _common.titles(fig, "timeline", lang)
    # Titles sit at fixed inches from the top, whatever the figure's height.
    for txt, inches in zip(fig.texts[-2:], (0.1, 0.48), strict=True):
        txt.set_y(1 - inches / height)
    return _common.finish("03-dispute-timeline", fig, rows, ds, lang, alt(rows, lang))
