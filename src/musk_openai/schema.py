"""The one schema of the dataset, written with pandera.

Every table is read as text (nothing coerced), checked here, and only then typed by
:mod:`musk_openai.data`. The same schemas are used by the loaders and by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pandas as pd
import pandera.pandas as pa

ID = {"sources": r"S\d{3}", "figures": r"F\d{2,3}", "events": r"E\d{2,3}", "members": r"M\d{2,3}"}
DATE_PRECISIONS = ["day", "month", "year", "none"]
DATE_BASES = ["stated", "relative", "publication", "inferred", "none"]
BOUNDS = ["exact", "approximate", "upper_bound", "lower_bound"]
UNITS = ["USD", "percent", "count"]
FIGURE_KINDS = [
    "valuation",
    "funding_round",
    "investment",
    "donation",
    "pledge",
    "lawsuit_claim",
    "stake",
    "count",
]
EVENT_KINDS = ["founding", "governance", "funding", "legal", "statement", "product", "rival"]
ASSERTORS = ["article", "Elon Musk", "OpenAI", "OpenAI employee", "Semafor", "The Verge"]
MEMBER_ROLES = ["investor", "rival"]
LANGUAGES = ["fr", "en"]
MAX_EXCERPT = 200

_DATE_RE = {
    "day": r"\d{4}-\d{2}-\d{2}",
    "month": r"\d{4}-\d{2}",
    "year": r"\d{4}",
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
    "date_is_real": ("date", "not a real calendar date"),
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
    "text_unchanged": (
        "sha256",
        "the source text's SHA-256 differs: the texts are immutable; restore the file from git",
    ),
    "source_exists": ("source_id", "unknown source id: add it to sources.csv first"),
    "unique_id": ("id", "duplicate id: every row needs its own stable id"),
}


def _row_check(name: str, fn: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    return pa.Check(fn, name=name, error=HINTS[name][1])


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
        def ok(d: str) -> bool:
            if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d):
                return True  # reported by date_matches_precision
            full = d + "-01" * (2 - d.count("-"))
            return not pd.isna(pd.to_datetime(full, format="%Y-%m-%d", errors="coerce"))

        return df["date"].map(ok).astype(bool)

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
                pa.Check.str_matches(r"^\d{3}_[0-9a-f]{16}\.txt$", error="a file of data/sources/")
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
            )
        ],
        strict=True,
        ordered=True,
        name="sources",
    )


def figures_schema(texts: Mapping[str, str]) -> pa.DataFrameSchema:
    def positive(df: pd.DataFrame) -> pd.Series:
        v = pd.to_numeric(df["value"], errors="coerce")
        return v.notna() & (v > 0) & df["value"].str.fullmatch(r"\d+(\.\d+)?")

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
        return (df["unit"] != "count") | df["value"].str.fullmatch(r"\d+")

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
            "subject": pa.Column(str, unique=True),
            "table": _text(_one_of(["figures", "events"])),
            "question_fr": _text(_required()),
            "question_en": _text(_required()),
            "note": _text(),
        },
        checks=[
            pa.Check(
                known,
                name="subject_exists",
                error="no row of that table has this subject: fix the subject or the table",
            )
        ],
        strict=True,
        ordered=True,
        name="disputes",
    )
