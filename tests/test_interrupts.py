"""Ctrl-C: one line and exit 130 at any moment of a run, from the command's first instruction
to the kernels' start; noted, never raised inside an import (:mod:`musk_openai.interrupts`)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from helpers import make_notebook, snapshot, start_interruptible

from musk_openai import interrupts

BIN = Path(sys.executable).parent


def test_a_ctrl_c_in_a_deferred_block_is_raised_where_the_run_checks() -> None:
    before = signal.getsignal(signal.SIGINT)
    reached = []
    with pytest.raises(KeyboardInterrupt), interrupts.deferred():
        os.kill(os.getpid(), signal.SIGINT)
        reached.append("after the signal")  # noted, not raised
        assert interrupts.noted()
        interrupts.check()
        reached.append("after the check")
    assert reached == ["after the signal"]
    assert signal.getsignal(signal.SIGINT) is before
    assert not interrupts.noted()


def test_a_ctrl_c_noted_and_never_checked_is_raised_as_the_block_ends() -> None:
    reached = []
    with pytest.raises(KeyboardInterrupt), interrupts.deferred():
        os.kill(os.getpid(), signal.SIGINT)
        reached.append("end of the block")
    assert reached == ["end of the block"]


def test_without_a_ctrl_c_check_does_nothing() -> None:
    with interrupts.deferred():
        interrupts.check()
    interrupts.check()  # outside a deferred block too


def _startup() -> float:
    """The slowest of three starts of a bare interpreter, here and now."""
    times = []
    for _ in range(3):
        start = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.monotonic() - start)
    return max(times)


def _interrupt(
    cmd: list[str], after: float, env: dict[str, str] | None = None
) -> tuple[int, str, list[psutil.Process]]:
    """Run ``cmd``, Ctrl-C its process group after ``after`` seconds, as a terminal does: its
    exit code, its stderr, and the processes it had started (a hang fails after a minute)."""
    proc = start_interruptible(cmd, env)
    time.sleep(after)
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    return proc.returncode, err, children


@pytest.mark.kernel
def test_ctrl_c_from_the_first_instruction_is_one_line(tmp_path: Path) -> None:
    """Ctrl-C while the command imports its modules and checks its options (the moments where
    a traceback was printed): exit 130, and a single line that says so (and no word of a
    previous report: there was none)."""
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-slow", "import time\ntime.sleep(60)")
    cmd = [str(BIN / "musk-openai"), "report", "--notebooks-dir", str(nbs)]
    start = _startup()
    for n, after in enumerate([2 * start, 3 * start, 5 * start, 0.3, 0.6, 2.0]):
        code, err, _ = _interrupt([*cmd, "--output", str(tmp_path / f"out{n}")], after)
        lines = [line for line in err.splitlines() if "running:" not in line]
        assert code == 130, (after, err)
        assert len(lines) == 1 and "interrupted" in lines[0], (after, err)
        assert "previous report" not in err, "there was none"


@pytest.mark.kernel
def test_ctrl_c_while_kernels_start_stops_them_and_keeps_the_previous_report(
    tmp_path: Path,
) -> None:
    """Ctrl-C as the kernels start (Python's import lock once stayed held, and the run never
    ended), then as they run: exit 130, one line, no kernel left, the folder as it was, nothing
    left in the temporary folder (the kernels' connection files, with their keys, once were)."""
    nbs = tmp_path / "notebooks"
    for n in range(4):
        make_notebook(nbs, f"0{n}-slow", "import time\ntime.sleep(60)")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("previous")
    before = snapshot(out)
    cmd = [str(BIN / "musk-openai"), "report", "--notebooks-dir", str(nbs), "--output", str(out)]
    cmd += ["--jobs", "4"]
    kernels: list[psutil.Process] = []
    tmp = Path(tempfile.mkdtemp(prefix="mo-", dir="/tmp"))  # short: sockets are named in it
    env = os.environ | {"TMPDIR": str(tmp)}
    for after in (0.8, 1.4, 2.2, 4.0):
        code, err, children = _interrupt(cmd, after, env)
        kernels += children
        left = list(tmp.iterdir())  # the run's private folder, its sockets and kernels' keys
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        assert left == [], (after, left)
        lines = [line for line in err.splitlines() if "running:" not in line]
        assert code == 130, (after, err)
        assert lines == [
            "musk-openai report: interrupted; the kernels were stopped and the previous report "
            f"in {out} is unchanged"
        ] or lines == ["musk-openai report: interrupted"], (after, err)
        assert snapshot(out) in (before, before | {".lock": b""}), after
    assert kernels, "no kernel had started: the test interrupted too early"
    time.sleep(2)  # a kernel started as the command exited ends on its own (ipykernel's poller)
    assert not [k for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
