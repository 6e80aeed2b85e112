"""The answers the notebooks ask of the dataset: the suits, their claims, each date's versions."""

from __future__ import annotations

import pandas as pd
import pytest

from musk_openai.dataset import data
from musk_openai.story import queries


def test_filing_date_keeps_every_source_version(ds: data.Dataset) -> None:
    f = queries.filing_dates(ds)
    got = [
        (r.source_id, r.date, r.date_precision, r.date_start, r.date_end) for r in f.itertuples()
    ]
    assert got == [
        # « jeudi dernier » in an article of March 2024: one of the Thursdays 22 Feb - 28 Mar
        ("S003", "2024-02-22/2024-03-28", "interval", pd.Timestamp("2024-02-22"),
         pd.Timestamp("2024-03-28")),
        # « La plainte a été déposée en mars 2024 »
        ("S001", "2024-03", "month", pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-31")),
        # « aujourd’hui », « La semaine dernière »: no date of their own
        ("S000", "", "none", pd.NaT, pd.NaT),
        ("S004", "", "none", pd.NaT, pd.NaT),
    ]  # fmt: skip
    assert f.loc[f["source_id"] == "S003", "excerpt"].iloc[0].endswith("jeudi dernier")
    assert (f["date_note"].str.len() > 0).iloc[[0, 2, 3]].all()


def test_lawsuit_steps_list_each_source(ds: data.Dataset) -> None:
    steps = queries.lawsuit_steps(ds)
    assert list(steps["step"].astype(str).unique()) == queries.LAWSUIT_STEPS
    assert list(steps.loc[steps["step"] != "lawsuit_filed", "date"]) == ["2024-06", "2024-08"]
    where = steps.set_index("id").loc["E29"]
    assert "San Francisco" in where["excerpt"] and "Sam Altman" in where["excerpt"]


def test_lawsuit_claims_by_suit_and_side(ds: data.Dataset) -> None:
    c = queries.lawsuit_claims(ds)
    assert set(c["proceeding"]) == {"musk_v_openai_2024", "musk_v_openai_2024_refiled"}
    first = c[c["proceeding"] == "musk_v_openai_2024"]
    # Musk's side first, then OpenAI's answers, then what the articles observe.
    assert list(first["side"].drop_duplicates()) == ["Musk", "OpenAI", "other"]
    musk = first[first["side"] == "Musk"]
    assert {"alleges", "demands"} == set(musk["stance"])
    demands = set(musk.loc[musk["stance"] == "demands", "subject"])
    assert demands == {"founding_agreement", "non_profit_status", "refund", "open_source"}
    # The founding agreement: one row per article that reports the allegation, never merged.
    agreement = musk[(musk["subject"] == "founding_agreement") & (musk["stance"] == "alleges")]
    assert sorted(agreement["source_id"]) == ["S001", "S003", "S004"]
    openai = first[first["side"] == "OpenAI"]
    assert {"denies", "rebuts", "contests", "characterises"} <= set(openai["stance"])
    assert set(openai["claimant"]) >= {"OpenAI", "Jason Kwon (OpenAI)", "Sam Altman (OpenAI)"}
    refiled = queries.lawsuit_claims(ds, "musk_v_openai_2024_refiled")
    assert set(refiled["subject"]) == {"manipulation", "enrichment", "musk_misled_on_openness"}
    assert set(refiled["date"]) == {"2024-08"}
    assert "Sam Altman" in " ".join(refiled["target"])


def test_claims_keep_their_claimant_and_source(ds: data.Dataset) -> None:
    c = queries.claims(ds)
    assert len(c) == len(ds.claims)
    assert (c["claimant"].astype(str) != "").all() and (c["excerpt"].str.len() <= 200).all()
    for r in c.itertuples():
        assert r.excerpt in ds.texts[r.source_id], r.id
    # Outside the suits: public statements (the tweet, the « diabolique » post...).
    public = c[c["proceeding"] == ""]
    assert "2024-10-02" in set(public["date"])
    assert c["contested"].any()


def test_contested_lists_each_dispute_with_why(ds: data.Dataset) -> None:
    c = queries.contested(ds)
    assert set(c["subject"]) == set(ds.disputes["subject"])
    assert (c["dispute_note"].str.len() > 0).all()
    control = c[c["subject"] == "microsoft_control"]
    assert set(control["asserted_by"]) == {"Elon Musk", "Jason Kwon (OpenAI)"}
    stop = c[c["subject"] == "musk_stops_funding"]
    assert sorted(stop["date"]) == ["../2018", "2019/.."]


def test_versions_of_a_subject_in_a_named_table(ds: data.Dataset) -> None:
    assert set(queries.versions(ds, "founding_agreement", "claims")["id"]) >= {"C01", "C18"}
    with pytest.raises(KeyError, match="unknown subject 'musk_pledge'"):
        queries.versions(ds, "musk_pledge")


def test_for_profit_stance_is_a_sequence_not_a_dispute(ds: data.Dataset) -> None:
    v = queries.opposition_versions(ds, "en")
    assert list(v["date"]) == ["2017", "2018", "2020", ""]
    assert not set(v["subject"]) & set(ds.disputes["subject"])


def test_money_facts_of_the_audit(ds: data.Dataset) -> None:
    ev = ds.events.set_index("subject")
    assert "retirer leur argent" in ev.loc["funding_round_2024_10_exit_clause", "excerpt"]
    assert ev.loc["apple_skips_round", "date"] == "../2024-10"
    assert {"microsoft_exclusive_licences", "microsoft_more_rights"} <= set(ev.index)
    money = queries.money_by_payer(ds)
    assert {"contribution", "donation", "investment"} <= set(money["kind"].astype(str))


def test_merged_reports_show_only_what_every_report_supports(ds: data.Dataset) -> None:
    """Four articles date the founding to 2015, but only two call OpenAI non-profit: the merged
    row keeps a label every report supports (texts.toml [subject]), never one source's words."""
    from musk_openai.story import i18n

    tl = queries.timeline(ds)
    for _, row in tl.iterrows():
        ids = row["event_ids"].split(", ")
        labels = set(ds.events.loc[ds.events["id"].isin(ids), "label_en"])
        if len(labels) > 1:
            for lang in ("fr", "en"):
                assert row[f"label_{lang}"] == i18n.t(f"subject.{row['subject']}", lang)
    founded = tl[tl["subject"] == "openai_founded"].iloc[0]
    assert founded["source_ids"] == "S000, S001, S002, S003"
    assert "non-profit" not in founded["label_en"] and "non lucratif" not in founded["label_fr"]
