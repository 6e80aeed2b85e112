"""Notebook checks: committed notebooks carry no outputs and one parameters cell."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from musk_openai.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from musk_openai.story import notebook_checks


def _clean() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# A question"),
            new_code_cell('lang = "fr"\ndpi = 200', metadata={"tags": ["parameters"]}),
            new_code_cell("from musk_openai.dataset import data\nds = data.load()"),
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


@pytest.mark.slow
def test_module_runs_as_a_script(tmp_path: Path) -> None:
    nb = _clean()
    nb.cells[2].execution_count = 1
    _write(tmp_path, "06-dirty.ipynb", nb)
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "07-clean.ipynb", _clean())
    run = subprocess.run(
        [sys.executable, "-m", "musk_openai.story.notebook_checks", str(tmp_path)],
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


# --- the git filter `make` installs: notebook outputs never reach a commit -------------------


def _git_env(home: Path) -> dict[str, str]:
    """No user or system git config, no enclosing make or git state."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GIT_") and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    }
    env.update(HOME=str(home), GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return env


def _install_filter(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """What `make` does on first use, in ``repo``, with the interpreter running the tests.

    ``-o`` marks the install stamp as done: the virtual environment is not reinstalled.
    """
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-f",
            str(PROJECT_ROOT / "Makefile"),
            f"VENV={sys.prefix}",
            "-o",
            f"{sys.prefix}/.installed-stamp",
            "git-filter",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _git(repo: Path, env: dict[str, str], *args: str) -> str:
    run = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, f"git {' '.join(args)}: {run.stderr}"
    return run.stdout


def _saved_by_jupyterlab(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as JupyterLab saves it after a run: counts, outputs, full language_info."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = [
            new_output("stream", name="stdout", text="16\n"),
            new_output(
                "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
            ),
            new_output("execute_result", data={"text/plain": "42"}, execution_count=count),
        ]
    nb.metadata.setdefault("language_info", {}).update(
        codemirror_mode={"name": "ipython", "version": 3},
        file_extension=".py",
        mimetype="text/x-python",
        nbconvert_exporter="python",
        pygments_lexer="ipython3",
        version="3.11.7",
    )
    return nb


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("git") and shutil.which("make")), reason="git, make")
def test_git_filter_strips_outputs_when_staged(tmp_path: Path) -> None:
    committed = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    if not committed:
        pytest.skip("no notebook in notebooks/")
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    env = _git_env(tmp_path)
    _git(repo, env, "init", "--quiet")
    for nb in committed:
        shutil.copy2(nb, repo / "notebooks" / nb.name)

    run = _install_filter(repo, env)
    assert run.returncode == 0, run
    assert "git filter installed" in run.stdout
    assert "--keep-id" in _git(repo, env, "config", "--get", "filter.nbstripout.clean")

    # A committed notebook goes through the filter unchanged (or `git status` would list it).
    _git(repo, env, "add", "notebooks")
    for nb in committed:
        staged = _git(repo, env, "show", f":notebooks/{nb.name}")
        assert staged == nb.read_text(encoding="utf-8"), f"the filter rewrites {nb.name}"

    # Run and saved from JupyterLab: the staged notebook has no outputs, the file keeps them.
    target = repo / "notebooks" / committed[0].name
    nbformat.write(_saved_by_jupyterlab(nbformat.read(target, as_version=4)), target)
    _git(repo, env, "add", str(target.relative_to(repo)))
    blob = _git(repo, env, "show", f":notebooks/{target.name}")
    cells = [c for c in json.loads(blob)["cells"] if c["cell_type"] == "code"]
    assert cells and all(c["outputs"] == [] and c["execution_count"] is None for c in cells)
    assert blob == committed[0].read_text(encoding="utf-8"), "the staged notebook is not clean"
    assert notebook_checks.check_notebook(target) != [], "the working file lost its outputs"
    staged_copy = tmp_path / target.name
    staged_copy.write_text(blob, encoding="utf-8")
    assert notebook_checks.check_notebook(staged_copy) == []


@pytest.mark.skipif(not shutil.which("make"), reason="make")
def test_git_filter_is_skipped_outside_a_git_checkout(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-repo"
    folder.mkdir()
    run = _install_filter(folder, _git_env(tmp_path))
    assert run.returncode == 0, run
    assert run.stdout == "" and run.stderr == ""
    assert list(folder.iterdir()) == []
