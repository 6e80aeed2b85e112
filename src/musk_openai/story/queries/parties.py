"""Who each row is about or spoken by, as the four parties the charts colour (Musk, OpenAI, the
press, others: :data:`musk_openai.story.style.PARTY_COLOURS`)."""

from __future__ import annotations

#: Who acts in each event of the timeline, by subject. Every event subject has one (a test
#: checks it): Musk's own acts, OpenAI's, and everyone else's (Microsoft, Google, Apple).
EVENT_PARTY: dict[str, list[str]] = {
    "Elon Musk": [
        "musk_opposes_for_profit_idea", "musk_displeased_by_for_profit_plan",
        "musk_criticises_change_of_course", "musk_knew_of_for_profit_plans",
        "musk_takeover_attempt", "musk_leaves", "musk_tweet_closed_source",
        "musk_launches_ai_project", "lawsuit_filed", "lawsuit_dropped", "lawsuit_refiled",
        "apple_devices_threat", "openai_is_evil", "musk_stops_funding", "tesla_raises_salaries",
    ],
    "OpenAI": [
        "openai_founded", "for_profit_turn_considered", "for_profit_branch", "chatgpt_release",
        "gpt4_announced", "chatgpt_plugins", "board_ousts_altman", "openai_internal_memo",
        "openai_publishes_emails", "funding_round_2024_10", "funding_round_2024_10_exit_clause",
        "investors_asked_to_avoid_rivals",
    ],
    "others": [
        "microsoft_invests_1bn", "microsoft_invests_10bn", "microsoft_exclusive_licences",
        "microsoft_money_funds_gpt_dalle", "microsoft_more_rights", "microsoft_uses_openai_models",
        "google_overtakes_openai", "apple_skips_round",
    ],
}  # fmt: skip


#: Who asserts a row (``asserted_by``, or a claim's side), as the party whose colour it gets:
#: anyone else the article quotes (Semafor, The Verge) speaks through the press.
ASSERTOR_PARTY = {
    "Elon Musk": "Elon Musk",
    "Musk": "Elon Musk",
    "OpenAI": "OpenAI",
    "OpenAI employee": "OpenAI",
    "article": "press",
    "other": "press",
    "Semafor": "press",
    "The Verge": "press",
}
#: The parties in the charts' order.
PARTIES = ["Elon Musk", "OpenAI", "press", "others"]


def assertor_party(asserted_by: object) -> str:
    """The party of who asserts a row: 'Elon Musk', 'OpenAI' or 'press'."""
    return ASSERTOR_PARTY.get(str(asserted_by), "press")


def event_party(subject: str) -> str:
    """Who acts in an event (``EVENT_PARTY``): 'Elon Musk', 'OpenAI' or 'others'."""
    for party, subjects in EVENT_PARTY.items():
        if subject in subjects:
            return party
    raise KeyError(f"event subject {subject!r} has no party in queries.EVENT_PARTY")
