"""Ctrl-C taken note of, and acted on where it is safe.

Python raises ``KeyboardInterrupt`` in the main thread between any two instructions, the
import system's own included. One that lands in its bookkeeping (a module lock's clean-up) is
swallowed and leaves the global import lock held: the Ctrl-C is lost, and the next thread to
import waits forever. It was seen: a report interrupted while its kernels started never ended.

So while a run has threads (:func:`deferred`), Ctrl-C only takes note, and the main thread
raises ``KeyboardInterrupt`` at the points where it waits (:func:`check`): at most a fraction of
a second later. :func:`held` goes further for the few steps that must not be cut short (the
report put in place): SIGTERM and SIGHUP wait too, and are handled as usual once it is done.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The signals noted by :func:`deferred` and not yet acted on.
_NOTED: list[int] = []


def _note(signum: int, frame: Any) -> None:
    _NOTED.append(signum)


def noted() -> bool:
    """A Ctrl-C came since :func:`deferred` began."""
    return bool(_NOTED)


def check() -> None:
    """Raise the ``KeyboardInterrupt`` of a Ctrl-C noted by :func:`deferred`, if any (once)."""
    if _NOTED:
        forget()
        raise KeyboardInterrupt


def forget() -> None:
    """Drop what was noted: a Ctrl-C pressed again while the first one is acted on."""
    _NOTED.clear()


@contextmanager
def deferred() -> Iterator[None]:
    """Ctrl-C noted, not raised, in the block (its :func:`check` calls raise it); raised at the
    latest as the block ends. Outside the main thread, already deferred, or Ctrl-C ignored (a
    command started in the background): nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is _note or previous == signal.SIG_IGN:
        yield
        return
    _NOTED.clear()
    signal.signal(signal.SIGINT, _note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        came, _NOTED[:] = bool(_NOTED), []
    if came:
        raise KeyboardInterrupt


@contextmanager
def held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP held back until the block is done, then handled as they would
    have been (Python runs signal handlers in the main thread, whichever thread the signal
    reached: a handler that only takes note defers them)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    kinds = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = {s: signal.signal(s, lambda signum, frame: received.append(signum)) for s in kinds}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        if received:
            handler = before[signal.Signals(received[0])]
            if callable(handler):
                handler(received[0], None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), received[0])
