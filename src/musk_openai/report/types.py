"""The report's shared types: a notebook, a job (one notebook in one language), a plan, and what
executing a job gave (a :class:`Result`, with a :class:`Failure` if it failed). The runner makes
them, the site renders them: both import them from here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from musk_openai import paths

KERNEL_NAME = "python3"
#: The place of the execution cache's key in an executed notebook's metadata.
RUN_METADATA = "musk_openai"
#: Where a run builds its report, inside the output folder, before putting it in place.
BUILDING = ".building"


@dataclass(frozen=True)
class Failure:
    """Where and why a notebook failed. ``cell`` counts from 0 in the source notebook."""

    cell: int | None
    executed_cell: int | None
    source_line: str
    ename: str
    evalue: str
    #: The notebook ran; its page could not be rendered (an edited template, say).
    page: bool = False

    def describe(self) -> str:
        if self.page:
            where = "its page could not be rendered, from the executed notebook"
        elif self.cell is not None:
            where = f"cell {self.cell}"
            if self.executed_cell is not None and self.executed_cell != self.cell:
                where += f" (cell {self.executed_cell} of the executed copy)"
        elif self.executed_cell is not None:
            where = f"cell {self.executed_cell} of the executed copy"
        else:
            where = "before any cell ran"
        line = f": {self.source_line}" if self.source_line else ""
        return f"{where}{line}\n    {self.ename}: {self.evalue}"


@dataclass(frozen=True)
class Result:
    job: Job
    seconds: float
    failure: Failure | None = None
    page_written: bool = False
    #: When the run that made this job's files was, if they were reused from it (:mod:`.reuse`).
    reused_from: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class Notebook:
    """A source notebook ``NN-name.ipynb``: its parameters (as papermill reads them), its title."""

    path: Path
    declared: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    title: str = ""

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def number(self) -> str:
        return self.path.name[:2]


@dataclass(frozen=True)
class Job:
    """One notebook in one language."""

    notebook: Notebook
    lang: str
    parameters: Mapping[str, Any]
    executed: Path
    page: Path

    @property
    def label(self) -> str:
        return f"{self.notebook.name} ({self.lang})"

    @property
    def figures(self) -> Path:
        """Where this job's notebook writes its figures: a folder of its own, so that the run
        knows which files each notebook made (they are then copied to the language's figures
        folder, and kept with the job's entry for reuse: :mod:`.reuse`)."""
        return Path(self.parameters["figures_dir"])


@dataclass(frozen=True)
class Plan:
    """A validated run: what to execute, with which parameters, and where the results go."""

    notebooks_dir: Path
    output: Path
    langs: tuple[str, ...]
    formats: tuple[str, ...]
    dpi: int
    notebooks: tuple[Notebook, ...]
    figures_dirs: Mapping[str, Path]
    extra: Mapping[str, Any]
    params_file: Path | None
    jobs: int
    timeout: int
    with_code: bool
    work: tuple[Job, ...]
    #: Where the canonical build's figures are installed (the committed figures/).
    figures_root: Path = paths.FIGURES_DIR
    #: Every parameter at its default: the figures are also installed into ``figures_root``.
    canonical: bool = False
    #: Execute every notebook, even those whose earlier run could be reused (``--force``).
    force: bool = False
