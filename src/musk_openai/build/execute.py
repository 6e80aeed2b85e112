"""Execution: each notebook run by papermill in a fresh kernel, on a pool of threads.

The kernels of a run are forked from a fork server that has already imported the kernel and
the notebooks' libraries (:mod:`.kernels`): still one new process per notebook, a second of CPU
less each. Where that cannot be (Windows, ``MUSK_OPENAI_FORK=0``...), the normal launch.

A failure is returned (:class:`Result` with a :class:`Failure`: the cell, counted in the source
notebook, its first line, the error), never raised, so that the other notebooks finish. Ctrl-C,
or any exception in the main thread while the pool runs, kills the kernels (every child process:
psutil) and waits for the threads before it is raised again (:class:`Pool`).
"""

from __future__ import annotations

import datetime
import functools
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .plan import Job, Plan, read_notebook
from .progress import Progress

if TYPE_CHECKING:
    from ..forkserver import ForkServer

KERNEL_NAME = "python3"


@dataclass(frozen=True)
class Failure:
    """Where and why a notebook failed. ``cell`` counts from 0 in the source notebook."""

    cell: int | None
    executed_cell: int | None
    source_line: str
    ename: str
    evalue: str

    def describe(self) -> str:
        if self.cell is not None:
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


def execute_job(
    job: Job, timeout: int, notebooks_dir: Path, kernel_manager_class: type | None = None
) -> Result:
    """Execute one notebook with papermill; a failure is returned, not raised.

    ``kernel_manager_class``: nbclient's (:func:`.kernels.kernel_manager_class`), else its
    default, the normal launch."""
    import papermill

    start = time.perf_counter()
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    managers = {"kernel_manager_class": kernel_manager_class} if kernel_manager_class else {}
    try:
        papermill.execute_notebook(
            str(job.notebook.path),
            str(job.executed),
            engine_name=_engine(),
            parameters=dict(job.parameters),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=True,
            execution_timeout=timeout,
            # The kernel's working folder. Not papermill's cwd=, which calls os.chdir() and so
            # changes the folder of every thread of this process.
            resources={"metadata": {"path": str(notebooks_dir)}},
            config=_kernel_config(),
            # The kernel's log: jupyter_client interrupts every kernel it shuts down, which the
            # kernel logs as an ERROR ("KeyboardInterrupt caught in kernel"). Cell errors are
            # reported from the notebook itself.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            **managers,
        )
    except Exception as exc:  # noqa: BLE001 - any failure of one notebook must not stop the others
        failure = failure_from(job, exc)
        if kernel_manager_class is not None and _kernel_never_started(exc, failure):
            # A forked kernel that did not start (seen once in some 500 runs, not understood):
            # the notebook has not run at all, so it runs once more, its kernel launched the
            # usual way.
            return execute_job(job, timeout, notebooks_dir, None)
        return Result(job, time.perf_counter() - start, failure)
    return Result(job, time.perf_counter() - start)


ENGINE = "musk-openai"


@functools.cache
def _engine() -> str:
    """papermill's nbclient engine, but the executed notebook is written once, at the end or
    at the failure (a timeout, a dead kernel: where :func:`failure_from` reads the failing
    cell), not at the start and end of every cell: those 40 writes of a notebook and its
    images cost a second of the runner's CPU per language, for a file nobody reads meanwhile
    (it is in ``.building`` until the run is done)."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class SaveAtEnd(NBClientEngine):  # type: ignore[misc]
        @classmethod
        def execute_notebook(
            cls,
            nb: Any,
            kernel_name: str,
            output_path: str | None = None,
            progress_bar: bool = True,
            log_output: bool = False,
            autosave_cell_every: int = 30,
            **kwargs: Any,
        ) -> Any:
            """Engine.execute_notebook of papermill 2.7.0, ``output_path`` set at the end."""
            nb_man = NotebookExecutionManager(
                nb,
                output_path=None,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.output_path = output_path
                nb_man.notebook_complete()  # which writes it
            return nb_man.nb

    papermill_engines.register(ENGINE, SaveAtEnd)
    return ENGINE


def _kernel_config() -> Any:
    """CurveZMQ keys for the kernel's sockets: the kernel's messages are not plain text on TCP
    (and ipykernel does not warn about it once per notebook)."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport_encryption": "auto"}})


# -- failures -----------------------------------------------------------------------------------


def _kernel_never_started(exc: BaseException, failure: Failure) -> bool:
    """Did the run fail before any cell of the notebook started (its kernel's start, or the
    first messages), rather than in a cell?"""
    from papermill.exceptions import PapermillExecutionError

    no_cell = failure.cell is None and failure.executed_cell is None
    return no_cell and not isinstance(exc, PapermillExecutionError)


def failure_from(job: Job, exc: BaseException) -> Failure:
    """Describe a failure: the cell (found in the saved partial notebook), its first line, the
    error. The cell is counted in the source notebook, matched by cell id (papermill adds cells
    of its own to the executed copy: the parameters, an error banner)."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        ename, evalue, line = str(exc.ename), str(exc.evalue), _first_line(str(exc.source))
    else:
        ename = type(exc).__name__
        evalue = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        line = ""
    try:
        executed = read_notebook(job.executed)
        source = read_notebook(job.notebook.path)
    except Exception:  # noqa: BLE001 - no partial notebook: describe the failure without it
        return Failure(None, None, line, ename, evalue)
    idx = _failing_cell(executed)
    if idx is None:
        return Failure(None, None, line, ename, evalue)
    cell = executed.cells[idx]
    ids = {c.get("id"): i for i, c in enumerate(source.cells)}
    return Failure(ids.get(cell.get("id")), idx, line or _first_line(cell.source), ename, evalue)


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def _failing_cell(nb: Any) -> int | None:
    """Index of the failing cell of a saved executed notebook: the one with an error output or
    marked by papermill, else (a timeout, a dead kernel) the last cell that started."""
    started = None
    for i, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if meta.get("exception") is True or any(
            o.get("output_type") == "error" for o in cell.get("outputs", [])
        ):
            return i
        if meta.get("start_time"):
            started = i
    return started


# -- the pool, and Ctrl-C -----------------------------------------------------------------------


class Pool:
    """Every job of a plan submitted to a pool of threads, as a context manager.

    :meth:`completed` yields the results as the notebooks finish. Leaving the ``with`` block by
    an exception (Ctrl-C: KeyboardInterrupt in the main thread) cancels what has not started,
    kills the kernels, which ends every running notebook at once, and waits for the threads.
    The fork server (:mod:`.kernels`) lives as long as the block, if there is any job; it is a
    child of this process, and its kernels its children: :func:`stop_kernels` kills them all.
    """

    def __init__(self, plan: Plan, progress: Progress) -> None:
        self.plan = plan
        self.progress = progress
        self._pool = ThreadPoolExecutor(max_workers=plan.jobs, thread_name_prefix="notebook")
        self._futures: dict[Future[Result], Job] = {}
        self._server: ForkServer | None = None
        self._managers: type | None = None

    def __enter__(self) -> Pool:
        if self.plan.work:  # its imports overlap with the first jobs' own setup
            from .. import forkserver
            from .kernels import kernel_manager_class

            self._server = forkserver.take()
            if self._server is not None:
                self._managers = kernel_manager_class(self._server)
        for job in self.plan.work:
            self._futures[self._pool.submit(self._run, job)] = job
        return self

    def _run(self, job: Job) -> Result:
        self.progress.started(job.label)
        try:
            return execute_job(job, self.plan.timeout, self.plan.notebooks_dir, self._managers)
        finally:
            self.progress.stopped(job.label)

    def completed(self) -> Iterator[Result]:
        """The results, as their notebooks finish (in plan order among those done together)."""
        order = self.plan.work.index
        pending = set(self._futures)
        while pending:  # a timeout, so that Ctrl-C is seen at once
            done, pending = wait_futures(pending, timeout=0.2, return_when="FIRST_COMPLETED")
            for fut in sorted(done, key=lambda f: order(self._futures[f])):
                yield fut.result()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            try:
                self._pool.shutdown(wait=True)
            finally:
                self._stop_server()
            return
        previous = _ignore_sigint()  # a second Ctrl-C: no traceback
        try:
            if self._server is not None:  # no kernel launched any more, forked or not
                self._server.stopping = True
            for fut in self._futures:
                fut.cancel()
            stop_kernels()
            self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            self._stop_server()
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def _stop_server(self) -> None:
        """Every thread is done, so every kernel is gone: the server is killed, not asked to
        stop (which waits for the tear-down of what it imported, 0.2 s)."""
        if self._server is not None:
            self._server.kill()


def stop_kernels() -> int:
    """Kill every process this one started (the notebook kernels, the fork server and its
    kernels); returns how many."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        try:
            child.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(children, timeout=5)
    return len(children)


def _ignore_sigint() -> Any:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.SIG_IGN)
