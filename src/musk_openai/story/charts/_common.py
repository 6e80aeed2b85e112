"""What every chart shares: a figure in the house style, titles, the legends, the one way a date
is drawn, and the footer built from the rows drawn, which also finishes the
:class:`~musk_openai.story.export.Chart`.

A date is drawn over its whole span, from its first to its last day (``date_start`` to
``date_end``, given by the loader), the same way in every chart: a day is a dot in the middle of
that day; a month or a year a solid bar from its first to its last day; an interval
(``2024-02-22/2024-03-28``, ``2019/2020``) or an uncertain date (``2018?``) a pale hatched bar
over all the days it can mean, never a precise mark. An open side (``../2023-03``) has no day to
draw it from: the timeline lists such dates instead, and 04's stop-funding chart runs the bar to
the axis's edge with an arrow (:func:`open_end`).
A time axis draws a gridline where each year (or month) starts and names it in the middle of its
span, so that a year's bar sits under its name.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ParamSpec

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullFormatter

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries, style
from musk_openai.story.charts import links
from musk_openai.story.export import Chart, Variant

if TYPE_CHECKING:
    from musk_openai.story.charts import narrow as narrowing

P = ParamSpec("P")

#: How an amount's bound is drawn: a dot, a hollow dot (approximate), an arrow pointing where the
#: true value lies (at most, at least).
BOUND_MARKERS = {"exact": "o", "approximate": "o", "upper_bound": "<", "lower_bound": ">"}
#: How a date of each precision is drawn: a dot, a solid bar, a hatched bar (anything else: an
#: interval; and any date with a qualifier, "2018?").
SPAN_STYLES = {"day": "dot", "month": "bar", "year": "bar"}
DAY = pd.Timedelta(days=1)


def in_house_style(build: Callable[P, Chart]) -> Callable[P, Chart]:
    """Draw the chart inside :func:`style.house`: matplotlib's own settings are left alone."""

    @functools.wraps(build)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> Chart:
        with style.house():
            return build(*args, **kwargs)

    return drawn


def figure(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """A figure outside pyplot: nothing global to close, and no pyplot import in the kernels."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def titles(fig: Figure, chart: str, lang: str) -> None:
    """The finding as a title, the measure and unit as a subtitle, top-left (``chart.<chart>``
    in texts.toml)."""
    title, subtitle = (i18n.t(f"chart.{chart}.{k}", lang) for k in ("title", "subtitle"))
    fig.text(
        0.015, 0.985, title, ha="left", va="top", fontsize=17, fontweight="bold", color=style.INK
    )
    fig.text(0.015, 0.925, subtitle, ha="left", va="top", fontsize=12, color=style.MUTED)


def hollow(bound: object) -> bool:
    """An approximate amount is drawn hollow."""
    return bound == "approximate"


def bound_legend(bounds: list[str], lang: str) -> list[Line2D]:
    """One legend entry per kind of bound, drawn as the markers are."""
    return [
        Line2D([], [], marker=BOUND_MARKERS[b], ls="none", color=style.INK, ms=9,
               mfc="white" if hollow(b) else style.INK, label=i18n.t(f"chart.bound.{b}", lang))
        for b in bounds
    ]  # fmt: skip


def span_style(precision: object, qualifier: object = "") -> str:
    """'dot', 'bar' or 'interval': how a date of this precision (and qualifier) is drawn."""
    return "interval" if qualifier else SPAN_STYLES.get(str(precision), "interval")


def span(
    ax: Axes,
    y: float,
    start: object,
    end: object,
    precision: object,
    colour: str,
    qualifier: object = "",
    height: float = 0.62,
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Draw one date at height ``y`` over its whole span (see the module's rule); return where
    the drawing starts and ends (the first day at 0:00, the day after the last day at 0:00)."""
    s0, s1 = pd.Timestamp(str(start)), pd.Timestamp(str(end)) + DAY
    # Timestamps on a date axis (matplotlib converts them; its stubs want numbers).
    left: Any = s0
    width: Any = s1 - s0
    how = span_style(precision, qualifier)
    if how == "dot":
        ax.plot(left + width / 2, y, "o", ms=8, color=colour)
    elif how == "bar":
        ax.barh(y, width, left=left, height=height, color=colour, alpha=0.9)
    else:
        ax.barh(y, width, left=left, height=height, facecolor=colour, alpha=0.35, hatch="////",
                edgecolor=colour, linewidth=1.2)  # fmt: skip
    return s0, s1


def open_end(ax: Axes, x: pd.Timestamp, y: float, side: str, colour: str) -> None:
    """An arrow at ``x`` pointing ``side`` ('left' or 'right'): the text gives no bound there."""
    at: Any = x  # a date on the time axis
    ax.plot(at, y, marker="<" if side == "left" else ">", ms=13, color=colour, ls="none")


def span_legend(styles: Iterable[str], lang: str) -> list[Artist]:
    """What a dot, a bar and a hatched bar mean, for the styles drawn: shapes in neutral ink, so
    that no legend colour but the parties' (grey: the others) means anything."""
    handles: dict[str, Artist] = {
        "dot": Line2D([], [], marker="o", ls="none", ms=8, color=style.INK,
                      label=i18n.t("chart.timeline.day", lang)),
        "bar": Patch(color=style.INK, label=i18n.t("chart.timeline.period", lang)),
        "interval": Patch(facecolor="white", hatch="////", edgecolor=style.INK, linewidth=1.0,
                          label=i18n.t("chart.timeline.interval", lang)),
    }  # fmt: skip
    drawn = set(styles)
    return [h for k, h in handles.items() if k in drawn]


def colour_legend(colours: dict[str, str]) -> list[Artist]:
    """One square per colour drawn, named (``{label: colour}``)."""
    return [
        Line2D([], [], marker="s", ls="none", ms=10, color=c, label=label)
        for label, c in colours.items()
    ]


def party_legend(parties: Iterable[str], role: str, lang: str) -> list[Artist]:
    """The party colours drawn (``style.PARTY_COLOURS``, in its order), after the words that say
    what the colour tells in this chart (``role``: 'acts' or 'says')."""
    drawn = set(parties)
    head = Line2D([], [], ls="none", label=i18n.t(f"chart.party.{role}", lang))
    return [head] + colour_legend(
        {i18n.t(f"chart.party.{p}", lang): c for p, c in style.PARTY_COLOURS.items() if p in drawn}
    )


def time_axis(ax: Axes, lo: pd.Timestamp, hi: pd.Timestamp, lang: str) -> None:
    """Gridlines where each year starts, the year named in the middle of its span (months, if the
    window is shorter than two years)."""
    freq, fmt = ("YS", "{:%Y}") if (hi - lo).days > 730 else ("MS", "")
    starts = pd.date_range(lo.normalize(), hi, freq=freq)
    bounds = list(starts) + [starts[-1] + pd.tseries.frequencies.to_offset(freq)]
    middles = [a + (b - a) / 2 for a, b in zip(bounds, bounds[1:], strict=False)]
    names = [fmt.format(m) if fmt else i18n.month_short(m.strftime("%Y-%m"), lang) for m in middles]
    to_num: Any = mdates.date2num
    ax.xaxis.set_major_locator(FixedLocator(to_num(bounds)))
    ax.xaxis.set_major_formatter(NullFormatter())
    ax.xaxis.set_minor_locator(FixedLocator(to_num(middles)))
    ax.set_xticklabels(names, minor=True)
    ax.tick_params(axis="x", which="minor", length=0)
    ax.tick_params(axis="x", which="major", length=5)
    ax.grid(axis="x", which="major", visible=True)


def month_axis(ax: Axes, lo: pd.Timestamp, hi: pd.Timestamp, lang: str) -> None:
    """A month-by-month axis: a gridline where each month starts, its initial in the middle of
    its span, and each year named under its months."""
    starts = pd.date_range(lo.normalize(), hi, freq="MS")
    bounds = list(starts) + [starts[-1] + pd.offsets.MonthBegin(1)]
    middles = [a + (b - a) / 2 for a, b in zip(bounds, bounds[1:], strict=False)]
    names = [i18n.month_narrow(m.strftime("%Y-%m"), lang) for m in middles]
    to_num: Any = mdates.date2num
    ax.xaxis.set_major_locator(FixedLocator(to_num(starts)))
    ax.xaxis.set_major_formatter(NullFormatter())
    ax.xaxis.set_minor_locator(FixedLocator(to_num(middles)))
    ax.set_xticklabels(names, minor=True, fontsize=9.5)
    ax.tick_params(axis="x", which="minor", length=0)
    ax.tick_params(axis="x", which="major", length=3)
    ax.grid(axis="x", which="major", visible=True, alpha=0.6)
    for year in sorted({m.year for m in middles}):
        first = max(pd.Timestamp(year=year, month=1, day=1), lo)
        last = min(pd.Timestamp(year=year, month=12, day=31) + DAY, hi + DAY)
        middle: Any = first + (last - first) / 2
        ax.annotate(str(year), (to_num(middle), 0), xycoords=("data", "axes fraction"),
                    xytext=(0, -22), textcoords="offset points", ha="center", va="top",
                    fontsize=11, fontweight="bold", color=style.INK)  # fmt: skip
        ax.axvline(to_num(first), color=style.MUTED, lw=1.2)


def according(asserted_by: object, lang: str) -> str:
    """'selon l’article' / 'according to the article'."""
    return i18n.t("chart.according", lang, who=i18n.assertor(str(asserted_by), lang))


def cited(rows: pd.DataFrame) -> list[str]:
    """The sources of the rows drawn: each row's ``source_ids`` (merged reports), else its
    ``source_id``."""
    if "source_ids" in rows.columns:
        return sorted({sid for ids in rows["source_ids"] for sid in str(ids).split(", ")})
    return sorted(set(rows["source_id"]))


def source_line(ds: Dataset, source_ids: Iterable[str], lang: str) -> str:
    """The footer, built from the rows drawn: each cited article named in words ('l’article de
    mars 2023'), oldest first."""
    ids = sorted(set(source_ids), key=lambda sid: (queries.publication(ds, sid)[0], sid))
    names = i18n.listing([i18n.source_name(sid, lang) for sid in ids], lang)
    number = "one" if len(ids) == 1 else "many"
    return i18n.typography(i18n.t(f"chart.footer.{number}", lang, sources=names), lang)


def named(source_id: object, lang: str) -> str:
    """An article as a chart's label names it: 'article de mars 2024' / 'March 2024 article'."""
    return i18n.source_name(str(source_id), lang, short=True)


def footer(fig: Figure, ds: Dataset, rows: pd.DataFrame, lang: str, width: int = 150) -> str:
    """Write the source line under the chart; return it (it is also saved with the data)."""
    text = source_line(ds, cited(rows), lang)
    wrapped = textwrap.fill(text, width=width, break_on_hyphens=False)
    fig.text(0.015, 0.012, wrapped, ha="left", va="bottom", fontsize=9, color=style.MUTED)
    return text


def wrap(text: object, width: int) -> str:
    """A label on lines of at most ``width`` characters, broken between words only."""
    return textwrap.fill(one_line(text), width, break_on_hyphens=False, break_long_words=False)


def voices(
    rows: pd.DataFrame, amount: Callable[[pd.Series], str], lang: str, joiner: str = ""
) -> str:
    """Alt text's 'who says what': each party in the house order with its amounts, 'selon Elon
    Musk, 44 millions de dollars ou environ 100 millions de dollars ; selon OpenAI, …' (amounts
    joined by ``joiner``; by default as versions of one thing: 'or')."""
    parties = rows["asserted_by"].map(style.assertor_party)
    said = []
    for party in style.PARTY_COLOURS:
        mine = rows[parties == party]
        if len(mine):
            amounts = (joiner or i18n.t("chart.or", lang)).join(
                amount(r) for _, r in mine.iterrows()
            )
            who = i18n.t(f"chart.party.according.{party}", lang)
            said.append(i18n.t("chart.voices", lang, who=who, amounts=amounts))
    return i18n.t("chart.separator", lang).join(said)


def sentence(text: str) -> str:
    """Text with its first letter in capitals, the rest as it is."""
    return text[:1].upper() + text[1:]


def one_line(text: object) -> str:
    """A label drawn on several lines, on one line (its no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", str(text)).strip()


def items(pairs: Iterable[tuple[str, list[str]]], lang: str) -> str:
    """Alt text's lists: 'Microsoft · investissement : 1 Md$, 10 Md$ ; ...'."""
    return i18n.t("chart.separator", lang).join(
        i18n.t("chart.item", lang, name=name, values=", ".join(values)) for name, values in pairs
    )


def finish(
    name: str,
    fig: Figure,
    rows: pd.DataFrame,
    ds: Dataset,
    lang: str,
    alt: str,
    line_sep: str = " ",
    desc: str = "",
    marks: links.Marks | None = None,
    narrow: narrowing.Page | None = None,
) -> Chart:
    """The footer under the chart, and the chart with its data (the rows drawn, each label on one
    line: its lines joined with ``line_sep``), its footer, its alt text and its description."""
    text = footer(fig, ds, rows, lang)
    if "label" in rows.columns:
        rows = rows.assign(label=[str(x).replace("\n", line_sep) for x in rows["label"]])
    data = rows.assign(footer=text).reset_index(drop=True)
    tips = marks.tips if marks else {}
    alt, desc = i18n.typography(alt, lang), i18n.typography(desc, lang)
    small = Variant(narrow.fig, narrow.marks.tips) if narrow else None
    return Chart(name, fig, data, text, alt, desc, tips, small)
