"""Tables for readers of the notebooks: words for headers, amounts, dates and kinds in the run's
language, a dash for what is missing, and each source a link to its page in the report.

::

    story.table(money, ["id", "payer", "kind", "amount", "date", "asserted_by", "source_id"])

A column is named as in the data (``source_id``, ``date``...) or is one of a few columns built
from several (``amount``: ``value`` with its ``bound``; ``label`` and ``question``: the column of
the run's language). Headers come from the ``[table]`` section of ``texts.toml``. The HTML is
marked for MathJax to leave alone (a ``$`` is money, never a formula), with every ``$`` written
``&#36;``. A source is named in words ("article de mars 2024") and links to where the reader is
(:func:`_links`): in JupyterLab, to the article's text in the data folder, at the line of the
row's excerpt (``../data/sources/001_....txt#line=3``, which JupyterLab opens in its editor,
cursor on that line); in the report, to ``sources/S001.html#F01``, its page, at the row (the
link's ``data-page``, made its ``href`` by :func:`report_links`). No row id or source code shows
in a cell (the table's ``id`` column has no header, so it is not shown; a note's "S004" is the
article's name, its "(F08)" left out): readers check a row on the source's page, where the code
is. Text built from data is spaced as the language writes it (:func:`i18n.typography`), and
every French quote (« ») is marked with the sources' language.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from musk_openai.story import i18n

#: What a reader sees for a missing value.
MISSING = "—"
#: The classes MathJax 3 (``mathjax_ignore``) and MathJax 2 (``tex2jax_ignore``) skip.
NO_MATHS = "mathjax_ignore tex2jax_ignore"
#: Columns holding an amount in US dollars without a bound, and shares.
MONEY = {"others_at_least", "money"}
PERCENT = {"share_at_most"}
#: Columns of numbers (aligned right).
NUMBERS = {"amount", "rows", *MONEY, *PERCENT}
#: Columns built from others (each says itself what is missing).
BUILT = {"amount", "label", "question"}
#: Columns whose text is the sources' own words: marked with their language.
QUOTED = {"excerpt", "first_heading"}
#: A source's code and a row's id, as they may appear in a note of the dataset.
SOURCE_CODE = re.compile(r"\bS\d{3}\b")
ID_LIST = re.compile(r"\s*\((?:[FECMRK]\d{2,3}(?:,\s*|\s+and\s+|\s+et\s+)?)+\)")
#: A word that only introduces a row id ("claim C31", "see E40"): left out with it.
ID_WORD = re.compile(r"\b(?:claims?|rows?|see)\s+(?=[FECMRK]\d{2,3}\b)", re.I)
ROW_ID = re.compile(r"\b[FECMRK]\d{2,3}\b(?:,\s*)?")
#: What a row id left behind it: a separator before a full stop, a bracket or the end.
LEFT_OVER = re.compile(r"\s*[;,]\s*(?=[.;)]|$)")
FRENCH_QUOTE = re.compile(r"«[^»]*»")
#: A source link as :func:`_links` writes it when it knows the source's text file.
LAB_LINK = re.compile(r'<a href="[^"]*" data-page="([^"]*)">')


@dataclass(frozen=True)
class Rows:
    """What a table needs to know of the dataset: each row's source and its label."""

    source_of: Mapping[str, str]
    label_of: Mapping[str, str]
    #: The language the sources are written in (their quotes are marked with it), if known.
    quoted: str = ""
    #: Each source's text file, as a relative link from the notebook (JupyterLab opens it).
    text_of: Mapping[str, str] = field(default_factory=dict)
    #: The line (from 0) of each row's excerpt in its source's text, by (source, row id).
    line_of: Mapping[tuple[str, str], int] = field(default_factory=dict)


def missing(value: object) -> bool:
    """None, NaN, NaT or an empty string."""
    if isinstance(value, str):
        return value == ""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))  # type: ignore[call-overload]


def dollars(text: str) -> str:
    """Escaped HTML, with a ``$`` as the entity ``&#36;`` (never the start of a formula)."""
    return html.escape(text).replace("$", "&#36;")


def _date(row: pd.Series, column: str, lang: str) -> str:
    return i18n.date(str(row[column]), str(row.get("date_precision", "day")), lang)


def _day(value: object, lang: str) -> str:
    return i18n.date(pd.Timestamp(str(value)).strftime("%Y-%m-%d"), "day", lang)


def _amount(row: pd.Series, lang: str) -> str:
    if missing(row.get("value")) or row.get("unit", "USD") != "USD":
        return MISSING if missing(row.get("value")) else i18n.number(float(row["value"]), lang)
    return i18n.money_bound(float(row["value"]), str(row.get("bound", "exact")), lang)


def _label(row: pd.Series, lang: str, rows: Rows) -> str:
    own = row.get(f"label_{lang}")
    return str(own) if not missing(own) else rows.label_of.get(str(row.get("id")), MISSING)


def _outlets(value: str, lang: str) -> str:
    """'Semafor; The Verge; Twitter' (the data's list) as words: 'Semafor, The Verge et Twitter'."""
    return i18n.listing([i18n.outlet(x.strip(), lang) for x in value.split(";") if x.strip()], lang)


def _table_name(value: str, lang: str) -> str:
    """A table of the dataset ('figures') as readers call what it holds."""
    return (
        i18n.t(f"dataset_table.{value}", lang) if value in i18n.texts()["dataset_table"] else value
    )


def readable(text: str, lang: str) -> str:
    """A text of the dataset for readers: each source's code its name in words, row ids left
    out, spaced as ``lang`` writes it."""
    opens_with_code = SOURCE_CODE.match(text) is not None
    text = SOURCE_CODE.sub(lambda m: i18n.source_name(m.group(0), lang), text)
    text = ID_WORD.sub("", text)
    text = ROW_ID.sub("", ID_LIST.sub("", text)).replace("()", "").replace("( ", "(")
    text = LEFT_OVER.sub("", text)
    text = i18n.typography(text, lang)
    return text[:1].upper() + text[1:] if opens_with_code else text


def _payer(value: str, lang: str) -> str:
    """'other donors' in words of the language; a name (Microsoft) as it is."""
    return i18n.t(f"payer.{value}", lang) if value in i18n.texts()["payer"] else value


#: Columns whose text is computed from the row (the others: the value as it is).
TEXT: dict[str, Callable[[pd.Series, str, Rows], str]] = {
    "amount": lambda r, lang, _: _amount(r, lang),
    "label": _label,
    "question": lambda r, lang, _: str(r[f"question_{lang}"]),
    "date": lambda r, lang, _: _date(r, "date", lang),
    "date_published": lambda r, lang, _: _date(r, "date_published", lang),
    "date_start": lambda r, lang, _: _day(r["date_start"], lang),
    "date_end": lambda r, lang, _: _day(r["date_end"], lang),
    "date_precision": lambda r, lang, _: i18n.t(f"precision.{r['date_precision']}", lang),
    "date_basis": lambda r, lang, _: i18n.t(f"date_basis.{r['date_basis']}", lang),
    "asserted_by": lambda r, lang, _: i18n.assertor(str(r["asserted_by"]), lang),
    "claimant": lambda r, lang, _: i18n.assertor(str(r["claimant"]), lang),
    "conflict": lambda r, lang, _: i18n.t(f"conflict.{r['conflict']}", lang),
    "kind": lambda r, lang, _: i18n.kind(str(r["kind"]), lang),
    "payer": lambda r, lang, _: _payer(str(r["payer"]), lang),
    "payee": lambda r, lang, _: _payer(str(r["payee"]), lang),
    "outlets_cited": lambda r, lang, _: _outlets(str(r["outlets_cited"]), lang),
    "table": lambda r, lang, _: _table_name(str(r["table"]), lang),
}


def _links(row: pd.Series, column: str, lang: str, rows: Rows) -> str:
    """``source_id`` (or each of ``source_ids``) as a link named in words: to the source's text
    at the line of the row's excerpt where the notebook runs (JupyterLab), to the source's page
    at the row in the report (``data-page``: :func:`report_links`)."""
    sids = [s.strip() for s in str(row[column]).split(",")]
    ids = [str(row["id"])] if "id" in row.index else []
    if "event_ids" in row.index:
        ids = [s.strip() for s in str(row["event_ids"]).split(",")]
    links = []
    for sid in sids:
        anchor = next((i for i in ids if rows.source_of.get(i) == sid), "")
        page = f"sources/{sid}.html" + (f"#{anchor}" if anchor else "")
        name = dollars(i18n.typography(i18n.source_name(sid, lang, short=True), lang))
        text = rows.text_of.get(sid)
        if text is None:
            links.append(f'<a href="{html.escape(page)}">{name}</a>')
            continue
        line = next((rows.line_of[sid, i] for i in ids if (sid, i) in rows.line_of), None)
        href = text + (f"#line={line}" if line is not None else "")
        links.append(f'<a href="{html.escape(href)}" data-page="{html.escape(page)}">{name}</a>')
    return ", ".join(links)


def report_links(shown: str) -> str:
    """The HTML (or Markdown) of an output with every source link made the link of the report:
    its ``data-page`` (``sources/S001.html#F01``) as its ``href``."""
    return LAB_LINK.sub(r'<a href="\1">', shown)


def cell(row: pd.Series, column: str, lang: str, rows: Rows) -> str:
    """One cell as HTML: its text in the language, a dash if missing, links for sources."""
    if column in ("source_id", "source_ids"):
        return MISSING if missing(row.get(column)) else _links(row, column, lang, rows)
    if column not in BUILT and missing(row.get(column)):
        return MISSING
    if column in MONEY:
        return dollars(i18n.money(float(row[column]), lang))
    if column in PERCENT:
        return dollars(i18n.percent(float(row[column]), lang))
    if column in QUOTED:
        shown = dollars(i18n.typography(str(row[column]), rows.quoted or lang))
        return f'<span lang="{rows.quoted}">{shown}</span>' if rows.quoted else shown
    text = TEXT[column](row, lang, rows) if column in TEXT else str(row[column])
    return quotes(dollars(readable(text, lang)), rows.quoted)


def quotes(shown: str, language: str) -> str:
    """Every « quote » of an HTML text marked as written in ``language`` (the sources')."""
    if not language:
        return shown
    return FRENCH_QUOTE.sub(lambda m: f'<span lang="{language}">{m.group(0)}</span>', shown)


def _align(column: str) -> str:
    """Numbers to the right, words to the left (JupyterLab right-aligns every cell)."""
    side = "right" if column in NUMBERS else "left"
    return f' style="text-align: {side}"'


def render(frame: pd.DataFrame, columns: list[str], lang: str, rows: Rows) -> str:
    """The table as HTML, headers in words, no index; each cell names its column
    (``data-label``), for a phone where each row is a block of labelled lines."""
    names = {c: dollars(i18n.t(f"table.{c}", lang)) for c in columns}
    head = "".join(f"<th{_align(c)}>{names[c]}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td{_align(c)} data-label="{names[c]}">{cell(r, c, lang, rows)}</td>' for c in columns
        )
        + "</tr>"
        for _, r in frame.iterrows()
    )
    return (
        f'<div class="{NO_MATHS}"><table class="musk-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


@dataclass(frozen=True)
class Table:
    """A table shown in a notebook: HTML for JupyterLab and the report, text elsewhere."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def table(frame: pd.DataFrame, columns: list[str], lang: str, rows: Rows) -> Table:
    """``frame``'s ``columns`` for readers (see the module)."""
    unknown = [c for c in columns if c not in frame.columns and c not in TEXT]
    if unknown:
        raise KeyError(f"no column {unknown} in the table; it has {list(frame.columns)}")
    # A column texts.toml gives no header (the coders' notes) is not shown to readers.
    columns = [c for c in columns if i18n.t(f"table.{c}", lang)]
    shown = render(frame, columns, lang, rows)
    plain = frame.reindex(columns=[c for c in columns if c in frame.columns]).to_string(index=False)
    return Table(shown, plain)
