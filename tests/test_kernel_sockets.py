"""How the run talks to its kernels: Unix sockets of each kernel's own, in a private folder of
the run removed when it ends; no TCP port picked, released and bound later, which another
process's kernel could take in between (a build once died of it: "Address already in use")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from helpers import make_notebook

from musk_openai.report.runner import execute

BIN = Path(sys.executable).parent

WHERE = """\
import os, stat
from ipykernel.connect import get_connection_info
info = get_connection_info(unpack=True)
folder = os.path.dirname(info["ip"])
print(info["transport"], info["ip"], oct(os.stat(folder).st_mode & 0o777))
"""


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A temporary folder with a short name, as /tmp is (pytest's are long)."""
    folder = Path(tempfile.mkdtemp(prefix="mo-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.kernel
def test_each_kernel_has_sockets_of_its_own_in_a_private_folder_removed_at_the_end(
    tmp_path: Path, short_tmp: Path
) -> None:
    nbs = tmp_path / "notebooks"
    make_notebook(nbs, "00-one", WHERE)
    make_notebook(nbs, "01-two", WHERE)
    out = tmp_path / "out"
    cmd = [str(BIN / "musk-openai"), "report", "--notebooks-dir", str(nbs), "--output", str(out)]
    done = subprocess.run(
        [*cmd, "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"TMPDIR": str(short_tmp)},
    )
    assert done.returncode == 0, done.stderr
    seen = []
    for name in ("00-one", "01-two"):
        nb = nbformat.read(out / "en" / f"{name}.ipynb", as_version=4)
        text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
        transport, ip, mode = text.split()
        assert transport == "ipc" and mode == "0o700", text
        assert Path(ip).parent.parent == short_tmp, text
        seen.append(ip)
    assert len(set(seen)) == 2, "two kernels shared their sockets' names"
    assert list(short_tmp.iterdir()) == [], "the run's private folder was left behind"


def test_a_folder_name_too_long_for_a_socket_keeps_tcp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(execute, "_scratch", lambda: Path("/tmp") / ("x" * 120))
    assert execute.kernel_sockets()["connection_file"].startswith("/tmp/xxx")
    assert "transport" not in execute.kernel_sockets()
    monkeypatch.setattr(execute, "_scratch", lambda: Path("/tmp/short"))
    sockets = execute.kernel_sockets()
    assert sockets["transport"] == "ipc" and sockets["ip"].startswith("/tmp/short/kernel-")
