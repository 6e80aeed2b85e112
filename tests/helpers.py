"""Throw-away notebooks for the runner's tests (imported by the test modules)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

# What every chart notebook exports with the default formats: wide and phone-width charts,
# the plotted numbers, a short alt text and a longer description.
EXPORTED = ("alt.txt", "csv", "desc.txt", "narrow.png", "narrow.svg", "png", "svg")

PARAMETERS = 'lang: str = "fr"\nformats: str = "png,svg"\ndpi: int = 200\nfigures_dir: str = ""'

# A deterministic figure: no date, no software tag, a fixed SVG id salt.
FIGURE = """\
import matplotlib
matplotlib.rcParams["svg.hashsalt"] = "musk-openai"
import matplotlib.pyplot as plt
from pathlib import Path
fig, ax = plt.subplots(figsize=(3, 2))
ax.bar(["a", "b"], [1, 2 if lang == "fr" else 3])
ax.set_title(lang)
out = Path(figures_dir)
out.mkdir(parents=True, exist_ok=True)
for fmt in formats.split(","):
    meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    fig.savefig(out / f"01-bars.{fmt}", dpi=dpi, metadata=meta)
plt.show()
"""


def make_notebook(
    folder: Path, name: str, *codes: str, title: str | None = None, extra_parameters: str = ""
) -> Path:
    """``folder/name.ipynb``: a title, the parameters cell, then one code cell per ``codes``."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [new_markdown_cell(f"# {title or name}")]
    nb.cells.append(new_code_cell(PARAMETERS + extra_parameters, metadata={"tags": ["parameters"]}))
    nb.cells += [new_code_cell(code) for code in codes]
    path = folder / f"{name}.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def make_tagged_notebook(folder: Path, name: str, *cells: tuple[str, str, list[str]]) -> Path:
    """``folder/name.ipynb``: the parameters cell, then ``(kind, source, tags)`` cells, kind
    ``"md"`` (Markdown) or ``"code"``."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})]
    for kind, source, tags in cells:
        make = new_markdown_cell if kind == "md" else new_code_cell
        nb.cells.append(make(source, metadata={"tags": tags} if tags else {}))
    path = folder / f"{name}.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def start_interruptible(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``cmd`` started as a terminal would start it, to be interrupted as a terminal does
    (``os.killpg(proc.pid, SIGINT)``): a session of its own, SIGINT at its default, its stderr
    read as text."""
    return subprocess.Popen(
        cmd,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=interruptible,
        env=env,
    )


def interruptible() -> None:
    """``preexec_fn`` of a command the test will interrupt: SIGINT back to its default, as in a
    terminal (a test run started in the background inherits SIGINT ignored, and so would the
    command)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def write_site_pages(root: Path) -> Path:
    """The report's own pages (front pages, source pages, fact explorer, corrections) written
    from the dataset into ``root``, with one notebook and no run: no kernel. Returns the
    folder that holds them (the run's .building)."""
    from musk_openai.report import runner
    from musk_openai.report.site import site
    from musk_openai.report.types import BUILDING

    make_tagged_notebook(root / "notebooks", "01-x", ("md", "# X", []))
    plan = runner.plan_report(
        notebooks_dir=root / "notebooks", output=root / "out", figures_root=root / "figures"
    )
    for lang in plan.langs:
        (plan.output / BUILDING / lang).mkdir(parents=True)
    site.write_site(plan, [], "test")
    return plan.output / BUILDING
