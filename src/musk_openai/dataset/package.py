"""The dataset as a Frictionless Data Package (``data/datapackage.json``) and its data dictionary.

One column specification, :mod:`.columns`: every table's title and description, and every
column's name, order, description, type, vocabulary, pattern and whether it is required, as the
pandera schema and the loader use them too. This module adds only the package's metadata.
``python -m musk_openai.dataset.package`` writes
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
from musk_openai.dataset.columns import SPEC
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


def describe(table: str, column: str) -> str:
    """What ``column`` of ``table`` means (the data dictionary, from :mod:`.columns`)."""
    return SPEC[table].column(column).description


def _field(table: str, column: str) -> dict[str, Any]:
    """A Table Schema field, from the column's specification."""
    col = SPEC[table].column(column)
    field: dict[str, Any] = {
        "name": column,
        "type": "number" if col.number else "string",
        "description": col.description,
    }
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    if col.number:
        constraints["minimum"] = 0
    if col.enum is not None:
        constraints["enum"] = list(col.enum)
    if col.pattern is not None:
        constraints["pattern"] = col.pattern
    if col.max_length is not None:
        constraints["maxLength"] = col.max_length
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
        title, description = SPEC[table].title, SPEC[table].description
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
