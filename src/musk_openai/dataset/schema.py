"""The one schema of the dataset, written with pandera.

Every table is read as text (nothing coerced), checked here, and only then typed by
:mod:`.data`. The same schemas are used by the loaders and by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa

from musk_openai.dataset import dates
from musk_openai.dataset.crosscheck import cross_table as cross_table
from musk_openai.dataset.hints import HINTS as HINTS
from musk_openai.dataset.loading import (
    ASSERTORS,
    BOUNDS,
    CLAIMANTS,
    CONFLICTS,
    CORRECTED_TABLES,
    CORRECTION_CHANGES,
    DATE_BASES,
    DATE_PRECISIONS,
    DISPUTE_TABLES,
    EVENT_KINDS,
    FIGURE_KINDS,
    LANGUAGES,
    MEMBER_ROLES,
    PROCEEDINGS,
    SOURCE_DATE_BASES,
    STANCES,
    UNITS,
)

ID = {"sources": r"S[0-9]{3}", "figures": r"F[0-9]{2,3}", "events": r"E[0-9]{2,3}",
      "members": r"M[0-9]{2,3}", "claims": r"C[0-9]{2,3}",
      "corrections": r"K[0-9]{3,4}"}  # fmt: skip
MAX_EXCERPT = 200
# Patterns shared with the Data Package (package.py writes them into data/datapackage.json).
SNAKE_CASE = r"[a-z0-9_]+"
SOURCE_FILE = r"[0-9]{3}_[0-9a-f]{16}\.txt"
SHA256 = r"[0-9a-f]{64}"
PUBLISHED_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
SEMVER = r"[0-9]+\.[0-9]+\.[0-9]+"
#: A source's date of publication: a plain day, month or year (no interval, no qualifier).
_PUBLISHED = {
    "day": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "month": r"[0-9]{4}-[0-9]{2}",
    "year": r"[0-9]{4}",
}


def _row_check(name: str, fn: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    return pa.Check(fn, name=name, error=HINTS[name][1])


def _date_problems(dates_: pd.Series, precisions: pd.Series) -> list[str | None]:
    return [dates.problem(d, p) for d, p in zip(dates_, precisions, strict=True)]


def _date_checks(column: str = "date") -> list[pa.Check]:
    """The rules of a date column (EDTF) and its date_precision, basis and note."""

    def is_not(code: str) -> Callable[[pd.DataFrame], pd.Series]:
        def check(df: pd.DataFrame) -> pd.Series:
            found = _date_problems(df[column], df["date_precision"])
            return pd.Series([p != code for p in found], index=df.index, dtype=bool)

        return check

    def matches(df: pd.DataFrame) -> pd.Series:
        found = _date_problems(df[column], df["date_precision"])
        return pd.Series([p != "precision" for p in found], index=df.index, dtype=bool)

    def basis(df: pd.DataFrame) -> pd.Series:
        return (df["date"] == "") == (df["date_basis"] == "none")

    def explained(df: pd.DataFrame) -> pd.Series:
        derived = df["date_basis"].isin(["relative", "publication", "inferred"])
        return ~derived | (df["date_note"].str.strip() != "")

    def qualified(df: pd.DataFrame) -> pd.Series:
        spans = [dates.span(d) for d in df["date"]]
        hedged = pd.Series(
            [s is not None and (s.qualifier != "" or s.precision == "interval") for s in spans],
            index=df.index,
        )
        derived = df["date_basis"].isin(["relative", "publication", "inferred"])
        # (a derived date already needs its note: one problem is reported once)
        return ~hedged | derived | (df["date_note"].str.strip() != "")

    return [
        _row_check("date_is_real", is_not("unreal")),
        _row_check("date_is_edtf", lambda df: is_not("not_edtf")(df) & is_not("unsupported")(df)),
        _row_check("interval_in_order", is_not("order")),
        _row_check("date_matches_precision", matches),
        _row_check("basis_matches_date", basis),
        _row_check("relative_date_explained", explained),
        _row_check("qualified_date_explained", qualified),
    ]


def _text(*checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(str, checks=list(checks), nullable=nullable)


def _required() -> pa.Check:
    return pa.Check(lambda s: s.str.strip() != "", name="not_empty", error="must not be empty")


def _one_of(values: list[str]) -> pa.Check:
    return pa.Check.isin(values, error=f"must be one of: {', '.join(values)}")


def _id(table: str) -> pa.Column:
    return pa.Column(
        str,
        checks=[pa.Check.str_matches(rf"^{ID[table]}$", error=f"id must look like {ID[table]}")],
        unique=True,
    )


def _excerpt_checks(texts: Mapping[str, str]) -> list[pa.Check]:
    def exists(df: pd.DataFrame) -> pd.Series:
        return df["source_id"].isin(list(texts))

    def verbatim(df: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [
                (s not in texts) or (e in texts[s])
                for s, e in zip(df["source_id"], df["excerpt"], strict=True)
            ],
            index=df.index,
        )

    return [_row_check("source_exists", exists), _row_check("excerpt_in_source", verbatim)]


def _excerpt() -> pa.Column:
    return _text(
        _required(),
        pa.Check(
            lambda s: s.str.len() <= MAX_EXCERPT,
            name="excerpt_length",
            error=f"an excerpt is at most {MAX_EXCERPT} characters",
        ),
    )


def _dated_columns() -> dict[str, pa.Column]:
    return {
        "date": _text(),
        "date_precision": _text(_one_of(DATE_PRECISIONS)),
        "date_basis": _text(_one_of(DATE_BASES)),
        "date_note": _text(),
    }


def sources_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "source_id": _id("sources"),
            "file": _text(
                pa.Check.str_matches(rf"^{SOURCE_FILE}$", error="a file of data/sources/")
            ),
            "sha256": _text(
                pa.Check.str_matches(rf"^{SHA256}$", error="the SHA-256 of the source text")
            ),
            "first_heading": _text(_required()),
            "language": _text(_one_of(LANGUAGES)),
            "date_published": _text(),
            "date_precision": _text(_one_of(DATE_PRECISIONS)),
            "date_basis": _text(_one_of(SOURCE_DATE_BASES)),
            "date_note": _text(_required()),
            "covers": _text(_required()),
            "covers_fr": _text(_required()),
            "outlets_cited": _text(),
            "publisher": _text(_required()),
            "author": _text(_required()),
        },
        checks=[
            pa.Check(
                lambda df: pd.Series(
                    [
                        bool(re.fullmatch(_PUBLISHED.get(p, r"(?!)"), d))
                        for d, p in zip(df["date_published"], df["date_precision"], strict=True)
                    ],
                    index=df.index,
                ),
                name="published_matches_precision",
                error="date_published must match date_precision (YYYY-MM-DD, YYYY-MM or YYYY)",
            ),
            _row_check(
                "published_is_real",
                lambda df: pd.Series(
                    [
                        not dates.is_digits_date(d) or dates.span(d) is not None
                        for d in df["date_published"]
                    ],
                    index=df.index,
                    dtype=bool,
                ),
            ),
        ],
        strict=True,
        ordered=True,
        name="sources",
    )


def figures_schema(texts: Mapping[str, str]) -> pa.DataFrameSchema:
    def positive(df: pd.DataFrame) -> pd.Series:
        v = pd.to_numeric(df["value"], errors="coerce")
        plain = df["value"].str.fullmatch(r"[0-9]+(\.[0-9]+)?").astype(bool)
        finite = pd.Series(np.isfinite(v.where(plain, 0).astype(float)), index=df.index)
        return plain & v.notna() & (v > 0) & finite

    def percent(df: pd.DataFrame) -> pd.Series:
        v = pd.to_numeric(df["value"], errors="coerce")
        return (df["unit"] != "percent") | (v <= 100)

    def bound_ok(df: pd.DataFrame) -> pd.Series:
        # « plus de droits » is no bound: only « moins de »/« plus de » before a number is, and
        # « des milliards » (billions, no figure) is an amount known only from below.
        less = df["excerpt"].str.contains(r"\bmoins de [0-9]", regex=True)
        more = df["excerpt"].str.contains(r"\bplus de [0-9]|\bdes (?:milliards|millions)\b")
        upper = df["bound"] == "upper_bound"
        lower = df["bound"] == "lower_bound"
        return (less == upper) & (more == lower)

    def whole(df: pd.DataFrame) -> pd.Series:
        return (df["unit"] != "count") | df["value"].str.fullmatch(r"[0-9]+")

    return pa.DataFrameSchema(
        {
            "id": _id("figures"),
            "subject": _text(pa.Check.str_matches(rf"^{SNAKE_CASE}$", error="snake_case key")),
            "kind": _text(_one_of(FIGURE_KINDS)),
            "payer": _text(),
            "payee": _text(),
            "value": _text(),
            "unit": _text(_one_of(UNITS)),
            "bound": _text(_one_of(BOUNDS)),
            **_dated_columns(),
            "asserted_by": _text(_one_of(ASSERTORS)),
            "source_id": _text(),
            "excerpt": _excerpt(),
            "label_fr": _text(_required()),
            "label_en": _text(_required()),
            "note": _text(),
        },
        checks=[
            _row_check("value_is_positive_number", positive),
            _row_check("percent_at_most_100", percent),
            _row_check("count_is_whole", whole),
            _row_check("bound_matches_excerpt", bound_ok),
            *_date_checks(),
            *_excerpt_checks(texts),
        ],
        strict=True,
        ordered=True,
        name="figures",
    )


def events_schema(texts: Mapping[str, str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "id": _id("events"),
            "subject": _text(pa.Check.str_matches(rf"^{SNAKE_CASE}$", error="snake_case key")),
            "kind": _text(_one_of(EVENT_KINDS)),
            **_dated_columns(),
            "asserted_by": _text(_one_of(ASSERTORS)),
            "source_id": _text(),
            "excerpt": _excerpt(),
            "label_fr": _text(_required()),
            "label_en": _text(_required()),
            "note": _text(),
        },
        checks=[*_date_checks(), *_excerpt_checks(texts)],
        strict=True,
        ordered=True,
        name="events",
    )


def members_schema(texts: Mapping[str, str], figure_ids: list[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "id": _id("members"),
            "figure_id": _text(
                pa.Check.isin(
                    figure_ids, error="unknown figure id: it must be an id of figures.csv"
                )
            ),
            "member": _text(_required()),
            "role": _text(_one_of(MEMBER_ROLES)),
            "source_id": _text(),
            "excerpt": _excerpt(),
            "note": _text(),
        },
        checks=[*_excerpt_checks(texts)],
        strict=True,
        ordered=True,
        name="members",
    )


def claims_schema(texts: Mapping[str, str]) -> pa.DataFrameSchema:
    """What each party alleges, asks or answers: one row per claim and per source."""

    def claimant(df: pd.DataFrame) -> pd.Series:
        return df["claimant"].str.strip() != ""

    return pa.DataFrameSchema(
        {
            "id": _id("claims"),
            "proceeding": _text(_one_of(["", *PROCEEDINGS])),
            "claimant": _text(
                pa.Check(
                    lambda c: (c.str.strip() == "") | c.isin(CLAIMANTS),
                    error=f"unknown claimant: must be one of: {', '.join(CLAIMANTS)}",
                )
            ),
            "target": _text(),
            "subject": _text(pa.Check.str_matches(rf"^{SNAKE_CASE}$", error="snake_case key")),
            "stance": _text(_one_of(STANCES)),
            **_dated_columns(),
            "source_id": _text(),
            "excerpt": _excerpt(),
            "label_fr": _text(_required()),
            "label_en": _text(_required()),
            "note": _text(),
        },
        checks=[
            _row_check("claimant_given", claimant),
            *_date_checks(),
            *_excerpt_checks(texts),
        ],
        strict=True,
        ordered=True,
        name="claims",
    )


def disputes_schema(subjects: Mapping[str, list[str]]) -> pa.DataFrameSchema:
    def known(df: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [s in subjects.get(t, []) for s, t in zip(df["subject"], df["table"], strict=True)],
            index=df.index,
        )

    return pa.DataFrameSchema(
        {
            "subject": pa.Column(str, checks=[_required()], unique=True),
            "table": _text(_one_of(DISPUTE_TABLES)),
            "conflict": _text(_one_of(CONFLICTS)),
            "question_fr": _text(_required()),
            "question_en": _text(_required()),
            "note": _text(),
        },
        checks=[
            _row_check("subject_exists", known),
            _row_check("dispute_explained", lambda df: df["note"].str.strip() != ""),
        ],
        strict=True,
        ordered=True,
        name="disputes",
    )


def corrections_schema() -> pa.DataFrameSchema:
    """The corrections log: one row per changed cell (``edited``: field, old and new value), or
    per row added or removed; every row with its reason and the dataset version it shipped in."""

    def field_given(df: pd.DataFrame) -> pd.Series:
        return (df["change"] != "edited") == (df["field"].str.strip() == "")

    return pa.DataFrameSchema(
        {
            "correction_id": _id("corrections"),
            "table": _text(_one_of(CORRECTED_TABLES)),
            "row_id": _text(_required()),
            "field": _text(),
            "change": _text(_one_of(CORRECTION_CHANGES)),
            "old_value": _text(),
            "new_value": _text(),
            "reason": _text(_required()),
            "dataset_version": _text(
                pa.Check.str_matches(rf"^{SEMVER}$", error="a version such as 2.1.0")
            ),
        },
        checks=[_row_check("correction_field_given", field_given)],
        strict=True,
        ordered=True,
        name="corrections",
    )
