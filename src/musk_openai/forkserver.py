"""The fork server (a "zygote"): one process per run that imports, once, what every kernel imports,
and forks a kernel for each notebook (see :mod:`musk_openai.build.kernels` for how the runner's
kernel manager uses it).

This module imports only the standard library, so that the command can start the server first
(:func:`start_early`), its imports overlapping with the command's own start: by the time the run
knows which notebooks it must execute, the server is ready; a run with nothing to execute kills
it unused (:func:`discard_early`).
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

SWITCH = "MUSK_OPENAI_FORK"
PROVISIONER = "musk-openai-fork"
#: The entry points group of jupyter_client's kernel provisioners.
PROVISIONERS_GROUP = "jupyter_client.kernel_provisioners"
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
        if not entry_points(group=PROVISIONERS_GROUP, name=PROVISIONER):  # pip install -e . first
            return None
        read, write = os.pipe()
        code = "from musk_openai.forkserver import main; main()"
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

    def kill(self) -> None:
        """End it at once, whatever it is doing (it has forked no kernel): a run that had nothing
        to execute."""
        with self._lock:
            self._broken = True
            self.proc.kill()
            self.proc.wait()
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            if self._answers >= 0:
                os.close(self._answers)
                self._answers = -1

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


# -- started early by the command ---------------------------------------------------------------

_EARLY: list[ForkServer] = []


def start_early() -> None:
    """Start the run's server now (the command does, before it plans the run)."""
    if not _EARLY:
        server = ForkServer.start()
        if server is not None:
            _EARLY.append(server)


def take() -> ForkServer | None:
    """The server started early, else a new one (``None``: the normal launch)."""
    return _EARLY.pop() if _EARLY else ForkServer.start()


def discard_early() -> None:
    """Kill the server started early if no run took it."""
    while _EARLY:
        _EARLY.pop().kill()


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
