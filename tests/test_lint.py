"""musk_openai.notebook_checks: committed notebooks carry no outputs and one parameters cell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from musk_openai import notebook_checks
from musk_openai.paths import NOTEBOOKS_DIR, PROJECT_ROOT


def _clean() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# A question"),
            new_code_cell('lang = "fr"\ndpi = 200', metadata={"tags": ["parameters"]}),
            new_code_cell("from musk_openai import data\nds = data.load()"),
        ]
    )


def _write(folder: Path, name: str, nb: nbformat.NotebookNode) -> Path:
    path = folder / name
    nbformat.write(nb, path)
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str], str]:
    code = notebook_checks.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_clean_notebook_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "01-clean.ipynb", _clean())
    code, out, _ = _run(capsys, tmp_path)
    assert code == 0
    assert len(out) == 1 and out[0].startswith("OK: 1 notebook ")


def test_outputs_and_execution_counts_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = _clean()
    nb.cells[2].execution_count = 4
    nb.cells[2].outputs = [new_output("stream", name="stdout", text="16\n")]
    nb.cells[1].execution_count = 3
    path = _write(tmp_path, "02-run.ipynb", nb)
    _write(tmp_path, "01-clean.ipynb", _clean())

    code, out, err = _run(capsys, tmp_path)
    assert code == 1
    assert len(out) == 1, "one line per offending notebook, none for the clean one"
    line = out[0]
    assert line.startswith(f"{path}: ")
    assert "cell 2 has 1 output" in line
    assert "cell 2 has execution_count 4" in line
    assert "cell 1 has execution_count 3" in line
    assert "01-clean" not in line
    assert "FAILED: 1 of 2 notebooks" in err


@pytest.mark.parametrize("tagged", [[], [1, 2]], ids=["no parameters cell", "two"])
def test_parameters_cell_must_be_unique(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tagged: list[int]
) -> None:
    nb = _clean()
    for i, cell in enumerate(nb.cells):
        cell.metadata["tags"] = ["parameters"] if i in tagged else []
    _write(tmp_path, "03-params.ipynb", nb)
    code, out, _ = _run(capsys, tmp_path / "03-params.ipynb")
    assert code == 1
    assert len(out) == 1 and "03-params.ipynb" in out[0]
    if tagged:
        assert "cells 1, 2 are all tagged 'parameters'" in out[0]
    else:
        assert "no cell is tagged 'parameters'" in out[0]


def test_markdown_parameters_cell_is_refused(tmp_path: Path) -> None:
    nb = _clean()
    nb.cells[1].metadata["tags"] = []
    nb.cells[0].metadata["tags"] = ["parameters"]
    path = _write(tmp_path, "04-md.ipynb", nb)
    assert notebook_checks.check_notebook(path) == [
        "cell 0 is tagged 'parameters' but is not a code cell"
    ]


def test_unreadable_notebook_and_checkpoints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "05-broken.ipynb").write_text("{not json", encoding="utf-8")
    checkpoints = tmp_path / ".ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / "05-broken-checkpoint.ipynb").write_text("{not json", encoding="utf-8")
    code, out, _ = _run(capsys, tmp_path)
    assert code == 1
    assert len(out) == 1 and "05-broken.ipynb: cannot be read as a notebook" in out[0]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        notebook_checks.main([str(tmp_path / "nope")])
    assert exc.value.code == 2


def test_module_runs_as_a_script(tmp_path: Path) -> None:
    nb = _clean()
    nb.cells[2].execution_count = 1
    _write(tmp_path, "06-dirty.ipynb", nb)
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "07-clean.ipynb", _clean())
    run = subprocess.run(
        [sys.executable, "-m", "musk_openai.notebook_checks", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 1, run
    assert run.stdout.strip() == f"{tmp_path / '06-dirty.ipynb'}: cell 2 has execution_count 1"


def test_committed_notebooks_are_clean() -> None:
    """The same check `make lint` runs, on the real notebooks/ (zero notebooks pass trivially)."""
    results = notebook_checks.check_paths([NOTEBOOKS_DIR])
    bad = {
        str(p.relative_to(PROJECT_ROOT)): problems for p, problems in results.items() if problems
    }
    assert bad == {}
