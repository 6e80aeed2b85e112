"""Reading the dataset's files as text, and the words of every error the loader raises.

Nothing here imports pandera: a dataset already validated is read and typed without it. Every
message names the file, the physical line of the file where the row starts (a quoted line break
or a blank line never shifts the numbers), the column, what is wrong and how to fix it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from musk_openai import paths

# The tables, their columns and vocabularies: the one column specification (columns.py),
# re-exported for the modules that read them here.
from musk_openai.dataset import columns
from musk_openai.dataset.columns import SPEC
from musk_openai.dataset.columns import TABLES as TABLES
from musk_openai.errors import ProjectError

ASSERTORS = columns.ASSERTORS
BOUNDS = columns.BOUNDS
CLAIMANTS = columns.CLAIMANTS
CONFLICTS = columns.CONFLICTS
CORRECTED_TABLES = columns.CORRECTED_TABLES
CORRECTION_CHANGES = columns.CORRECTION_CHANGES
DATE_BASES = columns.DATE_BASES
DATE_PRECISIONS = columns.DATE_PRECISIONS
DISPUTE_TABLES = columns.DISPUTE_TABLES
EVENT_KINDS = columns.EVENT_KINDS
FIGURE_KINDS = columns.FIGURE_KINDS
LANGUAGES = columns.LANGUAGES
MEMBER_ROLES = columns.MEMBER_ROLES
PROCEEDINGS = columns.PROCEEDINGS
SOURCE_DATE_BASES = columns.SOURCE_DATE_BASES
STANCES = columns.STANCES
UNITS = columns.UNITS

#: The header line of every table, in order.
COLUMNS: dict[str, tuple[str, ...]] = {name: SPEC[name].names for name in TABLES}

#: The column that names a row in messages.
ID_COLUMN = {"sources": "source_id", "disputes": "subject", "corrections": "correction_id"}
#: A hand-coded table is a few dozen kilobytes: a file over this size is refused at once, before
#: any of its rows is checked.
MAX_TABLE_BYTES = 2_000_000
#: At most this many problems are listed in one error.
MAX_PROBLEMS = 20

#: The longest value the loader reads (the csv module's default), whatever limit other code in
#: the process has set (sqlite-utils raises it to the maximum when imported): the same table
#: gives the same answer in a kernel, in the CLI and in a test.
FIELD_LIMIT = 131_072
#: Held while the CSV reader's limit (process-wide) is set for a read.
_LIMIT = threading.Lock()
_BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_UTF8 = re.compile(r"[\udc80-\udcff]")
_QUOTING = (
    "A value that contains a comma, a double quote or a line break must be in double quotes, "
    'and a double quote inside it must be doubled ("").'
)
_UTF8_FIX = (
    "Save the file as UTF-8 (Excel: Save As > 'CSV UTF-8'; LibreOffice: Save As, "
    "'Edit filter settings', Character set 'Unicode (UTF-8)')."
)


class DataError(ProjectError):
    """A table or a source text is wrong; the message says where and how to fix it."""

    prefix = "the dataset is invalid; no notebook was run.\n"


@dataclass(frozen=True)
class Problem:
    """One thing wrong, at a physical line of a file (0: the file as a whole)."""

    line: int
    text: str


def rel(path: Path) -> str:
    """The path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def error(title: str, problems: list[Problem], fix: str, total: int | None = None) -> DataError:
    """One error listing at most :data:`MAX_PROBLEMS` problems, in line order, then the fix.

    ``total``: how many problems there are in all, when ``problems`` holds only the first ones.
    """
    n = len(problems) if total is None else total
    shown = sorted(problems, key=lambda p: p.line)[:MAX_PROBLEMS]
    body = "\n".join(f"  {p.text}" for p in shown)
    if n > len(shown):
        body += f"\n  ... and {n - len(shown)} more problems"
    return DataError(f"{title} ({n} problem{'s' if n > 1 else ''}):\n{body}\n{fix}")


def is_project_data(root: Path) -> bool:
    """Whether ``root`` is the project's own data/ (then git can restore it)."""
    return root.resolve() == (paths.PROJECT_ROOT / "data").resolve()


def restore_hint(root: Path, name: str) -> str:
    """How to get a damaged or missing file of the data folder back."""
    if is_project_data(root):
        return f"Restore it from git: git checkout -- data/{name}"
    return f"Copy it again from the project's data/ folder ({rel(root)} is a copy)."


def data_root(folder: str | os.PathLike[str] | None) -> Path:
    """The data folder to load, or a :class:`DataError` saying why it cannot be one."""
    root = paths.data_dir(folder)
    from_env = folder is None and bool(os.environ.get(paths.DATA_ENV))
    if root.is_dir() and any((root / f"{t}.csv").exists() for t in TABLES):
        return root.resolve()
    if not root.exists():
        what = "does not exist"
    elif not root.is_dir():
        what = "is a file, not a folder"
    else:
        what = (
            "is not a data folder (it has none of the tables "
            f"{', '.join(t + '.csv' for t in TABLES)})"
        )
    if from_env:
        raise DataError(
            f"{paths.DATA_ENV} points at {root}, which {what}. Unset it (unset {paths.DATA_ENV}) "
            "to use the project's data/, or set it to a copy of data/."
        )
    if is_project_data(root):
        raise DataError(
            f"The data folder {rel(root)} {what}. Restore it from git: git checkout -- data/"
        )
    raise DataError(
        f"The data folder {rel(root)} {what}. Pass the path of a copy of data/ "
        "(a folder holding sources.csv, figures.csv, events.csv, members.csv, claims.csv and "
        "disputes.csv)."
    )


@dataclass(frozen=True)
class Table:
    """One table read as text: every cell a string, and the physical line of every row."""

    name: str
    path: Path
    frame: pd.DataFrame
    lines: list[int]

    def where(self, i: int) -> str:
        """``data/x.csv, line N (id X)`` for row ``i``."""
        col = ID_COLUMN.get(self.name, "id")
        return f"{rel(self.path)}, line {self.lines[i]} ({col} {self.frame[col].iloc[i]})"


def _rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """Every non-blank row of the CSV text with the physical line where it starts."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        with _LIMIT:
            before = csv.field_size_limit(FIELD_LIMIT)
            try:
                for fields in reader:
                    if fields:  # a blank line is no row, but it still counts as a line
                        rows.append((start, fields))
                    start = reader.line_num + 1
            finally:
                csv.field_size_limit(before)
    except csv.Error as exc:
        reason = str(exc)
        if "unexpected end of data" in reason:
            reason = "a double quote opened in this row is never closed"
        elif "expected after" in reason:
            reason = "a closing double quote is followed by more text"
        elif "field larger than" in reason:
            reason = _too_long(text, start)
        raise DataError(f"{rel(path)}, line {start}: {reason}. {_QUOTING}") from None
    return rows


def _too_long(text: str, start: int) -> str:
    """Why the row at physical line ``start`` has a value over the CSV reader's limit: a value
    that is closed but too long, or a double quote never closed (the value then runs on to the
    end of the file). The rest of the file is read again with no limit, by the same reader."""
    limit = FIELD_LIMIT
    rest = "".join(text.splitlines(keepends=True)[start - 1 :])
    with _LIMIT:
        before = csv.field_size_limit(max(limit, len(rest) + 1))
        try:
            first = next(csv.reader(io.StringIO(rest, newline=""), strict=True), [])
        except csv.Error:
            first = None
        finally:
            csv.field_size_limit(before)
    longest = max(first or [""], key=len)
    if first is None or len(longest) <= limit:
        return "a double quote opened in this row is never closed"
    too_long = f"a value is too long ({len(longest):,} characters; the limit is {limit:,})"
    if "\n" in longest:  # it runs over lines, up to a double quote much further down
        return f"{too_long}: most likely a double quote that is never closed"
    return too_long


def _cell_problems(path: Path, rows: list[tuple[int, list[str]]]) -> None:
    """Bytes that are not UTF-8, and invisible control characters, cell by cell."""
    header = rows[0][1]
    found: dict[str, list[Problem]] = {"utf8": [], "control": []}
    for line, fields in rows:
        row = "the header" if line == rows[0][0] else f"{header[0]} {_label(fields[0])}"
        for j, value in enumerate(fields):
            for kind, pattern in (("utf8", _NOT_UTF8), ("control", _CONTROL)):
                m = pattern.search(value)
                if m is None:
                    continue
                at = line + value.count("\n", 0, m.start())  # the physical line of the character
                col = repr(header[j]) if j < len(header) and row != "the header" else j + 1
                code = ord(m[0]) - 0xDC00 if kind == "utf8" else ord(m[0])
                what = (
                    f"not valid UTF-8 (byte 0x{code:02X}, character {m.start() + 1})"
                    if kind == "utf8"
                    else f"an invisible control character (U+{code:04X}): delete it"
                )
                found[kind].append(
                    Problem(
                        at,
                        f"{rel(path)}, line {at} ({row}), column {col}: {what} "
                        f"(found: {_readable(value)!r})",
                    )
                )
    if found["utf8"]:
        raise error(f"{rel(path)} is not saved as UTF-8", found["utf8"], _UTF8_FIX)
    if found["control"]:
        raise error(
            f"{rel(path)} holds invisible control characters",
            found["control"],
            "Delete them: a NUL or another control character is a sign the file was damaged.",
        )


def _readable(value: str) -> str:
    """The text with each byte that is not UTF-8 shown as the replacement character."""
    return _NOT_UTF8.sub("\ufffd", value)


def _label(value: str) -> str:
    """A row's id as printable text: invisible characters spelled out (\\x00)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", _readable(value))


def _header_problems(path: Path, name: str, header: list[str]) -> list[Problem]:
    want = COLUMNS[name]
    hint = f"(the header must be: {','.join(want)})"
    out: list[Problem] = []
    for col in sorted({c for c in header if header.count(c) > 1}):
        out.append(Problem(1, f"{rel(path)}: column {col!r} appears twice {hint}"))
    for col in want:
        if col not in header:
            out.append(Problem(1, f"{rel(path)}: column {col!r} is missing {hint}"))
    for col in header:
        if col not in want:
            what = f"column {col!r}" if col.strip() else "empty column (a comma too many?)"
            out.append(Problem(1, f"{rel(path)}: unexpected {what} {hint}"))
    if not out and tuple(header) != want:
        out.append(Problem(1, f"{rel(path)}: the columns are in the wrong order {hint}"))
    return out


def read_table(root: Path, name: str, raw: bytes | None) -> Table:
    """Read ``name.csv`` from its bytes (None: not a file) into text cells, or a DataError."""
    path = root / f"{name}.csv"
    header_line = ",".join(COLUMNS[name])
    if raw is None:
        if path.is_dir():
            raise DataError(f"{rel(path)} is a folder, not a file. {restore_hint(root, path.name)}")
        raise DataError(f"{rel(path)}: file not found. {restore_hint(root, path.name)}")
    if len(raw) > MAX_TABLE_BYTES:
        raise DataError(
            f"{rel(path)} is {len(raw) / 1e6:.1f} MB: far larger than a hand-coded table of this "
            f"dataset can be (at most {MAX_TABLE_BYTES // 1_000_000} MB). "
            f"{restore_hint(root, path.name)}"
        )
    text = raw.removeprefix(_BOM)  # Excel's "CSV UTF-8" starts with one: harmless
    rows = _rows(path, text.decode("utf-8", errors="surrogateescape"))
    if not rows:
        size = "0 bytes" if not raw else "no text" if not text else "only blank lines"
        raise DataError(
            f"{rel(path)} is empty ({size}): it must at least have its header line: "
            f"{header_line}. {restore_hint(root, path.name)}"
        )
    _cell_problems(path, rows)
    header = rows[0][1]
    bad_header = _header_problems(path, name, header)
    if bad_header:
        raise error(f"{rel(path)} has a wrong header line", bad_header, "Fix the header line.")
    n = len(header)
    counts = [
        Problem(
            line,
            f"{rel(path)}, line {line}: {len(fields)} value{'s' if len(fields) > 1 else ''}, "
            f"but the header has {n} columns"
            + (": a value is missing" if len(fields) < n else ": there are commas too many"),
        )
        for line, fields in rows[1:]
        if len(fields) != n
    ]
    if counts:
        raise error(
            f"{rel(path)} has rows of the wrong length",
            counts,
            f"Every row needs exactly {n} values, empty ones included. {_QUOTING}",
        )
    if len(rows) == 1:
        raise DataError(
            f"{rel(path)}: the table is empty (a header line, no rows). Every table needs at "
            f"least one row. {restore_hint(root, path.name)}"
        )
    frame = pd.DataFrame([fields for _, fields in rows[1:]], columns=header, dtype=str)
    return Table(name, path, frame, [line for line, _ in rows[1:]])


def texts_of(
    root: Path, sources: Table, files: Mapping[str, bytes], *, check: bool
) -> dict[str, str]:
    """The source texts by source id; with ``check``, every way they can be wrong, named."""
    import hashlib

    out: dict[str, str] = {}
    problems: list[Problem] = []
    df = sources.frame
    for i, (sid, fname) in enumerate(zip(df["source_id"], df["file"], strict=True)):
        name = f"sources/{fname}"
        raw = files.get(name)
        if raw is None:
            what = "a folder, not a file" if (root / name).is_dir() else "missing"
            problems.append(
                Problem(
                    sources.lines[i],
                    f"{sources.where(i)}, column 'file': the source text {rel(root / name)} is "
                    f"{what}. Copy the article, byte for byte, into data/sources/ under that name.",
                )
            )
            continue
        if check and hashlib.sha256(raw).hexdigest() != df["sha256"].iloc[i]:
            problems.append(
                Problem(
                    sources.lines[i],
                    f"{sources.where(i)}, column 'sha256': {rel(root / name)} is not the text "
                    "that was coded (its SHA-256 differs). The source texts are immutable. "
                    f"{restore_hint(root, name)}; or record a new source.",
                )
            )
            continue
        try:
            out[sid] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            problems.append(
                Problem(sources.lines[i], f"{rel(root / name)}, line {line}: not valid UTF-8.")
            )
    if check:
        listed = {f"sources/{f}" for f in df["file"]}
        for name in sorted(files):
            stray = name.startswith("sources/") and name not in listed
            # Hidden files and folders are not the dataset's: JupyterLab, opening a source
            # text (a notebook's source link), keeps a copy in sources/.ipynb_checkpoints/.
            if stray and not any(part.startswith(".") for part in Path(name).parts):
                problems.append(
                    Problem(
                        0,
                        f"{rel(root / name)}: no row of {rel(sources.path)} lists this file: add "
                        "its row (see 'Adding a source' in README.md) or delete the file.",
                    )
                )
    if problems:
        raise error(
            f"{rel(sources.path)}: the source texts do not match",
            problems,
            "Fix the rows or the files above.",
        )
    return out
