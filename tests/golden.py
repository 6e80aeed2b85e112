"""Golden executed notebooks: the page tests render pages from executed copies of their two
small notebooks, kept in tests/golden/, instead of starting kernels (test_pages.py checks, with
kernels, that the copies are current).

    .venv/bin/python tests/golden.py     # executes the two notebooks and rewrites the copies
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from musk_openai.report.types import RUN_METADATA, Job, Result

GOLDEN = Path(__file__).resolve().parent / "golden"
NOTEBOOKS = ("01-figure", "02-plain")


def execute(
    job: Job, timeout: int, notebooks_dir: Path, key: str = "", stopping: object = None
) -> Result:
    """What the runner's ``execute_job`` does, from the golden copy: the executed notebook (its
    key set, as the runner sets it) and the figures it wrote."""
    import nbformat

    start = time.perf_counter()
    nb = nbformat.read(str(golden_path(job.lang, job.notebook.name)), as_version=4)
    nb.metadata[RUN_METADATA] = {"run_key": key}
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(job.executed))
    figures = GOLDEN / "figures" / job.lang / job.notebook.name
    if figures.is_dir():
        shutil.copytree(figures, job.figures, dirs_exist_ok=True)
    return Result(job, time.perf_counter() - start)


def golden_path(lang: str, name: str) -> Path:
    """The executed copy of ``name`` in ``lang``: a notebook, named .json so that the git filter
    that strips notebooks' outputs (nbstripout, on *.ipynb) leaves it whole."""
    return GOLDEN / lang / f"{name}.executed.json"


def outputs(path: Path) -> list[Any]:
    """A notebook's cells as the pages use them: source, tags and outputs, without timings and
    the parameters the run injected (its folders change with each run)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for c in nb["cells"]:
        tags = c.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            continue
        outs = [
            {k: v for k, v in o.items() if k not in ("execution_count",)}
            for o in c.get("outputs", [])
        ]
        for o in outs:  # images differ with the libraries' versions only in their bytes
            for mime in ("image/png", "image/svg+xml"):
                if mime in o.get("data", {}):
                    o["data"][mime] = "<image>"
        cells.append((c["cell_type"], c["source"], tags, outs))
    return cells


def write() -> None:
    """Execute the two notebooks with real kernels and keep their executed copies."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_pages import build_report

    with tempfile.TemporaryDirectory() as tmp:
        report = build_report(Path(tmp))
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for lang in ("fr", "en"):
            (GOLDEN / lang).mkdir(parents=True)
            for name in NOTEBOOKS:
                shutil.copyfile(report / lang / f"{name}.ipynb", golden_path(lang, name))
            for f in (report / "figures" / lang).glob("01-bars.*"):
                target = GOLDEN / "figures" / lang / "01-figure"
                target.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, target / f.name)


if __name__ == "__main__":
    write()
