"""Load and validate the dataset: typed pandas DataFrames, or one clear :class:`DataError`.

Notebooks call :func:`load` (or the single-table loaders) and never parse CSV themselves.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from pandas.api.typing import NaTType

from .paths import data_dir

if TYPE_CHECKING:
    import pandera.errors as pa_errors
    import pandera.pandas as pa

# pandera (and the schema built on it) is imported only when a table is validated: a dataset
# already validated by this very code is read back from the cache (see _cache_file), which
# saves every notebook kernel of a report the import and the validation.

TABLES = ("sources", "figures", "events", "members", "disputes")
_ID_COLUMN = {"sources": "source_id", "disputes": "subject"}


class DataError(ValueError):
    """A table or a source text is wrong; the message says where and how to fix it."""


@dataclass(frozen=True)
class Dataset:
    """Every table of the dataset, validated and typed, plus the source texts."""

    sources: pd.DataFrame
    figures: pd.DataFrame
    events: pd.DataFrame
    members: pd.DataFrame
    disputes: pd.DataFrame
    texts: dict[str, str]
    folder: Path

    def excerpt_of(self, table: str, row_id: str) -> str:
        """The verbatim excerpt of one row of ``figures``, ``events`` or ``members``."""
        df: pd.DataFrame = getattr(self, table)
        return str(df.loc[df["id"] == row_id, "excerpt"].iloc[0])


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_csv(path: Path) -> pd.DataFrame:
    """Read a table as text: no type guessing, no NA guessing, nothing dropped."""
    if not path.is_file():
        raise DataError(
            f"{_rel(path)}: file not found. Restore it from git (git checkout -- data/)."
        )
    try:
        df = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8",
            on_bad_lines="error",
        )
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{_rel(path)}: not valid UTF-8 ({exc.reason} at byte {exc.start})."
        ) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(
            f"{_rel(path)}: not a well-formed CSV table: {exc}. "
            "Check the quoting and the number of commas on that line."
        ) from exc
    return df


def _describe(path: Path, table: str, df: pd.DataFrame, err: pa_errors.SchemaErrors) -> str:
    from . import schema

    # pandera names a failed check by its error text; map it back to the check's name.
    by_error = {hint: name for name, (_, hint) in schema.HINTS.items()}
    fc = err.failure_cases
    lines: list[tuple[int, str]] = []
    seen: set[tuple[object, ...]] = set()
    id_col = _ID_COLUMN.get(table, "id")
    for rec in fc.to_dict("records"):
        check = str(rec.get("check"))
        index = rec.get("index")
        column = rec.get("column")
        name = by_error.get(check, check.split("(")[0])
        message = check
        if name in schema.HINTS:
            column, message = schema.HINTS[name]
        if name == "field_uniqueness":
            message = "duplicate value: it must be unique in the table"
        key = (name, index, column)
        if key in seen:
            continue
        seen.add(key)
        if index is None or pd.isna(index):
            lines.append(
                (0, f"  {_rel(path)}: column {column!r}: {message} ({rec.get('failure_case')})")
            )
            continue
        i = int(index)
        row_id = df.iloc[i][id_col] if id_col in df.columns else "?"
        found = df.iloc[i][column] if column in df.columns else rec.get("failure_case")
        lines.append(
            (
                i + 2,
                f"  {_rel(path)}, line {i + 2} ({id_col} {row_id}), column {column!r}: "
                f"{message} (found: {found!r})",
            )
        )
    return "\n".join(text for _, text in sorted(lines))


def _validate(path: Path, table: str, df: pd.DataFrame, sch: pa.DataFrameSchema) -> pd.DataFrame:
    import pandera.errors as pa_errors

    try:
        return sch.validate(df, lazy=True)
    except pa_errors.SchemaErrors as err:
        detail = _describe(path, table, df, err)
        n = detail.count("\n") + 1
        raise DataError(
            f"{_rel(path)} failed validation ({n} problem{'s' if n > 1 else ''}):\n{detail}\n"
            "Fix the rows above in the CSV (see the data dictionary in README.md)."
        ) from None


def _date_bounds(df: pd.DataFrame, date: str, precision: str) -> pd.DataFrame:
    """Add ``date_start``/``date_end``: the first and last day a partial date can mean."""
    starts: list[pd.Timestamp | NaTType] = []
    ends: list[pd.Timestamp | NaTType] = []
    for d, p in zip(df[date], df[precision], strict=True):
        if p == "none" or not d:
            starts.append(pd.NaT)
            ends.append(pd.NaT)
            continue
        period = pd.Period(d, freq={"day": "D", "month": "M", "year": "Y"}[p])
        starts.append(period.start_time.normalize())
        ends.append(period.end_time.normalize())
    df = df.copy()
    df["date_start"] = pd.to_datetime(pd.Series(starts, index=df.index, dtype="object"))
    df["date_end"] = pd.to_datetime(pd.Series(ends, index=df.index, dtype="object"))
    return df


def _categorize(df: pd.DataFrame, columns: dict[str, list[str]]) -> pd.DataFrame:
    df = df.copy()
    for col, cats in columns.items():
        df[col] = pd.Categorical(df[col], categories=cats)
    return df


def _type_dated(df: pd.DataFrame, kinds: list[str]) -> pd.DataFrame:
    from . import schema

    df = _date_bounds(df, "date", "date_precision")
    return _categorize(
        df,
        {
            "kind": kinds,
            "date_precision": schema.DATE_PRECISIONS,
            "date_basis": schema.DATE_BASES,
            "asserted_by": schema.ASSERTORS,
        },
    )


def _read_texts(path: Path, sources: pd.DataFrame) -> dict[str, str]:
    texts: dict[str, str] = {}
    for i, (sid, fname) in enumerate(zip(sources["source_id"], sources["file"], strict=True)):
        text_path = path.parent / "sources" / fname
        if not text_path.is_file():
            raise DataError(
                f"{_rel(path)}, line {i + 2} (source_id {sid}), column 'file': "
                f"the source text {_rel(text_path)} is missing. Copy the article, byte for byte, "
                "into data/sources/ under that name."
            )
        raw = text_path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != sources["sha256"].iloc[i]:
            raise DataError(
                f"{_rel(path)}, line {i + 2} (source_id {sid}), column 'sha256': "
                f"{_rel(text_path)} is not the text that was coded (its SHA-256 differs). "
                "The source texts are immutable: restore the file from git, or record a new source."
            )
        try:
            texts[sid] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"{_rel(text_path)}: not valid UTF-8 ({exc.reason}).") from exc
    return texts


def load(folder: str | os.PathLike[str] | None = None) -> Dataset:
    """Load, validate and type every table of ``folder`` (default: the project's ``data/``)."""
    root = data_dir(folder).resolve()
    return _load_cached(root, dataset_hash(root))


#: Set this environment variable (to anything) to always validate, never read the cache.
NO_CACHE_ENV = "MUSK_OPENAI_NO_CACHE"


def _cache_file(root: Path, version: str) -> Path | None:
    """Where a validated copy of this exact dataset, checked by this exact code, is kept.

    The name holds the hash of every data file, of the folder's path, of the loader and schema
    source, and the pandas version: any change to any of them means a new validation.
    """
    if os.environ.get(NO_CACHE_ENV):
        return None
    here = Path(__file__).parent
    code = hashlib.sha256(str(root).encode() + pd.__version__.encode())
    for name in ("data.py", "schema.py"):
        code.update((here / name).read_bytes())
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "musk-openai"
    return base / f"dataset-{version}-{code.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=8)
def _load_cached(root: Path, version: str) -> Dataset:
    cache = _cache_file(root, version)
    if cache is not None and cache.is_file():
        try:
            with cache.open("rb") as f:
                ds = pickle.load(f)
            if isinstance(ds, Dataset):
                return ds
        except Exception:  # a damaged or foreign cache file: validate again
            pass
    ds = _load_validated(root)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(ds, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache)
        except OSError:  # a read-only home: no cache, same result
            pass
    return ds


def _load_validated(root: Path) -> Dataset:
    from . import schema

    p = {t: root / f"{t}.csv" for t in TABLES}
    sources = _validate(p["sources"], "sources", _read_csv(p["sources"]), schema.sources_schema())
    texts = _read_texts(p["sources"], sources)
    figures = _validate(
        p["figures"], "figures", _read_csv(p["figures"]), schema.figures_schema(texts)
    )
    events = _validate(p["events"], "events", _read_csv(p["events"]), schema.events_schema(texts))
    members = _validate(
        p["members"],
        "members",
        _read_csv(p["members"]),
        schema.members_schema(texts, list(figures["id"])),
    )
    subjects = {"figures": list(figures["subject"]), "events": list(events["subject"])}
    disputes = _validate(
        p["disputes"], "disputes", _read_csv(p["disputes"]), schema.disputes_schema(subjects)
    )

    sources = _date_bounds(sources, "date_published", "date_precision")
    sources = _categorize(
        sources, {"date_precision": schema.DATE_PRECISIONS, "language": schema.LANGUAGES}
    )
    figures = _type_dated(figures, schema.FIGURE_KINDS)
    figures["value"] = figures["value"].astype("float64")
    figures = _categorize(figures, {"unit": schema.UNITS, "bound": schema.BOUNDS})
    figures["contested"] = figures["subject"].isin(
        disputes.loc[disputes["table"] == "figures", "subject"]
    )
    events = _type_dated(events, schema.EVENT_KINDS)
    events["contested"] = events["subject"].isin(
        disputes.loc[disputes["table"] == "events", "subject"]
    )
    members = _categorize(members, {"role": schema.MEMBER_ROLES})
    return Dataset(sources, figures, events, members, disputes, texts, root)


def dataset_hash(folder: str | os.PathLike[str] | None = None) -> str:
    """A short SHA-256 of every file under the data folder: the dataset's version."""
    root = data_dir(folder)
    h = hashlib.sha256()
    for f in sorted(x for x in root.rglob("*") if x.is_file()):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def load_sources(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    return load(folder).sources


def load_figures(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    return load(folder).figures


def load_events(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    return load(folder).events
