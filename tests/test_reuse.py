"""The execution cache (report/runner/reuse.py): a notebook run is reused only when nothing it
depends on changed, the reused files are the ones a new run would write, and pages are always
rendered again.

Every notebook here appends ``<name> <lang>`` to the file named by $MUSK_TEST_RUN_LOG each time
it executes: the tests assert which runs executed from that log, what the kernels did, not only
from what the runner says of itself.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from helpers import FIGURE, make_notebook, snapshot, start_interruptible

from musk_openai import paths
from musk_openai.report import runner
from musk_openai.report.runner import reuse

pytestmark = pytest.mark.kernel

BIN = Path(sys.executable).parent
LOG = """\
import os
with open(os.environ["MUSK_TEST_RUN_LOG"], "a") as log:
    print(NAME, lang, file=log)
"""
ALL = {"00-plain fr", "00-plain en", "01-figure fr", "01-figure en"}


def log_cell(name: str) -> str:
    return LOG.replace("NAME", repr(name))


class Project:
    """Two notebooks, a copy of the data, of the package's code and of the lock file, so that
    each can be changed; every run goes to the same output folder."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.nbs = root / "notebooks"
        make_notebook(self.nbs, "00-plain", log_cell("00-plain"), "print('hello', lang)")
        make_notebook(self.nbs, "01-figure", log_cell("01-figure"), FIGURE)
        self.data = root / "data"
        shutil.copytree(paths.PROJECT_ROOT / "data", self.data)
        self.package = root / "package"
        shutil.copytree(
            reuse.PACKAGE,
            self.package,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        self.lock = root / "requirements.lock"
        shutil.copyfile(paths.PROJECT_ROOT / "requirements.lock", self.lock)
        self.log = root / "runs.log"
        self.out = root / "reports"
        monkeypatch.setenv("MUSK_OPENAI_DATA", str(self.data))
        monkeypatch.setenv("MUSK_TEST_RUN_LOG", str(self.log))
        monkeypatch.setattr(reuse, "PACKAGE", self.package)
        monkeypatch.setattr(reuse, "LOCK", self.lock)

    def run(self, **options: object) -> tuple[runner.Report, set[str]]:
        """A run; returns its report and the notebook runs that executed, from the log."""
        self.log.write_text("")
        options = {"dpi": 60, "formats": "png,svg"} | options
        report = runner.run_report(
            notebooks_dir=self.nbs,
            output=self.out,
            figures_root=self.root / "figures",
            stream=None,
            **options,  # type: ignore[arg-type]
        )
        executed = set(self.log.read_text().splitlines())
        said = {f"{r.job.notebook.name} {r.job.lang}" for r in report.results if not r.reused_from}
        assert said == executed, "the report does not say which runs executed"
        return report, executed

    def edit_cell(self, name: str, source: str) -> None:
        path = self.nbs / f"{name}.ipynb"
        nb = nbformat.read(path, as_version=4)
        nb.cells[-1].source += source
        nbformat.write(nb, path)

    def pages(self) -> dict[str, object]:
        """The report's notebook pages and figures, byte for byte (not the front pages and the
        build log, which say when the report and each run were made), and the executed
        notebooks' cells (papermill records the time of each cell in their metadata)."""
        files: dict[str, object] = {}
        for k, v in snapshot(self.out).items():
            if k.endswith(".ipynb"):
                cells = json.loads(v)["cells"]
                files[k] = [(c["source"], c.get("outputs")) for c in cells]
            elif not k.startswith(".") and not k.endswith(("index.html", "build-log.txt")):
                files[k] = v
        return files


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    p = Project(tmp_path, monkeypatch)
    report, executed = p.run()
    assert report.exit_code == 0, runner.summary(report)
    assert executed == ALL
    yield p


def test_nothing_changed_reuses_every_run_and_says_so(project: Project) -> None:
    before = project.pages()
    report, executed = project.run()
    assert report.exit_code == 0 and executed == set()
    assert project.pages() == before  # notebooks, pages and figures, byte for byte
    text = runner.summary(report)
    assert "reused (4)" in text and "executed (0)" in text
    log = (project.out / "build-log.txt").read_text(encoding="utf-8").splitlines()
    runs = [line for line in log if line.startswith("  ")]
    assert len(runs) == 4 and all(": reused from the build of " in r for r in runs), runs


def test_force_executes_every_run_and_gives_the_same_bytes(project: Project) -> None:
    reused = project.pages()
    report, executed = project.run(force=True)
    assert executed == ALL
    assert project.pages() == reused  # a reused page is the page a new run writes
    log = (project.out / "build-log.txt").read_text(encoding="utf-8").splitlines()
    runs = [line for line in log if line.startswith("  ")]
    assert len(runs) == 4 and all(r.endswith(": executed") for r in runs), runs


def test_a_notebook_changed_is_the_only_one_executed(project: Project) -> None:
    shown = "\nfrom IPython.display import Markdown\nMarkdown('one more line')"
    project.edit_cell("00-plain", shown)
    report, executed = project.run()
    assert executed == {"00-plain fr", "00-plain en"}
    assert "one more line" in (project.out / "en" / "00-plain.html").read_text()
    # touched, or saved with outputs from JupyterLab: its cells are the same, nothing runs
    path = project.nbs / "01-figure.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="old output")]
    nb.cells[-1].execution_count = 7
    nbformat.write(nb, path)
    os.utime(path)
    assert project.run()[1] == set()


def test_a_data_row_changed_executes_every_notebook(project: Project) -> None:
    facts = project.out / "en" / "facts.html"
    before = facts.read_bytes()
    figures = project.data / "figures.csv"
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("157", "158", 1), encoding="utf-8")
    assert project.run()[1] == ALL
    assert facts.read_bytes() != before  # the fact explorer is made again too, not reused
    (project.data / "sources" / ".note").write_text("any file of the data folder")
    assert project.run()[1] == ALL


def test_package_code_or_a_pin_changed_executes_every_notebook(project: Project) -> None:
    charts = project.package / "story" / "charts" / "valuation.py"
    charts.write_text(charts.read_text() + "\n# a change to the chart code\n")
    assert project.run()[1] == ALL
    project.lock.write_text(project.lock.read_text().replace("pandas==", "pandas==0", 1))
    assert project.run()[1] == ALL
    assert project.run()[1] == set()


def test_other_parameters_do_not_reuse_runs_made_with_others(project: Project) -> None:
    assert project.run(dpi=70)[1] == ALL
    assert project.run()[1] == set()  # the first runs' entries are still there


def test_page_options_and_languages_render_again_without_executing(project: Project) -> None:
    """--with-code and the report's languages change the pages, not what a notebook computes."""
    page = project.out / "en" / "00-plain.html"
    hidden = page.read_text()
    report, executed = project.run(with_code=True)
    assert executed == set() and report.exit_code == 0
    assert "MUSK_TEST_RUN_LOG" in page.read_text() and "MUSK_TEST_RUN_LOG" not in hidden
    report, executed = project.run(lang="en")
    assert executed == set() and not (project.out / "fr").exists()
    assert 'href="../fr/' not in (project.out / "en" / "00-plain.html").read_text()


def _written_again(plan: object) -> None:
    raise AssertionError("the pages made from the dataset were written again")


def test_a_template_or_css_edit_starts_no_kernel(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report room is not in a run's key: an edit there starts no kernel (the templates of a
    copy of the package, edited). The style sheet of the report's own pages renders them again,
    and no notebook's page; a template of a notebook's page, or a file it includes, renders every
    notebook's page again from the executed notebooks, and none of the report's own pages."""
    import jinja2

    from musk_openai.report.site import jinja as site_jinja
    from musk_openai.report.site import render, site

    templates = project.package / "report" / "site" / "templates"  # in the copy the key reads
    loader = jinja2.FileSystemLoader(str(templates))
    monkeypatch.setattr(jinja2, "PackageLoader", lambda *a, **k: loader)
    renderers, real = [], render.PageRenderer
    monkeypatch.setattr(render, "PageRenderer", lambda *a, **k: renderers.append(1) or None)

    def edit(name: str, old: str, new: str) -> set[str]:
        (templates / name).write_text((templates / name).read_text().replace(old, new, 1))
        site_jinja.templates.cache_clear()
        report, executed = project.run()
        assert report.exit_code == 0
        return executed

    nb_page = project.out / "fr" / "01-figure.html"
    before = nb_page.read_bytes()
    assert edit("report.css", "", "/* an edit to the style sheet */\n") == set()
    assert not renderers and nb_page.read_bytes() == before  # kept, not rendered again
    # the front page, and the pages made from the dataset (written by a forked child meanwhile)
    for page in ("index.html", "facts.html", "corrections.html", "sources/S001.html"):
        assert "an edit to the style sheet" in (project.out / "fr" / page).read_text(), page
    monkeypatch.setattr(render, "PageRenderer", real)
    assert edit("header.css", "", "/* in every page's header */\n") == set()  # included
    assert "/* in every page's header */" in nb_page.read_text()
    edited = '<style type="text/css">/* edited */'
    monkeypatch.setattr(site, "write_shared", _written_again)
    assert edit("page.html.j2", '<style type="text/css">', edited) == set()
    assert "/* edited */" in nb_page.read_text()
    # a template broken by an edit: every page says it, as a failed notebook would; no kernel
    before = nb_page.read_bytes()
    page_html = (templates / "page.html.j2").read_text()
    (templates / "page.html.j2").write_text(page_html + "{% if %}")
    report, executed = project.run()
    assert report.exit_code == 1 and executed == set() and len(report.failures) == 4
    said = runner.summary(report)
    assert "its page could not be rendered" in said and "TemplateSyntaxError" in said, said
    assert "up to the failure" not in said  # the notebook ran to its end
    assert nb_page.read_bytes() == before  # the previous report stays
    # the header, which every page shows: the run stops, naming the template and its line
    (templates / "page.html.j2").write_text(page_html)
    header = templates / "header.html.j2"
    header.write_text(header.read_text() + "\n{% endfo %}")
    site_jinja.templates.cache_clear()
    with pytest.raises(site_jinja.TemplateProblem, match=r"header\.html\.j2, line \d+: .*endfo"):
        project.run()
    assert nb_page.read_bytes() == before
    site_jinja.templates.cache_clear()


def test_a_failed_notebook_is_executed_again_the_others_are_kept(project: Project) -> None:
    project.edit_cell("00-plain", "\nraise ValueError('broken')")
    report, executed = project.run()
    assert report.exit_code == 1 and executed == {"00-plain fr", "00-plain en"}
    report, executed = project.run()
    assert report.exit_code == 1 and executed == {"00-plain fr", "00-plain en"}
    project.edit_cell("00-plain", "\n# fixed")
    nb = nbformat.read(project.nbs / "00-plain.ipynb", as_version=4)
    nb.cells[-1].source = nb.cells[-1].source.replace("raise ValueError('broken')", "")
    nbformat.write(nb, project.nbs / "00-plain.ipynb")
    report, executed = project.run()
    assert report.exit_code == 0 and executed == {"00-plain fr", "00-plain en"}


def test_a_damaged_entry_is_not_trusted(project: Project) -> None:
    entries = _runs(project.out)
    assert len(entries) == 4  # the four runs (and their four pages, and the dataset's pages)
    assert len(_entries(project.out)) == 4 + 4 + 1
    executed_nb = next(e / reuse.EXECUTED for e in entries if "00-plain (en)" in _job(e))
    raw = executed_nb.read_bytes().replace(b"hello", b"damaged")
    executed_nb.write_bytes(raw)
    report, executed = project.run()
    assert executed == {"00-plain en"}
    assert "damaged" not in (project.out / "en" / "00-plain.html").read_text()
    # a kept page edited: not trusted, rendered again from the executed notebook
    page_entry = next(e for e in _entries(project.out) if e.name.startswith("page-"))
    page = next(p for p in page_entry.rglob("*.html"))
    page.write_text(page.read_text() + "<!-- damaged page -->")
    report, executed = project.run()
    assert executed == set()
    assert not any("damaged page" in p.read_text() for p in project.out.rglob("*.html"))
    # an executed notebook that does not carry its key (manifest rewritten to match it)
    entries = _runs(project.out)
    entry = next(e for e in entries if "00-plain (fr)" in _job(e))
    nb = json.loads((entry / reuse.EXECUTED).read_text())
    nb["metadata"]["musk_openai"]["run_key"] = "another"
    (entry / reuse.EXECUTED).write_text(json.dumps(nb))
    manifest = json.loads((entry / reuse.MANIFEST).read_text())
    manifest["files"][reuse.EXECUTED] = reuse._sha((entry / reuse.EXECUTED).read_bytes())
    (entry / reuse.MANIFEST).write_text(json.dumps(manifest))
    assert project.run()[1] == {"00-plain fr"}
    manifest = next(e / reuse.MANIFEST for e in _runs(project.out) if "01-figure (fr)" in _job(e))
    version = f'"key_version": {reuse.KEY_VERSION}'
    manifest.write_text(manifest.read_text().replace(version, '"key_version": 0'))
    assert project.run()[1] == {"01-figure fr"}
    # a cache folder that others may write into is not trusted
    root = reuse.Store(project.out).root
    assert root is not None
    root.chmod(0o777)
    assert project.run()[1] == ALL
    root.chmod(0o700)
    assert project.run()[1] == set()
    assert not any(e.name.startswith(".tmp-") for e in root.iterdir())


def test_inputs_changed_during_the_run_leave_no_entry(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.edit_cell("00-plain", "\nprint('changed')")
    entries = _entries(project.out)
    real = reuse.inputs
    calls = iter([real(project.nbs), reuse.Inputs("edited during the run", "", "")])
    monkeypatch.setattr(reuse, "inputs", lambda _: next(calls))
    report, executed = project.run()
    assert report.exit_code == 0 and executed == {"00-plain fr", "00-plain en"}
    monkeypatch.setattr(reuse, "inputs", real)
    assert _entries(project.out) == entries
    assert project.run()[1] == {"00-plain fr", "00-plain en"}


def test_a_template_edited_as_pages_render_keeps_none_of_them(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No kernel runs but every page is rendered (a page template and the CSS edited): an edit
    during the run (the inputs at its end are not those of its start) keeps no page for later
    runs, which would be kept under the key of the templates before the edit."""
    import jinja2

    from musk_openai.report.site import jinja as site_jinja

    templates = project.package / "report" / "site" / "templates"
    loader = jinja2.FileSystemLoader(str(templates))
    monkeypatch.setattr(jinja2, "PackageLoader", lambda *a, **k: loader)
    site_jinja.templates.cache_clear()
    for name in ("page.html.j2", "report.css"):
        (templates / name).write_text((templates / name).read_text() + "\n")
    entries = _entries(project.out)
    real = reuse.inputs
    calls = iter([real(project.nbs), reuse.Inputs("edited during the run", "", "")])
    monkeypatch.setattr(reuse, "inputs", lambda _: next(calls))
    report, executed = project.run()
    site_jinja.templates.cache_clear()
    assert report.exit_code == 0 and executed == set()
    assert _entries(project.out) == entries


def test_a_run_interrupted_half_way_leaves_no_entry_a_later_run_trusts(tmp_path: Path) -> None:
    """Ctrl-C once the first notebook is done and the second runs: the next run executes both."""
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-fast", log_cell("00-fast"))
    make_notebook(nbs, "01-slow", log_cell("01-slow"), "import time\ntime.sleep(120)")
    out, log = tmp_path / "out", tmp_path / "runs.log"
    env = os.environ | {"MUSK_TEST_RUN_LOG": str(log)}
    cmd = [str(BIN / "musk-openai"), "report", "--notebooks-dir", str(nbs), "--output", str(out)]
    cmd += ["--lang", "en", "--jobs", "2"]
    proc = start_interruptible(cmd, env)
    assert proc.stderr is not None
    try:
        seen = ""
        for line in proc.stderr:  # the progress: one line per change
            seen += line
            if "ok 00-fast (en)" in line:
                break
        assert "ok 00-fast (en)" in seen, seen
        time.sleep(1)
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        proc.kill()
    assert _entries(out) == set()
    assert sorted(log.read_text().splitlines()) == ["00-fast en", "01-slow en"]
    # the same notebooks, the slow one made fast: both execute, nothing was kept
    make_notebook(nbs, "01-slow", log_cell("01-slow"))
    log.write_text("")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(log.read_text().splitlines()) == ["00-fast en", "01-slow en"]
    assert "reused" not in done.stderr


def test_the_key_changes_with_each_input(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-a", "print(1)")
    plan = runner.plan_report(notebooks_dir=nbs, output=tmp_path / "out", lang="en")
    shared = reuse.Inputs("d", "c", "p")
    job = plan.work[0]
    key = reuse.job_key(job, shared)
    assert key == reuse.job_key(job, reuse.Inputs("d", "c", "p"))  # stable
    for other in (reuse.Inputs("D", "c", "p"), reuse.Inputs("d", "C", "p")):
        assert reuse.job_key(job, other) != key
    assert reuse.job_key(job, reuse.Inputs("d", "c", "P")) != key
    forced = runner.plan_report(notebooks_dir=nbs, output=tmp_path / "out", lang="en", force=True)
    assert forced.force and reuse.job_key(forced.work[0], shared) == key
    coded = runner.plan_report(
        notebooks_dir=nbs, output=tmp_path / "out", lang="en", with_code=True
    )
    assert reuse.job_key(coded.work[0], shared) == key  # a page option, not an input


def test_force_is_an_option_of_the_command(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-a", "print(1)")
    cmd = [str(BIN / "musk-openai"), "report", "--notebooks-dir", str(nbs)]
    cmd += ["--output", str(tmp_path / "out"), "--lang", "en", "--dpi", "60"]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    forced = subprocess.run([*cmd, "--force"], capture_output=True, text=True, timeout=300)
    assert first.returncode == again.returncode == forced.returncode == 0, forced.stderr
    assert "reused" not in first.stderr and "reused" not in forced.stderr
    assert "reused (1), nothing they depend on having changed" in again.stderr
    assert "00-a (en)" in again.stderr.split("reused (1)")[1]


def _entries(output: Path) -> set[Path]:
    root = reuse.Store(output).root
    assert root is not None and paths.inside(root, Path(os.environ["XDG_CACHE_HOME"]))
    return set(root.iterdir()) if root.is_dir() else set()


def _runs(output: Path) -> list[Path]:
    """The entries of notebook runs (not of pages)."""
    return sorted(e for e in _entries(output) if not e.name.startswith(("page-", "site-")))


def _job(entry: Path) -> str:
    return str(json.loads((entry / reuse.MANIFEST).read_text())["job"])


def test_without_a_cache_folder_nothing_is_reused(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUSK_OPENAI_NO_CACHE", "1")
    assert reuse.Store(project.out).root is None
    assert project.run()[1] == ALL
    monkeypatch.delenv("MUSK_OPENAI_NO_CACHE")
    assert project.run()[1] == set()


def test_a_cache_that_cannot_be_written_turns_reuse_off_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is an optimisation: a cache folder that cannot be made (here, under a file; a
    full disk or a read-only home alike) never fails the report; the summary says why, once."""
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-a", "print(1)")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    report = runner.run_report(notebooks_dir=nbs, output=tmp_path / "out", lang="en", stream=None)
    assert report.exit_code == 0
    assert (tmp_path / "out" / "en" / "00-a.html").is_file()
    said = runner.summary(report)
    assert said.count("reuse off for this run") == 1 and "not-a-folder" in said


def test_a_file_beside_the_notebooks_is_in_the_key(project: Project) -> None:
    """A helper module a notebook could import, or a matplotlibrc the kernel reads from its
    working folder: editing it executes every run again; a JupyterLab checkpoint does not."""
    (project.nbs / "helper.py").write_text("VALUE = 1\n")
    assert project.run()[1] == ALL
    (project.nbs / ".ipynb_checkpoints").mkdir()
    (project.nbs / ".ipynb_checkpoints" / "00-plain-checkpoint.ipynb").write_text("{}")
    assert project.run()[1] == set()
    (project.nbs / "helper.py").write_text("VALUE = 2\n")
    assert project.run()[1] == ALL


def test_the_users_matplotlib_and_ipython_settings_do_not_reach_the_kernels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A matplotlibrc in MATPLOTLIBRC and an IPython startup file in IPYTHONDIR: a report's
    kernels read neither (the key need not read them either)."""
    rc = tmp_path / "matplotlibrc"
    rc.write_text("figure.facecolor: red\n")
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-user.py").write_text("USER_STARTUP = True\n")
    monkeypatch.setenv("MATPLOTLIBRC", str(rc))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    nbs = tmp_path / "notebooks"
    probe = (
        "import matplotlib\n"
        "print('facecolor', matplotlib.rcParams['figure.facecolor'])\n"
        "print('startup', 'USER_STARTUP' in globals())"
    )
    make_notebook(nbs, "00-probe", probe)
    report = runner.run_report(
        notebooks_dir=nbs, output=tmp_path / "out", lang="en", stream=None, figures_root=tmp_path
    )
    assert report.exit_code == 0, runner.summary(report)
    nb = nbformat.read(tmp_path / "out" / "en" / "00-probe.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "facecolor white" in printed and "startup False" in printed, printed


def test_a_data_edit_undone_during_the_run_is_not_kept(project: Project) -> None:
    """A data file changed while the kernels run, then put back as it was before the run ends:
    the content hashed at both ends is the same, yet a kernel may have read the edit; nothing
    of that run is kept for reuse."""
    edit = (
        "\nimport os, pathlib, time\n"
        "f = pathlib.Path(os.environ['MUSK_OPENAI_DATA']) / 'figures.csv'\n"
        "if lang == 'en':  # one kernel only: the other would read the edit as the original\n"
        "    kept = f.read_bytes()\n"
        "    f.write_bytes(kept.replace(b'157000000000', b'99000000000'))\n"
        "    time.sleep(0.05)\n"
        "    f.write_bytes(kept)\n"
    )
    before = reuse.inputs(project.nbs).data
    project.edit_cell("00-plain", edit)
    edited = {"00-plain fr", "00-plain en"}
    assert project.run()[1] == edited
    assert reuse.inputs(project.nbs).data == before  # the data is what it was
    assert project.run()[1] == edited  # yet its runs were not kept: executed again


def test_under_umask_002_the_next_run_reuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user whose umask lets the group write (002, common with per-user groups): the entries
    are written private all the same (folders 0700, files 0600), so the next run trusts them."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    old = os.umask(0o002)
    try:
        p = Project(tmp_path, monkeypatch)
        assert p.run()[1] == ALL
        assert p.run()[1] == set()
    finally:
        os.umask(old)
    entries = list((tmp_path / "cache" / "musk-openai" / "runs").rglob("*"))
    assert any(e.name == reuse.MANIFEST for e in entries)
    for e in entries:
        assert e.stat().st_mode & 0o077 == 0, (e, oct(e.stat().st_mode))
