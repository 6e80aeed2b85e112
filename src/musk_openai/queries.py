"""The questions the notebooks ask of the dataset, answered with the rows that support them."""

from __future__ import annotations

import pandas as pd

from .data import Dataset

#: Columns that show where a row comes from.
PROVENANCE = ["asserted_by", "source_id", "excerpt"]


def versions(ds: Dataset, subject: str) -> pd.DataFrame:
    """Every version of one figure or event, one row per assertor and source, never merged."""
    table = "figures" if subject in set(ds.figures["subject"]) else "events"
    df: pd.DataFrame = getattr(ds, table)
    rows = df[df["subject"] == subject]
    if rows.empty:
        known = sorted(set(ds.figures["subject"]) | set(ds.events["subject"]))
        raise KeyError(f"unknown subject {subject!r}; known subjects: {', '.join(known)}")
    return rows.reset_index(drop=True)


def contested(ds: Dataset) -> pd.DataFrame:
    """All versions of every disputed figure and event, with the dispute's question."""
    parts = []
    for d in ds.disputes.itertuples(index=False):
        v = versions(ds, str(d.subject)).copy()
        v.insert(0, "question_en", str(d.question_en))
        v.insert(0, "question_fr", str(d.question_fr))
        v.insert(0, "table", str(d.table))
        parts.append(v)
    return pd.concat(parts, ignore_index=True)


def musk_contribution(ds: Dataset) -> pd.DataFrame:
    """How much Musk gave, according to each party: value, bound, assertor and source."""
    cols = ["id", "value", "bound", "asserted_by", "source_id", "excerpt", "label_fr", "label_en"]
    return versions(ds, "musk_contribution")[cols]


def valuations(ds: Dataset) -> pd.DataFrame:
    """OpenAI's valuations in the order the text gives them (an undated 'previous' first)."""
    v = ds.figures[ds.figures["kind"] == "valuation"].copy()
    v["order"] = v["date_start"].rank(method="first", na_option="top")
    return v.sort_values("order").drop(columns="order").reset_index(drop=True)


def valuation_multiple(ds: Dataset) -> float:
    """How many times the valuation grew from the previous one to the October 2024 one."""
    v = valuations(ds)
    return float(v["value"].iloc[-1] / v["value"].iloc[0])


def money_by_payer(ds: Dataset) -> pd.DataFrame:
    """Money paid or pledged to OpenAI, one row per figure, with its payer and bound."""
    money = ds.figures[
        (ds.figures["unit"] == "USD")
        & ds.figures["kind"].isin(["donation", "investment", "funding_round", "pledge"])
    ]
    return money.sort_values(["payer", "date_start", "id"]).reset_index(drop=True)


def microsoft_investments(ds: Dataset) -> pd.DataFrame:
    """What Microsoft invested and when (with each date's precision and how it was derived)."""
    f = ds.figures
    return f[(f["payer"] == "Microsoft") & (f["kind"] == "investment")].reset_index(drop=True)


def timeline(ds: Dataset, *, dated_only: bool = True) -> pd.DataFrame:
    """One row per event subject and date: the sources that report it are joined.

    Versions that disagree on the date stay separate rows (a contested event keeps each
    version); agreeing reports of the same event on the same date are one row listing all
    their sources. The most precise date wins among agreeing reports.
    """
    ev = ds.events.copy()
    if dated_only:
        ev = ev[ev["date_precision"] != "none"]
    rank = {"day": 0, "month": 1, "year": 2, "none": 3}
    ev["_rank"] = ev["date_precision"].astype(str).map(rank)
    ev["_year"] = ev["date"].str[:4]
    ev = ev.sort_values(["subject", "_year", "_rank", "id"])
    grouped = ev.groupby(["subject", "_year"], sort=False, dropna=False)
    first = grouped.head(1).set_index(["subject", "_year"])
    first["source_ids"] = grouped["source_id"].agg(lambda s: ", ".join(sorted(set(s))))
    first["event_ids"] = grouped["id"].agg(lambda s: ", ".join(s))
    out = first.reset_index().drop(columns=["_rank", "_year"])
    return out.sort_values(["date_start", "id"], na_position="last").reset_index(drop=True)


def lawsuit_steps(ds: Dataset) -> pd.DataFrame:
    """The lawsuit: filed, dropped, refiled, with every source's dating of each step."""
    ev = ds.events
    steps = ["lawsuit_filed", "lawsuit_dropped", "lawsuit_refiled"]
    rows = ev[ev["subject"].isin(steps)].copy()
    rows["step"] = pd.Categorical(rows["subject"], categories=steps, ordered=True)
    cols = ["step", "id", "date", "date_precision", "date_basis", "date_note"] + PROVENANCE
    return rows.sort_values(["step", "date_precision", "id"])[cols].reset_index(drop=True)


def facts_per_source(ds: Dataset) -> pd.DataFrame:
    """How many rows of each kind every source supports (figures, events and members)."""
    f = ds.figures.assign(table="figures", kind=ds.figures["kind"].astype(str))
    e = ds.events.assign(table="events", kind=ds.events["kind"].astype(str))
    m = ds.members.assign(table="members", kind=ds.members["role"].astype(str))
    allrows = pd.concat([x[["table", "kind", "source_id"]] for x in (f, e, m)])
    return allrows.groupby(["source_id", "table", "kind"]).size().rename("rows").reset_index()


def musk_share(ds: Dataset) -> pd.DataFrame:
    """Musk's share of the non-profit's donations, by each version of his contribution.

    The only figure for the other donors is OpenAI's "plus de 90 millions" (a lower bound), so
    every share here is an upper bound: Musk's part was at most this much.
    """
    others = ds.figures[ds.figures["subject"] == "other_donors_contribution"].iloc[0]
    v = musk_contribution(ds).copy()
    v["others_at_least"] = others["value"]
    v["others_source_id"] = others["source_id"]
    v["share_at_most"] = v["value"] / (v["value"] + others["value"])
    return v
