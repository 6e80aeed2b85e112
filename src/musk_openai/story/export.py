"""Export a chart: PNG, SVG (PDF on request), the CSV of the exact data drawn, and its alt text.

Beside ``<name>.png`` and the others, ``<name>.alt.txt`` holds the chart's alt text (one or two
sentences: the key numbers and who says them, UTF-8, in the language of the figures folder), for
pages and slides that show the image, and ``<name>.desc.txt`` its full description (every mark,
with its date and its article), for a page to show under the chart (in a ``<details>``).

Files are byte-identical when rerun on the same inputs (no dates, fixed SVG ids, no software
stamp) and written atomically: every file goes to a temporary name first and is renamed only
when all of them are complete, so an interrupted run never leaves a half-written figure.
Exported files get the usual permissions (``0o666`` less the umask: ``0o644`` under umask 022),
like any file the user creates, not the ``0o600`` of :func:`tempfile.mkstemp`.

The CSV is safe to open in a spreadsheet: a text cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return would run as a formula there, so it is written with a single quote in
front (OWASP's advice on CSV injection). Numbers, negative ones included, are written as numbers,
and whole numbers as integers (100000000, not 100000000.0).
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from musk_openai import files
from musk_openai.story import style
from musk_openai.story.exported import DESC_SUFFIX as DESC_SUFFIX
from musk_openai.story.exported import NARROW as NARROW
from musk_openai.story.exported import narrow_file as narrow_file
from musk_openai.story.params import Params

METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


@dataclass
class Variant:
    """Another drawing of a chart (the narrow one, for phones): its figure and SVG tooltips."""

    fig: Figure
    tips: dict[str, str] = field(default_factory=dict)


@dataclass
class Chart:
    """A finished chart: its file name, the figure, the rows it draws, its footer and its alt
    text (written from those rows)."""

    name: str
    fig: Figure
    data: pd.DataFrame
    footer: str = ""
    alt: str = ""
    desc: str = ""
    #: The SVG's tooltips: ``{mark's id: its <title>}`` (:mod:`.charts.links`).
    tips: dict[str, str] = field(default_factory=dict)
    #: The chart drawn narrow, for phones (:mod:`.charts.narrow`), saved as ``<name>.narrow.*``.
    narrow: Variant | None = None


#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def neutralise_formulas(value: object) -> object:
    """``value`` with a ``'`` in front if it is text a spreadsheet would run as a formula."""
    return "'" + value if isinstance(value, str) and _is_formula(value) else value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``'`` in front of every text cell (and column name) a spreadsheet would run
    as a formula: a copy if anything changes, else ``frame`` itself.

    Only strings change: numeric and date columns are skipped, and numbers in a mixed column are
    left as they are (a negative number stays a number).
    """
    changed: dict[int, pd.Series] = {}
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        if any(_is_formula(v) for v in column):
            changed[i] = column.map(neutralise_formulas, na_action="ignore")
    renamed = any(_is_formula(c) for c in frame.columns)
    if not changed and not renamed:
        return frame
    out = frame.copy()
    for i, column in changed.items():
        out.isetitem(i, column.array)
    if renamed:
        out.columns = pd.Index([neutralise_formulas(c) for c in frame.columns])
    return out


def whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each float column whose values are all whole (or missing) as integers, so
    that the CSV reads 100000000, not 100000000.0."""
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if pd.api.types.is_float_dtype(column) and column.dropna().map(float.is_integer).all():
            out.isetitem(i, column.astype("Int64").array)
    return out


def save(chart: Chart, params: Params) -> list[Path]:
    """Write ``<figures_dir>/<name>.<format>`` for each format (and ``<name>.narrow.<format>``,
    if the chart is also drawn narrow), ``<name>.csv``,
    ``<name>.alt.txt`` and (if the chart has one) ``<name>.desc.txt``; the SVG with a tooltip
    (``<title>``) on each linked mark.

    Figures are saved in the house style (:func:`style.house`: its fixed SVG ids and font
    settings make the files reproducible), whatever matplotlib's settings are outside.
    """
    folder = params.figures_dir
    folder.mkdir(parents=True, exist_ok=True)
    with files.Staged() as stage:
        drawings = [("", Variant(chart.fig, chart.tips))]
        drawings += [(NARROW, chart.narrow)] if chart.narrow else []
        for suffix, drawing in drawings:
            for fmt in params.formats:
                tmp = stage.path(folder / f"{chart.name}{suffix}.{fmt}")
                with style.house():
                    drawing.fig.savefig(tmp, format=fmt, dpi=params.dpi, metadata=METADATA[fmt])
                if fmt == "svg" and drawing.tips:
                    svg = tmp.read_text(encoding="utf-8")
                    tmp.write_text(with_titles(svg, drawing.tips), encoding="utf-8")
        rows = csv_safe(whole_numbers(chart.data))
        rows.to_csv(
            stage.path(folder / f"{chart.name}.csv"),
            index=False,
            lineterminator="\n",
            encoding="utf-8",
        )
        alt = " ".join(chart.alt.split()) + "\n"
        stage.path(folder / f"{chart.name}.alt.txt").write_text(alt, encoding="utf-8")
        if chart.desc:
            desc = " ".join(chart.desc.split()) + "\n"
            stage.path(folder / f"{chart.name}{DESC_SUFFIX}").write_text(desc, encoding="utf-8")
    return stage.finals


def with_titles(svg: str, tips: dict[str, str]) -> str:
    """The SVG with each tooltip as the first child of its mark's group (``<g id="...">``, a
    ``<title>`` browsers show on hover and screen readers read), and its links opened in the
    whole window, not a new one (matplotlib writes ``target="_blank"``)."""
    for gid, text in tips.items():
        opening = f'<g id="{gid}">'
        if opening not in svg:
            raise ValueError(f"the SVG has no mark {gid!r} to give a tooltip")
        svg = svg.replace(opening, f"{opening}\n<title>{html.escape(text)}</title>", 1)
    return svg.replace(' target="_blank"', ' target="_top"')


#: A link of an SVG: ``xlink:href="..."`` that is not an id inside it (``#m1a2b``).
SVG_LINK = re.compile(r'(xlink:href=")(?!#)([^"]+)(")')


def svg_for_page(svg_file: Path, page_dir: Path) -> str:
    """An exported chart's SVG to write inline in a page of ``page_dir``: its links to the
    sources rebased from the SVG's folder to the page's, without the XML prolog (for the site's
    ``<figure>``; its ``<title>`` tooltips and links kept)."""
    svg = svg_file.read_text(encoding="utf-8")
    start = svg.index("<svg")

    def rebase(m: re.Match[str]) -> str:
        target = os.path.normpath(os.path.join(svg_file.parent, m.group(2).split("#")[0]))
        anchor = "#" + m.group(2).split("#", 1)[1] if "#" in m.group(2) else ""
        return m.group(1) + Path(os.path.relpath(target, page_dir)).as_posix() + anchor + m.group(3)

    return SVG_LINK.sub(rebase, svg[start:])


#: The output's type that carries a chart's narrow drawing (a PNG, base64) beside its image:
#: JupyterLab shows the ``image/png``; the report's page offers the narrow one to phones.
NARROW_MIME = "application/vnd.musk-openai.narrow+png"


@dataclass(frozen=True)
class Shown:
    """A chart as a notebook shows it: its PNG (and alt text), and its narrow drawing."""

    png: bytes
    narrow: bytes
    alt: str
    width: int

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> tuple[dict[str, str], dict[str, object]]:
        import base64

        data = {
            "image/png": base64.b64encode(self.png).decode("ascii"),
            NARROW_MIME: base64.b64encode(self.narrow).decode("ascii"),
            "text/plain": self.alt or "<chart>",
        }
        return data, {"image/png": {"alt": self.alt, "width": self.width}}


def show(written: list[Path], alt: str = "", width: int = 960) -> object:
    """The exported chart itself (PNG, else SVG) to display in a notebook, what the reader gets,
    with its alt text in the output's metadata (``metadata["image/png"]["alt"]``), and its
    narrow drawing (:data:`NARROW_MIME`) when it was exported."""
    from IPython.display import SVG, Image

    by_suffix = {p.suffix: p for p in written if NARROW not in p.name}
    if ".png" in by_suffix:
        narrow = narrow_file(by_suffix[".png"])
        if narrow.is_file():
            return Shown(by_suffix[".png"].read_bytes(), narrow.read_bytes(), alt, width)
        return Image(filename=str(by_suffix[".png"]), width=width, alt=alt)
    if ".svg" in by_suffix:
        return SVG(filename=str(by_suffix[".svg"]), metadata={"alt": alt})
    return written
