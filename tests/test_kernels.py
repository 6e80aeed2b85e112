"""Kernels forked from the fork server (musk_openai.build.kernels): one new process per notebook,
nothing shared between notebooks, failures and timeouts as before, no process left behind, and
the normal launch (MUSK_OPENAI_FORK=0) gives the same report."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest
from helpers import FIGURE, make_notebook, snapshot

from musk_openai import build
from musk_openai.build import kernels, render

SERVER = "musk_openai.forkserver"


def who(folder: Path, name: str) -> str:
    """A cell that writes, to ``folder/name-<lang>.json``, who runs it: its pid, its parent."""
    return f"""\
import json, os
from pathlib import Path
import psutil
_parent = psutil.Process(os.getppid())
_n = Path({str(folder)!r}, "{name}-" + lang + ".json").write_text(json.dumps({{
    "pid": os.getpid(), "ppid": os.getppid(), "sid": os.getsid(0),
    "parent": " ".join(_parent.cmdline()), "grandparent": _parent.ppid()}}))
"""


def read_who(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def leftovers() -> list[psutil.Process]:
    """This process's descendants that still run (a zombie has ended)."""
    alive = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


def test_each_notebook_is_a_kernel_forked_by_the_server_and_nothing_leaks(tmp_path: Path) -> None:
    """jobs=1: A runs, then B. Both are forked by the run's server (a child of this process),
    each is its own process and session, and B sees nothing A changed: a module attribute, an
    environment variable, a pandas option."""
    nbs, seen, marker = tmp_path / "notebooks", tmp_path / "who", tmp_path / "a-ran"
    seen.mkdir()
    make_notebook(
        nbs,
        "00-a",
        who(seen, "a"),
        "import musk_openai\nimport pandas as pd\nmusk_openai._leak = 1\n"
        'os.environ["MUSK_OPENAI_LEAK"] = "1"\npd.set_option("display.max_rows", 3)\n'
        f"Path({str(marker)!r}).write_text('yes')",
    )
    make_notebook(
        nbs,
        "01-b",
        who(seen, "b"),
        f"import musk_openai\nimport pandas as pd\nassert Path({str(marker)!r}).exists()\n"
        'assert not hasattr(musk_openai, "_leak")\n'
        'assert "MUSK_OPENAI_LEAK" not in os.environ\n'
        'assert pd.get_option("display.max_rows") == 60',
    )
    report = build.run_report(
        notebooks_dir=nbs, output=tmp_path / "out", lang="en", jobs=1, stream=None
    )
    assert report.exit_code == 0, build.summary(report)
    runs = read_who(seen)
    assert set(runs) == {"a-en", "b-en"}
    a, b = runs["a-en"], runs["b-en"]
    assert a["pid"] != b["pid"]
    assert a["ppid"] == b["ppid"], "both forked by the same server"
    for run in (a, b):
        assert SERVER in run["parent"]
        assert run["grandparent"] == os.getpid(), "the server is the runner's child"
        assert run["sid"] == run["pid"], "each kernel is in its own session"
        assert not psutil.pid_exists(run["pid"]) or (
            psutil.Process(run["pid"]).status() == psutil.STATUS_ZOMBIE
        )
    assert leftovers() == []


def test_failures_and_timeouts_in_forked_kernels(tmp_path: Path) -> None:
    """A failing cell is reported with its cell, a cell that runs too long is stopped and
    reported; then no server and no kernel is left."""
    nbs, seen = tmp_path / "notebooks", tmp_path / "who"
    seen.mkdir()
    make_notebook(nbs, "00-broken", who(seen, "broken"), "x = 1", "ratio = 10 / 0")
    make_notebook(nbs, "01-slow", who(seen, "slow"), "import time\ntime.sleep(60)")
    report = build.run_report(
        notebooks_dir=nbs, output=tmp_path / "out", lang="fr", timeout=3, stream=None
    )
    assert {k: SERVER in v["parent"] for k, v in read_who(seen).items()} == {
        "broken-fr": True,
        "slow-fr": True,
    }
    failures = {r.job.notebook.name: r.failure for r in report.failures}
    broken, slow = failures["00-broken"], failures["01-slow"]
    assert broken is not None and slow is not None
    # source cells: 0 title, 1 parameters, 2 who, 3 "x = 1", 4 the division
    assert (broken.cell, broken.source_line, broken.ename) == (
        4,
        "ratio = 10 / 0",
        "ZeroDivisionError",
    )
    assert slow.cell == 3 and "Timeout" in slow.ename
    assert leftovers() == []


def test_ctrl_c_in_the_runner_leaves_no_server_and_no_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KeyboardInterrupt in the main thread (here: when the first page is rendered) while
    another forked kernel still runs: every process of the run is gone when it is raised."""
    nbs, seen = tmp_path / "notebooks", tmp_path / "who"
    seen.mkdir()
    make_notebook(nbs, "00-quick", who(seen, "quick"))
    make_notebook(nbs, "01-slow", who(seen, "slow"), "import time\ntime.sleep(120)")

    def interrupted(*args: object) -> None:
        deadline = time.monotonic() + 60  # until the slow kernel runs its cell
        while not (seen / "slow-en.json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "render_page", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.run_report(notebooks_dir=nbs, output=tmp_path / "out", lang="en", stream=None)
    slow = read_who(seen)["slow-en"]
    assert SERVER in slow["parent"]
    assert leftovers() == []
    assert not psutil.pid_exists(slow["pid"]) or (
        psutil.Process(slow["pid"]).status() == psutil.STATUS_ZOMBIE
    )


def test_without_fork_the_normal_launch_and_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MUSK_OPENAI_FORK=0: each kernel is the runner's own child; the pages and figures are
    byte for byte those of forked kernels, and a figure shown inline is in both."""
    nbs, seen = tmp_path / "notebooks", tmp_path / "who"
    make_notebook(nbs, "00-figure", FIGURE)
    make_notebook(nbs, "01-who", who(seen, "who"))
    outputs: dict[str, dict[str, bytes]] = {}
    for fork in ("1", "0"):
        monkeypatch.setenv(kernels.SWITCH, fork)
        seen.mkdir()
        out = tmp_path / f"out-{fork}"
        report = build.run_report(
            notebooks_dir=nbs, output=out, figures_root=tmp_path / f"figs-{fork}", stream=None
        )
        assert report.exit_code == 0, build.summary(report)
        runs = read_who(seen)
        assert len(runs) == 2
        for lang, run in runs.items():
            assert (SERVER in run["parent"]) == (fork == "1"), (lang, run)
            assert (run["ppid"] == os.getpid()) == (fork == "0"), (lang, run)
        seen.rename(tmp_path / f"who-{fork}")
        executed = nbformat.read(out / "en" / "00-figure.ipynb", as_version=4)
        assert any("image/png" in o.get("data", {}) for o in executed.cells[-1].outputs)
        outputs[fork] = {k: v for k, v in snapshot(out).items() if not k.endswith(".ipynb")}
        assert leftovers() == []
    assert outputs["1"] == outputs["0"]


def test_a_kernel_ends_when_its_server_dies(tmp_path: Path) -> None:
    """ipykernel's parent poller: the server killed, its kernel ends by itself."""
    server = kernels.ForkServer.start()
    assert server is not None
    try:
        km = kernels.kernel_manager_class(server)(kernel_name="python3")
        asyncio.run(km.start_kernel(cwd=str(tmp_path)))
        pid = km.provisioner.pid
        kernel = psutil.Process(pid)
        assert kernel.ppid() == server.pid and kernel.cwd() == str(tmp_path)
        assert psutil.Process(server.pid).num_threads() == 1, "threads in the fork server"
        server.proc.kill()
        server.proc.wait()
        deadline = time.monotonic() + 30  # the poller looks once a second
        while time.monotonic() < deadline and km.provisioner.process.poll() is None:
            time.sleep(0.2)
        assert km.provisioner.process.poll() is not None, "the kernel outlived its server"
        asyncio.run(km.cleanup_resources())
    finally:
        server.stop()
    assert leftovers() == []


def test_only_this_python_s_ipykernel_launcher_is_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert kernels.kernel_argv([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"]) == [
        "-f",
        "c.json",
    ]
    assert kernels.kernel_argv(["/other/python", "-m", "ipykernel_launcher", "-f", "c"]) is None
    assert kernels.kernel_argv([sys.executable, "-m", "other_kernel", "-f", "c"]) is None
    monkeypatch.setenv(kernels.SWITCH, "0")
    assert kernels.ForkServer.start() is None


def test_a_forked_kernel_that_never_starts_is_launched_again_the_usual_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server answers with the pid of a process that has already ended: the kernel never
    answers, no cell runs, and the notebook runs once more with a kernel launched as usual."""
    from musk_openai import forkserver

    def dead_kernel(self: forkserver.ForkServer, *args: object) -> int:
        proc = subprocess.Popen(["true"])
        proc.wait()
        return proc.pid

    monkeypatch.setattr(forkserver.ForkServer, "fork", dead_kernel)
    nbs, seen = tmp_path / "notebooks", tmp_path / "seen"
    seen.mkdir()
    make_notebook(nbs, "00-who", who(seen, "who"))
    report = build.run_report(
        notebooks_dir=nbs, output=tmp_path / "out", lang="en", stream=None, timeout=60
    )
    assert report.exit_code == 0, build.summary(report)
    ran = read_who(seen)["who-en"]
    assert SERVER not in ran["parent"]  # launched the usual way: this process is its parent
    assert ran["ppid"] == os.getpid()
    assert not leftovers()
