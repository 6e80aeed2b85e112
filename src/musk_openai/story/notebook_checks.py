"""Check that committed notebooks are clean: no outputs, no execution counts, one parameters cell.

Run it on folders or files::

    musk-openai check-notebooks notebooks          (or: python -m musk_openai.story.notebook_checks)

It prints one line per offending notebook, naming the file and the cells at fault (cell indices
count from 0, in file order), and exits 1; or prints one ``OK`` line and exits 0. A path that does
not exist is a usage error (exit 2). Folders are searched recursively for ``*.ipynb``, skipping
``.ipynb_checkpoints``.

In a git checkout set up by ``make``, the nbstripout git filter already removes outputs and
execution counts from every notebook staged; this check also covers the ``parameters`` cell, and
the files themselves (a checkout without the filter, a file never staged).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

PARAMETERS_TAG = "parameters"
FIX_HINT = (
    "clear outputs with `.venv/bin/nbstripout --keep-id FILE` (or Edit > Clear Outputs of All "
    "Cells in JupyterLab) and tag exactly one code cell 'parameters'"
)


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check_notebook(path: Path) -> list[str]:
    """The problems of one notebook, each naming the cell concerned; empty if it is clean."""
    try:
        nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call, unused-ignore]
    except Exception as exc:  # not JSON, not a notebook, unreadable: all reported the same way
        return [f"cannot be read as a notebook ({type(exc).__name__}: {exc})"]

    problems: list[str] = []
    tagged: list[int] = []
    for i, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if PARAMETERS_TAG in tags:
            tagged.append(i)
            if cell.get("cell_type") != "code":
                problems.append(f"cell {i} is tagged '{PARAMETERS_TAG}' but is not a code cell")
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs") or []
        if outputs:
            problems.append(f"cell {i} has {len(outputs)} output{'s' if len(outputs) > 1 else ''}")
        count = cell.get("execution_count")
        if count is not None:
            problems.append(f"cell {i} has execution_count {count}")

    if not tagged:
        problems.append(f"no cell is tagged '{PARAMETERS_TAG}' (exactly one is needed)")
    elif len(tagged) > 1:
        cells = ", ".join(str(i) for i in tagged)
        problems.append(f"cells {cells} are all tagged '{PARAMETERS_TAG}' (exactly one is needed)")
    return problems


def find_notebooks(paths: Iterable[Path]) -> list[Path]:
    """Every ``.ipynb`` file named or under the folders named, sorted, checkpoints skipped."""
    found: set[Path] = set()
    for p in paths:
        if p.is_dir():
            found.update(
                f
                for f in p.rglob("*.ipynb")
                if f.is_file() and ".ipynb_checkpoints" not in f.relative_to(p).parts
            )
        elif p.is_file():
            found.add(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return sorted(found)


def check_paths(paths: Iterable[Path]) -> dict[Path, list[str]]:
    """The problems of every notebook found, by notebook (clean notebooks map to ``[]``)."""
    return {nb: check_notebook(nb) for nb in find_notebooks(paths)}


def report(paths: Sequence[Path]) -> int:
    """Check the notebooks of ``paths`` and print the verdict: one line per notebook at fault and
    a FAILED line (exit code 1), or one OK line (exit code 0)."""
    results = check_paths(paths)
    bad = {nb: problems for nb, problems in results.items() if problems}
    for nb, problems in bad.items():
        print(f"{_show(nb)}: {'; '.join(problems)}")
    if bad:
        print(
            f"FAILED: {len(bad)} of {len(results)} notebook{'s' if len(results) > 1 else ''} "
            f"(cell indices count from 0); {FIX_HINT}",
            file=sys.stderr,
        )
        return 1
    where = ", ".join(str(p) for p in paths)
    print(
        f"OK: {len(results)} notebook{'s' if len(results) != 1 else ''} in {where}: "
        f"no outputs, no execution counts, one '{PARAMETERS_TAG}' cell each"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m musk_openai.story.notebook_checks",
        description="Fail if a notebook has outputs or execution counts, or does not have "
        "exactly one cell tagged 'parameters'.",
    )
    parser.add_argument("paths", nargs="+", type=Path, help="notebook files or folders")
    args = parser.parse_args(argv)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        parser.error(f"{missing[0]}: no such file or folder")  # exits 2
    return report(args.paths)


if __name__ == "__main__":
    sys.exit(main())
