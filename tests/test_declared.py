"""The parameters a notebook declares are remembered, so a rebuild that starts no kernel does not
import papermill; a damaged or foreign entry is never trusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from musk_openai import paths
from musk_openai.report.runner import declared

NOTEBOOK = paths.NOTEBOOKS_DIR / "03-dispute-timeline.ipynb"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MUSK_OPENAI_NO_CACHE", raising=False)
    return tmp_path / "musk-openai"


def test_the_declared_parameters_are_papermills(cache_home: Path) -> None:
    import papermill

    expected = papermill.inspect_notebook(str(NOTEBOOK))
    assert declared.inspect(NOTEBOOK) == expected  # asked
    assert declared.inspect(NOTEBOOK) == expected  # remembered
    assert {"lang", "formats", "dpi", "figures_dir", "start", "end"} <= set(expected)


def test_a_planned_rebuild_does_not_import_papermill_once_remembered(cache_home: Path) -> None:
    code = (
        "import sys\nfrom musk_openai.report.runner import declared\n"
        "from musk_openai import paths\n"
        "for nb in sorted(paths.NOTEBOOKS_DIR.glob('0*.ipynb')): declared.inspect(nb)\n"
        "print('papermill' in sys.modules)"
    )
    env = os.environ | {"XDG_CACHE_HOME": str(cache_home.parent)}
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    again = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert (first.stdout.strip(), again.stdout.strip()) == ("True", "False")


def test_an_edited_notebook_is_asked_again(cache_home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "03-copy.ipynb"
    copy.write_bytes(NOTEBOOK.read_bytes())
    assert declared.inspect(copy)["start"]["default"] == '"2015"'
    old, new = 'start: str = \\"2015\\"', 'start: str = \\"2016\\"'
    copy.write_text(copy.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert declared.inspect(copy)["start"]["default"] == '"2016"'


@pytest.mark.parametrize("damage", ["not json", "foreign", "group-writable"])
def test_a_damaged_or_foreign_entry_is_ignored(cache_home: Path, damage: str) -> None:
    right = declared.inspect(NOTEBOOK)
    (entry,) = cache_home.glob("parameters-*.json")
    if damage == "not json":
        entry.write_text("{", encoding="utf-8")
    elif damage == "foreign":  # another notebook's answer under this name
        entry.write_text(json.dumps({"name": "parameters-x.json", "declared": {}}))
    else:
        forged = {"name": entry.name, "declared": {"lang": {"default": "'xx'"}}}
        entry.write_text(json.dumps(forged), encoding="utf-8")
        entry.chmod(0o664)
    assert declared.inspect(NOTEBOOK) == right
