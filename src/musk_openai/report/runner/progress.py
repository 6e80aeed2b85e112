"""Progress of a run on a stream (stderr): a tqdm bar on a terminal, plain lines in a log.

On a terminal, one bar counts the notebooks done, says which are running, and each finished
notebook is printed above it (``ok 01-valuation-growth (fr) 4.2s``). Anywhere else (a pipe, a
file, CI's log), one line per change, which reads well without a terminal::

    [0/2] running: 01-valuation-growth (fr)
    [1/2] running: 01-valuation-growth (en) | ok 01-valuation-growth (fr) 4.2s

Worker threads call :meth:`Progress.started` and :meth:`Progress.stopped`; the main thread
creates the display (tqdm's imports happen there) and calls :meth:`Progress.finished`.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import IO, Any


class Progress:
    """The run's progress: done/total and what is running; ``stream=None``: silent."""

    def __init__(self, total: int, stream: IO[str] | None) -> None:
        self.total = total
        self.done = 0
        self.running: list[str] = []
        self.stream = stream
        self._lock = threading.Lock()
        self._bar: Any = None
        if stream is not None and _is_terminal(stream):
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, file=stream, unit="notebook", desc="report", dynamic_ncols=True
            )

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def started(self, label: str) -> None:
        with self._lock:
            self.running.append(label)
            self._show()

    def stopped(self, label: str) -> None:
        """The notebook's kernel is done (its page is still to be rendered)."""
        with self._lock:
            if label in self.running:
                self.running.remove(label)

    def finished(self, label: str, ok: bool, seconds: float) -> None:
        with self._lock:
            if label in self.running:
                self.running.remove(label)
            self.done += 1
            self._show(f"{'ok' if ok else 'FAILED'} {label} {seconds:.1f}s")

    def _show(self, event: str = "") -> None:
        running = ", ".join(self.running) if self.running else "-"
        if self._bar is not None:
            if event:
                self._bar.write(event, file=self.stream)
                self._bar.update(1)
            self._bar.set_postfix_str(f"running: {running}")
        elif self.stream is not None:
            line = f"[{self.done}/{self.total}] running: {running}"
            print(f"{line} | {event}" if event else line, file=self.stream, flush=True)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
