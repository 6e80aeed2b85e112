"""Load and validate the dataset: typed pandas DataFrames, or one clear :class:`DataError`.

Notebooks call :func:`load` (or the single-table loaders) and never parse CSV themselves.
Every load reads the files (:mod:`.loading`) and types them; the slow pandera
validation (:mod:`.schema`, imported only then) is skipped when a trustworthy marker
of :mod:`.cache` says these very files passed this very code's validation.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from musk_openai import files
from musk_openai.dataset import cache, dates, loading
from musk_openai.dataset.cache import NO_CACHE_ENV as NO_CACHE_ENV
from musk_openai.dataset.loading import TABLES as TABLES
from musk_openai.dataset.loading import DataError as DataError
from musk_openai.dataset.loading import Problem, Table, rel
from musk_openai.paths import data_dir

if TYPE_CHECKING:
    import pandera.errors as pa_errors
    import pandera.pandas as pa

_FIX = "Fix the rows above in the CSV (see the data dictionary in README.md)."


@dataclass(frozen=True)
class Dataset:
    """Every table of the dataset, validated and typed, plus the source texts."""

    sources: pd.DataFrame
    figures: pd.DataFrame
    events: pd.DataFrame
    members: pd.DataFrame
    claims: pd.DataFrame
    disputes: pd.DataFrame
    texts: dict[str, str]
    folder: Path
    #: The corrections log (corrections.csv): every cell changed since the first release.
    corrections: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The public record (record.csv): facts from outside the five articles, two references each.
    record: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def version(self) -> str:
        """The dataset's version, from its ``datapackage.json`` (e.g. ``"2.0.0"``)."""
        return dataset_version(self.folder)


def _describe(table: Table, err: pa_errors.SchemaErrors) -> tuple[list[Problem], int]:
    """The first problems pandera found, in plain words, and how many there are in all."""
    from musk_openai.dataset import schema

    # pandera names a failed check by its error text; map it back to the check's name.
    by_error = {hint: name for name, (_, hint) in schema.HINTS.items()}
    fc = err.failure_cases
    found: dict[tuple[object, ...], tuple[int, int, str, str, object]] = {}
    for check, index, column, case in zip(
        fc["check"].tolist(), fc["index"].tolist(), fc["column"].tolist(),
        fc["failure_case"].tolist(), strict=True,
    ):  # fmt: skip
        check = str(check)
        name = by_error.get(check, check.split("(")[0])
        message = check
        if name in schema.HINTS:
            column, message = schema.HINTS[name]
        if name == "field_uniqueness":
            message = "duplicate value: it must be unique in the table"
        i = -1 if index is None or pd.isna(index) else int(index)
        line = table.lines[i] if i >= 0 else 0
        found.setdefault((name, i, column), (line, i, str(column), message, case))
    first = sorted(found.values(), key=lambda p: (p[0], p[2]))[: loading.MAX_PROBLEMS]
    df = table.frame
    problems = [
        Problem(0, f"{rel(table.path)}: column {column!r}: {message}")
        if i < 0  # the header is checked before pandera: should not happen
        else Problem(
            line,
            f"{table.where(i)}, column {column!r}: {message} "
            f"(found: {df[column].iloc[i] if column in df.columns else case!r})",
        )
        for line, i, column, message, case in first
    ]
    return problems, len(found)


def _validate(table: Table, sch: pa.DataFrameSchema) -> None:
    import pandera.errors as pa_errors

    try:
        sch.validate(table.frame, lazy=True)
    except pa_errors.SchemaErrors as err:
        problems, total = _describe(table, err)
        raise loading.error(f"{rel(table.path)} failed validation", problems, _FIX, total) from None


def _validate_all(root: Path, tables: Mapping[str, Table], files: Mapping[str, bytes]) -> None:
    """Every rule of the schema, table by table, then across tables; or a DataError."""
    from musk_openai.dataset import schema

    t = tables
    dataset_version(root)  # the data package names the version: a DataError without it
    _validate(t["sources"], schema.sources_schema())
    texts = loading.texts_of(root, t["sources"], files, check=True)
    _validate(t["figures"], schema.figures_schema(texts))
    _validate(t["events"], schema.events_schema(texts))
    _validate(t["members"], schema.members_schema(texts, list(t["figures"].frame["id"])))
    _validate(t["claims"], schema.claims_schema(texts))
    subjects = {name: list(t[name].frame["subject"]) for name in ("figures", "events", "claims")}
    _validate(t["disputes"], schema.disputes_schema(subjects))
    _validate(t["corrections"], schema.corrections_schema())
    _validate(t["record"], schema.record_schema())
    for name, problems in schema.cross_table(tables).items():
        raise loading.error(f"{rel(tables[name].path)} failed validation", problems, _FIX)


def _date_bounds(df: pd.DataFrame, date: str) -> pd.DataFrame:
    """Add ``date_start``/``date_end`` (the first and last day an EDTF date can mean; NaT when
    the text gives none, or for the open side of an interval) and ``date_qualifier``."""
    nat = np.datetime64("NaT", "us")
    starts: list[np.datetime64] = []
    ends: list[np.datetime64] = []
    qualifiers: list[str] = []
    for d in df[date]:
        span = dates.span(d)
        starts.append(np.datetime64(span.start, "us") if span and span.start else nat)
        ends.append(np.datetime64(span.end, "us") if span and span.end else nat)
        qualifiers.append(span.qualifier if span else "")
    df = df.copy()
    df["date_start"] = pd.Series(np.array(starts, dtype="datetime64[us]"), index=df.index)
    df["date_end"] = pd.Series(np.array(ends, dtype="datetime64[us]"), index=df.index)
    df["date_qualifier"] = pd.Series(qualifiers, index=df.index, dtype=str)
    return df


def _categorize(df: pd.DataFrame, columns: dict[str, list[str]]) -> pd.DataFrame:
    df = df.copy()
    for col, cats in columns.items():
        df[col] = pd.Categorical(df[col], categories=cats)
    return df


def _type_dated(df: pd.DataFrame, categories: dict[str, list[str]]) -> pd.DataFrame:
    df = _date_bounds(df, "date")
    return _categorize(
        df,
        {
            **categories,
            "date_precision": loading.DATE_PRECISIONS,
            "date_basis": loading.DATE_BASES,
        },
    )


def _typed(root: Path, tables: Mapping[str, Table], texts: dict[str, str]) -> Dataset:
    """The validated text tables, typed: categories, numbers, date bounds, ``contested``."""
    lo = loading
    sources = _date_bounds(tables["sources"].frame, "date_published").drop(columns="date_qualifier")
    sources = _categorize(sources, {"date_precision": lo.DATE_PRECISIONS, "language": lo.LANGUAGES})
    disputes = tables["disputes"].frame.copy()
    voiced = {"asserted_by": lo.ASSERTORS}
    figures = _type_dated(tables["figures"].frame, {"kind": lo.FIGURE_KINDS, **voiced})
    figures["value"] = figures["value"].astype("float64")
    figures = _categorize(figures, {"unit": lo.UNITS, "bound": lo.BOUNDS})
    figures["contested"] = figures["subject"].isin(
        disputes.loc[disputes["table"] == "figures", "subject"]
    )
    events = _type_dated(tables["events"].frame, {"kind": lo.EVENT_KINDS, **voiced})
    events["contested"] = events["subject"].isin(
        disputes.loc[disputes["table"] == "events", "subject"]
    )
    members = _categorize(tables["members"].frame, {"role": lo.MEMBER_ROLES})
    claims = _type_dated(tables["claims"].frame, {"claimant": lo.CLAIMANTS, "stance": lo.STANCES})
    claims["contested"] = claims["subject"].isin(
        disputes.loc[disputes["table"] == "claims", "subject"]
    )
    corrections = _categorize(tables["corrections"].frame, {"change": lo.CORRECTION_CHANGES})
    record = tables["record"].frame.copy()
    return Dataset(
        sources, figures, events, members, claims, disputes, texts, root, corrections, record
    )


def load(folder: str | os.PathLike[str] | None = None) -> Dataset:
    """Load, validate and type every table of ``folder`` (default: the project's ``data/``).

    ``folder`` defaults to ``$MUSK_OPENAI_DATA``, else the project's ``data/``. Anything wrong
    raises one :class:`DataError` that says which file, line and column, and how to fix it.
    """
    root = loading.data_root(folder)
    return _load_cached(root, files.digest(_snapshot(root)))


@lru_cache(maxsize=1)
def _code() -> str:
    """The SHA-256 of everything that decides whether a dataset is valid.

    That is this package's loader and schema, and the versions of Python, pandas, pandera and
    edtf (read from their files: importing them, or importlib.metadata, is slow).
    """
    from importlib.util import find_spec

    h = hashlib.sha256(f"{sys.version_info[:2]} pandas {pd.__version__}".encode())
    for package in ("pandera", "edtf"):
        spec = find_spec(package)
        if spec is not None and spec.origin is not None:  # its dist-info folder names its version
            site = Path(spec.origin).parent.parent
            h.update(" ".join(sorted(p.name for p in site.glob(f"{package}-*.dist-info"))).encode())
            h.update(spec.origin.encode())
    here = Path(__file__).parent
    modules = ("data.py", "schema.py", "hints.py", "crosscheck.py", "dates.py", "loading.py")
    for name in (*modules, "cache.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=8)
def _load_cached(root: Path, version: str) -> Dataset:
    snapshot = _snapshot(root)  # the bytes parsed are the bytes hashed for the marker
    tables = {t: loading.read_table(root, t, snapshot.get(f"{t}.csv")) for t in TABLES}
    key = cache.Key(data=files.digest(snapshot), loader=_code())
    validated = cache.is_validated(key)
    if not validated:
        _validate_all(root, tables, snapshot)
        cache.mark_validated(key)
    texts = loading.texts_of(root, tables["sources"], snapshot, check=False)
    return _typed(root, tables, texts)


def _snapshot(root: Path) -> dict[str, bytes]:
    """The bytes of every file under ``root``, by relative path, in a stable order."""
    try:
        return files.tree(root)
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else root
        raise DataError(
            f"{rel(where)}: cannot be read ({exc.strerror}). Check that the file is yours and "
            "readable (ls -l; chmod u+r)."
        ) from exc


def dataset_version(folder: str | os.PathLike[str] | None = None) -> str:
    """The dataset's semantic version, read from ``datapackage.json`` in the data folder."""
    import json

    path = data_dir(folder) / "datapackage.json"
    try:
        version = json.loads(path.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"{rel(path)}: no dataset version ({type(exc).__name__}). Copy it again from the "
            "project's data/ folder, or run: python -m musk_openai.dataset.package"
        ) from None
    return str(version)


def dataset_hash(folder: str | os.PathLike[str] | None = None) -> str:
    """A short SHA-256 of every file under the data folder: the dataset's version."""
    return files.digest(_snapshot(data_dir(folder)))[:12]
