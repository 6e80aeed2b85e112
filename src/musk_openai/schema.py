"""The one schema of the dataset, written with pandera.

Every table is read as text (nothing coerced), checked here, and only then typed by
:mod:`musk_openai.data`. The same schemas are used by the loaders and by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .loading import (
    ASSERTORS,
    BOUNDS,
    DATE_BASES,
    DATE_PRECISIONS,
    EVENT_KINDS,
    FIGURE_KINDS,
    LANGUAGES,
    MEMBER_ROLES,
    UNITS,
    Problem,
    Table,
    date_span,
)

ID = {"sources": r"S[0-9]{3}", "figures": r"F[0-9]{2,3}", "events": r"E[0-9]{2,3}",
      "members": r"M[0-9]{2,3}"}  # fmt: skip
MAX_EXCERPT = 200

# [0-9], never \d: \d also matches other scripts' digits ("٢٠١٥").
_DATE_RE = {
    "day": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "month": r"[0-9]{4}-[0-9]{2}",
    "year": r"[0-9]{4}",
    "none": r"",
}

#: What to tell the user for each named check:
#: (column it concerns, what is wrong and how to fix it).
HINTS: dict[str, tuple[str, str]] = {
    "date_matches_precision": (
        "date",
        "the date does not match date_precision (day: YYYY-MM-DD, month: YYYY-MM, year: YYYY, "
        "none: empty); never add a day or month the text does not give",
    ),
    "date_is_real": (
        "date",
        "not a real calendar date (month 01 to 12, a day that month has, year 0001 or later)",
    ),
    "published_is_real": (  # (each hint's text must be its own: it names the check)
        "date_published",
        "not a real calendar date: the month must be 01 to 12, the day one that month has, "
        "the year 0001 or later",
    ),
    "basis_matches_date": (
        "date_basis",
        "date_basis must be 'none' exactly when the date is empty",
    ),
    "relative_date_explained": (
        "date_note",
        "a relative, publication or inferred date needs a date_note saying how it was derived",
    ),
    "value_is_positive_number": (
        "value",
        "value must be a plain positive number in the unit (e.g. 157000000000, not '157 Md')",
    ),
    "percent_at_most_100": ("value", "a percentage must be between 0 and 100"),
    "count_is_whole": ("value", "a count must be a whole number"),
    "bound_matches_excerpt": (
        "bound",
        "the bound contradicts the excerpt: « moins de » is an upper_bound, « plus de » a "
        "lower_bound, and an upper_bound or lower_bound needs those words in the excerpt",
    ),
    "excerpt_in_source": (
        "excerpt",
        "the excerpt is not a verbatim substring of the source text "
        "(mind ’ versus ' and stray spaces); copy it character for character",
    ),
    "source_exists": ("source_id", "unknown source id: add it to sources.csv first"),
    "unique_id": ("id", "duplicate id: every row needs its own stable id"),
    "subject_exists": (
        "subject",
        "no row of that table has this subject: fix the subject or the table",
    ),
}


def _row_check(name: str, fn: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    return pa.Check(fn, name=name, error=HINTS[name][1])


def _real_dates(dates: pd.Series) -> pd.Series:
    """False for a date of digits and dashes that is no real day, month or year (0000, 2024-13).

    A date of the wrong shape is reported by the check that it matches its precision.
    """
    return pd.Series(
        [date_span(d) is not None or not re.fullmatch(r"[0-9-]+", d) for d in dates],
        index=dates.index,
        dtype=bool,
    )


def _date_checks() -> list[pa.Check]:
    def matches(df: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [
                bool(re.fullmatch(_DATE_RE.get(p, r"(?!)"), d))
                for d, p in zip(df["date"], df["date_precision"], strict=True)
            ],
            index=df.index,
        )

    def real(df: pd.DataFrame) -> pd.Series:
        return _real_dates(df["date"])

    def basis(df: pd.DataFrame) -> pd.Series:
        return (df["date"] == "") == (df["date_basis"] == "none")

    def explained(df: pd.DataFrame) -> pd.Series:
        derived = df["date_basis"].isin(["relative", "publication", "inferred"])
        return ~derived | (df["date_note"].str.strip() != "")

    return [
        _row_check("date_matches_precision", matches),
        _row_check("date_is_real", real),
        _row_check("basis_matches_date", basis),
        _row_check("relative_date_explained", explained),
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
                pa.Check.str_matches(
                    r"^[0-9]{3}_[0-9a-f]{16}\.txt$", error="a file of data/sources/"
                )
            ),
            "sha256": _text(
                pa.Check.str_matches(r"^[0-9a-f]{64}$", error="the SHA-256 of the source text")
            ),
            "first_heading": _text(_required()),
            "language": _text(_one_of(LANGUAGES)),
            "date_published": _text(),
            "date_precision": _text(_one_of(DATE_PRECISIONS)),
            "date_basis": _text(_one_of(["stated", "inferred"])),
            "date_note": _text(_required()),
            "covers": _text(_required()),
            "outlets_cited": _text(),
            "publisher": _text(_required()),
            "author": _text(_required()),
        },
        checks=[
            pa.Check(
                lambda df: pd.Series(
                    [
                        bool(re.fullmatch(_DATE_RE.get(p, r"(?!)"), d)) and p != "none"
                        for d, p in zip(df["date_published"], df["date_precision"], strict=True)
                    ],
                    index=df.index,
                ),
                name="published_matches_precision",
                error="date_published must match date_precision (YYYY-MM-DD, YYYY-MM or YYYY)",
            ),
            _row_check(
                "published_is_real",
                lambda df: _real_dates(df["date_published"]),
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
        less = df["excerpt"].str.contains(r"\bmoins de\b", regex=True)
        more = df["excerpt"].str.contains(r"\bplus de\b", regex=True)
        upper = df["bound"] == "upper_bound"
        lower = df["bound"] == "lower_bound"
        return (less == upper) & (more == lower)

    def whole(df: pd.DataFrame) -> pd.Series:
        return (df["unit"] != "count") | df["value"].str.fullmatch(r"[0-9]+")

    return pa.DataFrameSchema(
        {
            "id": _id("figures"),
            "subject": _text(pa.Check.str_matches(r"^[a-z0-9_]+$", error="snake_case key")),
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
            "subject": _text(pa.Check.str_matches(r"^[a-z0-9_]+$", error="snake_case key")),
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
        },
        checks=[*_excerpt_checks(texts)],
        strict=True,
        ordered=True,
        name="members",
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
            "table": _text(_one_of(["figures", "events"])),
            "question_fr": _text(_required()),
            "question_en": _text(_required()),
            "note": _text(),
        },
        checks=[_row_check("subject_exists", known)],
        strict=True,
        ordered=True,
        name="disputes",
    )


def cross_table(tables: Mapping[str, Table]) -> dict[str, list[Problem]]:
    """The rules that tie tables together, checked once every table is valid on its own.

    A dispute needs at least two versions (rows of its table with its subject) from different
    sources or voices; every source is cited by some row; a count of named members (bound exact)
    lists exactly that many members.
    """
    out: dict[str, list[Problem]] = {name: [] for name in tables}
    disputes = tables["disputes"]
    for i, (subject, table) in enumerate(
        zip(disputes.frame["subject"], disputes.frame["table"], strict=True)
    ):
        rows = tables[table].frame
        v = rows[rows["subject"] == subject]
        if len(set(zip(v["asserted_by"], v["source_id"], strict=True))) < 2:
            out["disputes"].append(
                Problem(
                    disputes.lines[i],
                    f"{disputes.where(i)}, column 'subject': a dispute needs at least two "
                    f"versions, rows of {table}.csv with this subject from different sources or "
                    f"voices (found {len(v)}: {', '.join(v['id'])}). Add the other version, or "
                    "remove the dispute.",
                )
            )
    cited = {s for t in ("figures", "events", "members") for s in tables[t].frame["source_id"]}
    sources = tables["sources"]
    for i, sid in enumerate(sources.frame["source_id"]):
        if sid not in cited:
            out["sources"].append(
                Problem(
                    sources.lines[i],
                    f"{sources.where(i)}, column 'source_id': no row of figures.csv, events.csv "
                    "or members.csv cites this source: code its facts, or remove the source "
                    "and its text.",
                )
            )
    figures = tables["figures"]
    listed = tables["members"].frame["figure_id"].value_counts()
    df = figures.frame
    for i in range(len(df)):
        fid = df["id"].iloc[i]
        exact_count = df["unit"].iloc[i] == "count" and df["bound"].iloc[i] == "exact"
        if exact_count and fid in listed.index and float(df["value"].iloc[i]) != listed[fid]:
            out["figures"].append(
                Problem(
                    figures.lines[i],
                    f"{figures.where(i)}, column 'value': the count is {df['value'].iloc[i]} "
                    f"but members.csv lists {listed[fid]} members with figure_id {fid}: add the "
                    "missing names to members.csv, or fix the value.",
                )
            )
    return {name: problems for name, problems in out.items() if problems}
