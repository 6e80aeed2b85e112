"""The two calls every notebook makes: set itself up from its parameters, then publish its charts.

::

    story = notebook.setup(lang, formats, dpi, figures_dir)          # the cell after `parameters`
    story.publish(charts.valuation_growth(story.ds, story.lang))     # one line per chart

:func:`setup` checks the parameters (:func:`params.validate`: a bad value fails here, before
anything is written), loads the validated dataset and sets how pandas shows tables; it prints
nothing. :meth:`Story.publish` writes the chart's files (:func:`export.save`, in the house style)
and shows the exported PNG with its alt text, what a reader of the figures gets.
:meth:`Story.table` shows a table for readers (:mod:`.tables`), :meth:`Story.say` a
sentence of ``texts.toml``, :meth:`Story.quote` a row's excerpt in its source text.

The notebooks' prose is in both languages: a markdown cell tagged ``fr`` or ``en`` (and starting
with its marker, ``<kbd class="lang-marker" lang="fr">FR</kbd>``) is for that language only.
Run in JupyterLab, :func:`setup` hides, in its own notebook only, the cells of the other
languages and the markers (:func:`language_style`); a notebook not run shows both languages,
each cell marked. The report keeps only the run's language.

The numbers the tests check are given by the last cell, tagged ``findings``, to
:meth:`Story.findings`: display data of a type of its own (:data:`FINDINGS_MIME`), which no
front end renders and no page shows; :func:`findings_of` reads them back from an executed
notebook.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from musk_openai.dataset import data
from musk_openai.story import export, i18n, params, tables
from musk_openai.story.export import Chart


def _plain_number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def pandas_display() -> None:
    """Tables in notebooks: plain numbers (157,000,000,000, not 1.57e+11), excerpts in full, and
    no MathJax (a ``$`` in a table is money)."""
    pd.set_option("display.float_format", _plain_number)
    pd.set_option("display.max_colwidth", 220)
    pd.set_option("display.html.use_mathjax", False)


def inert(value: object) -> str:
    """A value of the data as text inside Markdown: HTML's and Markdown's own characters
    (tags, links, emphasis, code) as numeric entities, so that it shows as written."""
    return "".join(f"&#{ord(c)};" if c in INERT else c for c in str(value))


#: The characters :func:`inert` writes as entities.
INERT = set("&<>\"'[]()*_`!#|\\")


def no_maths(markdown: str) -> str:
    """One line of Markdown that JupyterLab shows as written: each ``$`` as the entity ``&#36;``
    (JupyterLab takes ``$...$``, even ``\\$...\\$``, for a formula before rendering), and
    the line in a span MathJax skips (it would pair the ``$`` signs of the rendered text)."""
    text = markdown.replace("$", "&#36;")
    return f'<span class="{tables.NO_MATHS}">{text}</span>'


#: The element :func:`language_style` leaves in its notebook, naming the run's language.
LANG_MARK = "musk-openai-lang"
#: The type of the findings' display data: a JSON object no front end renders.
FINDINGS_MIME = "application/vnd.musk-openai.findings+json"


def language_style(lang: str) -> str:
    """HTML for JupyterLab: an empty element naming ``lang`` and a style that, in the notebook
    holding that element only (``.jp-Notebook:has(...)``), hides the markdown cells of the other
    languages, then the markers. Another notebook open in the same JupyterLab page, in another
    language or not run, is left as it is."""
    own = f'.jp-Notebook:has(.{LANG_MARK}[data-lang="{lang}"])'
    return (
        f'<style>{own} .jp-Cell:has(.lang-marker:not([lang="{lang}"])) {{display: none}} '
        f"{own} .jp-Cell .lang-marker {{display: none}}</style>"
        f'<span class="{LANG_MARK}" data-lang="{lang}" hidden></span>'
    )


def _show_language(lang: str) -> None:
    """In a kernel, send :func:`language_style` as an invisible HTML output; else nothing."""
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is not None:
        display({"text/html": language_style(lang)}, raw=True)


def findings_of(nb: Mapping[str, object]) -> dict[str, object]:
    """The findings an executed notebook gave :meth:`Story.findings` (its cell tagged
    ``findings``); ``KeyError`` if it has none."""
    for cell in nb["cells"]:  # type: ignore[attr-defined]
        if "findings" not in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if FINDINGS_MIME in output.get("data", {}):
                return dict(output["data"][FINDINGS_MIME])
    raise KeyError("no findings in the notebook: its cell tagged 'findings' did not run")


@dataclass
class Story:
    """A notebook's parameters (checked), its dataset, and what it has published so far."""

    params: params.Params
    ds: data.Dataset
    #: The timeline's window (notebook 03's ``start`` and ``end``), normalised: '2019', '2024-06'.
    start: str
    end: str
    #: Every file written by :meth:`publish`, in order.
    files: list[Path] = field(default_factory=list)
    #: Every chart published, by name (``03-dispute-timeline``...).
    charts: dict[str, Chart] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.params.lang

    def publish(self, chart: Chart) -> object:
        """Save the chart (its formats, its CSV, its alt text) and return the exported image to
        show, its alt text in the output's metadata."""
        written = export.save(chart, self.params)
        self.files += written
        self.charts[chart.name] = chart
        return export.show(written, chart.alt)

    def findings(self, values: Mapping[str, object]) -> None:
        """Keep the numbers the tests check in the notebook, for :func:`findings_of`: display
        data of type :data:`FINDINGS_MIME` only, which JupyterLab and the report do not show.
        The values must be plain JSON (a ``TypeError`` says which is not). Outside a kernel,
        nothing is shown."""
        from IPython import get_ipython
        from IPython.display import display

        kept = json.loads(json.dumps(values))
        if get_ipython() is not None:  # outside a kernel, display() would print them
            display({FINDINGS_MIME: kept}, raw=True)

    def say(self, key: str, **fmt: object) -> object:
        """A sentence of ``texts.toml`` in the notebook's language, shown as Markdown: money,
        never a formula (:func:`no_maths`); the values put in it are text (:func:`inert`)."""
        from IPython.display import Markdown

        values = {k: inert(v) for k, v in fmt.items()}  # data is text, never Markdown or HTML
        return Markdown(no_maths(i18n.t(key, self.lang, **values)))

    def table(self, frame: pd.DataFrame, columns: list[str]) -> tables.Table:
        """``frame``'s ``columns`` for readers: headers in words, amounts and dates in the
        language, a dash for what is missing, sources linked (:mod:`.tables`)."""
        return tables.table(frame, columns, self.lang, self._rows())

    def quote(self, row_id: str, before: int = 120, after: int = 80) -> object:
        """A row's label and amount, and its excerpt (bold) in the sentences around it, as
        HTML in which every text of the data is escaped: a label or a source text is shown as
        written, never run as Markdown or HTML (a ``javascript:`` link stays words)."""
        from IPython.display import HTML

        rows = pd.concat([self.ds.figures, self.ds.events])
        row = rows[rows["id"] == row_id].iloc[0]
        text = self.ds.texts[str(row["source_id"])]
        start = text.index(str(row["excerpt"]))
        end = start + len(str(row["excerpt"]))
        info = self._rows()
        quoted = info.quoted or self.lang

        def shown(part: str) -> str:
            return tables.dollars(i18n.typography(" ".join(part.split()), quoted))

        amount = tables.cell(row, "amount", self.lang, info)
        link = tables.cell(row, "source_id", self.lang, info)
        label = tables.dollars(tables.readable(str(row[f"label_{self.lang}"]), self.lang))
        context = (
            f"…{shown(text[max(0, start - before) : start])} <strong>{shown(text[start:end])}"
            f"</strong> {shown(text[end : end + after])}…"
        )
        lang = f' lang="{info.quoted}"' if info.quoted else ""
        return HTML(
            f'<div class="{tables.NO_MATHS}"><p><strong>{label}</strong> — {amount} ({link})</p>'
            f"<blockquote><p{lang}>{context}</p></blockquote></div>"
        )

    def _rows(self) -> tables.Rows:
        both = pd.concat([self.ds.figures, self.ds.events, self.ds.members])
        labelled = pd.concat([self.ds.figures, self.ds.events])
        label = dict(zip(labelled["id"], labelled[f"label_{self.lang}"].astype(str), strict=True))
        languages = set(self.ds.sources["language"].astype(str))
        quoted = languages.pop() if len(languages) == 1 else ""
        return tables.Rows(
            dict(zip(both["id"], both["source_id"], strict=True)),
            label,
            quoted,
            text_of=self._texts(),
            line_of=self._lines(pd.concat([both, self.ds.claims])),
        )

    def _texts(self) -> dict[str, str]:
        """Each source's text file, as a link from the kernel's folder (a notebook's own
        folder in JupyterLab), with ``/`` between folders."""
        folder = self.ds.folder / "sources"
        return {
            str(r.source_id): quote(os.path.relpath(folder / str(r.file)).replace(os.sep, "/"))
            for r in self.ds.sources.itertuples()
        }

    def _lines(self, rows: pd.DataFrame) -> dict[tuple[str, str], int]:
        """The line (from 0, as JupyterLab counts) of each row's excerpt in its source's text,
        by source and row id."""
        lines = {}
        for r in rows.itertuples():
            text = self.ds.texts.get(str(r.source_id), "")
            at = text.find(str(r.excerpt))
            if at >= 0:
                lines[str(r.source_id), str(r.id)] = text.count("\n", 0, at)
        return lines


def setup(
    lang: object,
    formats: object,
    dpi: object,
    figures_dir: object = params.DEFAULTS["figures_dir"],
    **others: object,
) -> Story:
    """Check the notebook's parameters (``others``: its own, such as ``start`` and ``end``), load
    the dataset, set pandas' display; in a kernel, show only the prose of the run's language.
    Nothing is printed for readers; a run that is not the canonical build says on stderr where
    its figures go (pages never show stderr)."""
    p = params.validate(lang, formats, dpi, figures_dir, **others)
    start, end = params.check_window(
        others.get("start", params.DEFAULTS["start"]), others.get("end", params.DEFAULTS["end"])
    )
    pandas_display()
    ds = data.load()
    _show_language(p.lang)
    if not p.canonical:
        print(i18n.t("notebook.figures_elsewhere", p.lang, folder=p.figures_dir), file=sys.stderr)
    return Story(p, ds, start, end)
