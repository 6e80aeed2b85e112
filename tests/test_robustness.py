"""Faults, bad input and concurrency at every entry point: no crash, no damage, one clear error.

Each test is named for the guarantee it checks (see "What a run guarantees" in README.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from helpers import EXPORTED, FIGURE, make_notebook, snapshot, start_interruptible

from musk_openai import cli
from musk_openai.paths import FIGURES_DIR, NOTEBOOKS_DIR, PROJECT_ROOT, SCRATCH_FIGURES_DIR
from musk_openai.report import runner
from musk_openai.report.runner import outputs
from musk_openai.report.site import site
from musk_openai.story import params

BIN = Path(sys.executable).parent


def git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", "figures", "data"]
        + ["notebooks", "etc"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture()
def committed_figures() -> object:
    """The committed figures/ and git status are the same after the test."""
    before, status = snapshot(FIGURES_DIR), git_status()
    yield None
    assert snapshot(FIGURES_DIR) == before, "the test changed the committed figures/"
    assert git_status() == status, "the test left git status changed"


# -- the import race -------------------------------------------------------------------------

PROBE = """\
import sys, threading
from pathlib import Path
imported = []
def hook(event, args):  # an import that takes the import system's locks: one not yet done
    if event == "import" and threading.current_thread() is not threading.main_thread():
        if args[0] not in sys.modules:
            imported.append(args[0])
from musk_openai.report import runner
sys.addaudithook(hook)
plan = runner.plan_report(notebooks_dir=sys.argv[1], output=sys.argv[2], figures_root=sys.argv[3],
                          lang="en", timeout=3)
result = runner.run_plan(plan, stream=None)
assert [r.job.notebook.name for r in result.failures] == ["01-broken", "02-slow"], result.failures
print(sorted(set(imported)))
"""


@pytest.mark.kernel
def test_no_worker_thread_imports_a_module(tmp_path: Path) -> None:
    """Imports are not safe to race: every module a notebook run needs is imported by the main
    thread before any worker starts (a success, a failure and a timeout), and one it would try
    but is not installed is known to be absent (papermill tries ``black`` for every run)."""
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-good", FIGURE)
    make_notebook(nbs, "01-broken", "1 / 0")
    make_notebook(nbs, "02-slow", "import time\ntime.sleep(30)")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    proc = subprocess.run(
        [sys.executable, str(probe), str(nbs), str(tmp_path / "out"), str(tmp_path / "figs")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", "imported in a worker thread: " + proc.stdout


# -- 2, 3, 5, 15: a real run, as a user types it --------------------------------------------------


@pytest.mark.kernel
def test_a_custom_run_is_confined_quiet_and_reads_relative_paths(
    tmp_path: Path, committed_figures: None
) -> None:
    """--dpi 60 from another folder, with a relative MUSK_OPENAI_DATA and --output: the pages
    and figures go to the output, the committed figures/ and git status stay as they were, and
    stderr holds progress and the summary, nothing that looks like an error."""
    import shutil

    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "mydata")
    env = dict(os.environ, MUSK_OPENAI_DATA="mydata", MUSK_OPENAI_NO_CACHE="1")
    proc = subprocess.run(
        [str(BIN / "musk-openai"), "report", "--only", "01", "--lang", "en"]
        + ["--dpi", "60", "--output", "out"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    figures = sorted(p.name for p in (out / "figures" / "en").iterdir())
    assert figures == [f"01-valuation-growth.{x}" for x in EXPORTED]
    for f in (out / "figures" / "en").iterdir():
        assert f.stat().st_mode & 0o777 == 0o644, f
    assert f"figures (en): {out / 'figures' / 'en'}\n" in proc.stderr + "\n"
    lines = proc.stderr.strip().splitlines()
    allowed = ("[0/1] running:", "[1/1] running:", "report: 1 notebook", "index:", "figures (en)")
    assert all(line.startswith(allowed) for line in lines), proc.stderr
    for noise in ("error", "warning", "traceback", "keyboardinterrupt", "encryption"):
        assert noise not in proc.stderr.lower()
    assert not (out / ".building").exists()


@pytest.mark.kernel
def test_papermill_with_other_parameters_leaves_the_committed_figures_alone(
    tmp_path: Path, committed_figures: None
) -> None:
    """The README's `-f params.yaml` example and `-p start 2020` (an int: accepted) write to
    reports/figures/<lang>, never the committed figures/; the run says where."""
    pfile = tmp_path / "params.yaml"
    pfile.write_text('start: "2019"\nlang: en\n')
    target = SCRATCH_FIGURES_DIR / "en"
    created = [target / f"03-dispute-timeline.{x}" for x in EXPORTED]
    existed = {p for p in created if p.exists()}
    try:
        for extra in (["-f", str(pfile)], ["-p", "start", "2020", "-p", "lang", "en"]):
            proc = subprocess.run(
                [str(BIN / "papermill"), str(NOTEBOOKS_DIR / "03-dispute-timeline.ipynb")]
                + [str(tmp_path / "o.ipynb"), "--no-progress-bar", *extra],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert proc.returncode == 0, proc.stderr[-2000:]
            assert all(p.is_file() for p in created)
            assert str(target) in (tmp_path / "o.ipynb").read_text()
            assert "without encryption" not in proc.stderr
    finally:
        for p in set(created) - existed:
            p.unlink(missing_ok=True)


@pytest.mark.kernel
@pytest.mark.parametrize("folder", ["../data"])
def test_papermill_refuses_a_figures_dir_outside_the_allowed_places(
    tmp_path: Path, folder: str, committed_figures: None
) -> None:
    """`papermill ... --cwd notebooks -p figures_dir ../data` is refused by the notebook's check
    (the committed figures too, with a non-default parameter)."""
    proc = subprocess.run(
        [str(BIN / "papermill"), str(NOTEBOOKS_DIR / "01-valuation-growth.ipynb")]
        + [str(tmp_path / "o.ipynb"), "--cwd", str(NOTEBOOKS_DIR), "--no-progress-bar"]
        + ["-p", "figures_dir", folder, "-p", "dpi", "100"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "ParameterError: parameter 'figures_dir'" in proc.stderr


@pytest.mark.parametrize("folder", ["../data", "../src", "../.git", "/etc", "../figures/fr"])
def test_a_notebook_refuses_a_figures_dir_outside_the_allowed_places(
    folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the notebook's check does in its kernel (working folder notebooks/), without one:
    the papermill run above shows that the check runs there."""
    monkeypatch.chdir(NOTEBOOKS_DIR)
    with pytest.raises(params.ParameterError, match="parameter 'figures_dir'"):
        params.validate("fr", "png,svg", 100, folder)


def test_params_validate_rules(tmp_path: Path) -> None:
    canonical = params.validate("fr", "png,svg", 200, "")
    assert canonical.canonical and canonical.figures_dir == FIGURES_DIR / "fr"
    other = params.validate("fr", "png", 200, "")
    assert not other.canonical and other.figures_dir == SCRATCH_FIGURES_DIR / "fr"
    assert params.validate("en", "png,svg", 200, "", start=2019).figures_dir == (
        SCRATCH_FIGURES_DIR / "en"
    )
    assert params.validate("en", "png,svg", 200, str(FIGURES_DIR / "en")).canonical
    with pytest.raises(params.ParameterError, match="committed figures"):
        params.validate("en", "png,svg", 300, str(FIGURES_DIR / "en"))
    for bad in (Path.home(), Path("/"), PROJECT_ROOT, PROJECT_ROOT / "data" / "x"):
        with pytest.raises(params.ParameterError, match="figures_dir"):
            params.validate("en", "png", 100, str(bad))
    assert params.validate("en", "png", 100, str(tmp_path)).figures_dir == tmp_path


# -- 2, 7: --output ---------------------------------------------------------------------------


def _refused_outputs(tmp: Path) -> dict[str, Path]:
    foreign = tmp / "holiday-photos"
    foreign.mkdir()
    (foreign / "beach.jpg").write_bytes(b"jpg")
    en_is_a_file = tmp / "d"
    en_is_a_file.mkdir()
    (en_is_a_file / "en").write_text("a file")
    return {
        "it is inside the project's figures/": FIGURES_DIR,
        "it is the root of the file system": Path("/"),
        "it is the home folder": Path.home(),
        "inside the project's .git/": PROJECT_ROOT / ".git",
        "inside the project's data/": PROJECT_ROOT / "data" / "out",
        "inside the notebooks folder": NOTEBOOKS_DIR,
        "it is the project's root folder": PROJECT_ROOT,
        "it holds 'beach.jpg', which a report does not write": foreign,
        "is not a folder, as a report's is": en_is_a_file,
        "inside /etc, a system folder": Path("/etc/musk"),
    }


def test_output_folders_that_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], committed_figures: None
) -> None:
    cases = _refused_outputs(tmp_path)
    # the folders of this test, looked at byte for byte; the project's are watched by git status
    before = {p: snapshot(p) for p in cases.values() if p.is_dir() and p.is_relative_to(tmp_path)}
    for says, folder in cases.items():
        code = cli.main(["report", "--lang", "en", "--only", "01", "--output", str(folder)])
        err = capsys.readouterr().err
        assert code == 2, (folder, err)
        assert err.startswith("musk-openai report: error: --output: ") and says in err, err
        assert err.count("\n") == 1, err
    assert not (PROJECT_ROOT / "data" / "out").exists() and not Path("/etc/musk").exists()
    for folder, files in before.items():
        assert snapshot(folder) == files


# -- 11: two runs into one folder -----------------------------------------------------------------


def test_second_run_into_a_busy_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with outputs.locked(out):
        code = cli.main(["report", "--lang", "en", "--only", "01", "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"another report is being written into {out} (pid {os.getpid()}" in err
    assert sorted(p.name for p in out.iterdir()) == [".lock"]


# -- crash, failure, Ctrl-C: the previous report survives ------------------------------------------


def _previous_report(out: Path) -> dict[str, bytes]:
    (out / "en").mkdir(parents=True)
    (out / "en" / "00-good.html").write_text("the previous good page")
    (out / "index.html").write_text("the previous good index")
    return snapshot(out)


@pytest.mark.kernel
def test_a_crash_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-good", "print(1)")
    out = tmp_path / "out"
    previous = _previous_report(out)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(site, "write_site", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        runner.run_report(notebooks_dir=nbs, output=out, lang="en", stream=None)
    assert snapshot(out) == previous | {".lock": b""}


@pytest.mark.kernel
def test_ctrl_c_stops_kernels_and_keeps_the_previous_report(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-slow", "import time\ntime.sleep(120)")
    make_notebook(nbs, "01-slow", "import time\ntime.sleep(120)")
    out = tmp_path / "out"
    previous = _previous_report(out)
    cmd = [str(BIN / "musk-openai"), "report", "--notebooks-dir", str(nbs), "--output", str(out)]
    proc = start_interruptible(cmd)
    assert proc.stderr is not None
    first = proc.stderr.readline()
    assert "running:" in first, first
    deadline = time.monotonic() + 60  # until both kernels run their sleeping cell
    while time.monotonic() < deadline:
        kernels = [p for p in psutil.Process(proc.pid).children(recursive=True)]
        if len(kernels) >= 2:
            break
        time.sleep(0.2)
    time.sleep(2)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does in a terminal
    try:
        code = proc.wait(timeout=60)
    finally:
        proc.kill()
    err = proc.stderr.read()
    assert code == 130, err
    assert "interrupted; the kernels were stopped" in err
    assert "Traceback" not in err
    for k in kernels:
        assert not k.is_running() or k.status() == psutil.STATUS_ZOMBIE, "a kernel survived"
    assert snapshot(out) == previous | {".lock": b""}


# -- 6: notebook parameters checked before any kernel ------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("start: 2030\nend: 2024\n", "start must not be after end"),
        ("end: 'soon'\n", "parameter 'end': got 'soon'"),
    ],
)
def test_notebook_parameters_checked_before_any_kernel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, says: str
) -> None:
    pfile = tmp_path / "p.yaml"
    pfile.write_text(text)
    out = tmp_path / "out"
    code = cli.main(["report", "--only", "03", "--params-file", str(pfile), "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and says in err and "03-dispute-timeline" in err, err
    assert not out.exists()


def test_a_year_as_a_number_is_accepted(tmp_path: Path) -> None:
    pfile = tmp_path / "p.yaml"
    pfile.write_text("start: 2019\nend: 2024-06\n")
    plan = runner.plan_report(only=["03"], params_file=pfile, output=tmp_path / "out", lang="en")
    assert plan.work[0].parameters["start"] == "2019"
    assert plan.work[0].parameters["end"] == "2024-06"
    assert not plan.canonical
    assert params.check_window(2020, "2024") == ("2020", "2024")


def test_the_notebooks_declare_the_defaults_of_params() -> None:
    import ast

    import papermill

    for nb in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
        declared = papermill.inspect_notebook(str(nb))
        for name, spec in declared.items():
            assert ast.literal_eval(spec["default"]) == params.DEFAULTS[name], (nb.name, name)


@pytest.mark.kernel
def test_canonical_run_installs_figures_with_usual_permissions(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "01-figure", FIGURE)
    result = runner.run_report(
        notebooks_dir=nbs, output=tmp_path / "out", figures_root=tmp_path / "figs", stream=None
    )
    assert result.exit_code == 0 and result.plan.canonical
    for lang in ("fr", "en"):
        installed = sorted((tmp_path / "figs" / lang).iterdir())
        assert [p.name for p in installed] == ["01-bars.png", "01-bars.svg"]
        assert all(p.stat().st_mode & 0o777 == 0o644 for p in installed)
        assert snapshot(tmp_path / "figs" / lang) == snapshot(tmp_path / "out" / "figures" / lang)


@pytest.mark.slow
def test_stress_script_counts_failures(tmp_path: Path) -> None:
    """The stress script itself: a run that fails is counted (here: a bad option, exit 2)."""
    script = PROJECT_ROOT / "benchmarks" / "stress_report.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--runs", "2", "--", "--lang", "xx"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "2 runs: 2 failed" in proc.stdout, proc.stdout


@pytest.mark.kernel
def test_a_crash_in_the_command_is_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    previous = _previous_report(out)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(out / ".building" / "index.html"))

    monkeypatch.setattr(site, "write_site", full)
    code = cli.main(["report", "--lang", "en", "--only", "00", "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines()[-1] == (
        f"musk-openai report: error: No space left on device ({out}/.building/index.html); "
        f"the previous report in {out} is unchanged"
    )
    assert "Traceback" not in err
    assert snapshot(out) == previous | {".lock": b""}


@pytest.mark.kernel
def test_a_cell_timeout_is_reported_once_without_traceback(tmp_path: Path) -> None:
    """The cell prints while it runs out of time: nbclient is reading its output when the
    timeout comes (once, "Task was destroyed but it is pending!" followed the summary)."""
    nbs = tmp_path / "notebooks"
    printing = "import time\nfor i in range(600):\n    print(i, flush=True)\n    time.sleep(0.1)"
    make_notebook(nbs, "00-slow", printing)
    proc = subprocess.run(
        [str(BIN / "musk-openai"), "report", "--notebooks-dir", str(nbs), "--lang", "en"]
        + ["--timeout", "2", "--output", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "FAILED 00-slow.ipynb (en), cell 2" in proc.stderr
    assert proc.stderr.count("timed out") == 1, proc.stderr
    for noise in ("Traceback", "Timeout waiting", "zmq", "ERROR", "Task was destroyed", "pending"):
        assert noise not in proc.stderr, proc.stderr
