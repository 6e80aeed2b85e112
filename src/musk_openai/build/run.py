"""The run: a plan executed, its pages rendered as each notebook finishes, the index written,
and the whole report put in place only when every notebook succeeded (:mod:`.outputs`).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Unpack

from .. import paths
from . import outputs, render
from .execute import Pool, Result
from .imports import preload
from .options import RawOptions
from .plan import Plan, plan_report
from .progress import Progress


@dataclass(frozen=True)
class Report:
    plan: Plan
    results: tuple[Result, ...]
    index: Path
    seconds: float
    #: Where the run's pages are: the output folder, or its failed-run/ when a notebook failed.
    location: Path | None = None

    def final(self, path: Path) -> Path:
        """Where a file the run built (in ``<output>/.building``) ended up."""
        building = self.plan.output / outputs.BUILDING
        if self.location is None or not paths.inside(path, building):
            return path
        return self.location / path.relative_to(building)

    @property
    def failures(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def run_report(*, stream: IO[str] | None = sys.stderr, **options: Unpack[RawOptions]) -> Report:
    """Check every option (raises :class:`~.options.OptionError`, nothing written), then run the
    whole report.

    ``options`` are those of :func:`~.plan.plan_report`; ``stream`` receives the progress
    (``None``: silent). The returned :class:`Report` has ``exit_code`` 0 (all notebooks
    succeeded) or 1.
    """
    return run_plan(plan_report(**options), stream=stream)


def run_plan(plan: Plan, *, stream: IO[str] | None = sys.stderr) -> Report:
    """Execute a validated plan, built aside in ``<output>/.building`` and put in place whole.

    One run at a time per output folder (:class:`outputs.OutputError` otherwise). All notebooks
    succeeded: the new report replaces the old one, and a canonical run's figures are copied to
    ``figures_root``. A notebook failed: the old report stays, this run goes to failed-run/.
    Interrupted or crashed: the old report stays, nothing of this run is left.
    """
    started = time.perf_counter()
    preload()
    with outputs.locked(plan.output):
        building = outputs.fresh_building(plan.output)
        try:
            for lg in plan.langs:
                (building / lg).mkdir(parents=True, exist_ok=True)
                plan.figures_dirs[lg].mkdir(parents=True, exist_ok=True)
            results = execute_and_render(plan, stream)
            render.write_index(plan, results, dataset_version())
            failed = any(not r.ok for r in results)
            location = outputs.install(plan.output, building, failed)
        except BaseException:
            outputs.discard(plan.output)
            raise
    if not failed and plan.canonical:
        for lg in plan.langs:
            outputs.copy_files(location / "figures" / lg, plan.figures_root / lg)
    seconds = time.perf_counter() - started
    return Report(plan, tuple(results), location / "index.html", seconds, location)


def execute_and_render(plan: Plan, stream: IO[str] | None) -> list[Result]:
    """Every job on a pool of threads, each page rendered as soon as its notebook is done;
    the results in plan order."""
    results: list[Result] = []
    with Progress(len(plan.work), stream) as progress, Pool(plan, progress) as pool:
        # Built while the first kernels start: nbconvert's templates take a second.
        renderer = render.PageRenderer(plan.with_code)
        for executed in pool.completed():
            result = render.render_page(executed, plan, renderer)
            progress.finished(result.job.label, result.ok, result.seconds)
            results.append(result)
    return sorted(results, key=lambda r: plan.work.index(r.job))


def dataset_version() -> str:
    """The dataset's version and the hash of data/, shown in "about this build"."""
    try:
        from ..data import dataset_hash
        from ..data import dataset_version as semantic

        return f"{semantic()} ({dataset_hash()})"
    except Exception as exc:  # noqa: BLE001 - a missing data folder must not hide the report
        return f"unknown ({type(exc).__name__}: {exc})"


def summary(report: Report) -> str:
    """What happened, for stderr: counts, time, each failure with its cell and error, and where
    everything is."""
    res, plan = report.results, report.plan
    lines = [
        f"report: {len(res)} notebook{'' if len(res) == 1 else 's'} in {report.seconds:.1f} s: "
        f"{len(res) - len(report.failures)} ok, {len(report.failures)} failed"
    ]
    for r in report.failures:
        assert r.failure is not None
        lines.append(f"FAILED {r.job.notebook.path.name} ({r.job.lang}), {r.failure.describe()}")
        executed = report.final(r.job.executed)
        if executed.is_file():
            lines.append(f"    executed notebook, up to the failure: {executed}")
    if report.failures:
        lines.append(
            f"{plan.output} keeps its previous report, if any; this run's pages: {report.index}"
        )
        return "\n".join(lines)
    lines.append(f"index: {report.index}")
    for lg in plan.langs:
        where = report.final(plan.figures_dirs[lg])
        also = f" (and {plan.figures_root / lg}, the canonical build)" if plan.canonical else ""
        lines.append(f"figures ({lg}): {where}{also}")
    return "\n".join(lines)
