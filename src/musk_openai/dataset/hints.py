"""What the loader tells the user for each named check of the schema (:mod:`.schema`).

Each entry: the column the check concerns, and what is wrong and how to fix it, in plain words.
pandera reports a failed check by this text; :mod:`.data` maps it back to the check.
"""

from __future__ import annotations

from musk_openai.dataset import dates

#: What to tell the user for each named check:
#: (column it concerns, what is wrong and how to fix it).
HINTS: dict[str, tuple[str, str]] = {
    "record_date_matches_precision": (
        "date",
        "a fact of the record that is a date gives its day (YYYY-MM-DD) with date_precision "
        "day; any other fact leaves date empty, with date_precision none",
    ),
    "record_references_independent": (
        "ref2_url",
        "the two references must come from two publishers (two sites): one copy of an article "
        "twice is one reference",
    ),
    "correction_field_given": (
        "field",
        "an edited cell names its column in field; a row added or removed leaves field empty",
    ),
    "date_matches_precision": (
        "date",
        "the date does not match date_precision (day: YYYY-MM-DD, month: YYYY-MM, year: YYYY, "
        "each maybe with ? or ~; interval: A/B; none: empty); never add a day or month the text "
        "does not give",
    ),
    "date_is_real": (
        "date",
        "not a real calendar date (month 01 to 12, a day that month has, year 0001 or later)",
    ),
    "date_is_edtf": (
        "date",
        "not a date in the EDTF notation the dataset uses: a year, month or day, maybe with ? "
        f"(uncertain) or ~ (approximate), or an interval A/B, a side '..' when open (e.g. "
        f"{dates.EXAMPLES})",
    ),
    "interval_in_order": (
        "date",
        "the interval ends before it starts: write the earlier date first (start/end)",
    ),
    "qualified_date_explained": (
        "date_note",
        "an uncertain (?) or approximate (~, %) date or an interval needs a date_note quoting the "
        "words of the text it comes from",
    ),
    "published_is_real": (  # (each hint's text must be its own: it names the check)
        "date_published",
        "not a real calendar date: the month must be 01 to 12, the day one that month has, "
        "the year 0001 or later",
    ),
    "basis_matches_date": (
        "date_basis",
        "date_basis must be 'none' exactly when the date is empty",
    ),
    "relative_date_explained": (
        "date_note",
        "a relative, publication or inferred date needs a date_note saying how it was derived",
    ),
    "value_is_positive_number": (
        "value",
        "value must be a plain positive number in the unit (e.g. 157000000000, not '157 Md')",
    ),
    "percent_at_most_100": ("value", "a percentage must be between 0 and 100"),
    "count_is_whole": ("value", "a count must be a whole number"),
    "bound_matches_excerpt": (
        "bound",
        "the bound contradicts the excerpt: « moins de » before a number is an upper_bound, "
        "« plus de » before a number or « des milliards » a lower_bound, and an upper_bound or "
        "lower_bound needs those words in the excerpt",
    ),
    "excerpt_in_source": (
        "excerpt",
        "the excerpt is not a verbatim substring of the source text "
        "(mind ’ versus ' and stray spaces); copy it character for character",
    ),
    "source_exists": ("source_id", "unknown source id: add it to sources.csv first"),
    "unique_id": ("id", "duplicate id: every row needs its own stable id"),
    "subject_exists": (
        "subject",
        "no row of that table has this subject: fix the subject or the table",
    ),
    "claimant_given": (
        "claimant",
        "a claim needs its claimant: who makes it (Elon Musk, OpenAI, Jason Kwon (OpenAI), "
        "article...); see CLAIMANTS in loading.py",
    ),
    "dispute_explained": (
        "note",
        "a dispute needs a note saying why its versions cannot all be true",
    ),
}
