"""`make lab` starts a real JupyterLab server that sees the notebooks, and its python3 kernel
loads the dataset. One server for the whole test session, on a temporary copy of notebooks/ and
data/, and the session's one Chromium (conftest's ``browser``) drives it: a notebook's amounts are
text, not maths; two notebooks side by side each keep their own language; a source link opens the
article's text. The server's helpers are in lab_server.py.

The server is started the documented way, `make lab` (as root too: the Makefile adds
--allow-root then), with the interpreter running the tests and without reinstalling it, and a
free loopback port through LAB_ARGS. Its token is random (given in the environment, not on the
command line), its config, data and runtime folders are in a temporary directory (nothing read
from or written to $HOME or the repository). make and the server run in their own process group,
stopped by its id whatever happens. Every request goes to 127.0.0.1, directly.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from lab_server import (
    HOST,
    IDLE,
    LAB_WAIT,
    START_TIMEOUT,
    Lab,
    as_root,
    execute,
    free_port,
    group_alive,
    litter,
    run_all,
    server_env,
    state,
    stop,
)

from musk_openai.dataset import data
from musk_openai.paths import DATA_ENV, NOTEBOOKS_DIR, PROJECT_ROOT

pytestmark = pytest.mark.kernel


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The server of `make lab`, once per session; its root is a temporary copy of the project's
    notebooks/ and data/ (tests run and may save notebooks there; the kernels read that data/, as
    `make lab`'s notebooks read the data beside them). Every cell is in the page, not only those
    in view (JupyterLab's default windowing), so that checks see the whole notebook; the page
    exposes JupyterLab's application (``window.jupyterapp``), for opening notebooks side by side
    and reading what an editor shows."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    tmp_path = tmp_path_factory.mktemp("lab")
    port = free_port()
    token = secrets.token_hex(24)
    env = server_env(tmp_path, token)  # includes JUPYTER_RUNTIME_DIR (not a command-line option)
    root = tmp_path / "root"
    env[DATA_ENV] = str(root / "data")
    log = tmp_path / "server.log"
    lab_args = [
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        # If this process dies without cleaning up, the server still exits on its own.
        "--ServerApp.shutdown_no_activity_timeout=300",
    ]
    shutil.copytree(NOTEBOOKS_DIR, root / "notebooks")
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    settings = tmp_path / "config" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    cmd = [
        "make",
        "--no-print-directory",
        "-C",
        str(PROJECT_ROOT),
        # The interpreter running the tests, already installed: make does not reinstall it.
        f"VENV={sys.prefix}",
        "-o",
        f"{sys.prefix}/.installed-stamp",
        "lab",
        f"LAB_ARGS={' '.join(lab_args)}",
        f"LAB_ROOT={root}",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            process_group=0,  # make and the server in a group of their own, stopped together
        )
    server = Lab(f"http://{HOST}:{port}", token, proc, log, root)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"make lab exited with {proc.returncode}:\n{server.log_tail()}")
            try:
                status, _ = server.request("GET", "/api/status")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"make lab did not answer in {START_TIMEOUT}s:\n{server.log_tail()}")
            time.sleep(0.2)
        yield server
    finally:
        stop(proc)
    assert not group_alive(proc.pid), "make lab left a process running"


def test_make_lab_as_root_says_why_and_keeps_the_token(lab: Lab) -> None:
    log = lab.log.read_text(encoding="utf-8", errors="replace")
    note = "make lab: running as root (a container?): passing --allow-root"
    if as_root():
        assert log.splitlines()[0].startswith(note), log
    else:
        assert note not in log and "--allow-root" not in log, log
    assert "Running as root is not recommended" not in log

    # Token authentication stays on: without the token, the API refuses.
    status, _ = lab.request("GET", "/api/contents/notebooks", auth=False)
    assert status == 403
    status, _ = lab.request("GET", "/api/contents/notebooks")
    assert status == 200


def test_lab_lists_notebooks_and_runs_the_project_kernel(lab: Lab) -> None:
    litter_before = litter()

    # The file browser sees exactly the notebooks on disk.
    status, listing = lab.request("GET", "/api/contents/notebooks")
    on_disk = {p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")} if NOTEBOOKS_DIR.is_dir() else set()
    if NOTEBOOKS_DIR.is_dir():
        assert status == 200, listing
        assert listing["type"] == "directory"
        listed = {e["name"] for e in listing["content"] if e["name"].endswith(".ipynb")}
        assert all(e["type"] == "notebook" for e in listing["content"] if e["name"] in listed)
    else:
        assert status == 404, listing
        listed = set()
    assert listed == on_disk

    # A python3 kernel is the project's interpreter and loads the dataset.
    status, kernel = lab.request("POST", "/api/kernels", {"name": "python3"})
    assert status == 201, kernel
    kernel_id = kernel["id"]
    try:
        printed = execute(
            lab,
            kernel_id,
            "from musk_openai.dataset import data; print(len(data.load().figures))",
        )
        with (PROJECT_ROOT / "data" / "figures.csv").open(encoding="utf-8", newline="") as f:
            rows = sum(1 for _ in csv.DictReader(f))
        assert printed.strip() == str(rows)

        printed = execute(lab, kernel_id, "import sys; print(sys.prefix)")
        assert Path(printed.strip()).resolve() == Path(sys.prefix).resolve()
    finally:
        status, body = lab.request("DELETE", f"/api/kernels/{kernel_id}")
    assert status == 204, body
    status, kernels = lab.request("GET", "/api/kernels")
    assert status == 200 and kernel_id not in {k["id"] for k in kernels}

    assert litter() == litter_before, "JupyterLab wrote into the repository"


#: Every cell has run (no prompt still "[*]") and the notebook shows its outputs.
FINISHED = (
    "() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
    ".every(p => !p.textContent.includes('*'))"
    " && document.querySelectorAll('.jp-OutputArea-output').length > 3"
)


def _run_to_the_end(page: Any) -> None:
    """Run All, until every cell has run. On a loaded machine JupyterLab once lost the
    notebook's kernel after the first cell and asked for one ("Select Kernel", the rest of the
    cells left unrun): the dialog is answered and Run All given again, twice at most."""
    accept = page.locator(".jp-Dialog button.jp-mod-accept")
    for _ in range(3):
        run_all(page)
        deadline = time.monotonic() + LAB_WAIT / 1000
        while time.monotonic() < deadline:
            if page.evaluate(FINISHED):
                page.wait_for_selector(IDLE, timeout=LAB_WAIT)
                return
            if accept.count():
                accept.first.click()
                break
            page.wait_for_timeout(500)
        else:
            raise AssertionError("Run All did not finish")
    raise AssertionError("JupyterLab asked for a kernel three times")


@pytest.mark.browser
@pytest.mark.parametrize("name", ["01-valuation-growth", "04-contested-figures"])
def test_lab_renders_amounts_as_text_not_maths(
    lab: Lab, browser: Any, tmp_path: Path, name: str
) -> None:
    """A real JupyterLab in Chromium: run every cell of a notebook with dollar amounts in its
    prose and outputs; no markdown cell and no output is typeset as LaTeX (MathJax), and the
    amounts read as written. Once the setup cell has run, only the prose of the run's language
    (French by default) shows."""
    # A copy of its own, its figures in the test's folder (not the project's: the data is a copy).
    copy = lab.root / "notebooks" / "maths" / f"{name}.ipynb"
    copy.parent.mkdir(exist_ok=True)
    _with_parameters(lab.root / "notebooks" / f"{name}.ipynb", copy, "fr", tmp_path / "figures")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        # A workspace of its own, reset: the server is shared, its tabs must not be.
        where = f"/lab/workspaces/{name}/tree/notebooks/maths/{name}.ipynb"
        page.goto(f"{lab.url}{where}?reset&token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-MarkdownOutput", timeout=LAB_WAIT)
        page.wait_for_selector(IDLE, timeout=LAB_WAIT)
        try:
            _run_to_the_end(page)
        except Exception as exc:
            page.screenshot(path=str(tmp_path / f"lab-{name}-stuck.png"), full_page=True)
            raise AssertionError(
                f"the notebook did not finish: {state(page)}\n{lab.log_tail()}"
            ) from exc
        # MathJax typesets a rendered cell within a frame or two: a short settle, not a wait for
        # the run (the conditions above).
        page.wait_for_timeout(1000)
        page.screenshot(path=str(tmp_path / f"lab-{name}.png"), full_page=True)
        shot = os.environ.get("MUSK_OPENAI_SCREENSHOTS")
        if shot:
            page.screenshot(path=str(Path(shot) / f"lab-{name}.png"), full_page=True)
        maths = page.eval_on_selector_all(
            "mjx-container, .MathJax, .MathJax_Display",
            "e => e.map(m => (m.closest('.jp-Cell') || m).innerText.slice(0, 300))",
        )
        errors = page.eval_on_selector_all(
            ".jp-OutputArea-output[data-mime-type*='error']", "e => e.length"
        )
        text = page.inner_text(".jp-Notebook")
        # Leave no kernel running for the next test: end the notebook's session (its kernel
        # with it). Deleting the kernel alone leaves a session without one, and JupyterLab then
        # asks which kernel to start.
        for session in lab.request("GET", "/api/sessions")[1] or []:
            lab.request("DELETE", f"/api/sessions/{session['id']}")
    finally:
        context.close()
    assert errors == 0, "a cell failed in JupyterLab"
    assert not maths, f"rendered as LaTeX in JupyterLab: {maths}"
    assert "Md$" in text, text[:2000]
    assert "EN\n" not in text and "Start here" not in text, "English prose shown in a French run"


#: Each markdown cell of a notebook panel: shown or not, and the language of its marker.
MARKDOWN_CELLS = """(id) => [...document.getElementById(id).querySelectorAll('.jp-MarkdownCell')]
    .map(c => {
        const marker = c.querySelector('.lang-marker');
        return {shown: c.checkVisibility(), lang: marker ? marker.lang : '',
                marked: marker ? marker.checkVisibility() : false};
    })"""
#: JupyterLab opens two notebooks side by side; the panels' ids, once both are ready.
OPEN_SIDE_BY_SIDE = """async ([left, right]) => {
    const app = window.jupyterapp;
    await app.restored;
    const a = await app.commands.execute('docmanager:open', {path: left});
    const b = await app.commands.execute('docmanager:open',
        {path: right, options: {mode: 'split-right', ref: a.id}});
    await Promise.all([a.context.ready, b.context.ready,
                       a.sessionContext.ready, b.sessionContext.ready]);
    return [a.id, b.id];
}"""
#: The text of each code cell's outputs, for each panel.
OUTPUTS = """(ids) => ids.map(id => [...document.getElementById(id)
    .querySelectorAll('.jp-CodeCell')].map(c => c.querySelector('.jp-OutputArea').innerText))"""
#: The widget JupyterLab shows last: its file, and the line of its editor's cursor.
CURRENT_EDITOR = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    if (!w || !w.content || !w.content.editor) return null;
    const line = w.content.editor.getCursorPosition().line;
    return {path: w.context.path, line, text: w.content.editor.getLine(line)};
}"""


def _wait_run(page: Any, panel: str) -> None:
    """Every cell of the panel's notebook has run (no "[*]", the last one numbered), its kernel
    idle."""
    page.wait_for_function(
        """(id) => {
            const prompts = [...document.getElementById(id)
                .querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[[0-9]+\\]/.test(p.textContent));
        }""",
        arg=panel,
        timeout=LAB_WAIT,
    )
    page.wait_for_selector(f"[id='{panel}'] {IDLE}", timeout=LAB_WAIT)


def _expected(path: Path, lang: str | None) -> list[str]:
    """The languages of the notebook's markdown cells JupyterLab shows, in order: those of
    ``lang`` and those for every language once run (``None``: not run, all of them)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    langs = [
        next((t for t in c["metadata"].get("tags", []) if t in ("fr", "en")), "")
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
    ]
    return [x for x in langs if lang is None or x in ("", lang)]


def _with_parameters(path: Path, copy: Path, lang: str, figures: Path) -> None:
    """A copy of the notebook at ``path`` run in ``lang``, its figures written in ``figures``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = "".join(cell["source"])
    assert 'lang: str = "fr"' in source and 'figures_dir: str = ""' in source
    source = source.replace('lang: str = "fr"', f'lang: str = "{lang}"')
    cell["source"] = source.replace('figures_dir: str = ""', f'figures_dir: str = "{figures}"')
    copy.write_text(json.dumps(nb), encoding="utf-8")


def _shot(page: Any, tmp_path: Path, name: str, top: bool = True) -> None:
    """A screenshot of the page (each notebook scrolled to its top first: ``top``)."""
    if top:
        page.evaluate(
            "() => document.querySelectorAll('.jp-WindowedPanel-outer')"
            ".forEach(e => { e.scrollTop = 0; })"
        )
        page.wait_for_timeout(300)
    page.screenshot(path=str(tmp_path / name))
    folder = os.environ.get("MUSK_OPENAI_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name))


@pytest.mark.browser
def test_lab_side_by_side_each_notebook_keeps_its_own_language_and_source_links_open(
    lab: Lab, browser: Any, tmp_path: Path
) -> None:
    """06 (French, as committed) and a copy of 01 set to English, open side by side in one
    JupyterLab: before 06 is run, it shows the prose of both languages, each cell marked, while
    01 in English, run, shows only its English prose; once both are run, each shows only its
    own language, unmarked, and no findings are printed. A source link of 01's table opens the
    article's text in JupyterLab's editor, the cursor on the line of the row's excerpt."""
    notebooks = lab.root / "notebooks"
    # Copies in a folder of their own (the server's notebooks/ stays the project's), their
    # figures in the test's folder (not the project's reports/figures/: the data is a copy).
    (notebooks / "side-by-side").mkdir()
    figures = tmp_path / "figures"
    english = notebooks / "side-by-side" / "01-in-english.ipynb"
    lawsuits = notebooks / "side-by-side" / "06-the-lawsuits.ipynb"
    _with_parameters(notebooks / "01-valuation-growth.ipynb", english, "en", figures)
    _with_parameters(notebooks / "06-the-lawsuits.ipynb", lawsuits, "fr", figures)

    context = browser.new_context(viewport={"width": 1800, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{lab.url}/lab/workspaces/side-by-side?reset&token={lab.token}")
        page.wait_for_function("() => window.jupyterapp !== undefined", timeout=LAB_WAIT)
        left, right = page.evaluate(
            OPEN_SIDE_BY_SIDE, [p.relative_to(lab.root).as_posix() for p in (lawsuits, english)]
        )
        for panel, path in ((left, lawsuits), (right, english)):
            page.wait_for_function(
                "([id, n]) => document.getElementById(id)"
                ".querySelectorAll('.jp-MarkdownCell .jp-MarkdownOutput').length === n",
                arg=[panel, len(_expected(path, None))],
                timeout=LAB_WAIT,
            )
        try:
            run_all(page, right)
            _wait_run(page, right)
            page.wait_for_timeout(500)  # a style applies within a frame
            _shot(page, tmp_path, "lab-side-by-side-01-run.png")
            first = {p: page.evaluate(MARKDOWN_CELLS, p) for p in (left, right)}

            run_all(page, left)
            _wait_run(page, left)
            page.wait_for_timeout(500)
            _shot(page, tmp_path, "lab-side-by-side-both-run.png")
            both = {p: page.evaluate(MARKDOWN_CELLS, p) for p in (left, right)}
            printed = page.evaluate(OUTPUTS, [left, right])

            link = page.locator(f"[id='{right}'] .jp-OutputArea-output a[data-page]").first
            row = link.get_attribute("data-page").split("#")[1]
            link.click()
            page.wait_for_function(
                f"() => ({CURRENT_EDITOR})()?.path?.endsWith('.txt')", timeout=LAB_WAIT
            )
            page.wait_for_timeout(500)  # the editor scrolls to the line
            _shot(page, tmp_path, "lab-source-link.png", top=False)
            opened = page.evaluate(CURRENT_EDITOR)
        except Exception:
            page.screenshot(path=str(tmp_path / "lab-side-by-side-stuck.png"))
            raise
        finally:
            for session in lab.request("GET", "/api/sessions")[1] or []:
                lab.request("DELETE", f"/api/sessions/{session['id']}")
    finally:
        context.close()

    def shown(cells: list[dict[str, Any]]) -> list[str]:
        return [c["lang"] for c in cells if c["shown"]]

    # 01 run in English, 06 not run: 06 shows every cell, each with its marker.
    assert shown(first[right]) == _expected(english, "en")
    assert shown(first[left]) == _expected(lawsuits, None)
    assert all(c["marked"] for c in first[left] if c["lang"])
    assert {"fr", "en"} <= set(shown(first[left]))
    # Both run: each its own language, no marker left.
    assert shown(both[left]) == _expected(lawsuits, "fr") and "fr" in shown(both[left])
    assert shown(both[right]) == _expected(english, "en") and "en" in shown(both[right])
    assert not any(c["marked"] for c in both[left] + both[right])
    # The findings cell (the last) shows nothing; no output anywhere is the findings' JSON.
    assert [p[-1] for p in printed] == ["", ""]
    assert not [o for p in printed for o in p if '"files"' in o or "'files'" in o]
    # The source link: the article's text, at the line of the row's excerpt.
    ds = data.load(lab.root / "data")
    rows = pd.concat([ds.figures, ds.events]).set_index("id")
    file = ds.sources.set_index("source_id").loc[rows.loc[row, "source_id"], "file"]
    assert opened["path"] == f"data/sources/{file}"
    assert rows.loc[row, "excerpt"] in opened["text"]
