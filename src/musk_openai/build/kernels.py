"""Kernels forked from a preloaded fork server (a "zygote"), not started from scratch.

A fresh kernel spends most of its CPU importing: ipykernel and IPython, then pandas, matplotlib and
the project's modules in its first cell, about a second per notebook. The fork server, one process
per run (:class:`musk_openai.forkserver.ForkServer`, started by the command as it starts, else by
:class:`~.execute.Pool`), imports all that once (:data:`musk_openai.forkserver.PRELOADED`) and
nothing else: no zmq context, no event loop, no thread, no data. For each kernel it forks; the
child sets itself up as ``python -m ipykernel_launcher`` would be (its own session, working folder,
environment, ``sys.argv``, stdin on /dev/null) and runs ``IPKernelApp.launch_instance``. Each
notebook still has a new process, a copy of the same pristine one: nothing a notebook does reaches
another.

Only the runner's kernels are forked: :func:`kernel_manager_class` gives nbclient a kernel
manager whose kernel spec names the provisioner :class:`ForkProvisioner` (the entry point
``musk-openai-fork`` of the group ``jupyter_client.kernel_provisioners``). JupyterLab and the
``papermill`` command launch their kernels as before.

Not quite a fresh process: the preloaded modules saw the server's folder and environment (the
runner's, at the start of the run); the str hash seed is the server's (numpy's global random
state is reseeded; Python's ``random`` reseeds itself); BLAS is single-threaded (see
:func:`musk_openai.forkserver.server_environment`); a forked kernel's exit status is not known.

Fallback, the normal launch: without os.fork (Windows) or outside Linux, with
``MUSK_OPENAI_FORK=0``, when the server fails to start or to fork, and for any kernel command
but this Python's ``-m ipykernel_launcher``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from ..forkserver import PROVISIONER, SWITCH, ForkError, ForkServer

__all__ = ["SWITCH", "ForkServer", "ForkProvisioner", "kernel_argv", "kernel_manager_class"]


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

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            """Wait for the kernel to end after its shutdown request, checking every 10 ms,
            not every 100 ms: a forked kernel ends within a few milliseconds, and the notebook's
            thread waits for it before it starts the next one (jupyter_client 8.10's own
            method, with a shorter interval)."""
            await super()._async_wait(pollinterval=min(pollinterval, 0.01))

    return ForkKernelManager
