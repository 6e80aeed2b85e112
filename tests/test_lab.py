"""`make lab` starts a real JupyterLab server that sees the notebooks, and its python3 kernel
loads the dataset. One server for the whole test session, on a temporary copy of notebooks/, and
the session's one Chromium (conftest's ``browser``) drives it.

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
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import websocket  # websocket-client, a dependency of jupyter_server

from musk_openai.paths import DATA_ENV, NOTEBOOKS_DIR, PROJECT_ROOT

pytestmark = pytest.mark.kernel

HOST = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds for the server to answer
RUN_TIMEOUT = 60.0  # seconds for the kernel to start and run the code
#: Milliseconds a page of JupyterLab may take to reach a state (a condition, waited for).
LAB_WAIT = 120_000
IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
#: Files and folders Jupyter may create next to notebooks; the test must leave none behind.
JUPYTER_LITTER = (".ipynb_checkpoints", ".virtual_documents", ".jupyter", ".ipython", ".local")

# Requests to the server never go through a proxy, whatever the environment says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Lab:
    url: str
    token: str
    proc: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def request(
        self, method: str, path: str, body: object = None, *, auth: bool = True
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"token {self.token}"
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers=headers)
        try:
            with _OPENER.open(req, timeout=10) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _server_env(tmp: Path, token: str) -> dict[str, str]:
    """The environment without the user's Jupyter settings, proxies, data override or enclosing
    make; the server's token in JUPYTER_TOKEN."""
    dropped = {DATA_ENV.lower(), "http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    dropped |= {"makeflags", "mflags", "makelevel", "lab_args", "lab_root"}
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "IPYTHON", "XDG_")) and k.lower() not in dropped
    }
    dirs = {
        "HOME": "home",
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
    }
    for var, name in dirs.items():
        (tmp / name).mkdir()
        env[var] = str(tmp / name)
    env["JUPYTER_TOKEN"] = token
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences debugpy's frozen-modules warning
    return env


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop make and the server: SIGTERM to their process group, SIGKILL to what is left."""
    pgid = proc.pid  # the group was created with make as its leader
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + 10
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
    proc.wait(timeout=10)


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The server of `make lab`, once per session; its root is a temporary copy of the project's
    notebooks/ (tests run and may save notebooks there). Every cell is in the page, not only those
    in view (JupyterLab's default windowing), so that checks see the whole notebook."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    tmp_path = tmp_path_factory.mktemp("lab")
    port = _free_port()
    token = secrets.token_hex(24)
    env = _server_env(tmp_path, token)  # includes JUPYTER_RUNTIME_DIR (not a command-line option)
    log = tmp_path / "server.log"
    lab_args = [
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # If this process dies without cleaning up, the server still exits on its own.
        "--ServerApp.shutdown_no_activity_timeout=300",
    ]
    root = tmp_path / "root"
    shutil.copytree(NOTEBOOKS_DIR, root / "notebooks")
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
    server = Lab(f"http://{HOST}:{port}", token, proc, log)
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
        _stop(proc)
    assert not _group_alive(proc.pid), "make lab left a process running"


def _execute(lab: Lab, kernel_id: str, code: str) -> str:
    """Run ``code`` on the kernel over its websocket channel; return what it printed."""
    ws_url = lab.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
    ws = websocket.create_connection(
        ws_url,
        timeout=RUN_TIMEOUT,
        header=[f"Authorization: token {lab.token}"],
        http_no_proxy=[HOST],
    )
    try:
        msg_id = uuid.uuid4().hex
        ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": "test",
                        "session": uuid.uuid4().hex,
                        "date": datetime.now(UTC).isoformat(),
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        stdout: list[str] = []
        replied = idle = False
        deadline = time.monotonic() + RUN_TIMEOUT
        while not (replied and idle):
            if time.monotonic() > deadline:
                pytest.fail(f"no answer from the kernel in {RUN_TIMEOUT}s:\n{lab.log_tail()}")
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                pytest.fail("the kernel raised:\n" + "\n".join(content["traceback"]))
            elif kind == "execute_reply":
                assert content["status"] == "ok", content
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return "".join(stdout)
    finally:
        ws.close()


STARTED = (
    "() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
    ".some(p => /[0-9*]/.test(p.textContent))"
)


def _run_all(page: Any) -> None:
    """Run > Run All Cells, from the menu bar's own items (matched exactly: a loose "text=Run"
    may find the word elsewhere). On a loaded machine JupyterLab may drop the command while the
    notebook's kernel connection settles (seen: every prompt still "[ ]", the kernel idle, or a
    "Select Kernel" dialog): if no cell has started within 30 s, the dialog is answered and the
    command given again, three times at most."""
    accept = page.locator(".jp-Dialog button.jp-mod-accept")
    for _ in range(3):
        page.click(".lm-MenuBar-itemLabel:text-is('Run')", timeout=LAB_WAIT)
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')", timeout=LAB_WAIT)
        for _ in range(60):  # 30 s: a cell starts, or JupyterLab asks for a kernel (answered)
            if accept.count():
                accept.first.click()
            if page.evaluate(STARTED):
                return
            page.wait_for_timeout(500)
        page.keyboard.press("Escape")
    raise AssertionError("Run All Cells started no cell, three times")


def _litter() -> set[Path]:
    return {d / name for d in (PROJECT_ROOT, NOTEBOOKS_DIR) for name in JUPYTER_LITTER} & {
        p for d in (PROJECT_ROOT, NOTEBOOKS_DIR) if d.is_dir() for p in d.iterdir()
    }


def test_make_lab_as_root_says_why_and_keeps_the_token(lab: Lab) -> None:
    log = lab.log.read_text(encoding="utf-8", errors="replace")
    note = "make lab: running as root (a container?): passing --allow-root"
    if _as_root():
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
    litter_before = _litter()

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
        printed = _execute(
            lab,
            kernel_id,
            "from musk_openai.dataset import data; print(len(data.load().figures))",
        )
        with (PROJECT_ROOT / "data" / "figures.csv").open(encoding="utf-8", newline="") as f:
            rows = sum(1 for _ in csv.DictReader(f))
        assert printed.strip() == str(rows)

        printed = _execute(lab, kernel_id, "import sys; print(sys.prefix)")
        assert Path(printed.strip()).resolve() == Path(sys.prefix).resolve()
    finally:
        status, body = lab.request("DELETE", f"/api/kernels/{kernel_id}")
    assert status == 204, body
    status, kernels = lab.request("GET", "/api/kernels")
    assert status == 200 and kernel_id not in {k["id"] for k in kernels}

    assert _litter() == litter_before, "JupyterLab wrote into the repository"


@pytest.mark.browser
@pytest.mark.parametrize("name", ["01-valuation-growth", "04-contested-figures"])
def test_lab_renders_amounts_as_text_not_maths(
    lab: Lab, browser: Any, tmp_path: Path, name: str
) -> None:
    """A real JupyterLab in Chromium: run every cell of a notebook with dollar amounts in its
    prose and outputs; no markdown cell and no output is typeset as LaTeX (MathJax), and the
    amounts read as written. Once the setup cell has run, only the prose of the run's language
    (French by default) shows."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        # A workspace of its own, reset: the server is shared, its tabs must not be.
        where = f"/lab/workspaces/{name}/tree/notebooks/{name}.ipynb"
        page.goto(f"{lab.url}{where}?reset&token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-MarkdownOutput", timeout=LAB_WAIT)
        page.wait_for_selector(IDLE, timeout=LAB_WAIT)
        try:
            _run_all(page)
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
                ".every(p => !p.textContent.includes('*'))"
                " && document.querySelectorAll('.jp-OutputArea-output').length > 3",
                timeout=LAB_WAIT,
            )
            page.wait_for_selector(IDLE, timeout=LAB_WAIT)
        except Exception:
            page.screenshot(path=str(tmp_path / f"lab-{name}-stuck.png"), full_page=True)
            raise
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
