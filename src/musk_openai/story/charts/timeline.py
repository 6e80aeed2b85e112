"""03-dispute-timeline: the feud's dated events, each drawn at the precision its date has; over a
long window, the last months (from :data:`ZOOM_FROM`) in a panel of their own, month by month,
where the events crowd."""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import _common, links, narrow_long
from musk_openai.story.export import Chart
from musk_openai.story.params import DEFAULTS

#: Space between a bar and its label, and around the window, as parts of the window's length.
GAP, MARGIN = 0.011, 0.016
#: The axes' width in inches, and what a character of the labels takes (10 pt, DejaVu Sans).
AXES_INCHES, CHAR_INCHES = 9.4, 0.074
#: Events from this day on get the month-by-month panel, when the window starts 4 years before.
ZOOM_FROM = pd.Timestamp("2023-01-01")
#: Inches per line of events, and of the fixed parts (titles, legends, axes, footer).
LINE_INCHES = 0.4


def _event(ax: Axes, y: float, r: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp) -> None:
    """One event over its whole span (a dot for a day, a bar over its month or year, a hatched
    bar over an interval: :func:`_common.span`); its label on the side with more room, wrapped
    to the room there, never cut by the edge."""
    colour = style.PARTY_COLOURS[str(r["party"])]
    # Timestamps, drawn on the date axis (matplotlib converts them; its stubs want numbers).
    spanned: Any = _common.span(ax, y, r["date_start"], r["date_end"], r["date_precision"], colour,
                                r["date_qualifier"])  # fmt: skip
    s0, s1 = spanned
    text = f"{r['label']} — {r['when']}"
    gap, margin = (hi - lo) * GAP, (hi - lo) * MARGIN
    first, last = lo - margin, hi + margin
    days = (last - first).days
    room_right = (last - (s1 + gap)).days / days * AXES_INCHES
    room_left = ((s0 - gap) - first).days / days * AXES_INCHES
    right = room_right >= room_left
    if max(room_left, room_right) < 2.5:  # a bar over (almost) the whole panel: its label on it
        width = int((AXES_INCHES - 0.4) / CHAR_INCHES)
        ax.text(
            max(s0, first) + gap,
            y,
            textwrap.fill(text, width),
            ha="left",
            va="center",
            fontsize=10,
            color=style.INK,
            linespacing=1.0,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
        )
        return
    width = max(24, int((room_right if right else room_left) / CHAR_INCHES))
    ax.text(s1 + gap if right else s0 - gap, y, textwrap.fill(text, width),
            ha="left" if right else "right", va="center", fontsize=10, color=style.INK,
            linespacing=1.0)  # fmt: skip


def _legend(fig: Figure, rows: pd.DataFrame, lang: str) -> None:
    """Who acts (colours: Musk, OpenAI, others); below, what a dot, a bar and a hatched bar
    mean (shapes)."""
    colours = _common.party_legend(rows["party"], "acts", lang)
    height = fig.get_figheight()
    fig.legend(handles=colours, loc="upper left", ncol=len(colours),
               bbox_to_anchor=(0.005, 1 - 0.98 / height), fontsize=10, handletextpad=0.3,
               columnspacing=1.4)  # fmt: skip
    drawn = map(_common.span_style, rows["date_precision"], rows["date_qualifier"])
    shapes = _common.span_legend(drawn, lang)
    fig.legend(handles=shapes, loc="upper left", ncol=len(shapes), fontsize=10,
               bbox_to_anchor=(0.005, 1 - 1.3 / height), handletextpad=0.5,
               columnspacing=2.0)  # fmt: skip


def alt(rows: pd.DataFrame, lang: str) -> str:
    """The first and the last event, and how many each party did."""
    whens = [str(w) for w in rows["when"]]
    labels = [_common.one_line(x) for x in rows["label"]]
    counts = rows["party"].value_counts()
    acts = i18n.listing(
        [i18n.t(f"chart.timeline.acts.{p}", lang, n=int(counts[p]))
         for p in style.PARTY_COLOURS if p in counts],
        lang,
    )  # fmt: skip
    return i18n.t("chart.timeline.alt", lang, n=len(rows), first=labels[0], first_date=whens[0],
                  last=labels[-1], last_date=whens[-1], acts=acts)  # fmt: skip


def desc(rows: pd.DataFrame, lang: str) -> str:
    """Every event with its date and the articles that report it, in order."""
    events = [
        i18n.t("chart.timeline.event", lang, label=_common.one_line(r["label"]), when=r["when"],
               sources=i18n.listing([i18n.source_name(s.strip(), lang)
                                     for s in str(r["source_ids"]).split(",")], lang))
        for _, r in rows.iterrows()
    ]  # fmt: skip
    return i18n.t("chart.timeline.desc", lang, events=i18n.t("chart.separator", lang).join(events))


def panels(
    rows: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp
) -> list[tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp]]:
    """The rows of each panel with its window: one panel, or, over a window that starts at least
    4 years before :data:`ZOOM_FROM` and ends after it, the events from then on in a second."""
    if lo > ZOOM_FROM - pd.DateOffset(years=4) or hi <= ZOOM_FROM:
        return [(rows, lo, hi)]
    late = pd.to_datetime(rows["date_start"]) >= ZOOM_FROM
    return [(rows[~late], lo, ZOOM_FROM - _common.DAY), (rows[late], ZOOM_FROM, hi)]


def _draw(
    ax: Axes, rows: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp, marks: links.Marks
) -> None:
    """One panel: each event on its line, linked to the excerpt of its first report."""
    n, lang = len(rows), marks.lang
    for yi, (_, r) in zip(range(n - 1, -1, -1), rows.iterrows(), strict=True):
        before = links.drawn(ax)
        _event(ax, yi, r, lo, hi)
        sources = i18n.listing(
            [i18n.source_name(s.strip(), lang) for s in str(r["source_ids"]).split(",")], lang
        )
        what = f"{_common.one_line(r['label'])} — {r['when']}"
        said = i18n.t("chart.according", lang, who=sources)
        first = str(r["event_ids"]).split(",")[0].strip()  # the report whose source_id r has
        marks.link(links.since(ax, before), r["source_id"], first, links.tip(what, said, lang))
    margin = (hi - lo) * MARGIN
    ax.set_xlim(lo - margin, hi + margin)  # type: ignore[arg-type]
    if (hi - lo).days > 800:
        _common.time_axis(ax, lo, hi, lang)
    else:
        _common.month_axis(ax, lo, hi, lang)
    ax.set_yticks([])
    ax.set_ylim(-0.8, n - 0.2)
    ax.spines["left"].set_visible(False)


@_common.in_house_style
def dispute_timeline(
    ds: Dataset, lang: str, start: object = DEFAULTS["start"], end: object = DEFAULTS["end"]
) -> Chart:
    """Every dated event in the window (years or months: ``params.check_window``), one line
    each, coloured by who acts; a bar spans the period its date allows (a year, a month), a dot
    marks a day, a hatched bar an interval or an uncertain date. Over a long window, the events
    from :data:`ZOOM_FROM` on are drawn month by month in a second panel."""
    rows = queries.timeline_rows(ds, lang, start, end)
    lo, hi = queries.window(start, end)
    parts = panels(rows, lo, hi)
    sizes = [max(len(p), 2) for p, _, _ in parts]
    extra = 0.75 * (len(parts) - 1)  # between the panels: the first one's axis
    top, bottom = 1.95, 0.95 + 0.3 * (len(parts) - 1)  # inches: titles and legends; footer
    lines = LINE_INCHES * (max(sizes[0], 4) + sum(sizes[1:]))
    fig = Figure(figsize=(10, top + bottom + extra + lines))
    height = fig.get_figheight()
    hspace = extra / (lines / len(parts))  # in parts of an average panel's height
    axes = fig.subplots(
        len(parts), 1, squeeze=False, gridspec_kw={"height_ratios": sizes, "hspace": hspace}
    )
    fig.subplots_adjust(top=1 - top / height, bottom=bottom / height, left=0.03, right=0.97)
    marks = links.Marks(lang)
    for ax, (part, a, b) in zip(axes[:, 0], parts, strict=True):
        _draw(ax, part, a, b, marks)
    _legend(fig, rows, lang)
    _common.titles(fig, "timeline", lang)
    key = "subtitle" if len(parts) > 1 else "subtitle_one"
    zoom = i18n.date(ZOOM_FROM.strftime("%Y"), "year", lang)
    fig.texts[-1].set_text(i18n.t(f"chart.timeline.{key}", lang, zoom=zoom))
    years = {"start": lo.strftime("%Y"), "end": hi.strftime("%Y")}
    fig.texts[-2].set_text(i18n.t("chart.timeline.title", lang, **years))
    # Titles sit at fixed inches from the top, whatever the figure's height.
    for txt, inches in zip(fig.texts[-2:], (0.1, 0.48), strict=True):
        txt.set_y(1 - inches / height)
    small = narrow_long.timeline(ds, rows, parts, fig.texts[-2].get_text(),
                                 _common.one_line(fig.texts[-1].get_text()), lang)  # fmt: skip
    return _common.finish("03-dispute-timeline", fig, rows, ds, lang, alt(rows, lang),
                          desc=desc(rows, lang), marks=marks, narrow=small)  # fmt: skip
