"""Run ``musk-openai report`` cold, many times, each in a fresh process, and count failures.

    .venv/bin/python benchmarks/stress_report.py --runs 20                  # the full report
    .venv/bin/python benchmarks/stress_report.py --runs 20 -- --only 01      # options passed on

A run fails if it exits non-zero or prints a traceback. Each run writes to its own temporary
folder (never into the repository) with its own cache folder, so every run is cold. Prints one
line per run and the count; exits 1 if any run failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="how many runs (default: 20)")
    parser.add_argument("options", nargs="*", help="options for musk-openai report, after --")
    args = parser.parse_args()
    command = Path(sys.executable).with_name("musk-openai")
    failed = 0
    for i in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="musk-openai-stress-") as tmp:
            env = dict(os.environ, XDG_CACHE_HOME=str(Path(tmp) / "cache"))
            start = time.perf_counter()
            proc = subprocess.run(
                [str(command), "report", "--output", str(Path(tmp) / "out"), *args.options],
                capture_output=True,
                text=True,
                env=env,
            )
            seconds = time.perf_counter() - start
        bad = proc.returncode != 0 or "Traceback" in proc.stderr
        failed += bad
        last = proc.stderr.strip().splitlines()[-1:] or [""]
        verdict = f"FAILED (exit {proc.returncode}): {last[0][:160]}" if bad else "ok"
        print(f"run {i:2d}: {seconds:5.1f} s  {verdict}", flush=True)
    print(f"{args.runs} runs: {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
