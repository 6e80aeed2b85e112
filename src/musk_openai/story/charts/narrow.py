"""Each chart drawn narrow, for phones: ``<name>.narrow.png`` and ``.svg`` beside the wide ones.

A narrow chart is :data:`WIDTH` inches wide, with no text under :data:`SMALLEST` points: shown
390 CSS pixels wide, its smallest text is ``SMALLEST / 72 * 390 / WIDTH`` ≈ 9.8 px (at least 9,
as the report's phone test asks). Fewer words per line: titles, subtitles, legends and footers
wrap; a mark's label goes on its own line above the mark rather than beside it. Everything is
placed in inches from the top, so that a longer text pushes what follows down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from musk_openai.story import style
from musk_openai.story.charts import _common, links

#: The narrow figure's width, and the smallest text drawn on it (points).
WIDTH, SMALLEST = 4.4, 8.0
#: Font sizes: title, subtitle, labels and legends, footer.
TITLE, SUBTITLE, LABEL, FOOTER = 12.5, 9.0, 8.5, SMALLEST
#: Inches per line of text at each size (with its leading).
LEADING = {TITLE: 0.22, SUBTITLE: 0.165, LABEL: 0.155, FOOTER: 0.145}
#: Characters per line at each size across the figure's width (DejaVu Sans, average text).
CHARS = {TITLE: 38, SUBTITLE: 62, LABEL: 66, FOOTER: 72}
MARGIN = 0.1  # inches, left and right


def lines(text: str) -> int:
    return text.count("\n") + 1


@dataclass
class Page:
    """A narrow figure laid out from the top: ``y`` is the inches used so far."""

    fig: Figure
    height: float
    y: float = 0.1
    marks: links.Marks = field(default_factory=lambda: links.Marks(""))

    def frac(self, inches_from_top: float) -> float:
        return 1 - inches_from_top / self.height

    def text(self, text: str, size: float, colour: str = style.INK, bold: bool = False) -> None:
        """A block of text across the figure, already wrapped; ``y`` moves below it."""
        self.fig.text(MARGIN / WIDTH, self.frac(self.y), text, ha="left", va="top", fontsize=size,
                      fontweight="bold" if bold else "normal", color=colour,
                      linespacing=1.15)  # fmt: skip
        self.y += lines(text) * LEADING[size] + 0.06

    def legend(self, handles: Sequence[Artist], ncol: int) -> None:
        """A legend of ``ncol`` columns at ``y``; ``y`` moves below it."""
        self.fig.legend(handles=list(handles), loc="upper left", ncol=ncol, fontsize=LABEL,
                        bbox_to_anchor=(0.0, self.frac(self.y)), handletextpad=0.3,
                        columnspacing=1.0, borderaxespad=0.0, frameon=False)  # fmt: skip
        rows = -(-len(handles) // ncol)
        self.y += rows * 0.21 + 0.04

    def axes(self, inches: float, left: float = MARGIN, right: float = MARGIN) -> Axes:
        """An axes ``inches`` tall at ``y`` (from ``left`` to ``WIDTH - right``)."""
        bottom = self.frac(self.y + inches)
        ax = self.fig.add_axes((left / WIDTH, bottom, 1 - (left + right) / WIDTH,
                                inches / self.height))  # fmt: skip
        self.y += inches
        return ax


def wrapped(text: str, size: float) -> str:
    """``text`` on lines that fit the narrow figure at ``size`` (its own line breaks dropped)."""
    return _common.wrap(text, CHARS[size])


def head_inches(title: str, subtitle: str, legend_rows: int) -> float:
    """The inches the head takes: title, subtitle, legends (``legend_rows`` rows in all)."""
    t, s = wrapped(title, TITLE), wrapped(subtitle, SUBTITLE)
    return (
        0.1
        + lines(t) * LEADING[TITLE]
        + lines(s) * LEADING[SUBTITLE]
        + 0.12
        + (legend_rows * 0.21 + 0.04 * 2)
    )


def page(title: str, subtitle: str, legend_rows: int, body: float, footer: str, lang: str) -> Page:
    """A narrow figure tall enough for its head, ``body`` inches of chart and its footer; the
    title and subtitle written, ``y`` where the legends go."""
    foot = wrapped(footer, FOOTER)
    height = head_inches(title, subtitle, legend_rows) + body + lines(foot) * LEADING[FOOTER] + 0.35
    p = Page(Figure(figsize=(WIDTH, height)), height, marks=links.Marks(lang))
    p.text(wrapped(title, TITLE), TITLE, bold=True)
    p.text(wrapped(subtitle, SUBTITLE), SUBTITLE, colour=style.MUTED)
    p.fig.text(MARGIN / WIDTH, 0.06 / height, foot, ha="left", va="bottom", fontsize=FOOTER,
               color=style.MUTED, linespacing=1.15)  # fmt: skip
    p.y += 0.06
    return p


def label_above(ax: Axes, x: float, y: float, text: str, colour: str = style.INK) -> None:
    """A mark's label on its own line(s) above it, from the axes' left edge."""
    ax.annotate(text, (0, y), xycoords=("axes fraction", "data"), xytext=(0, 7),
                textcoords="offset points", ha="left", va="bottom", fontsize=LABEL,
                color=colour, linespacing=1.1, annotation_clip=False)  # fmt: skip


def small_ticks(ax: Axes) -> None:
    """Tick labels at the label size."""
    ax.tick_params(axis="both", which="both", labelsize=LABEL)
