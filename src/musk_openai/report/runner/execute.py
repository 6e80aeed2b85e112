"""Execution: each notebook run in a fresh kernel, on a pool of threads.

Public APIs only: papermill reads the notebook (:func:`~papermill.iorw.load_notebook_node`)
and injects the parameters (:func:`~papermill.parameterize.parameterize_notebook`: the cell
tagged ``injected-parameters``, as the ``papermill`` command does); nbclient's
:class:`~nbclient.NotebookClient` executes it in memory, its ``on_cell_start`` hook telling
which cell was running when something failed. The executed notebook is written once, at the end
or at the failure.

A failure is returned (:class:`~musk_openai.report.types.Result` with a
:class:`~musk_openai.report.types.Failure`: the cell, counted in the source notebook, its first
line, the error), never raised, so that the other notebooks finish. Ctrl-C, or any exception in
the main thread while the pool runs, kills the kernels (every child process: psutil) and waits
for the threads before it is raised again (:class:`Pool`).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil

from musk_openai.report.notebooks import read_notebook
from musk_openai.report.runner.progress import Progress
from musk_openai.report.types import KERNEL_NAME, RUN_METADATA, Failure, Job, Plan, Result

#: nbclient's log ("Timeout waiting for execute reply"): the summary reports failures, once.
QUIET = logging.getLogger("musk_openai.report.kernels")
QUIET.addHandler(logging.NullHandler())
QUIET.propagate = False


#: What of the user's environment a report's kernel does not read: matplotlib's settings (a
#: ``matplotlibrc`` in ``MATPLOTLIBRC``, ``MPLCONFIGDIR`` or ``~/.config/matplotlib``) and
#: IPython's profile (its startup files, in ``IPYTHONDIR`` or ``~/.ipython``). A report is the
#: same on every machine, and its cache key (:mod:`.reuse`) need not read the user's files.
NEUTRALISED = ("MATPLOTLIBRC", "IPYTHONDIR")


def kernel_env() -> dict[str, str]:
    """The environment of a report's kernels: this one's, with matplotlib's own defaults
    (``MATPLOTLIBRC``: the file matplotlib ships, found without importing it) and an empty
    IPython folder of this process's own (removed at exit). ``MPLCONFIGDIR`` stays, so that
    matplotlib's font cache is kept: matplotlib reads a ``matplotlibrc`` there only when
    ``MATPLOTLIBRC`` names none."""
    env = {k: v for k, v in os.environ.items() if k not in NEUTRALISED}
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        shipped = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "matplotlibrc"
        env["MATPLOTLIBRC"] = str(shipped)
    env["IPYTHONDIR"] = _ipython_dir().name
    return env


@functools.cache
def _ipython_dir() -> tempfile.TemporaryDirectory[str]:
    """An empty IPython folder, made once per process (and removed at its exit)."""
    return tempfile.TemporaryDirectory(prefix="musk-openai-ipython-")


def execute_job(job: Job, timeout: int, notebooks_dir: Path, key: str = "") -> Result:
    """Execute one notebook in a fresh kernel; a failure is returned, not raised. The executed
    notebook is written once: at the end (carrying its execution-cache ``key``), or up to the
    failing cell."""
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    from traitlets.config import Config

    start = time.perf_counter()
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    started: list[int] = []
    nb = None
    try:
        source = load_notebook_node(str(job.notebook.path))  # every cell given its tags
        nb = parameterize_notebook(source, dict(job.parameters), kernel_name=KERNEL_NAME)
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=KERNEL_NAME,
            # The kernel's working folder (not os.chdir(), which every thread shares).
            resources={"metadata": {"path": str(notebooks_dir)}},
            # CurveZMQ keys for the kernel's sockets: its messages are not plain text on TCP
            # (and ipykernel does not warn about it once per notebook).
            config=Config({"KernelManager": {"transport_encryption": "auto"}}),
            # The kernel's log: jupyter_client interrupts every kernel it shuts down, which the
            # kernel logs as an ERROR ("KeyboardInterrupt caught in kernel"). Cell errors are
            # reported from the notebook itself.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            on_cell_start=lambda cell, cell_index: started.append(cell_index),
            # A timeout is reported once, in the summary: nbclient's own log stays quiet.
            log=QUIET,
        )
        client.execute(env=kernel_env())  # passed to the kernel manager's start_kernel
    except Exception as exc:  # noqa: BLE001 - any failure of one notebook must not stop the others
        if nb is not None:
            _write(nb, job.executed)
        failing = started[-1] if started else None
        return Result(job, time.perf_counter() - start, failure_from(job, exc, nb, failing))
    nb.metadata[RUN_METADATA] = {"run_key": key}
    _write(nb, job.executed)
    return Result(job, time.perf_counter() - start)


def _write(nb: Any, path: Path) -> None:
    import nbformat

    nbformat.write(nb, str(path))  # type: ignore[no-untyped-call, unused-ignore]


# -- failures -----------------------------------------------------------------------------------


def failure_from(job: Job, exc: BaseException, nb: Any, index: int | None) -> Failure:
    """Describe a failure: the cell (``index`` in the executed copy; counted in the source
    notebook, matched by cell id: the executed copy has a cell of parameters more), its first
    line, the error."""
    from nbclient.exceptions import CellExecutionError

    if isinstance(exc, CellExecutionError):
        ename, evalue = str(exc.ename), str(exc.evalue)
    else:
        ename = type(exc).__name__
        evalue = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if nb is None or index is None:
        return Failure(None, None, "", ename, evalue)
    cell = nb.cells[index]
    try:
        ids = {c.get("id"): i for i, c in enumerate(read_notebook(job.notebook.path).cells)}
    except Exception:  # noqa: BLE001 - the source is gone: the executed copy's count only
        ids = {}
    return Failure(ids.get(cell.get("id")), index, _first_line(cell.source), ename, evalue)


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


# -- the pool, and Ctrl-C -----------------------------------------------------------------------


class Pool:
    """Every job of a plan submitted to a pool of threads, as a context manager.

    :meth:`completed` yields the results as the notebooks finish. Leaving the ``with`` block by
    an exception (Ctrl-C: KeyboardInterrupt in the main thread) cancels what has not started,
    kills the kernels, which ends every running notebook at once, and waits for the threads.
    The kernels are children of this process: :func:`stop_kernels` kills them all.
    """

    def __init__(self, plan: Plan, progress: Progress, keys: dict[str, str]) -> None:
        self.plan = plan
        self.keys = keys
        self.progress = progress
        self._pool = ThreadPoolExecutor(max_workers=plan.jobs, thread_name_prefix="notebook")
        self._futures: dict[Future[Result], Job] = {}

    def __enter__(self) -> Pool:
        for job in self.plan.work:
            self._futures[self._pool.submit(self._run, job)] = job
        return self

    def _run(self, job: Job) -> Result:
        self.progress.started(job.label)
        try:
            return execute_job(
                job, self.plan.timeout, self.plan.notebooks_dir, self.keys.get(job.label, "")
            )
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
            self._pool.shutdown(wait=True)
            return
        previous = _ignore_sigint()  # a second Ctrl-C: no traceback
        try:
            self._pool.shutdown(wait=False, cancel_futures=True)
            # done(), not concurrent.futures.wait(): a future cancelled in the queue is done, but
            # wait() counts it only once a worker has taken it, and none will.
            while not all(f.done() for f in self._futures):
                stop_kernels()  # a kernel started meanwhile is killed too
                time.sleep(0.05)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)


def stop_kernels() -> int:
    """Kill every process this one started (the notebook kernels); returns how many."""
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
