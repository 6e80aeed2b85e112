"""The JupyterLab server of the Lab tests (test_lab.py): how it is started and stopped, how a
kernel is driven over its websocket, and how a page of JupyterLab runs a notebook."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import websocket  # websocket-client, a dependency of jupyter_server

from musk_openai.paths import DATA_ENV, NOTEBOOKS_DIR, PROJECT_ROOT

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
    #: The server's root folder: a copy of the project's notebooks/ and data/.
    root: Path

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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(tmp: Path, token: str) -> dict[str, str]:
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


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop make and the server: SIGTERM to their process group, SIGKILL to what is left."""
    pgid = proc.pid  # the group was created with make as its leader
    if group_alive(pgid):
        os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + 10
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
    proc.wait(timeout=10)


def as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def execute(lab: Lab, kernel_id: str, code: str) -> str:
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


#: Has a cell of the page (of the element whose id is given, if one is) started or run?
STARTED = (
    "(id) => [...(id ? document.getElementById(id) : document)"
    ".querySelectorAll('.jp-InputArea-prompt')].some(p => /[0-9*]/.test(p.textContent))"
)


#: What a stuck notebook looks like: each cell's prompt, the outputs, the kernel's status, a dialog.
_STATE = """() => ({
  prompts: [...document.querySelectorAll('.jp-InputArea-prompt')].map(p => p.textContent.trim()),
  outputs: document.querySelectorAll('.jp-OutputArea-output').length,
  errors: [...document.querySelectorAll('.jp-RenderedText[data-mime-type*="stderr"], '
    + '.jp-RenderedText[data-mime-type*="error"]')].map(e => e.innerText.slice(0, 400)),
  kernel: [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')]
    .map(e => e.getAttribute('data-status')),
  dialog: [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.slice(0, 200)),
})"""


def state(page: Any) -> str:
    """The notebook's state, for the message of a test that waited in vain."""
    try:
        return str(page.evaluate(_STATE))
    except Exception as exc:  # noqa: BLE001 - the page itself may be gone
        return f"(no state: {exc})"


def run_all(page: Any, panel: str = "") -> None:
    """Run > Run All Cells, from the menu bar's own items (matched exactly: a loose "text=Run"
    may find the word elsewhere). On a loaded machine JupyterLab may drop the command while the
    notebook's kernel connection settles (seen: every prompt still "[ ]", the kernel idle, or a
    "Select Kernel" dialog): if no cell has started within 30 s, the dialog is answered and the
    command given again, three times at most. ``panel``: the id of the notebook panel to run (it
    is made the current one first), else the page's one notebook."""
    accept = page.locator(".jp-Dialog button.jp-mod-accept")
    for _ in range(3):
        if panel:  # its tab, then its first code cell: the notebook the Run menu acts on
            page.click(f"[data-id='{panel}'].lm-TabBar-tab", timeout=LAB_WAIT)
            page.click(f"[id='{panel}'] .jp-CodeCell >> nth=0", timeout=LAB_WAIT)
        page.click(".lm-MenuBar-itemLabel:text-is('Run')", timeout=LAB_WAIT)
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')", timeout=LAB_WAIT)
        for _ in range(60):  # 30 s: a cell starts, or JupyterLab asks for a kernel (answered)
            if accept.count():
                accept.first.click()
            if page.evaluate(STARTED, panel):
                return
            page.wait_for_timeout(500)
        page.keyboard.press("Escape")
    raise AssertionError("Run All Cells started no cell, three times")


def litter() -> set[Path]:
    return {d / name for d in (PROJECT_ROOT, NOTEBOOKS_DIR) for name in JUPYTER_LITTER} & {
        p for d in (PROJECT_ROOT, NOTEBOOKS_DIR) if d.is_dir() for p in d.iterdir()
    }
