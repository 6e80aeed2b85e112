"""The dataset as a Frictionless Data Package (``data/datapackage.json``) and its data dictionary.

One schema, not two: the columns, their order and every vocabulary come from
:mod:`.loading` (``COLUMNS`` and the lists beside it), and the id patterns and the
excerpt's length from :mod:`.schema`, which the pandera schema uses too. This module
adds only what pandera does not need: a description of every column (the data dictionary lives
here, once) and the package's metadata. ``python -m musk_openai.dataset.package`` writes
``data/datapackage.json`` and the column tables of README.md; tests/test_package.py fails when
either differs from what :func:`build_package` returns.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

from musk_openai.dataset import loading
from musk_openai.paths import PROJECT_ROOT

#: The dataset's version (semantic versioning; CHANGELOG.md says what changed).
VERSION = "2.1.0"
NAME = "musk-openai"
TITLE = "Musk v. OpenAI: money and the legal fight, coded from five French articles"
LICENSE_NOTE = (
    "The hand-coding (every CSV table) is CC-BY-4.0; the project's code is MIT. The excerpts and "
    "the five texts in sources/ are short quotations of copyrighted French press articles, kept "
    "only so that every row can be verified; they are not covered by the CC-BY licence."
)
DESCRIPTION = (
    "A source-cited dataset on the money and the legal fight between Elon Musk and OpenAI: "
    "amounts (figures), dated events, named members of a figure, the claims each side makes, and "
    "the disputes where versions cannot all be true. Every row cites one article and a verbatim "
    "excerpt of it; versions are kept side by side, never averaged. Dates are EDTF strings "
    "(https://www.loc.gov/standards/datetime/), as precise as the text and no more. " + LICENSE_NOTE
)

#: A date of the dataset, as EDTF (levels 0 and 1 as the loader reads them): a day, month or
#: year with an optional qualifier (? ~ %), or an interval of two of them, either side open (..).
_SINGLE = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[?~%]?"
EDTF_PATTERN = rf"{_SINGLE}|({_SINGLE}|\.\.)/({_SINGLE}|\.\.)"
_DATE = (
    "when, in EDTF (2024, 2024-03, 2024-10-02, 2018? uncertain, 2024-02-22/2024-03-28 an "
    "interval, ../2023-03 no earlier bound), or empty when the text gives none"
)

_TABLES: dict[str, tuple[str, str]] = {
    "sources": ("Sources", "The five French articles the dataset is coded from, one row each."),
    "figures": (
        "Figures",
        "Amounts of money, stakes and counts, one row per version and per source. Rows sharing "
        "a subject are versions of the same figure. The loader adds date_start, date_end, "
        "date_qualifier and contested.",
    ),
    "events": (
        "Events",
        "Dated events, one row per source that reports the event.",
    ),
    "members": (
        "Members",
        "Names listed with a figure: investors asked not to fund rivals, and the rivals.",
    ),
    "claims": (
        "Claims",
        "What each side alleges, asks and answers: one row per claim and per source.",
    ),
    "disputes": (
        "Disputes",
        "Versions that cannot all be true: a subject of figures, events or claims (the table "
        "column names which). Every version stays its own row in its table.",
    ),
    "corrections": (
        "Corrections",
        "Every change since the first release, one row per changed cell (or per row added or "
        "removed), with the old and new value, the reason in the text's words, and the dataset "
        "version it shipped in. A test fails if a table differs from the previous release "
        "without a correction.",
    ),
}

#: What each column means (the data dictionary): shared meanings, then each table's own.
_SHARED = {
    "id": "stable id of the row",
    "subject": (
        "what the row is about, named for what it is, never for a guessed year; rows sharing a "
        "subject are versions of the same fact"
    ),
    "date": _DATE,
    "date_precision": "the shape of the date: a month is never turned into a day",
    "date_basis": (
        "stated (in the text), relative (derived from « la semaine dernière », « un an plus "
        "tard »... and a stated anchor), publication (the article's own date: « aujourd'hui »), "
        "inferred, or none"
    ),
    "date_note": "how a derived, uncertain or interval date was obtained, in the text's words",
    "asserted_by": "who makes the claim: article (the article's own voice) or a party it relays",
    "source_id": "the article it comes from (sources.source_id)",
    "excerpt": "verbatim substring of that article that supports the row",
    "label_fr": "short label in French, saying no more than the excerpt",
    "label_en": "short label in English (our translation), saying no more than the excerpt",
    "note": "anything a careful reader needs",
}
_OWN: dict[str, dict[str, str]] = {
    "sources": {
        "source_id": "stable id, S000-S004 (the file's number)",
        "file": "the text in data/sources/, copied byte for byte from the article",
        "sha256": "SHA-256 of that file; the loader refuses a text that changed",
        "first_heading": "the first heading in the text (the articles' headlines are not given)",
        "language": "the article's language",
        "date_published": "publication date as precise as known: YYYY, YYYY-MM or YYYY-MM-DD",
        "date_precision": "year, month or day",
        "date_basis": "stated (a date line in the file) or inferred (from the content)",
        "date_note": "where the date comes from; for inferred dates, the reasoning",
        "covers": "what the article covers, in English (our description)",
        "covers_fr": "what the article covers, in French (our description)",
        "outlets_cited": "outlets and channels the article relays (Semafor, The Verge, X...)",
        "publisher": "unknown: the texts do not say, and we do not guess",
        "author": "unknown: the texts do not say, and we do not guess",
    },
    "figures": {
        "kind": (
            "investment (« investi »), donation (« don »), contribution (« apporté », "
            "« contribuant »: the text says neither gift nor investment), valuation, "
            "funding_round, pledge, lawsuit_claim, stake or count"
        ),
        "payer": "who pays (money), or empty",
        "payee": "who is paid, or whose stake it is (OpenAI for-profit arm)",
        "value": "a plain positive number in unit: 157000000000, not « 157 milliards »",
        "unit": "USD, percent (49 means 49 %), or count",
        "bound": (
            "exact; approximate (« une centaine »); upper_bound (« moins de » + number: the true "
            "value is below); lower_bound (« plus de » + number, or « des milliards »: above)"
        ),
        "note": "anything a careful reader needs (what a bound means, how two versions differ)",
    },
    "events": {"kind": "what kind of event"},
    "members": {
        "figure_id": "the figure the name is listed with (figures.id)",
        "member": "the name, as the article writes it",
        "role": "investor (asked not to fund rivals) or rival (the company not to fund)",
    },
    "claims": {
        "proceeding": (
            "musk_v_openai_2024 (filed 2024, dropped June 2024), musk_v_openai_2024_refiled "
            "(August 2024), or empty (a public statement)"
        ),
        "claimant": "who makes the claim",
        "target": "against or about whom, ;-separated (OpenAI; Sam Altman); may be empty",
        "subject": (
            "what it is about (founding_agreement, refund, microsoft_control...); rows sharing "
            "a subject are versions"
        ),
        "stance": "what the claimant does with the claim",
        "date": "when the claim was made: " + _DATE,
        "label_fr": "what is alleged or asked, in French, in no more words than the text",
        "label_en": "what is alleged or asked, in English, in no more words than the text",
        "note": "links to figures and events rows, who relays the claim",
    },
    "disputes": {
        "subject": "the disputed subject (a subject of the table named in table)",
        "table": "the table whose rows are the versions",
        "conflict": "what the versions disagree on: a date, a value or the content",
        "question_fr": "the question the versions answer differently, in French",
        "question_en": "the question the versions answer differently, in English",
        "note": "why the versions cannot all be true (required)",
    },
    "corrections": {
        "correction_id": "stable id of the correction",
        "table": "the table corrected",
        "row_id": "the row: its id (its subject in disputes.csv, source_id in sources.csv)",
        "field": "the column changed (empty when a whole row is added or removed)",
        "change": "edited (one cell), added or removed (a whole row)",
        "old_value": "the cell before (empty for a row added or removed)",
        "new_value": "the cell after (empty for a row added or removed)",
        "reason": "why, quoting the French words of the text that justify it",
        "dataset_version": "the dataset version that ships the correction",
    },
}


def _enums() -> dict[str, dict[str, list[str]]]:
    """The allowed values of every column that has a vocabulary (loading.py's lists)."""
    lo = loading
    dated = {"date_precision": lo.DATE_PRECISIONS, "date_basis": lo.DATE_BASES}
    return {
        "sources": {
            "language": lo.LANGUAGES,
            "date_precision": lo.DATE_PRECISIONS,
            "date_basis": lo.SOURCE_DATE_BASES,
        },
        "figures": {
            "kind": lo.FIGURE_KINDS,
            "unit": lo.UNITS,
            "bound": lo.BOUNDS,
            **dated,
            "asserted_by": lo.ASSERTORS,
        },
        "events": {"kind": lo.EVENT_KINDS, **dated, "asserted_by": lo.ASSERTORS},
        "members": {"role": lo.MEMBER_ROLES},
        "claims": {
            "proceeding": lo.PROCEEDINGS,
            "claimant": lo.CLAIMANTS,
            "stance": lo.STANCES,
            **dated,
        },
        "disputes": {"table": lo.DISPUTE_TABLES, "conflict": lo.CONFLICTS},
        "corrections": {"table": lo.CORRECTED_TABLES, "change": lo.CORRECTION_CHANGES},
    }


#: Columns that may be empty (every other column is required). The pandera schema (schema.py)
#: refuses an empty value in every column not listed here.
OPTIONAL = {
    "sources": {"outlets_cited"},
    "figures": {"payer", "payee", "date", "date_note", "note"},
    "events": {"date", "date_note", "note"},
    "members": {"note"},
    "claims": {"proceeding", "target", "date", "date_note", "note"},
    "disputes": set(),
    "corrections": {"field", "old_value", "new_value"},
}


def _patterns() -> dict[str, dict[str, str]]:
    from musk_openai.dataset import schema

    ids = {t: {"id": schema.ID[t]} for t in ("figures", "events", "members", "claims")}
    snake = {"subject": schema.SNAKE_CASE}
    return {
        "sources": {
            "source_id": schema.ID["sources"],
            "file": schema.SOURCE_FILE,
            "sha256": schema.SHA256,
            "date_published": schema.PUBLISHED_PATTERN,
        },
        "figures": {**ids["figures"], **snake, "date": EDTF_PATTERN},
        "events": {**ids["events"], **snake, "date": EDTF_PATTERN},
        "members": ids["members"],
        "claims": {**ids["claims"], **snake, "date": EDTF_PATTERN},
        "disputes": {},
        "corrections": {
            "correction_id": schema.ID["corrections"],
            "dataset_version": schema.SEMVER,
        },
    }


def describe(table: str, column: str) -> str:
    """What ``column`` of ``table`` means (the data dictionary)."""
    return _OWN[table].get(column) or _SHARED[column]


def _field(table: str, column: str) -> dict[str, Any]:
    from musk_openai.dataset import schema

    field: dict[str, Any] = {
        "name": column,
        "type": "number" if (table, column) == ("figures", "value") else "string",
        "description": describe(table, column),
    }
    constraints: dict[str, Any] = {}
    if column not in OPTIONAL[table]:
        constraints["required"] = True
    if column == "value":
        constraints["minimum"] = 0
    enum = _enums()[table].get(column)
    if enum is not None:
        constraints["enum"] = list(enum)
    pattern = _patterns()[table].get(column)
    if pattern is not None:
        constraints["pattern"] = pattern
    if column == "excerpt":
        constraints["maxLength"] = schema.MAX_EXCERPT
    if constraints:
        field["constraints"] = constraints
    return field


def _primary_key(table: str) -> str:
    return loading.ID_COLUMN.get(table, "id")


def _foreign_keys(table: str) -> list[dict[str, Any]]:
    keys: list[dict[str, Any]] = []
    columns = loading.COLUMNS[table]
    if table != "sources" and "source_id" in columns:
        keys.append(
            {"fields": "source_id", "reference": {"resource": "sources", "fields": "source_id"}}
        )
    if "figure_id" in columns:
        keys.append({"fields": "figure_id", "reference": {"resource": "figures", "fields": "id"}})
    # disputes.subject names a subject of the table in disputes.table (figures, events or
    # claims): a reference no Table Schema foreign key can express; the loader checks it.
    return keys


def _sources(folder: Path) -> list[dict[str, str]]:
    """The five articles, with their dates (read from sources.csv)."""
    with (folder / "sources.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        {
            "title": f"{r['source_id']}: {r['first_heading']} ({r['date_published']})",
            "path": f"sources/{r['file']}",
            "date_published": r["date_published"],
        }
        for r in rows
    ]


def build_package(folder: Path | None = None) -> dict[str, Any]:
    """The Data Package of the dataset in ``folder`` (default: the project's data/)."""
    folder = folder or PROJECT_ROOT / "data"
    resources = []
    for table in loading.TABLES:
        title, description = _TABLES[table]
        schema_: dict[str, Any] = {
            "fields": [_field(table, c) for c in loading.COLUMNS[table]],
            "missingValues": [""],
            "primaryKey": [_primary_key(table)],
        }
        fks = _foreign_keys(table)
        if fks:
            schema_["foreignKeys"] = fks
        resources.append(
            {
                "name": table,
                "title": title,
                "description": description,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema_,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": VERSION,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0 (the hand-coding)",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "contributors": [{"title": "musk-openai contributors", "role": "author"}],
        "keywords": ["Elon Musk", "OpenAI", "lawsuit", "funding", "EDTF", "press"],
        "sources": _sources(folder),
        "resources": resources,
    }


def dumps(package: dict[str, Any]) -> str:
    """The package as the committed file: keys in build order, indented, one final newline."""
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


# ---- The data dictionary in README.md, generated from the package ----------------------------

_BLOCK = re.compile(
    r"(<!-- data-dictionary: (?P<table>[a-z]+) "
    r"\(generated by python -m musk_openai\.(?:dataset\.)?package\) -->\n)"
    r".*?(<!-- /data-dictionary -->)",
    re.S,
)


def markdown_table(package: dict[str, Any], table: str) -> str:
    """The columns of ``table`` as a markdown table: name, type, required, meaning."""
    resource = next(r for r in package["resources"] if r["name"] == table)
    lines = ["| column | type | required | meaning |", "|---|---|---|---|"]
    for f in resource["schema"]["fields"]:
        c = f.get("constraints", {})
        meaning = f["description"]
        if "enum" in c:
            meaning += "; one of " + ", ".join(f"`{v}`" for v in c["enum"])
        if "pattern" in c and f["name"] != "date":
            meaning += f" (pattern `{c['pattern']}`)"
        kind = "EDTF string" if f["name"] == "date" else f["type"]
        lines.append(
            f"| `{f['name']}` | {kind} | {'yes' if c.get('required') else ''} | {meaning} |"
        )
    return "\n".join(lines) + "\n"


def render_readme(text: str, package: dict[str, Any]) -> str:
    """README.md's text with every data-dictionary block regenerated from the package."""
    return _BLOCK.sub(
        lambda m: m[1] + markdown_table(package, m["table"]) + m[3],
        text,
    )


def main() -> int:
    package = build_package()
    target = PROJECT_ROOT / "data" / "datapackage.json"
    target.write_text(dumps(package), encoding="utf-8")
    readme = PROJECT_ROOT / "README.md"
    readme.write_text(render_readme(readme.read_text(encoding="utf-8"), package), encoding="utf-8")
    print(f"wrote {target.relative_to(PROJECT_ROOT)} and README.md's data dictionary")
    return 0


if __name__ == "__main__":
    sys.exit(main())
