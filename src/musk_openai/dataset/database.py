"""The dataset as a SQLite database for Datasette, built from data/datapackage.json.

Tables, column types, primary and foreign keys come from the Data Package (package.py), written
with sqlite-utils; the Datasette metadata (titles, descriptions, licence, source) too.
``python -m musk_openai.dataset.database DB`` writes the database and, beside it,
``musk-openai.metadata.json``; ``make datasette`` then serves both on 127.0.0.1.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from musk_openai import paths
from musk_openai.paths import PROJECT_ROOT


def _package(folder: Path) -> dict[str, Any]:
    package: dict[str, Any] = json.loads((folder / "datapackage.json").read_text("utf-8"))
    return package


def _rows(path: Path, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    numbers = {f["name"] for f in fields if f["type"] in ("number", "integer")}
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for name in numbers:
            row[name] = float(row[name]) if row[name] != "" else None
    return rows


def build_database(db_path: Path, folder: Path | None = None) -> Path:
    """Write the dataset of ``folder`` (default data/) to a fresh SQLite file at ``db_path``."""
    import sqlite_utils

    folder = folder or PROJECT_ROOT / "data"
    package = _package(folder)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.unlink(missing_ok=True)
    db = sqlite_utils.Database(db_path)
    for resource in package["resources"]:  # sources first: foreign keys point at earlier tables
        schema = resource["schema"]
        fields = schema["fields"]
        types = {f["name"]: float if f["type"] == "number" else str for f in fields}
        fks = [
            (fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"])
            for fk in schema.get("foreignKeys", [])
        ]
        table = db.table(resource["name"])
        table.create(
            types,
            pk=schema["primaryKey"][0],
            foreign_keys=fks,
            not_null={f["name"] for f in fields if f.get("constraints", {}).get("required", False)},
        )
        table.insert_all(_rows(folder / resource["path"], fields))
    db.close()
    return db_path


def metadata(folder: Path | None = None) -> dict[str, Any]:
    """Datasette's metadata: the package's title, licence, source, and every table's words."""
    package = _package(folder or PROJECT_ROOT / "data")
    licence = package["licenses"][0]
    tables = {
        r["name"]: {
            "title": r["title"],
            "description": r["description"],
            "columns": {f["name"]: f["description"] for f in r["schema"]["fields"]},
        }
        for r in package["resources"]
    }
    return {
        "title": f"{package['title']} (dataset {package['version']})",
        "description": package["description"],
        "license": licence["name"],
        "license_url": licence["path"],
        "source": "data/datapackage.json (musk-openai)",
        "databases": {"musk-openai": {"tables": tables}},
    }


def main(argv: list[str]) -> int:
    db_path = Path(argv[0]) if argv else paths.DATABASE_DIR / "musk-openai.db"
    build_database(db_path)
    meta = db_path.with_name("musk-openai.metadata.json")
    meta.write_text(json.dumps(metadata(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {db_path} and {meta}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
