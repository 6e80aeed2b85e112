"""The rules that tie tables together, checked once every table is valid on its own.

A dispute needs at least two versions (rows of its table with its subject) from different sources
or voices, and versions that cannot all be true: for a dispute about a date (``conflict = date``),
two dated versions whose intervals do not overlap; about an amount (``value``), two amounts whose
ranges cannot both hold. A dispute about what happened (``content``) is explained by its note.
Every source is cited by some row; a count of named members (bound exact) lists exactly that many.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from itertools import combinations

import pandas as pd

from musk_openai.dataset import dates, loading
from musk_openai.dataset.loading import Problem, Table

#: The column that says who asserts a row, by table.
VOICE = {"figures": "asserted_by", "events": "asserted_by", "claims": "claimant"}
_FAR = (dt.date.min, dt.date.max)


def _dates_clash(rows: pd.DataFrame) -> bool:
    """Two dated versions whose intervals (open sides: unbounded) share no day."""
    spans = []
    for d in rows["date"]:
        s = dates.span(d)
        if s is not None and s.precision != "none":
            spans.append((s.start or _FAR[0], s.end or _FAR[1]))
    return any(a[1] < b[0] or b[1] < a[0] for a, b in combinations(spans, 2))


def _range(value: float, bound: str) -> tuple[float, float, bool]:
    """The amounts a figure allows: (low, high, whether the ends themselves are excluded)."""
    if bound == "exact":
        return value, value, False
    if bound == "upper_bound":
        return -math.inf, value, True
    if bound == "lower_bound":
        return value, math.inf, True
    return -math.inf, math.inf, False  # « une centaine »: how far off, the text does not say


def _values_clash(rows: pd.DataFrame) -> bool:
    """Two amounts, in one unit, whose ranges cannot both hold (100 million vs under 45)."""
    got = [
        (u, _range(float(v), b))
        for u, v, b in zip(rows["unit"], rows["value"], rows["bound"], strict=True)
    ]
    for (u1, (lo1, hi1, open1)), (u2, (lo2, hi2, open2)) in combinations(got, 2):
        if u1 != u2:
            continue
        strict = open1 or open2
        if hi1 < lo2 or hi2 < lo1 or (strict and (hi1 == lo2 or hi2 == lo1)):
            return True
    return False


def _dispute_problems(tables: Mapping[str, Table]) -> list[Problem]:
    out: list[Problem] = []
    disputes = tables["disputes"]
    df = disputes.frame
    for i, (subject, table, conflict) in enumerate(
        zip(df["subject"], df["table"], df["conflict"], strict=True)
    ):
        rows = tables[table].frame
        v = rows[rows["subject"] == subject]
        where = f"{disputes.where(i)}, column"
        if len(set(zip(v[VOICE[table]], v["source_id"], strict=True))) < 2:
            out.append(
                Problem(
                    disputes.lines[i],
                    f"{where} 'subject': a dispute needs at least two versions, rows of "
                    f"{table}.csv with this subject from different sources or voices (found "
                    f"{len(v)}: {', '.join(v['id'])}). Add the other version, or remove the "
                    "dispute.",
                )
            )
        elif conflict == "date" and not _dates_clash(v):
            out.append(
                Problem(
                    disputes.lines[i],
                    f"{where} 'conflict': the versions' dates can all be true (every two dated "
                    f"versions of {', '.join(v['id'])} overlap): that is agreement or "
                    "imprecision, not a dispute. Remove the dispute, or fix a date.",
                )
            )
        elif conflict == "value" and (table != "figures" or not _values_clash(v)):
            out.append(
                Problem(
                    disputes.lines[i],
                    f"{where} 'conflict': no two amounts of {', '.join(v['id'])} exclude each "
                    "other (a value dispute is about figures.csv, and needs e.g. 100 million "
                    "against « moins de 45 millions »). Remove the dispute, or say why in "
                    "conflict = content.",
                )
            )
    return out


def _correction_problems(tables: Mapping[str, Table]) -> list[Problem]:
    """A correction names a row that exists (edited, added) or is gone (removed), and a column of
    its table; the last edit of a cell holds the cell's current value."""
    log = tables["corrections"]
    out: list[Problem] = []
    current: dict[tuple[str, str, str], tuple[int, str]] = {}
    for i, r in enumerate(log.frame.itertuples(index=False)):
        table = tables.get(str(r.table))
        if table is None:
            continue
        key = loading.ID_COLUMN.get(str(r.table), "id")
        rows = table.frame.set_index(key)
        where = f"{log.where(i)}, column"
        exists = r.row_id in rows.index
        if r.change == "removed" and exists:
            out.append(
                Problem(
                    log.lines[i],
                    f"{where} 'row_id': {r.row_id} is listed as "
                    f"removed but is still in {r.table}.csv.",
                )
            )
        elif r.change != "removed" and not exists:
            out.append(
                Problem(
                    log.lines[i],
                    f"{where} 'row_id': no row {r.row_id} in "
                    f"{r.table}.csv: fix the id, or mark the row removed.",
                )
            )
        elif r.change == "edited" and r.field not in rows.columns:
            out.append(
                Problem(
                    log.lines[i], f"{where} 'field': {r.field!r} is not a column of {r.table}.csv."
                )
            )
        elif r.change == "edited":
            current[(str(r.table), str(r.row_id), str(r.field))] = (i, str(r.new_value))
    for (t, rid, col), (i, new) in current.items():
        now = str(tables[t].frame.set_index(loading.ID_COLUMN.get(t, "id")).at[rid, col])
        if now != new:
            out.append(
                Problem(
                    log.lines[i],
                    f"{log.where(i)}, column 'new_value': {t}.csv "
                    f"{rid} {col} is now {now!r}, not the logged {new!r}: log the "
                    "later change as a correction of its own.",
                )
            )
    return out


def _record_problems(tables: Mapping[str, Table]) -> list[Problem]:
    """Every press row a fact of the record settles exists, and is about the same fact."""
    record = tables["record"]
    subjects = {
        rid: subject
        for name in ("figures", "events", "claims")
        for rid, subject in zip(
            tables[name].frame["id"], tables[name].frame["subject"], strict=True
        )
    }
    out: list[Problem] = []
    for i, r in enumerate(record.frame.itertuples(index=False)):
        for rid in (x.strip() for x in str(r.settles).split(";")):
            if subjects.get(rid) != r.fact:
                what = "no such row" if rid not in subjects else f"its subject is {subjects[rid]}"
                out.append(
                    Problem(
                        record.lines[i],
                        f"{record.where(i)}, column 'settles': {rid!r}: {what}; a fact of the "
                        f"record settles rows of figures, events or claims about {r.fact}.",
                    )
                )
    return out


def cross_table(tables: Mapping[str, Table]) -> dict[str, list[Problem]]:
    """Every problem across tables, by table (only tables with problems)."""
    out: dict[str, list[Problem]] = {name: [] for name in tables}
    out["disputes"] += _dispute_problems(tables)
    if "corrections" in tables:
        out["corrections"] += _correction_problems(tables)
    if "record" in tables:
        out["record"] += _record_problems(tables)
    cited = {
        s for t in ("figures", "events", "members", "claims") for s in tables[t].frame["source_id"]
    }
    sources = tables["sources"]
    for i, sid in enumerate(sources.frame["source_id"]):
        if sid not in cited:
            out["sources"].append(
                Problem(
                    sources.lines[i],
                    f"{sources.where(i)}, column 'source_id': no row of figures.csv, events.csv, "
                    "members.csv or claims.csv cites this source: code its facts, or remove the "
                    "source and its text.",
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
