"""The one column specification of the dataset: every table, its columns in order, what each means,
and its rules (required or not, its vocabulary, its pattern, its type).

Everything else is generated from it: the loader's expected header (:data:`.loading.COLUMNS`),
the pandera schema's column checks (:mod:`.schema`, which adds the rules across a row and across
tables), the Frictionless Data Package ``data/datapackage.json`` and README's data dictionary
(:mod:`.package`); the typed tables (:mod:`.data`) take their categories from its vocabularies.
Adding a column is one line here (and its values in the CSV).
"""

from __future__ import annotations

from dataclasses import dataclass

from musk_openai.dataset import dates

TABLES = (
    "sources", "figures", "events", "members", "claims", "disputes", "corrections", "record",
)  # fmt: skip

# -- the vocabularies -------------------------------------------------------------------------

DATE_PRECISIONS = dates.PRECISIONS  # day, month, year, interval, none
DATE_BASES = ["stated", "relative", "publication", "inferred", "none"]
#: A source's date of publication is read from a date line or inferred from the content.
SOURCE_DATE_BASES = ["stated", "inferred"]
BOUNDS = ["exact", "approximate", "upper_bound", "lower_bound"]
UNITS = ["USD", "percent", "count"]
FIGURE_KINDS = [
    "valuation",
    "funding_round",
    "investment",
    "donation",
    "contribution",  # money given, the text saying neither gift nor investment (« apporté »)
    "pledge",
    "lawsuit_claim",
    "stake",
    "count",
]
EVENT_KINDS = ["founding", "governance", "funding", "legal", "statement", "product", "rival"]
ASSERTORS = ["article", "Elon Musk", "OpenAI", "OpenAI employee", "Semafor", "The Verge"]
MEMBER_ROLES = ["investor", "rival"]
#: Who makes a claim (claims.csv): the assertors, and the people who speak for OpenAI.
CLAIMANTS = [
    *ASSERTORS,
    "Jason Kwon (OpenAI)",
    "Sam Altman (OpenAI)",
    "Ilya Sutskever (OpenAI)",
    "OpenAI insiders",
]
#: What a claimant does with a claim.
STANCES = [
    "alleges", "demands", "denies", "rebuts", "asserts", "characterises", "contests",
    "reports", "concludes", "doubts", "praises", "criticises", "threatens", "observes",
]  # fmt: skip
#: The suits: the first (filed 2024, dropped June 2024) and the one refiled in August 2024.
PROCEEDINGS = ["musk_v_openai_2024", "musk_v_openai_2024_refiled"]
#: What a dispute is about: a date, an amount, or what happened (the versions' content).
CONFLICTS = ["date", "value", "content"]
DISPUTE_TABLES = ["figures", "events", "claims"]
LANGUAGES = ["fr", "en"]
#: The language corrections.csv's reasons and notes are written in (around the French words
#: they quote).
CORRECTIONS_LANGUAGE = "en"
#: The language of the five articles, and so of every excerpt and quotation.
ARTICLES_LANGUAGE = "fr"
#: The tables a correction can concern, and what it does to a row.
CORRECTED_TABLES = ["sources", "figures", "events", "members", "claims", "disputes"]
CORRECTION_CHANGES = ["edited", "added", "removed"]


# -- the patterns -----------------------------------------------------------------------------

ID = {"sources": r"S[0-9]{3}", "figures": r"F[0-9]{2,3}", "events": r"E[0-9]{2,3}",
      "members": r"M[0-9]{2,3}", "claims": r"C[0-9]{2,3}",
      "corrections": r"K[0-9]{3,4}", "record": r"R[0-9]{2}"}  # fmt: skip
#: A web address of a reference (the public record's two references per fact).
URL = r"https://[^\s]+"
#: A plain day (the public record gives days), or nothing.
DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
MAX_EXCERPT = 200
SNAKE_CASE = r"[a-z0-9_]+"
SOURCE_FILE = r"[0-9]{3}_[0-9a-f]{16}\.txt"
SHA256 = r"[0-9a-f]{64}"
PUBLISHED_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
SEMVER = r"[0-9]+\.[0-9]+\.[0-9]+"
#: A date of the dataset, as EDTF (levels 0 and 1 as the loader reads them): a day, month or
#: year with an optional qualifier (? ~ %), or an interval of two of them, either side open (..).
_SINGLE = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[?~%]?"
EDTF_PATTERN = rf"{_SINGLE}|({_SINGLE}|\.\.)/({_SINGLE}|\.\.)"


@dataclass(frozen=True)
class Column:
    """A column: its name, what it means (the data dictionary), and its rules."""

    name: str
    description: str
    #: Every value given (an empty cell is refused).
    required: bool = True
    #: The only values allowed (its vocabulary).
    enum: list[str] | None = None
    #: The pattern every value matches (the Data Package's constraint).
    pattern: str | None = None
    #: Given: the schema checks the pattern itself, and says this when a value does not match.
    pattern_error: str | None = None
    #: A number in the Data Package (the CSV holds text; the loader types it).
    number: bool = False
    max_length: int | None = None
    unique: bool = False
    #: Checked by the schema's rules across a row or across tables, not by a column check
    #: (a value that must agree with another column or another table).
    row_rules: bool = False


@dataclass(frozen=True)
class Table:
    title: str
    description: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_DATE = (
    "when, in EDTF (2024, 2024-03, 2024-10-02, 2018? uncertain, 2024-02-22/2024-03-28 an "
    "interval, ../2023-03 no earlier bound), or empty when the text gives none"
)


def _id(table: str) -> Column:
    return Column(
        "id",
        "stable id of the row",
        pattern=ID[table],
        pattern_error=f"id must look like {ID[table]}",
        unique=True,
    )


def _subject() -> Column:
    return Column(
        "subject",
        "what the row is about, named for what it is, never for a guessed year; rows sharing a subject are versions of the same fact",
        pattern=SNAKE_CASE,
        pattern_error="snake_case key",
    )


def _dated(date: str) -> tuple[Column, ...]:
    """A date as honest as the text: the date, its shape, where it comes from, how it was read."""
    return (
        Column("date", date, required=False, pattern=EDTF_PATTERN),
        Column(
            "date_precision",
            "the shape of the date: a month is never turned into a day",
            enum=DATE_PRECISIONS,
        ),
        Column(
            "date_basis",
            "stated (in the text), relative (derived from « la semaine dernière », « un an plus tard »... and a stated anchor), publication (the article's own date: « aujourd'hui »), inferred, or none",
            enum=DATE_BASES,
        ),
        Column(
            "date_note",
            "how a derived, uncertain or interval date was obtained, in the text's words",
            required=False,
        ),
    )


def _cited() -> tuple[Column, ...]:
    """The article a row comes from, and the words of it that support the row."""
    return (
        Column("source_id", "the article it comes from (sources.source_id)", row_rules=True),
        Column(
            "excerpt",
            "verbatim substring of that article that supports the row",
            max_length=MAX_EXCERPT,
        ),
    )


# fmt: off
SPEC: dict[str, Table] = {
    "sources": Table(
        "Sources",
        "The five French articles the dataset is coded from, one row each.",
        (
            Column("source_id", "stable id, S000-S004 (the file's number)", pattern=ID["sources"], pattern_error=f"id must look like {ID['sources']}", unique=True),
            Column("file", "the text in data/sources/, copied byte for byte from the article", pattern=SOURCE_FILE, pattern_error="a file of data/sources/"),
            Column("sha256", "SHA-256 of that file; the loader refuses a text that changed", pattern=SHA256, pattern_error="the SHA-256 of the source text"),
            Column("first_heading", "the first heading in the text (the articles' headlines are not given)"),
            Column("language", "the article's language", enum=LANGUAGES),
            Column("date_published", "publication date as precise as known: YYYY, YYYY-MM or YYYY-MM-DD", pattern=PUBLISHED_PATTERN, row_rules=True),
            Column("date_precision", "year, month or day", enum=DATE_PRECISIONS),
            Column("date_basis", "stated (a date line in the file) or inferred (from the content)", enum=SOURCE_DATE_BASES),
            Column("date_note", "where the date comes from; for inferred dates, the reasoning"),
            Column("covers", "what the article covers, in English (our description)"),
            Column("covers_fr", "what the article covers, in French (our description)"),
            Column("outlets_cited", "outlets and channels the article relays (Semafor, The Verge, X...)", required=False),
            Column("publisher", "unknown: the texts do not say, and we do not guess"),
            Column("author", "unknown: the texts do not say, and we do not guess"),
        ),
    ),
    "figures": Table(
        "Figures",
        "Amounts of money, stakes and counts, one row per version and per source. Rows sharing a subject are versions of the same figure. The loader adds date_start, date_end, date_qualifier and contested.",
        (
            _id("figures"),
            _subject(),
            Column("kind", "investment (« investi »), donation (« don »), contribution (« apporté », « contribuant »: the text says neither gift nor investment), valuation, funding_round, pledge, lawsuit_claim, stake or count", enum=FIGURE_KINDS),
            Column("payer", "who pays (money), or empty", required=False),
            Column("payee", "who is paid, or whose stake it is (OpenAI for-profit arm)", required=False),
            Column("value", "a plain positive number in unit: 157000000000, not « 157 milliards »", number=True, row_rules=True),
            Column("unit", "USD, percent (49 means 49 %), or count", enum=UNITS),
            Column("bound", "exact; approximate (« une centaine »); upper_bound (« moins de » + number: the true value is below); lower_bound (« plus de » + number, or « des milliards »: above)", enum=BOUNDS),
            *_dated(_DATE),
            Column("asserted_by", "who makes the claim: article (the article's own voice) or a party it relays", enum=ASSERTORS),
            *_cited(),
            Column("label_fr", "short label in French, saying no more than the excerpt"),
            Column("label_en", "short label in English (our translation), saying no more than the excerpt"),
            Column("note", "anything a careful reader needs (what a bound means, how two versions differ)", required=False),
        ),
    ),
    "events": Table(
        "Events",
        "Dated events, one row per source that reports the event.",
        (
            _id("events"),
            _subject(),
            Column("kind", "what kind of event", enum=EVENT_KINDS),
            *_dated(_DATE),
            Column("asserted_by", "who makes the claim: article (the article's own voice) or a party it relays", enum=ASSERTORS),
            *_cited(),
            Column("label_fr", "short label in French, saying no more than the excerpt"),
            Column("label_en", "short label in English (our translation), saying no more than the excerpt"),
            Column("note", "anything a careful reader needs", required=False),
        ),
    ),
    "members": Table(
        "Members",
        "Names listed with a figure: investors asked not to fund rivals, and the rivals.",
        (
            _id("members"),
            Column("figure_id", "the figure the name is listed with (figures.id)", row_rules=True),
            Column("member", "the name, as the article writes it"),
            Column("role", "investor (asked not to fund rivals) or rival (the company not to fund)", enum=MEMBER_ROLES),
            *_cited(),
            Column("note", "anything a careful reader needs", required=False),
        ),
    ),
    "claims": Table(
        "Claims",
        "What each side alleges, asks and answers: one row per claim and per source.",
        (
            _id("claims"),
            Column("proceeding", "musk_v_openai_2024 (filed 2024, dropped June 2024), musk_v_openai_2024_refiled (August 2024), or empty (a public statement)", required=False, enum=PROCEEDINGS),
            Column("claimant", "who makes the claim", enum=CLAIMANTS, row_rules=True),
            Column("target", "against or about whom, ;-separated (OpenAI; Sam Altman); may be empty", required=False),
            Column("subject", "what it is about (founding_agreement, refund, microsoft_control...); rows sharing a subject are versions", pattern=SNAKE_CASE, pattern_error="snake_case key"),
            Column("stance", "what the claimant does with the claim", enum=STANCES),
            *_dated("when the claim was made: " + _DATE),
            *_cited(),
            Column("label_fr", "what is alleged or asked, in French, in no more words than the text"),
            Column("label_en", "what is alleged or asked, in English, in no more words than the text"),
            Column("note", "links to figures and events rows, who relays the claim", required=False),
        ),
    ),
    "disputes": Table(
        "Disputes",
        "Versions that cannot all be true: a subject of figures, events or claims (the table column names which). Every version stays its own row in its table.",
        (
            Column("subject", "the disputed subject (a subject of the table named in table)", unique=True),
            Column("table", "the table whose rows are the versions", enum=DISPUTE_TABLES),
            Column("conflict", "what the versions disagree on: a date, a value or the content", enum=CONFLICTS),
            Column("question_fr", "the question the versions answer differently, in French"),
            Column("question_en", "the question the versions answer differently, in English"),
            Column("note", "why the versions cannot all be true (required)", row_rules=True),
        ),
    ),
    "corrections": Table(
        "Corrections",
        "Every change since the first release, one row per changed cell (or per row added or removed), with the old and new value, the reason in the text's words, and the dataset version it shipped in. A test fails if a table differs from the previous release without a correction.",
        (
            Column("correction_id", "stable id of the correction", pattern=ID["corrections"], pattern_error=f"id must look like {ID['corrections']}", unique=True),
            Column("table", "the table corrected", enum=CORRECTED_TABLES),
            Column("row_id", "the row: its id (its subject in disputes.csv, source_id in sources.csv)"),
            Column("field", "the column changed (empty when a whole row is added or removed)", required=False),
            Column("change", "edited (one cell), added or removed (a whole row)", enum=CORRECTION_CHANGES),
            Column("old_value", "the cell before (empty for a row added or removed)", required=False),
            Column("new_value", "the cell after (empty for a row added or removed)", required=False),
            Column("reason", "why, quoting the French words of the text that justify it"),
            Column("dataset_version", "the dataset version that ships the correction", pattern=SEMVER, pattern_error="a version such as 2.1.0"),
        ),
    ),
    "record": Table(
        "Public record",
        "Facts of the public record that settle a contradiction of the press rows, from outside the five articles: each stated by two independent references, cited by address (no sentence copied). Kept apart from the press tables.",
        (
            _id("record"),
            Column("fact", "the subject of the press rows it settles (lawsuit_filed...)", pattern=SNAKE_CASE, pattern_error="snake_case key"),
            Column("value", "what the record says, when it is not a date (a court)", required=False),
            Column("date", "the day, when the fact is a date", required=False, pattern=DAY, pattern_error="a day, YYYY-MM-DD"),
            Column("date_precision", "day, or none when the fact is not a date", enum=["day", "none"]),
            Column("label_fr", "the fact in French, in our words"),
            Column("label_en", "the fact in English, in our words"),
            Column("ref1_url", "the first reference's address", pattern=URL, pattern_error="an https:// address"),
            Column("ref1_publisher", "who publishes the first reference, and when"),
            Column("ref2_url", "the second reference's address, from another publisher", pattern=URL, pattern_error="an https:// address"),
            Column("ref2_publisher", "who publishes the second reference, and when"),
            Column("settles", "the press rows it confirms or contradicts, ;-separated (events.id...)", row_rules=True),
            Column("note", "what the record confirms or contradicts in those rows, and what is left out"),
        ),
    ),
}
# fmt: on
