"""How fast is ``musk-openai report``? Three ways to build every figure and page, side by side.

    .venv/bin/python benchmarks/bench_report.py [--jobs N] [--skip-naive]

(a) the runner: ``musk-openai report`` (both languages, every notebook, HTML and index);
(b) the naive loop a user would write: for each language and notebook, the ``papermill``
    command (``-p lang X``), then ``jupyter nbconvert --to html``, one after the other;
(c) the floor: ``musk_openai.charts.build_all`` for both languages in one Python process,
    no kernel, no HTML.

Each is run in its own child process, so its peak memory (ru_maxrss) is its own: the largest
single process of the phase (a kernel, or the driver). Everything is written to a temporary
folder, never into the repository. The breakdown at the end times the pieces (imports, one
kernel, one page).
Targets: b/a >= 2, a/c <= 3.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from musk_openai.paths import NOTEBOOKS_DIR, PROJECT_ROOT

BIN = Path(sys.executable).parent
LANGS = ("fr", "en")


def _usage() -> dict[str, float]:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "self_cpu": s.ru_utime + s.ru_stime,
        "children_cpu": c.ru_utime + c.ru_stime,
        "self_maxrss_mb": s.ru_maxrss / 1024,
        "children_maxrss_mb": c.ru_maxrss / 1024,
    }


def _params_file(work: Path, figures: Path) -> Path:
    pfile = work / "params.yaml"
    pfile.write_text(f"figures_dir: '{figures}/{{lang}}'\n", encoding="utf-8")
    return pfile


# --- the phases, each run in a child process (python bench_report.py --phase NAME WORK) ------


def phase_runner(work: Path, jobs: int | None) -> None:
    from musk_openai import build

    r = build.run_report(
        output=work / "reports",
        params_file=_params_file(work, work / "figures"),
        jobs=jobs,
        stream=None,
    )
    if r.exit_code:
        raise SystemExit(build.summary(r))


def phase_naive(work: Path) -> None:
    figures = work / "figures"
    for lang in LANGS:
        out = work / "reports" / lang
        out.mkdir(parents=True, exist_ok=True)
        for nb in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
            executed = out / nb.name
            subprocess.run(
                [str(BIN / "papermill"), str(nb), str(executed), "-p", "lang", lang]
                + ["-p", "figures_dir", str(figures / lang), "-k", "python3"]
                + ["--cwd", str(NOTEBOOKS_DIR), "--no-progress-bar"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            subprocess.run(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


def phase_floor(work: Path) -> None:
    try:
        from musk_openai.charts import build_all
    except ImportError as exc:
        raise SystemExit(
            f"floor not measured: musk_openai.charts.build_all is missing ({exc}); "
            "it must draw and export every chart of one language in this process"
        ) from None
    for lang in LANGS:
        build_all(lang, out_dir=work / "figures" / lang)  # default formats and dpi


def run_phase(name: str, *extra: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix=f"bench-report-{name}-") as tmp:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "--phase", name, tmp, *extra],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        if proc.returncode:
            print(f"phase {name} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
            return {"wall": float("nan")}
        stats: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
        stats["wall"] = wall
        stats["files"] = sum(1 for p in Path(tmp).rglob("*") if p.is_file())
        return stats


# --- where the time goes ----------------------------------------------------------------------


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def breakdown() -> list[tuple[str, float]]:
    py = sys.executable
    rows = [
        ("python startup", _timed([py, "-c", "pass"])),
        ("import papermill", _timed([py, "-c", "import papermill"])),
        (
            "import papermill, without rfc3987_syntax (as the runner)",
            _timed(
                [py, "-c", "import sys; sys.modules['rfc3987_syntax'] = None; import papermill"]
            ),
        ),
        ("import nbconvert", _timed([py, "-c", "import nbconvert"])),
        (
            "import the chart code (kernel's first cell)",
            _timed([py, "-c", "import musk_openai.charts"]),
        ),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-report-pieces-") as tmp:
        src = Path(tmp) / "empty.ipynb"
        src.write_text(
            json.dumps(
                {
                    "cells": [],
                    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
                    "nbformat": 4,
                    "nbformat_minor": 5,
                }
            )
        )
        code = (
            "import sys, time; sys.modules['rfc3987_syntax'] = None; import papermill\n"
            "t = time.perf_counter()\n"
            f"papermill.execute_notebook({str(src)!r}, {str(src) + '.out'!r}, "
            "kernel_name='python3', progress_bar=False)\n"
            "print(time.perf_counter() - t)"
        )
        out = subprocess.run([py, "-c", code], check=True, capture_output=True, text=True)
        rows.append(("one kernel: start, empty notebook, stop", float(out.stdout.split()[-1])))
        page = next(iter(sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))), None)
        if page is not None:
            code = (
                "import sys, time; sys.modules['rfc3987_syntax'] = None\n"
                "from pathlib import Path\n"
                "from musk_openai.build.render import PageRenderer\n"
                "r = PageRenderer(False)\n"
                f"args = (Path({str(page)!r}), Path({tmp!r}) / 'p.html', Path({tmp!r}), 'x')\n"
                "t = time.perf_counter(); r.render(*args); first = time.perf_counter() - t\n"
                "t = time.perf_counter(); r.render(*args); again = time.perf_counter() - t\n"
                "print(first, again)"
            )
            out = subprocess.run([py, "-c", code], check=True, capture_output=True, text=True)
            first, again = (float(x) for x in out.stdout.split()[-2:])
            rows.append(("first page, HTMLExporter (templates compiled once)", first))
            rows.append(("each next page, the same HTMLExporter (the runner)", again))
            rows.append(
                (
                    "one page, jupyter nbconvert --to html (naive)",
                    _timed(
                        [
                            str(BIN / "jupyter"),
                            "nbconvert",
                            "--to",
                            "html",
                            "--output-dir",
                            tmp,
                            str(page),
                        ]
                    ),
                )
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phase", nargs=2, metavar=("NAME", "WORK"), help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=None, help="runner's --jobs (default: CPUs)")
    parser.add_argument("--skip-naive", action="store_true", help="skip (b), the slowest")
    args = parser.parse_args()

    if args.phase:
        name, work = args.phase[0], Path(args.phase[1])
        if name == "runner":
            phase_runner(work, args.jobs)
        elif name == "naive":
            phase_naive(work)
        else:
            phase_floor(work)
        print(json.dumps(_usage()))
        return 0

    if not any(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
        print(f"no notebooks in {NOTEBOOKS_DIR}", file=sys.stderr)
        return 1
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(f"machine: {os.cpu_count()} CPUs; project {PROJECT_ROOT}", flush=True)
    results: dict[str, dict[str, float]] = {}
    results["(a) runner, threads"] = run_phase("runner", *jobs)
    if not args.skip_naive:
        results["(b) naive papermill + nbconvert loop"] = run_phase("naive")
    results["(c) floor: build_all, one process"] = run_phase("floor")

    print(f"\n{'':40s} {'wall s':>8s} {'cpu s':>8s} {'peak MB':>8s} {'files':>6s}")
    for name, r in results.items():
        cpu = r.get("self_cpu", float("nan")) + r.get("children_cpu", float("nan"))
        peak = max(r.get("self_maxrss_mb", float("nan")), r.get("children_maxrss_mb", 0.0))
        print(f"{name:40s} {r['wall']:8.1f} {cpu:8.1f} {peak:8.0f} {r.get('files', 0):6.0f}")
    a = results["(a) runner, threads"]["wall"]
    c = results["(c) floor: build_all, one process"]["wall"]
    if "(b) naive papermill + nbconvert loop" in results:
        b = results["(b) naive papermill + nbconvert loop"]["wall"]
        print(f"\nb/a = {b / a:.2f}  (target >= 2: the runner vs the naive loop)")
    print(f"a/c = {a / c:.2f}  (target <= 3: the runner vs the floor)")

    print("\nwhere the time goes (one at a time, seconds):")
    for label, seconds in breakdown():
        print(f"  {label:58s} {seconds:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
