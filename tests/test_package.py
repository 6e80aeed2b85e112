"""The Data Package (data/datapackage.json), its data dictionary, version, citation and database."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import frictionless
import pytest
import yaml

from musk_openai.dataset import data, database, loading, package
from musk_openai.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
HOST = "127.0.0.1"


def test_datapackage_json_is_what_build_package_returns() -> None:
    """One schema, not two: the committed package is generated from loading.py's definitions."""
    committed = (DATA / "datapackage.json").read_text(encoding="utf-8")
    assert committed == package.dumps(package.build_package()), (
        "data/datapackage.json is stale: run python -m musk_openai.dataset.package"
    )


def test_package_follows_the_loader() -> None:
    pkg = package.build_package()
    assert pkg["version"] == package.VERSION == "2.1.0"
    assert [r["name"] for r in pkg["resources"]] == list(loading.TABLES)
    for r in pkg["resources"]:
        fields = r["schema"]["fields"]
        assert tuple(f["name"] for f in fields) == loading.COLUMNS[r["name"]]
        assert all(f["description"] for f in fields)
    figures = next(r for r in pkg["resources"] if r["name"] == "figures")
    kind = next(f for f in figures["schema"]["fields"] if f["name"] == "kind")
    assert kind["constraints"]["enum"] == loading.FIGURE_KINDS
    members = next(r for r in pkg["resources"] if r["name"] == "members")
    refs = {fk["fields"]: fk["reference"]["resource"] for fk in members["schema"]["foreignKeys"]}
    assert refs == {"source_id": "sources", "figure_id": "figures"}
    assert [s["path"] for s in pkg["sources"]] == sorted(
        f"sources/{p.name}" for p in (DATA / "sources").glob("*.txt")
    )


def test_readme_data_dictionary_is_generated() -> None:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count("<!-- data-dictionary: ") == len(loading.TABLES)
    assert text == package.render_readme(text, package.build_package()), (
        "README.md's column tables are stale: run python -m musk_openai.dataset.package"
    )


def test_frictionless_validates_the_committed_data() -> None:
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.to_summary()


def _edit(path: Path, row_id: str, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    col = rows[0].index(column)
    next(r for r in rows if r[0] == row_id)[col] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


@pytest.mark.slow
def test_frictionless_reports_a_broken_copy(data_copy: Path) -> None:
    _edit(data_copy / "figures.csv", "F01", "source_id", "S999")
    _edit(data_copy / "events.csv", "E01", "kind", "party")
    report = frictionless.validate(str(data_copy / "datapackage.json"))
    assert not report.valid
    errors = report.flatten(["type", "rowNumber", "fieldName", "note"])
    types = {e[0] for e in errors}
    assert {"foreign-key", "constraint-error"} <= types, errors
    summary = report.to_summary()
    assert "S999" in summary and "party" in summary, summary
    cli = subprocess.run(
        [str(Path(sys.prefix) / "bin" / "frictionless"), "validate", "datapackage.json"],
        cwd=data_copy,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode != 0
    assert "INVALID" in cli.stdout and "foreign-key" in cli.stdout, cli.stdout


def test_dataset_version(ds: data.Dataset) -> None:
    assert ds.version == data.dataset_version() == "2.1.0"
    citation = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == ds.version
    changelog = (PROJECT_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {ds.version}" in changelog and "## 1.0.0" in changelog


def test_dataset_version_missing(data_copy: Path) -> None:
    (data_copy / "datapackage.json").unlink()
    with pytest.raises(data.DataError, match="datapackage.json"):
        data.dataset_version(data_copy)


def test_citation_cff() -> None:
    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"title", "message", "authors", "version", "license"} <= set(cff)
    assert cff["authors"] == [{"name": "musk-openai contributors"}]
    assert cff["license"] in ("CC-BY-4.0", ["CC-BY-4.0", "MIT"])


# ---- The database and Datasette -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 (loopback only)
        return json.loads(resp.read())


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group, then SIGKILL if it is still there."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.mark.slow
def test_datasette_serves_the_database(tmp_path: Path) -> None:
    db = database.build_database(tmp_path / "musk-openai.db")
    meta = tmp_path / "metadata.json"
    meta.write_text(json.dumps(database.metadata()), encoding="utf-8")
    port = _free_port()
    log = tmp_path / "datasette.log"
    cmd = [str(Path(sys.prefix) / "bin" / "datasette"), "serve", str(db), "--metadata", str(meta)]
    cmd += ["--host", HOST, "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env, process_group=0
        )
    try:
        base = f"http://{HOST}:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                _get(f"{base}/-/versions.json")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        sql = "select id, value, unit, source_id, excerpt from figures where id = :id"
        query = urllib.parse.urlencode({"sql": sql, "id": "F01", "_shape": "array"})
        rows = _get(f"{base}/musk-openai.json?{query}")
        assert rows == [
            {
                "id": "F01",
                "value": 157000000000.0,
                "unit": "USD",
                "source_id": "S001",
                "excerpt": rows[0]["excerpt"],
            }
        ]
        assert "157 milliards de dollars" in rows[0]["excerpt"]
        served = _get(f"{base}/-/metadata.json")
        assert served["license"] == "CC-BY-4.0"
        tables = served["databases"]["musk-openai"]["tables"]
        assert tables["figures"]["columns"]["excerpt"].startswith("verbatim")
    finally:
        _stop(proc)
    assert proc.returncode is not None


def test_the_database_and_the_report_have_folders_of_their_own(tmp_path: Path) -> None:
    """make datasette then make report (or the other way round) both work: the database is
    never written into the report's folder, which refuses files it did not make."""
    from musk_openai.dataset import database
    from musk_openai.paths import DATABASE_DIR, REPORTS_DIR
    from musk_openai.report import runner

    assert not DATABASE_DIR.resolve().is_relative_to(REPORTS_DIR.resolve())
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    datasette = makefile[makefile.index("\ndatasette:") :].split("\n\n")[0]
    assert "reports/" not in datasette and "$(DB_DIR)/musk-openai.db" in datasette
    # the same order in a scratch project: a database beside, then a report
    db_dir, out = tmp_path / "database", tmp_path / "reports"
    database.main([str(db_dir / "musk-openai.db")])
    assert (db_dir / "musk-openai.db").is_file()
    plan = runner.plan_report(output=out, lang="en", only=["01"])
    assert plan.output == out.resolve()
