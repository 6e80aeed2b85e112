"""Tables for readers of the notebooks: words for headers, amounts, dates and kinds in the run's
language, a dash for what is missing, and each source a link to its page in the report.

::

    story.table(money, ["id", "payer", "kind", "amount", "date", "asserted_by", "source_id"])

A column is named as in the data (``source_id``, ``date``...) or is one of a few columns built
from several (``amount``: ``value`` with its ``bound``; ``label`` and ``question``: the column of
the run's language). Headers come from the ``[table]`` section of ``texts.toml``. The HTML is
marked for MathJax to leave alone (a ``$`` is money, never a formula), with every ``$`` written
``&#36;``. A source id links to ``sources/S001.html#F01``: its page in the report, at the row.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Rows:
    """What a table needs to know of the dataset: each row's source and its label."""

    source_of: Mapping[str, str]
    label_of: Mapping[str, str]


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
}


def _links(row: pd.Series, column: str, rows: Rows) -> str:
    """``source_id`` (or each of ``source_ids``) as a link to the source's page, at the row."""
    sids = [s.strip() for s in str(row[column]).split(",")]
    ids = [str(row["id"])] if "id" in row.index else []
    if "event_ids" in row.index:
        ids = [s.strip() for s in str(row["event_ids"]).split(",")]
    links = []
    for sid in sids:
        anchor = next((i for i in ids if rows.source_of.get(i) == sid), "")
        href = f"sources/{sid}.html" + (f"#{anchor}" if anchor else "")
        links.append(f'<a href="{html.escape(href)}">{html.escape(sid)}</a>')
    return ", ".join(links)


def cell(row: pd.Series, column: str, lang: str, rows: Rows) -> str:
    """One cell as HTML: its text in the language, a dash if missing, links for sources."""
    if column in ("source_id", "source_ids"):
        return MISSING if missing(row.get(column)) else _links(row, column, rows)
    if column not in BUILT and missing(row.get(column)):
        return MISSING
    if column in MONEY:
        return dollars(i18n.money(float(row[column]), lang))
    if column in PERCENT:
        return dollars(i18n.percent(float(row[column]), lang))
    text = TEXT[column](row, lang, rows) if column in TEXT else str(row[column])
    return dollars(text)


def _align(column: str) -> str:
    """Numbers to the right, words to the left (JupyterLab right-aligns every cell)."""
    side = "right" if column in NUMBERS else "left"
    return f' style="text-align: {side}"'


def render(frame: pd.DataFrame, columns: list[str], lang: str, rows: Rows) -> str:
    """The table as HTML, headers in words, no index."""
    head = "".join(f"<th{_align(c)}>{dollars(i18n.t(f'table.{c}', lang))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td{_align(c)}>{cell(r, c, lang, rows)}</td>" for c in columns) + "</tr>"
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
    # The dataset's notes are written in English only: texts.toml gives their column no header
    # in the other languages, and a column without a header is not shown in that language.
    columns = [c for c in columns if i18n.t(f"table.{c}", lang)]
    shown = render(frame, columns, lang, rows)
    plain = frame.reindex(columns=[c for c in columns if c in frame.columns]).to_string(index=False)
    return Table(shown, plain)
