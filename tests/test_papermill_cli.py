"""papermill as a user runs it: the command-line tool itself, -p, -f FILE.yaml, --help-notebook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from musk_openai.paths import NOTEBOOKS_DIR

PAPERMILL = [sys.executable, "-m", "papermill"]
NOTEBOOKS = sorted(p.name for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
COMMON = {
    "lang": "language of the charts",
    "formats": "comma-separated export formats",
    "dpi": "PNG resolution",
    "figures_dir": "figures/<lang> with these defaults, else reports/figures/<lang>",
}


def papermill(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PAPERMILL, *args], capture_output=True, text=True, timeout=300, cwd=NOTEBOOKS_DIR
    )


@pytest.mark.slow
def test_help_notebook_shows_each_parameter_with_its_comment() -> None:
    """The command, on the notebook with the most parameters (the timeline's start and end)."""
    res = papermill("--help-notebook", "03-dispute-timeline.ipynb")
    assert res.returncode == 0, res.stderr
    for param, comment in COMMON.items():
        assert param in res.stdout and comment in res.stdout, res.stdout
    assert 'start: str (default "2015")' in res.stdout.replace("'", '"')


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_notebook_documents_its_parameters_for_papermill(name: str) -> None:
    """What ``papermill --help-notebook`` shows of each notebook, read by papermill's own
    :func:`papermill.inspect_notebook` (one process for all, not a command each)."""
    from musk_openai.report.runner.imports import papermill_module

    found = papermill_module().inspect_notebook(str(NOTEBOOKS_DIR / name))
    for param, comment in COMMON.items():
        assert comment in found[param]["help"], found
    assert found["lang"]["default"] == '"fr"' and found["dpi"]["inferred_type_name"] == "int"


@pytest.mark.kernel
@pytest.mark.parametrize("name", ["00-start-here", "03-dispute-timeline"])
def test_papermill_cli_runs_a_notebook(name: str, tmp_path: Path) -> None:
    """-f with a YAML file (dates quoted, formats as papermill users write them) and -p lang en:
    the tour, which exports nothing, and the timeline, which takes dates (every notebook is run
    in the report's own tests, which check what it computes)."""
    figures = tmp_path / "figs"
    params_file = tmp_path / "params.yaml"
    params_file.write_text(
        f'formats: "png"\ndpi: 80\nfigures_dir: "{figures}"\n'
        + ('start: "2019"\nend: "2024-06"\n' if name.startswith("03") else ""),
        encoding="utf-8",
    )
    out = tmp_path / f"{name}.ipynb"
    res = papermill(
        f"{name}.ipynb", str(out), "-k", "python3", "-f", str(params_file), "-p", "lang", "en",
        "--cwd", str(NOTEBOOKS_DIR), "--execution-timeout", "180", "--no-progress-bar",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    nb = nbformat.read(out, as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'lang = "en"' in injected.source and "dpi = 80" in injected.source
    if name.startswith("00"):
        assert not figures.exists(), "the tour exports nothing"
    else:
        pngs = sorted(figures.glob("*.png"))
        assert pngs and all(p.name.startswith(name[:2]) for p in pngs)
        assert not list(figures.glob("*.svg")), "formats from the YAML file were ignored"


@pytest.mark.kernel
def test_papermill_cli_bad_parameter_exits_non_zero(tmp_path: Path) -> None:
    res = papermill(
        "01-valuation-growth.ipynb", str(tmp_path / "out.ipynb"), "-k", "python3",
        "-p", "lang", "de", "-p", "figures_dir", str(tmp_path / "figs"), "--no-progress-bar",
    )  # fmt: skip
    assert res.returncode != 0
    assert "parameter 'lang': got 'de'; allowed: fr, en" in res.stderr
    assert not (tmp_path / "figs").exists()
