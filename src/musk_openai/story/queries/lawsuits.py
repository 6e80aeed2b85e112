"""The legal fight's rows for notebook 06 and its chart: each claim's topic, side and mark, and
the tables of claims and steps in a reader's language (re-exported by :mod:`.queries`)."""

from __future__ import annotations

import pandas as pd

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n
from musk_openai.story.queries import PROVENANCE, when

#: Who is on which side of the suits, by claimant (anyone else: the article, a bystander).
SIDES = {
    "Elon Musk": "Musk",
    "OpenAI": "OpenAI",
    "Jason Kwon (OpenAI)": "OpenAI",
    "Sam Altman (OpenAI)": "OpenAI",
    "Ilya Sutskever (OpenAI)": "OpenAI",
    "OpenAI employee": "OpenAI",
    "OpenAI insiders": "OpenAI",
}
#: The columns of a claim that say what it is and where it comes from.
CLAIM_COLUMNS = ["id", "proceeding", "side", "claimant", "target", "subject", "stance", "date",
                 "date_precision", "date_start", "date_end", "date_note", "source_id", "excerpt",
                 "label_fr", "label_en", "note", "contested"]  # fmt: skip


def claims(ds: Dataset) -> pd.DataFrame:
    """Every claim, one row per claim and per source, with its ``side`` (Musk, OpenAI, other):
    by suit (suits first, then public statements), subject and id."""
    c = ds.claims.copy()
    c["side"] = [SIDES.get(str(x), "other") for x in c["claimant"]]
    c["_suit"] = c["proceeding"] == ""
    return c.sort_values(["_suit", "proceeding", "subject", "id"])[CLAIM_COLUMNS].reset_index(
        drop=True
    )


def lawsuit_claims(ds: Dataset, proceeding: str | None = None) -> pd.DataFrame:
    """Each suit's allegations and demands (Musk's side), then OpenAI's answers, then what the
    articles observe: one row per claim and per source, never merged."""
    c = claims(ds)
    c = c[c["proceeding"] != ""] if proceeding is None else c[c["proceeding"] == proceeding]
    order = {"Musk": 0, "OpenAI": 1, "other": 2}
    c = c.assign(_side=c["side"].map(order))
    c = c.sort_values(["proceeding", "_side", "subject", "id"]).drop(columns="_side")
    return c.reset_index(drop=True)


#: The steps of the suits, in order.
LAWSUIT_STEPS = ["lawsuit_filed", "lawsuit_dropped", "lawsuit_refiled"]


def lawsuit_steps(ds: Dataset) -> pd.DataFrame:
    """The suits: filed, dropped, refiled, with every source's version of each step's date
    (a source that gives no date of its own is listed, undated), never merged."""
    ev = ds.events
    rows = ev[ev["subject"].isin(LAWSUIT_STEPS)].copy()
    rows["step"] = pd.Categorical(rows["subject"], categories=LAWSUIT_STEPS, ordered=True)
    cols = ["step", "id", "date", "date_precision", "date_start", "date_end", "date_basis",
            "date_note", "label_fr", "label_en"] + PROVENANCE  # fmt: skip
    rows = rows.sort_values(["step", "date_start", "id"], na_position="last")
    return rows[cols].reset_index(drop=True)


def filing_dates(ds: Dataset) -> pd.DataFrame:
    """When the first suit was filed, by source: S001's month, S003's window of Thursdays, and
    the sources that give no date of their own (date empty)."""
    steps = lawsuit_steps(ds)
    return steps[steps["step"] == "lawsuit_filed"].drop(columns="step").reset_index(drop=True)


#: The topics of the suits' claims, top to bottom in the chart: Musk's grievances first, then what
#: OpenAI raised about Musk himself. Every subject of a suit's claim belongs to one topic (a test
#: checks it), and a topic's words are ``chart.lawsuits.topic.<topic>`` in texts.toml.
LAWSUIT_TOPICS: dict[str, list[str]] = {
    "agreement": ["founding_agreement"],
    "mission": ["non_profit_status", "open_source", "openness", "mission"],
    "microsoft": ["microsoft_control", "microsoft_funding"],
    "interests": ["financial_interests", "enrichment"],
    "money": ["refund", "contribution"],
    "misled": ["manipulation", "musk_misled_on_openness"],
    "control": ["control"],
    "departure": ["musk_departure_reason"],
    "motives": ["musk_involvement_after_leaving", "musk_character"],
}
#: How a claim is drawn, by stance: a demand, a rejection (of the other side's claim), or else
#: an assertion (alleges, asserts, characterises, observes...).
LAWSUIT_MARKS = {"demands": "demand", "denies": "rejection", "rebuts": "rejection",
                 "contests": "rejection"}  # fmt: skip
#: The suits, as the chart tells them apart (filled: the first suit; hollow: the refiled one).
SUITS = {"musk_v_openai_2024": "first", "musk_v_openai_2024_refiled": "refiled"}
SIDE_ORDER = ["Musk", "OpenAI", "other"]


def party(name: str, lang: str) -> str:
    """Who claims, or against whom: a name as it is ('Sam Altman'), else its words in texts.toml
    ('his partners', 'article')."""
    words = i18n.texts()["chart"]["lawsuits"]["party"]
    return i18n.t(f"chart.lawsuits.party.{name}", lang) if name in words else name


def lawsuit_topic(subject: str) -> str:
    """The topic of a claim's subject (``LAWSUIT_TOPICS``)."""
    for topic, subjects in LAWSUIT_TOPICS.items():
        if subject in subjects:
            return topic
    raise KeyError(f"claim subject {subject!r} has no topic in queries.LAWSUIT_TOPICS")


def lawsuit_table(
    ds: Dataset, lang: str, side: str | None = None, proceeding: str | None = None
) -> pd.DataFrame:
    """The suits' claims for readers (``lawsuit_claims``; one ``side``, one suit, if given), in
    the chart's order of topics: who claims (``claim_by``), the stance and the targets in words,
    the date as the source gives it."""
    c = lawsuit_claims(ds, proceeding)
    if side is not None:
        c = c[c["side"] == side]
    order = {t: i for i, t in enumerate(LAWSUIT_TOPICS)}
    c = c.iloc[c["subject"].map(lambda s: order[lawsuit_topic(str(s))]).argsort(kind="stable")]
    c = c.assign(
        claim_by=[party(str(x), lang) for x in c["claimant"]],
        claim_stance=[i18n.t(f"chart.lawsuits.stance.{x}", lang) for x in c["stance"]],
        claim_target=[
            ", ".join(party(t.strip(), lang) for t in str(x).split(";")) if x else ""
            for x in c["target"]
        ],
        date_as_given=[when(str(d), lang) for d in c["date"]],
    )
    return c.reset_index(drop=True)


def lawsuit_step_rows(ds: Dataset, lang: str) -> pd.DataFrame:
    """``lawsuit_steps`` with each date as its source gives it (``when``)."""
    steps = lawsuit_steps(ds)
    return steps.assign(date_as_given=[when(str(d), lang) for d in steps["date"]])


def lawsuit_marks(ds: Dataset, lang: str) -> pd.DataFrame:
    """06: one mark per claim of the suits and per source: by topic (``LAWSUIT_TOPICS``), side
    (Musk, OpenAI, the articles), mark (assertion, demand, rejection), source and id; ``row`` is
    the topic's line from the top, ``slot`` the mark's place in its side's column."""
    c = lawsuit_claims(ds)
    marks = ["assertion", "demand", "rejection"]
    c = c.assign(
        topic=[lawsuit_topic(str(s)) for s in c["subject"]],
        suit=c["proceeding"].map(SUITS),
        mark=[LAWSUIT_MARKS.get(str(s), "assertion") for s in c["stance"]],
    )
    c = c.assign(
        row=c["topic"].map({t: i for i, t in enumerate(LAWSUIT_TOPICS)}),
        _side=c["side"].map({s: i for i, s in enumerate(SIDE_ORDER)}),
        _mark=c["mark"].map({m: i for i, m in enumerate(marks)}),
    )
    c = c.sort_values(["row", "_side", "_mark", "source_id", "id"]).reset_index(drop=True)
    c["slot"] = c.groupby(["row", "side"]).cumcount()
    cols = ["id", "proceeding", "suit", "side", "claimant", "target", "subject", "topic", "row",
            "slot", "stance", "mark", "date", "date_precision", "source_id", "excerpt"]  # fmt: skip
    drawn = c[cols].copy()
    drawn["topic_label"] = [i18n.t(f"chart.lawsuits.topic.{t}", lang) for t in c["topic"]]
    drawn["label"] = [i18n.label(r, lang) for _, r in c.iterrows()]
    drawn["when"] = [when(str(d), lang) for d in c["date"]]
    return drawn
