"""How long ``musk-openai report`` takes to stop after Ctrl-C, at moments spread over a run's
start (the command's imports, the options, the data, the kernels starting, the kernels running),
on a quiet machine and beside CPU-bound processes, in the same run.

Each trial runs the command a user types (four notebooks in both languages, ``--force``, into a
folder of its own), sends SIGINT to its process group as a terminal's Ctrl-C does, and measures
the time until it exits. It prints, for each moment and load, that time, the exit code, whether
stderr held a traceback and whether any process the command started was still running a second
after it exited; then the median and the slowest per load.

    python benchmarks/ctrl_c.py [--busy 6] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

BIN = Path(sys.executable).parent
MOMENTS = (0.05, 0.2, 0.5, 0.9, 1.3, 1.8, 2.5, 3.5, 5.0)


def trial(after: float, out: Path) -> tuple[float, int, bool, int]:
    """Seconds from Ctrl-C to exit, exit code, a traceback seen, processes left running."""
    cmd = [str(BIN / "musk-openai"), "report", "--only", "00", "01", "02", "04", "--force"]
    proc = subprocess.Popen(
        [*cmd, "--output", str(out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(after)
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    took = time.monotonic() - sent
    time.sleep(1)
    left = sum(1 for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE)
    return took, proc.returncode, "Traceback" in err, left


def burners(n: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=6, help="CPU-bound processes beside (6)")
    parser.add_argument("--repeat", type=int, default=2, help="trials per moment and load (2)")
    args = parser.parse_args()
    summary: dict[str, list[float]] = {}
    bad = 0
    with tempfile.TemporaryDirectory(prefix="musk-openai-ctrl-c-") as tmp:
        for label, busy in (("quiet", 0), (f"beside {args.busy} busy processes", args.busy)):
            procs = burners(busy)
            try:
                print(f"\n{label} (load {os.getloadavg()[0]:.1f} at the start)")
                print(f"{'Ctrl-C after':>13} {'stopped in':>11} {'exit':>5} {'traceback':>10} left")
                for after in MOMENTS:
                    for n in range(args.repeat):
                        out = Path(tmp) / f"out-{busy}-{after}-{n}"
                        took, code, tb, left = trial(after, out)
                        summary.setdefault(label, []).append(took)
                        bad += code != 130 or tb or left > 0
                        print(f"{after:>12.2f}s {took:>10.2f}s {code:>5} {tb!s:>10} {left}")
            finally:
                for p in procs:
                    p.kill()
    print()
    for label, times in summary.items():
        print(f"{label}: median {statistics.median(times):.2f} s, slowest {max(times):.2f} s")
    print(f"trials that did not exit 130 cleanly: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
