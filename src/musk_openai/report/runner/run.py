"""The run: a plan executed, its pages rendered as each notebook finishes, the index written,
and the whole report put in place only when every notebook succeeded (:mod:`.outputs`).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import IO, Any, Unpack

import jinja2

from musk_openai import files, interrupts, paths
from musk_openai.dataset import data
from musk_openai.optional_imports import skip_slow_optional_imports
from musk_openai.report.runner import outputs, reuse
from musk_openai.report.runner.execute import Pool
from musk_openai.report.runner.imports import preload
from musk_openai.report.runner.options import RawOptions
from musk_openai.report.runner.plan import JOBS, plan_report
from musk_openai.report.runner.progress import Progress
from musk_openai.report.site import jinja, render, site
from musk_openai.report.types import BUILDING, Job, Plan, Result


@dataclass(frozen=True)
class Report:
    plan: Plan
    results: tuple[Result, ...]
    index: Path
    seconds: float
    #: Where the run's pages are: the output folder, or its failed-run/ when a notebook failed.
    location: Path | None = None
    #: Why nothing of this run was kept for reuse, if so (the summary says it, once).
    cache_problem: str | None = None

    def final(self, path: Path) -> Path:
        """Where a file the run built (in ``<output>/.building``) ended up."""
        building = self.plan.output / BUILDING
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

    A job whose inputs are those of an earlier run into this folder is not executed again: its
    executed notebook and figures are reused (:mod:`.reuse`), unless ``plan.force``. A page is
    rendered from the executed notebook, unless it was kept for the same inputs, templates and
    code (:func:`.reuse.page_key`). One run at a time per output folder
    (:class:`outputs.OutputError` otherwise). All notebooks succeeded: the new report replaces
    the old one, and a canonical run's figures are copied to ``figures_root``. A notebook
    failed: the old report stays, this run goes to failed-run/. Interrupted or crashed: the old
    report stays, nothing of this run is left, not even an entry for reuse.
    """
    started = time.perf_counter()
    with outputs.locked(plan.output):
        building = outputs.fresh_building(plan.output)
        store = reuse.Store(plan.output)
        try:
            # Ctrl-C acted on where the main thread waits, never inside an import (.interrupts)
            with interrupts.deferred():
                try:
                    results = _build(plan, building, store, stream)
                except jinja2.TemplateError as exc:  # a notebook's page says it; others, here
                    raise jinja.TemplateProblem.of(exc) from None
            failed = any(not r.ok for r in results)
            location = outputs.install(plan.output, building, failed)
        except BaseException:
            outputs.discard(plan.output)
            raise
    if not failed and plan.canonical:
        for lg in plan.langs:
            files.copy_files(location / "figures" / lg, plan.figures_root / lg)
    seconds = time.perf_counter() - started
    return Report(plan, tuple(results), location / "index.html", seconds, location, store.problem)


def _build(plan: Plan, building: Path, store: reuse.Store, stream: IO[str] | None) -> list[Result]:
    """The run, in ``building``: what can be reused restored, the rest executed, every page
    rendered; what succeeded kept for reuse, if the inputs did not change meanwhile."""
    for lg in plan.langs:
        (building / lg).mkdir(parents=True, exist_ok=True)
        plan.figures_dirs[lg].mkdir(parents=True, exist_ok=True)
    inputs = reuse.inputs(plan.notebooks_dir)
    written = reuse.touched()
    keys = reuse.keys(plan, inputs)
    pages = {j.label: reuse.page_key(keys[j.label], j, plan, inputs) for j in plan.work}
    reused = [] if plan.force else restore(plan, store, keys)
    # a reused run whose page is kept too: no page to render (no nbconvert at all)
    reused = [_with_page(r, store, pages, building) for r in reused]
    done = {r.job.label for r in reused}
    todo = tuple(job for job in plan.work if job.label not in done)
    shared_key = reuse.site_key(plan, inputs)
    shared = store.restore_files(shared_key, building)
    # the pages made from the dataset alone, written while kernels run or pages render
    also = None if shared else partial(site.write_shared, plan)
    results = execute_and_render(plan, todo, reused, keys, stream, also)
    interrupts.check()  # a Ctrl-C up to here: nothing of the run is kept, not even in the cache
    site.write_site(plan, results, dataset_version(inputs), shared_done=True)
    interrupts.check()
    kept = {r.job.label for r in reused if r.page_written}
    rendered = [r for r in results if r.ok and r.page_written and r.job.label not in kept]
    # nothing is saved if the inputs changed during the run, even back to what they were (a
    # template edited as pages render: a page would be kept under the key of the one before)
    unchanged = not (todo or rendered or not shared) or (
        reuse.inputs(plan.notebooks_dir) == inputs and reuse.touched() == written
    )
    save_for_reuse(store, results, keys, unchanged=unchanged)
    if unchanged:
        for r in rendered:
            store.save_files(pages[r.job.label], r.job.label, building, [r.job.page])
        if not shared:
            what = "the pages made from the dataset"
            store.save_files(shared_key, what, building, site.shared_pages(plan))
    store.prune([*keys.values(), *pages.values(), shared_key])
    shutil.rmtree(building / JOBS, ignore_errors=True)
    interrupts.check()  # the last moment a Ctrl-C keeps the previous report
    return results


def restore(plan: Plan, store: reuse.Store, keys: dict[str, str]) -> list[Result]:
    """The jobs whose entry is in the store, put in place (see :mod:`.reuse`)."""
    results = []
    for job in plan.work:
        got = store.restore(job, keys[job.label], plan.figures_dirs[job.lang])
        if got is not None:
            results.append(Result(job, 0.0, reused_from=got.made))
    return results


def save_for_reuse(
    store: reuse.Store,
    results: list[Result],
    keys: dict[str, str],
    *,
    unchanged: bool,
) -> None:
    """Keep the jobs executed with success for later runs, if the inputs did not change while
    they ran."""
    if unchanged:
        for r in results:
            if r.ok and r.page_written and r.reused_from is None:
                store.save(r.job, keys[r.job.label], _files(r.job.figures))


def _with_page(result: Result, store: reuse.Store, pages: dict[str, str], building: Path) -> Result:
    """The result, its page put in place from the store if it was kept."""
    if store.restore_files(pages[result.job.label], building):
        return replace(result, page_written=True)
    return result


def _files(folder: Path) -> list[Path]:
    return sorted(f for f in folder.iterdir() if f.is_file()) if folder.is_dir() else []


def execute_and_render(
    plan: Plan,
    todo: Sequence[Job],
    reused: Sequence[Result],
    keys: dict[str, str],
    stream: IO[str] | None,
    also: Callable[[], None] | None = None,
) -> list[Result]:
    """The jobs of ``todo`` on a pool of threads, each page rendered as soon as its notebook is
    done and its figures copied to its language's folder; the pages of the ``reused`` jobs, and
    ``also`` (other pages), done meanwhile; the results in plan order."""
    results: list[Result] = [r for r in reused if r.page_written]
    unrendered = [r for r in reused if not r.page_written]
    if not todo:
        results += render_all(unrendered, plan, also)
        return sorted(results, key=lambda r: plan.work.index(r.job))
    preload()
    interrupts.check()
    work = replace(plan, work=tuple(todo))
    with Progress(len(todo), stream) as progress, Pool(work, progress, keys) as pool:
        # Built while the first kernels start: nbconvert's templates take a second.
        renderer = render.PageRenderer(plan.with_code)
        interrupts.check()
        for r in unrendered:
            results.append(render.render_page(r, plan, renderer))
            interrupts.check()
        if also is not None:
            also()
        for executed in pool.completed():
            result = render.render_page(executed, plan, renderer)
            if result.job.figures.is_dir():
                files.copy_files(result.job.figures, plan.figures_dirs[result.job.lang])
            progress.finished(result.job.label, result.ok, result.seconds)
            results.append(result)
            interrupts.check()
    return sorted(results, key=lambda r: plan.work.index(r.job))


#: The renderer and plan the forked page renderers inherit (set before the fork).
_FORKED: dict[str, Any] = {}


def render_all(
    reused: Sequence[Result], plan: Plan, also: Callable[[], None] | None = None
) -> list[Result]:
    """The pages of runs that were reused (a template or the CSS changed: no kernel runs), and
    ``also``, on every CPU: ``also`` in a child forked first, while this process imports
    nbconvert and compiles its templates; then the process forks again, each child rendering its
    share of the pages (nothing runs but this: no thread, no kernel). One CPU, or no fork: in
    turn."""
    cpus = min(os.cpu_count() or 1, 4)
    if cpus < 2 or len(reused) < 4 or not hasattr(os, "fork"):
        if also is not None:
            also()
        if not reused:
            return []
        skip_slow_optional_imports()  # nbconvert imports nbformat, as papermill does (.imports)
        renderer = render.PageRenderer(plan.with_code, warm=False)
        pages = []
        for r in reused:
            pages.append(render.render_page(r, plan, renderer))
            interrupts.check()
        return pages
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context, initializer=_quiet) as side:
        other = side.submit(also) if also is not None else None
        skip_slow_optional_imports()
        # compiled before the fork, else each child compiles them (a third of a second each)
        _FORKED.update(renderer=render.PageRenderer(plan.with_code), plan=plan)
        try:
            with ProcessPoolExecutor(cpus, mp_context=context, initializer=_quiet) as pool:
                pages = []
                for page in pool.map(_render_forked, reused):
                    pages.append(page)
                    interrupts.check()
        finally:
            _FORKED.clear()
        if other is not None:
            other.result()  # its error, if any, raised here
    return pages


def _quiet() -> None:
    """A forked renderer leaves Ctrl-C to the command, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_forked(result: Result) -> Result:
    return render.render_page(result, _FORKED["plan"], _FORKED["renderer"])


def dataset_version(inputs: reuse.Inputs) -> str:
    """The dataset's version and the hash of data/, shown in "about this build" (the loader has
    refused, before any kernel, a data folder without a version: no error reaches a page)."""
    return f"{data.dataset_version()} ({inputs.data[:12]})"


def _by_notebook(results: Sequence[Result]) -> str:
    """'00-start-here (fr, en), 01-valuation-growth (fr)'."""
    langs: dict[str, list[str]] = {}
    for r in results:
        langs.setdefault(r.job.notebook.name, []).append(r.job.lang)
    return ", ".join(f"{name} ({', '.join(lgs)})" for name, lgs in langs.items())


def summary(report: Report) -> str:
    """What happened, for stderr: counts, time, each failure with its cell and error, and where
    everything is."""
    res, plan = report.results, report.plan
    lines = [
        f"report: {len(res)} notebook{'' if len(res) == 1 else 's'} in {report.seconds:.1f} s: "
        f"{len(res) - len(report.failures)} ok, {len(report.failures)} failed"
    ]
    reused = [r for r in res if r.reused_from is not None]
    if reused:
        ran = [r for r in res if r.reused_from is None]
        lines.append(
            f"reused ({len(reused)}), nothing they depend on having changed since their last run: "
            f"{_by_notebook(reused)}"
        )
        lines.append(f"executed ({len(ran)}): {_by_notebook(ran) or '-'}")
        lines.append("(--force executes every notebook)")
    if report.cache_problem:
        lines.append(f"reuse off for this run, the cache cannot be written: {report.cache_problem}")
    for r in report.failures:
        assert r.failure is not None
        lines.append(f"FAILED {r.job.notebook.path.name} ({r.job.lang}), {r.failure.describe()}")
        executed = report.final(r.job.executed)
        if executed.is_file():
            upto = "" if r.failure.page else ", up to the failure"  # a page: it ran to the end
            lines.append(f"    executed notebook{upto}: {executed}")
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
