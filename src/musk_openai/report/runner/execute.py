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
for the threads a second at most before it is raised again (:class:`Pool`).
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import logging
import os
import queue
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil

from musk_openai import interrupts
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
    ipython = _scratch() / "ipython"
    ipython.mkdir(exist_ok=True)
    env["IPYTHONDIR"] = str(ipython)
    return env


#: The longest socket name Linux and macOS take (``sun_path``: 108 and 104 bytes, its end
#: included), less what jupyter_client appends (``-1`` to ``-5``).
SOCKET_NAME_MAX = 100


def kernel_sockets() -> dict[str, str]:
    """How this process and a kernel talk (``KernelManager``'s ``transport`` and ``ip``): Unix
    sockets named for this kernel alone, in this process's private folder (0700). Over TCP,
    jupyter_client picks free ports and releases them for the kernel to bind a moment later:
    another process's kernel can take one in between (seen once in 40 builds: the kernel died,
    "Address already in use"). TCP stays when the folder's name is too long for a socket's."""
    prefix = os.path.join(_scratch(), f"kernel-{next(_KERNELS)}")
    # its connection file (keys and sockets) there too: not a mkstemp file of the temporary
    # folder, left behind when a run is interrupted
    connection = {"connection_file": f"{prefix}.json"}
    if len(os.fsencode(prefix)) > SOCKET_NAME_MAX:
        return connection
    return {"transport": "ipc", "ip": prefix, **connection}


_KERNELS = itertools.count()


def _scratch() -> Path:
    """This process's private folder (0700), made once and removed at exit: the kernels'
    IPython folder and their sockets. Under a lock: the worker threads ask for it at once (with
    ``functools.cache``, two made it, and one, dropped, was removed under a kernel)."""
    with _SCRATCH_LOCK:
        if not _SCRATCH:
            _SCRATCH.append(tempfile.TemporaryDirectory(prefix="musk-openai-"))
        return Path(_SCRATCH[0].name)


_SCRATCH: list[tempfile.TemporaryDirectory[str]] = []
_SCRATCH_LOCK = threading.Lock()


def execute_job(
    job: Job,
    timeout: int,
    notebooks_dir: Path,
    key: str = "",
    stopping: threading.Event | None = None,
) -> Result:
    """Execute one notebook in a fresh kernel; a failure is returned, not raised. The executed
    notebook is written once: at the end (carrying its execution-cache ``key``), or up to the
    failing cell; not at all once ``stopping`` is set (the run was interrupted)."""
    stopped = stopping.is_set if stopping is not None else lambda: False
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    from traitlets.config import Config

    start = time.perf_counter()
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    started: list[int] = []
    nb = None
    try:
        sockets = kernel_sockets()
        source = load_notebook_node(str(job.notebook.path))  # every cell given its tags
        nb = parameterize_notebook(source, dict(job.parameters), kernel_name=KERNEL_NAME)
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=KERNEL_NAME,
            # The kernel's working folder (not os.chdir(), which every thread shares).
            resources={"metadata": {"path": str(notebooks_dir)}},
            # Unix sockets of its own (kernel_sockets), with CurveZMQ keys: its messages are not
            # plain text (and ipykernel does not warn about it once per notebook).
            config=Config({"KernelManager": {"transport_encryption": "auto", **sockets}}),
            # The kernel's log: jupyter_client interrupts every kernel it shuts down, which the
            # kernel logs as an ERROR ("KeyboardInterrupt caught in kernel"). Cell errors are
            # reported from the notebook itself.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            on_cell_start=lambda cell, cell_index: started.append(cell_index),
            # A timeout is reported once, in the summary: nbclient's own log stays quiet.
            log=QUIET,
            # Killed when its notebook is done, not asked to shut down and waited for: every
            # file a notebook writes is written by its cells; nothing of a kernel's exit reaches
            # the report (a full build 7 to 13 % faster, the same bytes).
            shutdown_kernel="immediate",
        )
        client.execute(env=kernel_env())  # passed to the kernel manager's start_kernel
    except Exception as exc:  # noqa: BLE001 - any failure of one notebook must not stop the others
        if not stopped():
            _settle_tasks()
        if nb is not None and not stopped():
            _write(nb, job.executed)
        failing = started[-1] if started else None
        return Result(job, time.perf_counter() - start, failure_from(job, exc, nb, failing))
    nb.metadata[RUN_METADATA] = {"run_key": key}
    if not stopped():
        _write(nb, job.executed)
    return Result(job, time.perf_counter() - start)


def _settle_tasks() -> None:
    """After a failure (a cell's timeout), let the tasks nbclient cancelled end, in this
    thread's event loop, where nbclient runs them: left pending, each was reported when Python
    exited ("Task was destroyed but it is pending!"), after the summary."""
    loop = asyncio.get_event_loop_policy().get_event_loop()
    if loop.is_running() or loop.is_closed():
        return
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


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
    """Every job of a plan run on ``plan.jobs`` threads, as a context manager.

    :meth:`completed` yields the results as the notebooks finish, and raises, within 0.2 s, the
    ``KeyboardInterrupt`` of a Ctrl-C noted meanwhile (:mod:`musk_openai.interrupts`). Leaving
    the ``with`` block by an exception starts nothing more and kills the kernels (children of
    this process: :func:`stop_kernels`), which ends every running notebook; it waits for the
    threads :data:`STOP_WAIT` seconds at most. A thread still in jupyter_client's clean-up then
    writes nothing more, and is not waited for at exit (a daemon: concurrent.futures' threads
    are always joined at exit, which under load took seconds after a Ctrl-C).
    """

    def __init__(self, plan: Plan, progress: Progress, keys: dict[str, str]) -> None:
        self.plan = plan
        self.keys = keys
        self.progress = progress
        self.stopping = threading.Event()
        self._todo: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[Result | BaseException] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> Pool:
        for job in self.plan.work:
            self._todo.put(job)
        for n in range(min(self.plan.jobs, len(self.plan.work))):
            thread = threading.Thread(target=self._worker, name=f"notebook-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _worker(self) -> None:
        while not self.stopping.is_set():
            try:
                job = self._todo.get_nowait()
            except queue.Empty:
                return
            try:
                self._done.put(self._run(job))
            except BaseException as exc:  # noqa: BLE001 - raised again in the main thread
                self._done.put(exc)

    def _run(self, job: Job) -> Result:
        self.progress.started(job.label)
        try:
            key = self.keys.get(job.label, "")
            return execute_job(job, self.plan.timeout, self.plan.notebooks_dir, key, self.stopping)
        finally:
            self.progress.stopped(job.label)

    def completed(self) -> Iterator[Result]:
        """The results, as their notebooks finish (in plan order among those done together)."""
        order = self.plan.work.index
        left = len(self.plan.work)
        while left:
            interrupts.check()
            try:
                batch = [self._done.get(timeout=0.2)]
            except queue.Empty:
                continue
            while not self._done.empty():
                batch.append(self._done.get())
            results = []
            for item in batch:
                if isinstance(item, BaseException):
                    raise item
                results.append(item)
            left -= len(results)
            yield from sorted(results, key=lambda r: order(r.job))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            for thread in self._threads:
                thread.join()
            return
        self.stopping.set()
        # run_plan defers Ctrl-C: pressed again now, it is only noted
        deadline = time.monotonic() + STOP_WAIT
        while any(t.is_alive() for t in self._threads) and time.monotonic() < deadline:
            stop_kernels()  # a kernel started meanwhile is killed too
            time.sleep(0.05)
        stop_kernels()  # threads still in jupyter_client's clean-up are left: daemons, and the
        # console script ends the process without nbclient's clean-up at exit (.launch)


#: How long, at most, a stopping pool waits for its threads once their kernels are killed.
STOP_WAIT = 0.3


def remove_scratch() -> None:
    """Remove this process's private folder now (it would be at a normal exit)."""
    with _SCRATCH_LOCK:
        for folder in _SCRATCH:
            folder.cleanup()


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
