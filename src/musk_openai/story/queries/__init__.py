"""The questions the notebooks ask of the dataset, answered with the rows that support them.

The second half holds the rows of each chart: one function per chart returns the exact DataFrame
the chart draws, in drawing order, with its labels in the reader's language (a label drawn on
several lines has them joined on one line in the CSV), which is also the CSV saved beside the chart.
Sorting, lanes, the timeline's window and the heatmap's grid are decided here, not in charts/.
"""

from __future__ import annotations

import pandas as pd

from musk_openai.dataset import dates
from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n
from musk_openai.story.params import DEFAULTS, LANGS, check_window
from musk_openai.story.queries.parties import EVENT_PARTY as EVENT_PARTY
from musk_openai.story.queries.parties import PARTIES, assertor_party, event_party

#: Columns that show where a row comes from.
PROVENANCE = ["asserted_by", "source_id", "excerpt"]
#: The columns of a figures row that a chart's CSV keeps (what was drawn, and its source).
FIGURE_COLUMNS = ["id", "subject", "kind", "payer", "value", "unit", "bound", "date",
                  "date_precision", "asserted_by", "source_id", "excerpt"]  # fmt: skip


def versions(ds: Dataset, subject: str, table: str | None = None) -> pd.DataFrame:
    """Every version of one figure, event or claim, one row per assertor and source, never merged.

    ``table``: ``figures``, ``events`` or ``claims``; by default the first that has the subject.
    """
    tables = [table] if table else ["figures", "events", "claims"]
    for name in tables:
        df: pd.DataFrame = getattr(ds, name)
        rows = df[df["subject"] == subject]
        if not rows.empty:
            return rows.reset_index(drop=True)
    known = sorted({s for name in tables for s in getattr(ds, name)["subject"]})
    raise KeyError(f"unknown subject {subject!r}; known subjects: {', '.join(known)}")


def contested(ds: Dataset) -> pd.DataFrame:
    """All versions of every dispute, with the dispute's question, conflict and note."""
    parts = []
    for d in ds.disputes.itertuples(index=False):
        v = versions(ds, str(d.subject), str(d.table)).copy()
        if "claimant" in v.columns:  # a claim's voice, under the name the other tables use
            v["asserted_by"] = v["claimant"].astype(str)
        v.insert(0, "dispute_note", str(d.note))
        v.insert(0, "conflict", str(d.conflict))
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


def funding_round(ds: Dataset) -> pd.Series:
    """The October 2024 round: the money raised at the 157 billion valuation."""
    return ds.figures[ds.figures["kind"] == "funding_round"].iloc[0]


def valuation_multiple(ds: Dataset) -> float:
    """How many times the valuation grew from the previous one to the October 2024 one."""
    v = valuations(ds)
    return float(v["value"].iloc[-1] / v["value"].iloc[0])


def money_by_payer(ds: Dataset) -> pd.DataFrame:
    """Money paid or pledged to OpenAI, one row per figure, with its payer and bound."""
    money = ds.figures[
        (ds.figures["unit"] == "USD")
        & ds.figures["kind"].isin(
            ["donation", "contribution", "investment", "funding_round", "pledge"]
        )
    ]
    return money.sort_values(["payer", "date_start", "id"]).reset_index(drop=True)


def microsoft_investments(ds: Dataset) -> pd.DataFrame:
    """What Microsoft invested and when (with each date's precision and how it was derived)."""
    f = ds.figures
    return f[(f["payer"] == "Microsoft") & (f["kind"] == "investment")].reset_index(drop=True)


def timeline(ds: Dataset, *, dated_only: bool = True) -> pd.DataFrame:
    """One row per event subject and date: the sources that report it are joined.

    Only reports that give the very same date (the same EDTF text) are merged: a month and a
    window of days, or a stated and an uncertain year, stay separate rows, each with its own
    sources. ``dated_only``: keep only events with a first and a last day (an open interval,
    "on or before March 2023", cannot be drawn on a time axis).
    """
    ev = ds.events.copy()
    if dated_only:
        ev = ev[ev["date_start"].notna() & ev["date_end"].notna()]
    ev = ev.sort_values(["subject", "date", "id"])
    # Reports that agree on the date but word the event differently keep a label they all
    # support (texts.toml, [subject]); without one, they stay apart.
    neutral = i18n.texts().get("subject", {})
    differs = ev.groupby(["subject", "date"])["label_en"].transform("nunique") > 1
    merged = differs & ev["subject"].isin(list(neutral))
    ev["_wording"] = ev["label_en"].where(differs & ~merged, "")
    grouped = ev.groupby(["subject", "date", "_wording"], sort=False, dropna=False)
    first = grouped.head(1).set_index(["subject", "date", "_wording"])
    first["source_ids"] = grouped["source_id"].agg(lambda s: ", ".join(sorted(set(s))))
    first["event_ids"] = grouped["id"].agg(lambda s: ", ".join(s))
    first = first.reset_index()
    keys = set(zip(ev.loc[merged, "subject"], ev.loc[merged, "date"], strict=True))
    relabel = [k in keys for k in zip(first["subject"], first["date"], strict=True)]
    for lang in LANGS:
        first.loc[relabel, f"label_{lang}"] = [
            i18n.t(f"subject.{s}", lang) for s in first.loc[relabel, "subject"]
        ]
    ev = ev.drop(columns="_wording")
    out = first[list(ev.columns) + ["source_ids", "event_ids"]]
    return out.sort_values(["date_start", "date_end", "id"], na_position="last").reset_index(
        drop=True
    )


def facts_per_source(ds: Dataset) -> pd.DataFrame:
    """How many rows of each kind every source supports (figures, events, members and claims;
    a claim's kind is ``claim``, whatever its stance)."""
    f = ds.figures.assign(table="figures", kind=ds.figures["kind"].astype(str))
    e = ds.events.assign(table="events", kind=ds.events["kind"].astype(str))
    m = ds.members.assign(table="members", kind=ds.members["role"].astype(str))
    c = ds.claims.assign(table="claims", kind="claim")
    allrows = pd.concat([x[["table", "kind", "source_id"]] for x in (f, e, m, c)])
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


def publication(ds: Dataset, source_id: str) -> tuple[str, str]:
    """When a source was published: its date and that date's precision."""
    row = ds.sources.set_index("source_id").loc[source_id]
    return str(row["date_published"]), str(row["date_precision"])


# --- the rows each chart draws ------------------------------------------------------------------


def valuation_bars(ds: Dataset, lang: str) -> pd.DataFrame:
    """01: the previous valuation, the money raised in October 2024, the valuation after."""
    v = valuations(ds)
    rows = pd.DataFrame([v.iloc[0], funding_round(ds), v.iloc[-1]])
    drawn = rows[FIGURE_COLUMNS].copy()
    drawn["label"] = [
        i18n.t(f"chart.valuation.{bar}", lang) for bar in ("previous", "raised", "after")
    ]
    drawn["multiple_after_over_before"] = round(valuation_multiple(ds), 4)
    return drawn.reset_index(drop=True)


def when(date: str, lang: str) -> str:
    """An EDTF date of the dataset in the reader's language ('2019 ou 2020', 'au plus tard en
    mars 2023', '2018 (incertain)'...: :func:`i18n.date`); an empty date is ``date.none``."""
    span = dates.span(date)
    return i18n.date(date, span.precision if span else "none", lang)


def _lane(row: pd.Series, lang: str) -> str:
    """The label of one line of the funding chart (its payer is the group's heading): what the
    money is and when; then who says so, in which article."""
    name = i18n.kind(str(row["kind"]), lang)
    if row["date_precision"] != "none":
        date = when(str(row["date"]), lang)
        if row["date_basis"] == "publication":  # what had been paid by the article's date
            date = i18n.t("chart.funding.as_of", lang, date=date)
        name = f"{name}, {date}"
    return f"{name}\n{according_in(row['asserted_by'], row['source_id'], lang)}"


#: The funding chart's order: who paid, top to bottom, then what the money is.
PAYERS = ["Elon Musk", "other donors", "unspecified", "Microsoft", "round investors"]
MONEY_KINDS = ["donation", "contribution", "investment", "pledge", "funding_round"]


def funding_lanes(ds: Dataset, lang: str) -> pd.DataFrame:
    """02: every amount paid or pledged to OpenAI, one line each, grouped by who paid (``group``,
    its heading ``group_label``): Musk, the other donors, the commitment whose payer the text does
    not name, Microsoft, the round; in a group by kind (gift, contribution, investment, pledge),
    date and decreasing amount."""
    money = money_by_payer(ds)
    payer = money["payer"].astype(str).map({p: i for i, p in enumerate(PAYERS)})
    kind = money["kind"].astype(str).map({k: i for i, k in enumerate(MONEY_KINDS)})
    first = money["date_start"].fillna(money["date_end"])  # "../2023-03": its only bound
    money = money.assign(_p=payer.fillna(len(PAYERS)), _k=kind, _d=first, _v=-money["value"])
    money = money.sort_values(["_p", "_k", "_d", "_v", "id"]).drop(columns=["_p", "_k", "_d", "_v"])
    # The investors S001 names (« telles que Microsoft, Nvidia et Thrive Capital ») are OpenAI's
    # investors asked not to back rivals: the text does not say they took part in the round.
    drawn = money[FIGURE_COLUMNS].copy()
    drawn["group"] = ["round" if k == "funding_round" else str(p).replace(" ", "_")
                      for p, k in zip(money["payer"], money["kind"], strict=True)]  # fmt: skip
    drawn["group_label"] = [i18n.t(f"chart.funding.group.{g}", lang) for g in drawn["group"]]
    drawn["label"] = [_lane(r, lang) for _, r in money.iterrows()]
    return drawn.reset_index(drop=True)


def window(start: object, end: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and the last day of a window given as years or months (``params.check_window``)."""
    first, last = check_window(start, end)
    lo = pd.Period(first, freq="M" if len(first) > 4 else "Y")
    hi = pd.Period(last, freq="M" if len(last) > 4 else "Y")
    return lo.start_time, hi.end_time.normalize()


def timeline_rows(
    ds: Dataset, lang: str, start: object = DEFAULTS["start"], end: object = DEFAULTS["end"]
) -> pd.DataFrame:
    """03: the dated events of the window (agreeing reports merged), in date order; ``when``
    is the date in words, ``party`` who acts (the event's colour)."""
    lo, hi = window(start, end)
    tl = timeline(ds)
    tl = tl[(tl["date_end"] >= lo) & (tl["date_start"] <= hi)]
    cols = ["subject", "kind", "date", "date_precision", "date_qualifier", "date_start", "date_end",
            "asserted_by", "source_id", "source_ids", "event_ids", "excerpt"]  # fmt: skip
    drawn = tl[cols].copy()
    drawn["label"] = [i18n.label(r, lang) for _, r in tl.iterrows()]
    drawn["when"] = [when(str(d), lang) for d in tl["date"]]
    drawn["party"] = [event_party(str(s)) for s in tl["subject"]]
    drawn["date_start"] = drawn["date_start"].dt.strftime("%Y-%m-%d")
    drawn["date_end"] = drawn["date_end"].dt.strftime("%Y-%m-%d")
    return drawn.reset_index(drop=True)


def undrawn_events(ds: Dataset) -> pd.DataFrame:
    """03: the events the timeline cannot draw: no date, or an open side ("on or before March
    2023"), in date order (undated last)."""
    ev = ds.events
    rows = ev[ev["date_start"].isna() | ev["date_end"].isna()]
    key = rows["date_end"].fillna(rows["date_start"])
    return rows.assign(_k=key).sort_values(["_k", "id"], na_position="last").drop(columns="_k")


def contribution_versions(ds: Dataset, lang: str) -> pd.DataFrame:
    """04: each version of what Musk gave, largest first; labelled with who says it, in which
    article (:func:`according_in`)."""
    v = versions(ds, "musk_contribution")
    v = v.assign(_v=-v["value"]).sort_values(["_v", "id"]).drop(columns="_v")
    drawn = v[["id", "value", "unit", "bound", "asserted_by", "source_id", "excerpt"]].copy()
    drawn["label"] = [according_in(r["asserted_by"], r["source_id"], lang) for _, r in v.iterrows()]
    return drawn.reset_index(drop=True)


def according_in(asserted_by: object, source_id: object, lang: str) -> str:
    """Who says it, in which article, in words: 'selon l’article de mars 2023'; 'selon Elon
    Musk, dans l’article de 2024 sur la plainte' / 'according to Elon Musk, in the 2024 article
    on the suit'."""
    source = i18n.source_name(str(source_id), lang)
    if asserted_by == "article":
        return i18n.t("chart.according", lang, who=source)
    who = i18n.assertor(str(asserted_by), lang)
    return i18n.t("chart.according_in", lang, who=who, source=source)


#: Musk and the for-profit turn, one event per source: not rival versions of one date, but
#: distinct facts (an idea opposed in 2017, a plan disliked in 2018, a change criticised in 2020,
#: plans he knew of according to the e-mails OpenAI published).
FOR_PROFIT_STANCE = [
    "musk_opposes_for_profit_idea",
    "musk_displeased_by_for_profit_plan",
    "musk_criticises_change_of_course",
    "musk_knew_of_for_profit_plans",
]


def opposition_versions(ds: Dataset, lang: str) -> pd.DataFrame:
    """04: Musk and the for-profit turn, one row per source (undated rows last). These are
    distinct events that can all be true (see ``FOR_PROFIT_STANCE``), not a dispute."""
    ev = ds.events
    v = ev[ev["subject"].isin(FOR_PROFIT_STANCE)]
    v = v.sort_values(["date_start", "id"], na_position="last")
    cols = ["id", "subject", "date", "date_precision", "date_basis", "asserted_by", "source_id",
            "excerpt"]  # fmt: skip
    drawn = v[cols].copy()
    drawn["label"] = [i18n.label(r, lang) for _, r in v.iterrows()]
    return drawn.reset_index(drop=True)


def stop_funding_versions(ds: Dataset, lang: str) -> pd.DataFrame:
    """04: when Musk stopped funding OpenAI, one row per source (dispute ``musk_stops_funding``):
    each version's span, an open side NaT, earliest known bound first."""
    v = versions(ds, "musk_stops_funding", "events")
    v = v.assign(_k=v["date_start"].fillna(v["date_end"])).sort_values(["_k", "id"])
    cols = ["id", "subject", "date", "date_precision", "date_start", "date_end", "date_basis",
            "asserted_by", "source_id", "excerpt"]  # fmt: skip
    drawn = v[cols].copy()
    drawn["label"] = [i18n.label(r, lang) for _, r in v.iterrows()]
    drawn["when"] = [when(str(d), lang) for d in v["date"]]
    for side in ("date_start", "date_end"):
        drawn[side] = drawn[side].dt.strftime("%Y-%m-%d").fillna("")
    return drawn.reset_index(drop=True)


def article_voices(ds: Dataset, lang: str) -> pd.DataFrame:
    """05: whose word each article carries: its rows of the dataset (figures, events, named
    investors and rivals, claims) by who asserts them (a claim: its side), as the charts' parties
    (Musk, OpenAI, the press: :func:`.parties.assertor_party`), zeros included; articles by
    publication date, each named in words (``source``)."""
    said = pd.concat([
        ds.figures[["source_id", "asserted_by"]],
        ds.events[["source_id", "asserted_by"]],
        ds.members[["source_id"]].assign(asserted_by="article"),
        claims(ds)[["source_id", "side"]].rename(columns={"side": "asserted_by"}),
    ])  # fmt: skip
    said["party"] = said["asserted_by"].map(assertor_party)
    parties = [p for p in PARTIES if p in set(said["party"])]
    grid = pd.crosstab(said["source_id"], said["party"]).reindex(columns=parties, fill_value=0)
    order = sorted(grid.index, key=lambda sid: (publication(ds, sid)[0], sid))
    cells = grid.loc[order].reset_index().melt(id_vars="source_id", var_name="party",
                                               value_name="rows")  # fmt: skip
    cells.insert(1, "source", [i18n.source_name(s, lang, short=True) for s in cells["source_id"]])
    key = cells["source_id"].map({s: i for i, s in enumerate(order)})
    cells = cells.assign(_k=key, _p=cells["party"].map(parties.index))
    return cells.sort_values(["_k", "_p"]).drop(columns=["_k", "_p"]).reset_index(drop=True)


def spans(ds: Dataset, ids: list[str]) -> pd.DataFrame:
    """The first and last day each row's date can mean (``date_start``, ``date_end``), by the
    row's id (figures or events), in the order of ``ids``."""
    cols = ["id", "date_start", "date_end"]
    both = pd.concat([ds.figures[cols], ds.events[cols]]).set_index("id")
    return both.loc[ids]


# --- 06-the-lawsuits ----------------------------------------------------------------------------


# The legal fight: its claims, steps and the rows of notebook 06 and its chart, in their own module.
from musk_openai.story.queries.lawsuits import CLAIM_COLUMNS as CLAIM_COLUMNS  # noqa: E402
from musk_openai.story.queries.lawsuits import LAWSUIT_MARKS as LAWSUIT_MARKS  # noqa: E402
from musk_openai.story.queries.lawsuits import LAWSUIT_STEPS as LAWSUIT_STEPS  # noqa: E402
from musk_openai.story.queries.lawsuits import LAWSUIT_TOPICS as LAWSUIT_TOPICS  # noqa: E402
from musk_openai.story.queries.lawsuits import SIDE_ORDER as SIDE_ORDER  # noqa: E402
from musk_openai.story.queries.lawsuits import SIDES as SIDES  # noqa: E402
from musk_openai.story.queries.lawsuits import SUITS as SUITS  # noqa: E402
from musk_openai.story.queries.lawsuits import claims as claims  # noqa: E402
from musk_openai.story.queries.lawsuits import filing_dates as filing_dates  # noqa: E402
from musk_openai.story.queries.lawsuits import lawsuit_claims as lawsuit_claims  # noqa: E402
from musk_openai.story.queries.lawsuits import lawsuit_marks as lawsuit_marks  # noqa: E402
from musk_openai.story.queries.lawsuits import lawsuit_step_rows as lawsuit_step_rows  # noqa: E402
from musk_openai.story.queries.lawsuits import lawsuit_steps as lawsuit_steps  # noqa: E402
from musk_openai.story.queries.lawsuits import lawsuit_table as lawsuit_table  # noqa: E402
from musk_openai.story.queries.lawsuits import lawsuit_topic as lawsuit_topic  # noqa: E402
from musk_openai.story.queries.lawsuits import party as party  # noqa: E402
