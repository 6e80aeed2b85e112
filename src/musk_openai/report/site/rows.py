"""The dataset's rows as a reader of one language sees them: kind, label, amount, date, who asserts
it, its source and its excerpt (and, for a claim, its suit, against whom and its stance), every
value formatted by :mod:`musk_openai.story.i18n`.

Used by the source pages (:mod:`.sources`: the rows each article supports) and the fact
explorer (:mod:`.facts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n
from musk_openai.story.queries import lawsuits


@dataclass(frozen=True)
class Row:
    """One figure, event or member of the dataset, formatted in one language."""

    id: str
    table: str
    kind: str
    label: str
    amount: str
    date: str
    asserted_by: str
    source_id: str
    contested: bool
    excerpt: str
    #: A claim's suit, the parties it is against or about, and what its claimant does with it
    #: (the em dash, or no party, for a figure, an event or a member).
    suit: str = ""
    targets: tuple[str, ...] = ()
    stance: str = ""
    #: How the row sorts by date and by amount (text that sorts as the values do: the first
    #: day its date allows, ISO; the amount, US dollars first: :func:`amount_order`).
    date_order: str = ""
    amount_order: str = ""

    @property
    def anchor(self) -> str:
        """The link to its excerpt, from the language folder."""
        return f"sources/{self.source_id}.html#{self.id}"


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def amount(row: Any, lang: str) -> str:
    """A figure's value with its unit and bound: 'moins de 45 M$', '49 %', '5'."""
    unit, value = str(row["unit"]), float(row["value"])
    if unit == "USD":
        return i18n.money_bound(value, str(row["bound"]), lang)
    if unit == "percent":
        return i18n.t("report.values.percent", lang, n=i18n.number(value, lang))
    return i18n.number(value, lang, 0)


#: How an undated row, and a row without an amount, sort: after the others (text that sorts
#: after any date and any amount, whatever the browser's collation).
UNDATED = "9999-99-99"
NO_AMOUNT = "9" + "0" * 20


def date_order(row: Any) -> str:
    """The first day a row's date allows (``2024-02-22``), or :data:`UNDATED`."""
    start = row.get("date_start")
    return UNDATED if start is None or pd.isna(start) else pd.Timestamp(start).strftime("%Y-%m-%d")


#: The order of the units when sorting by amount.
UNITS_ORDER = ("USD", "percent")


def amount_order(row: Any) -> str:
    """A figure's amount as digits that sort as the amounts do, read as text or as a number
    (all of one length): US dollars first, by value, then percents, then counts."""
    unit = str(row["unit"])
    rank = UNITS_ORDER.index(unit) if unit in UNITS_ORDER else len(UNITS_ORDER)
    return f"{rank + 1}{round(float(row['value']) * 100):020d}"


def date(row: Any, lang: str) -> str:
    """A row's date at its precision, or the em dash."""
    precision = _text(row.get("date_precision"))
    if not precision or precision == "none":
        return i18n.t("report.none", lang)
    return i18n.date(_text(row["date"]), precision, lang)


def _dated(df: pd.DataFrame, table: str, lang: str) -> list[Row]:
    rows = []
    for _, r in df.iterrows():
        rows.append(
            Row(
                id=str(r["id"]),
                table=table,
                kind=i18n.kind(str(r["kind"]), lang),
                label=i18n.typography(i18n.label(r, lang), lang),
                amount=amount(r, lang) if table == "figures" else i18n.t("report.none", lang),
                date=date(r, lang),
                asserted_by=i18n.assertor(str(r["asserted_by"]), lang),
                source_id=str(r["source_id"]),
                contested=bool(r["contested"]),
                excerpt=str(r["excerpt"]),
                date_order=date_order(r),
                amount_order=amount_order(r) if table == "figures" else NO_AMOUNT,
            )
        )
    return rows


def figures(ds: Dataset, lang: str) -> list[Row]:
    return _dated(ds.figures, "figures", lang)


def events(ds: Dataset, lang: str) -> list[Row]:
    return _dated(ds.events, "events", lang)


def members(ds: Dataset, lang: str) -> list[Row]:
    """The named members of a figure (investors, rivals): their figure's date and assertor."""
    by_id = ds.figures.set_index("id")
    none = i18n.t("report.none", lang)
    rows = []
    for _, m in ds.members.iterrows():
        figure = by_id.loc[m["figure_id"]]
        role = i18n.kind(str(m["role"]), lang)
        rows.append(
            Row(
                id=str(m["id"]),
                table="members",
                kind=role,
                label=i18n.t("report.values.member", lang, member=m["member"], role=role),
                amount=none,
                date=date(figure, lang),
                asserted_by=i18n.assertor(str(figure["asserted_by"]), lang),
                source_id=str(m["source_id"]),
                contested=False,
                excerpt=str(m["excerpt"]),
                date_order=date_order(figure),
                amount_order=NO_AMOUNT,
            )
        )
    return rows


def suit(proceeding: str, lang: str) -> str:
    """A claim's suit (claims.csv, column proceeding), or none: a public statement."""
    return i18n.t(f"report.suits.{proceeding or 'none'}", lang)


def claims(ds: Dataset, lang: str) -> list[Row]:
    """What each side alleges, asks and answers: one row per claim and per source."""
    none = i18n.t("report.none", lang)
    rows = []
    for _, r in ds.claims.iterrows():
        targets = [t.strip() for t in _text(r["target"]).split(";") if t.strip()]
        rows.append(
            Row(
                id=str(r["id"]),
                table="claims",
                kind=i18n.kind("claim", lang),
                label=i18n.typography(i18n.label(r, lang), lang),
                amount=none,
                date=date(r, lang),
                asserted_by=i18n.assertor(str(r["claimant"]), lang),
                source_id=str(r["source_id"]),
                contested=bool(r["contested"]),
                excerpt=str(r["excerpt"]),
                suit=suit(_text(r["proceeding"]), lang),
                targets=tuple(lawsuits.party(t, lang) for t in targets),
                stance=i18n.t(f"chart.lawsuits.stance.{r['stance']}", lang),
                date_order=date_order(r),
                amount_order=NO_AMOUNT,
            )
        )
    return rows


def every_row(ds: Dataset, lang: str) -> list[Row]:
    """Figures, events, members and claims, in that order."""
    return figures(ds, lang) + events(ds, lang) + members(ds, lang) + claims(ds, lang)
