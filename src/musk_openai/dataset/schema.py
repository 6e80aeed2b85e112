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
from musk_openai.dataset.columns import (
    CLAIMANTS,
    SPEC,
    Column,
)
from musk_openai.dataset.crosscheck import cross_table as cross_table
from musk_openai.dataset.hints import HINTS as HINTS

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


def _column(spec: Column) -> pa.Column:
    """The pandera column of a column's specification (:mod:`.columns`): its vocabulary, its
    pattern, its length, not empty when required; a column whose value must agree with another
    column or table (``row_rules``) is checked by the table's rules instead."""
    checks: list[pa.Check] = []
    if spec.row_rules:
        pass
    elif spec.enum is not None:
        checks.append(_one_of(spec.enum if spec.required else ["", *spec.enum]))
    elif spec.pattern is not None and spec.pattern_error is not None:
        pattern = spec.pattern if spec.required else f"(?:{spec.pattern})?"
        checks.append(pa.Check.str_matches(rf"^{pattern}$", error=spec.pattern_error))
    elif spec.required:
        checks.append(_required())
    if spec.max_length is not None:
        checks.append(
            pa.Check(
                lambda s: s.str.len() <= spec.max_length,
                name="excerpt_length",
                error=f"an excerpt is at most {spec.max_length} characters",
            )
        )
    return pa.Column(str, checks=checks, unique=spec.unique)


def _columns(table: str, **special: pa.Column) -> dict[str, pa.Column]:
    """Every column of ``table``, in order, from its specification; ``special`` for the few
    whose check depends on the other tables."""
    return {c.name: special.get(c.name) or _column(c) for c in SPEC[table].columns}


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


def sources_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        _columns("sources"),
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
        _columns("figures"),
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
        _columns("events"),
        checks=[*_date_checks(), *_excerpt_checks(texts)],
        strict=True,
        ordered=True,
        name="events",
    )


def members_schema(texts: Mapping[str, str], figure_ids: list[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        _columns(
            "members",
            figure_id=_text(
                pa.Check.isin(
                    figure_ids, error="unknown figure id: it must be an id of figures.csv"
                )
            ),
        ),
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
        _columns(
            "claims",
            claimant=_text(
                pa.Check(
                    lambda c: (c.str.strip() == "") | c.isin(CLAIMANTS),
                    error=f"unknown claimant: must be one of: {', '.join(CLAIMANTS)}",
                )
            ),
        ),
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
        _columns("disputes"),
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
        _columns("corrections"),
        checks=[_row_check("correction_field_given", field_given)],
        strict=True,
        ordered=True,
        name="corrections",
    )


def record_schema() -> pa.DataFrameSchema:
    """The public record: a date only for a day (precision ``day``), two references from two
    publishers."""

    def dated(df: pd.DataFrame) -> pd.Series:
        return (df["date"].str.strip() != "") == (df["date_precision"] == "day")

    def independent(df: pd.DataFrame) -> pd.Series:
        return (df["ref1_publisher"] != df["ref2_publisher"]) & (
            df["ref1_url"].str.extract(r"https://([^/]+)")[0]
            != df["ref2_url"].str.extract(r"https://([^/]+)")[0]
        )

    return pa.DataFrameSchema(
        _columns("record"),
        checks=[
            _row_check("record_date_matches_precision", dated),
            _row_check("record_references_independent", independent),
        ],
        strict=True,
        ordered=True,
        name="record",
    )
