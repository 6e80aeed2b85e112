"""Kernels forked from a preloaded fork server (a "zygote"), not started from scratch.

A fresh kernel spends most of its CPU importing: ipykernel and IPython, then pandas, matplotlib
and the project's modules in its first cell, about a second per notebook. The fork server, one
process per run (:class:`ForkServer`, started by :class:`~.execute.Pool`), imports all that once
(:data:`PRELOADED`) and nothing else: no zmq context, no event loop, no thread, no data. For each
kernel it forks; the child sets itself up as ``python -m ipykernel_launcher`` would be (its own
session, working folder, environment, ``sys.argv``, stdin on /dev/null) and runs
``IPKernelApp.launch_instance``. Each notebook still has a new process, a copy of the same
pristine one: nothing a notebook does reaches another.

Only the runner's kernels are forked: :func:`kernel_manager_class` gives nbclient a kernel
manager whose kernel spec names the provisioner :class:`ForkProvisioner` (the entry point
``musk-openai-fork`` of the group ``jupyter_client.kernel_provisioners``). JupyterLab and the
``papermill`` command launch their kernels as before.

Not quite a fresh process: the preloaded modules saw the server's folder and environment (the
runner's, at the start of the run); the str hash seed is the server's (numpy's global random
state is reseeded; Python's ``random`` reseeds itself); BLAS is single-threaded (see
:func:`server_environment`); a forked kernel's exit status is not known.

Fallback, the normal launch: without os.fork (Windows) or outside Linux, with
``MUSK_OPENAI_FORK=0``, when the server fails to start or to fork, and for any kernel command
but this Python's ``-m ipykernel_launcher``.
"""

from __future__ import annotations

import atexit
import importlib
import importlib.util
import json
import os
import select
import signal
import subprocess
import sys
import threading
from importlib.metadata import PackageNotFoundError, entry_points, files
from typing import Any, NoReturn

import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.factory import KernelProvisionerFactory
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

SWITCH = "MUSK_OPENAI_FORK"
PROVISIONER = "musk-openai-fork"
#: Imported by the server: the kernel and what it imports as it starts (its debugger, the
#: shell's tools), then what the notebooks import and draw with. Never ``matplotlib_inline``:
#: its backend hooks into the kernel's shell when it is imported.
PRELOADED = """
    ipykernel.kernelapp ipykernel.ipkernel ipykernel.debugger IPython.core.completerlib
    IPython.core.oinspect IPython.extensions.storemagic tornado.platform.asyncio sqlite3 pdb
    numpy pandas matplotlib matplotlib.pyplot matplotlib.backends.backend_agg
    matplotlib.backends.backend_svg musk_openai.notebook musk_openai.charts musk_openai.queries
""".split()
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
ANSWER_TIMEOUT = 120  # seconds; the first answer waits for the server's imports


class ForkError(RuntimeError):
    """The server did not fork a kernel."""


# -- the runner's side --------------------------------------------------------------------------


class ForkServer:
    """The run's fork server, seen from the runner: :meth:`fork` asks it for a kernel.

    Requests go to its stdin, one JSON line each; answers come back on a pipe of their own, so
    that its stdout and stderr (and its kernels') are the runner's, as a launched kernel's."""

    def __init__(self, proc: subprocess.Popen[bytes], answers: int) -> None:
        self.proc, self._answers, self._buffer = proc, answers, b""
        self._lock = threading.Lock()
        self._broken = False
        #: Set when the run stops on an exception: no kernel is launched any more, either way.
        self.stopping = False

    @classmethod
    def start(cls) -> ForkServer | None:
        """Start the server, or ``None`` (the normal launch) where it cannot be used."""
        if sys.platform != "linux" or os.environ.get(SWITCH) == "0":
            return None
        group = KernelProvisionerFactory.GROUP_NAME
        if not entry_points(group=group, name=PROVISIONER):  # not installed: pip install -e .
            return None
        read, write = os.pipe()
        code = "from musk_openai.build.kernels import main; main()"
        try:  # its own session: a Ctrl-C in the terminal reaches the runner only
            proc = subprocess.Popen(
                [sys.executable, "-c", code, str(write)],
                env=server_environment(),
                stdin=subprocess.PIPE,
                pass_fds=(write,),
                start_new_session=True,
            )
        except OSError:
            os.close(read)
            return None
        finally:
            os.close(write)
        return cls(proc, read)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def fork(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """The pid of a new kernel, ``python -m ipykernel_launcher *argv`` in ``cwd`` with
        ``env``, in its own session. Thread-safe. Raises :class:`ForkError`."""
        request = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n"
        with self._lock:
            if self._broken or self.proc.stdin is None:
                raise ForkError("the fork server is gone")
            try:
                self.proc.stdin.write(request)
                self.proc.stdin.flush()
                answer = json.loads(self._read_line())
            except (OSError, ValueError, ForkError) as exc:
                self._broken = True
                raise ForkError(f"the fork server does not answer: {exc}") from exc
        if "pid" not in answer:
            raise ForkError(str(answer.get("error", answer)))
        return int(answer["pid"])

    def _read_line(self) -> bytes:
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([self._answers], [], [], ANSWER_TIMEOUT)
            chunk = os.read(self._answers, 4096) if ready else b""
            if not chunk:
                raise ForkError("it has exited" if ready else "no answer")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def stop(self) -> None:
        """Close its stdin, which ends it (its kernels are already gone); kill it if it does
        not end. Idempotent."""
        with self._lock:
            self._broken = True
            if self.proc.stdin is not None and not self.proc.stdin.closed:
                try:
                    self.proc.stdin.close()
                except OSError:  # it is already gone: the pipe is broken
                    pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self._answers >= 0:
                os.close(self._answers)
                self._answers = -1


class ForkedProcess:
    """What :class:`LocalProvisioner` uses of a ``Popen``, for a kernel that is the server's
    child, not ours (psutil: a pid reused meanwhile is not it). A zombie has ended. The exit
    status is unknown: 0, or ``-N`` after we sent signal N (SIGTERM, SIGKILL)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._signal = 0
        try:
            self._proc: psutil.Process | None = psutil.Process(pid)
        except psutil.Error:  # it has already ended, and been reaped
            self._proc = None

    def poll(self) -> int | None:
        try:
            proc = self._proc
            running = proc is not None and proc.is_running() and proc.status() != "zombie"
        except psutil.Error:
            running = False
        if self.returncode is None and not running:
            self.returncode = -self._signal
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        try:
            if self._proc is not None:
                self._proc.wait(timeout)
        except psutil.TimeoutExpired as exc:
            raise subprocess.TimeoutExpired(str(self.pid), timeout or 0) from exc
        except psutil.Error:
            pass
        return self.poll() or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self._proc is not None:
            try:
                self._proc.send_signal(signum)
            except psutil.NoSuchProcess:
                return
            if signum in (signal.SIGKILL, signal.SIGTERM):
                self._signal = signum

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def kernel_argv(cmd: list[str]) -> list[str] | None:
    """The kernel's arguments if ``cmd`` is ``<this python> -m ipykernel_launcher ...``."""
    if cmd[1:3] == ["-m", "ipykernel_launcher"] and cmd[0] == sys.executable:
        return cmd[3:]
    return None


class ForkProvisioner(LocalProvisioner):
    """A :class:`LocalProvisioner` whose kernels are forked by the fork server of its kernel
    manager (``fork_server``: see :func:`kernel_manager_class`); the normal launch otherwise."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        server: ForkServer | None = getattr(self.parent, "fork_server", None)
        argv = kernel_argv(cmd)
        if server is not None and server.stopping:
            raise ForkError("the run is stopping")
        if server is None or argv is None or kwargs.get("independent"):
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(server.pid)  # its parent, which ipykernel's poller watches
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            pid = server.fork(argv, env, cwd)
        except ForkError as exc:
            if server.stopping:
                raise
            self.log.debug("kernel not forked (%s): the normal launch", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)  # type: ignore[assignment]  # what it uses of Popen
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info


def kernel_manager_class(server: ForkServer) -> type[AsyncKernelManager]:
    """nbclient's kernel manager class for a run: its kernels forked by ``server``."""

    class ForkKernelManager(AsyncKernelManager):
        fork_server = server

        @property
        def kernel_spec(self) -> Any:
            spec = super().kernel_spec
            if spec is not None:
                spec.metadata.setdefault("kernel_provisioner", {"provisioner_name": PROVISIONER})
            return spec

    return ForkKernelManager


# -- the server's side --------------------------------------------------------------------------


def server_environment() -> dict[str, str]:
    """The server's environment: this one, plus, if unset, the matplotlib backend ipykernel
    sets, and one thread for numpy's own OpenBLAS, which starts its threads as numpy loads
    (then no fork is safe). Given at its start: importing this module imports numpy."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", INLINE_BACKEND)
    try:
        if any("openblas" in str(f).lower() for f in files("numpy") or ()):
            env.setdefault("OPENBLAS_NUM_THREADS", "1")
    except PackageNotFoundError:
        pass
    return env


def main() -> None:
    """The fork server: ``python -c '...main()' ANSWERS_FD``. Requests on stdin (``argv``,
    ``env``, ``cwd``), answers (``pid`` or ``error``) on ANSWERS_FD; ends when stdin closes (the
    runner is done, or dead) or on SIGTERM; kills nothing."""
    answers = int(sys.argv[1])
    if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel_launcher does
        del sys.path[0]
    _preload()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGCHLD, lambda *_: _reap())
    pending = b""
    while True:
        while b"\n" not in pending:
            chunk = os.read(0, 65536)  # unbuffered: no request is left in a child's sys.stdin
            if not chunk:
                return
            pending += chunk
        line, _, pending = pending.partition(b"\n")
        try:
            answer: dict[str, Any] = {"pid": _fork(json.loads(line), answers)}
        except Exception as exc:  # noqa: BLE001 - told to the runner, which launches normally
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        os.write(answers, json.dumps(answer).encode() + b"\n")


def _preload() -> None:
    """Import :data:`PRELOADED`, silently (debugpy warns as it loads; in a kernel that goes
    nowhere); a module that fails is left to the kernel, which reports it."""
    os.environ.update(server_environment())
    stderr, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        for name in PRELOADED:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001, S112
                continue
    finally:
        sys.stderr.flush()
        os.dup2(stderr, 2)
        os.close(stderr)
        os.close(null)
    if "matplotlib_inline.backend_inline" in sys.modules:
        raise SystemExit("fork server: matplotlib_inline.backend_inline imported, not serving")


def _threads() -> int:
    return max(threading.active_count(), len(os.listdir("/proc/self/task")))


def _reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _fork(request: dict[str, Any], answers: int) -> int:
    """Fork a kernel: its pid once it is in its own session, or the error it met on the way."""
    if _threads() != 1:
        raise RuntimeError(f"{_threads()} threads in the fork server: no safe fork")
    sys.stdout.flush()
    sys.stderr.flush()
    errors, done = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(errors)
        _child(request, answers, done)
    os.close(done)
    with os.fdopen(errors, "rb") as pipe:
        error = pipe.read().decode(errors="replace")
    if error:
        raise RuntimeError(error)
    return pid


def _child(request: dict[str, Any], answers: int, done: int) -> NoReturn:
    """The forked kernel: set up as ``python -m ipykernel_launcher`` would be, then run."""
    try:
        for signum in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.close(answers)
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        if "numpy.random" in sys.modules:  # a fresh process seeds it from the OS
            sys.modules["numpy.random"].seed()
        spec = importlib.util.find_spec("ipykernel_launcher")
        sys.argv = [spec.origin if spec and spec.origin else "", *request["argv"]]
    except BaseException as exc:  # noqa: BLE001 - told to the server, then to the runner
        os.write(done, f"{type(exc).__name__}: {exc}".encode())
        os._exit(127)
    os.close(done)
    os._exit(_run_kernel(request["argv"], os.getppid()))


def _run_kernel(argv: list[str], parent: int) -> int:
    """``IPKernelApp.launch_instance(argv)``, then what the interpreter does at exit."""
    from ipykernel.kernelapp import IPKernelApp

    code = 0
    try:
        # parent_handle's default was read from the server's environment, at import
        IPKernelApp.launch_instance(argv=argv, parent_handle=parent)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:  # noqa: BLE001 - as an uncaught exception ends a process
        import traceback

        traceback.print_exc()
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    return code
