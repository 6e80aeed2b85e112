"""Shared fixtures: the real dataset, and throw-away copies of data/ for tests that break it."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from musk_openai.dataset import data
from musk_openai.paths import PROJECT_ROOT, data_dir


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The validated-dataset cache of the test run (and of the kernels it starts) is its own."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session", autouse=True)
def data_folder_is_never_modified() -> Iterator[None]:
    """No test, and no command the tests run, may change data/."""
    before = data.dataset_hash(PROJECT_ROOT / "data")
    yield
    after = data.dataset_hash(PROJECT_ROOT / "data")
    assert before == after, "the test run modified data/"


@pytest.fixture(scope="session")
def ds() -> data.Dataset:
    return data.load()


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    dst = tmp_path / "data"
    shutil.copytree(data_dir(), dst)
    return dst


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` between the test processes (pytest-xdist workers)."""
    with path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def real_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The real report (every notebook, both languages, default parameters) run once per test
    run into a temporary folder, its figures too: every test that reads what a real notebook
    computed or a real page shows shares it. Under pytest-xdist the first worker to need it
    builds it and the others wait, then read it (tests only read it). data/ is hashed around it."""
    from musk_openai.report import runner

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    tmp, kept = shared / "real-report", shared / "real-report.pickle"
    with _locked(shared / "real-report.lock"):
        if kept.exists():
            result = pickle.loads(kept.read_bytes())
        else:
            tmp.mkdir()
            before = data.dataset_hash(PROJECT_ROOT / "data")
            result = runner.run_report(
                output=tmp / "reports", figures_root=tmp / "figures", stream=None
            )
            assert result.exit_code == 0, runner.summary(result)
            assert data.dataset_hash(PROJECT_ROOT / "data") == before, "the report modified data/"
            kept.write_bytes(pickle.dumps(result))
    return result, tmp


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's, driven by playwright) for the whole session. Missing:
    the test is skipped on a developer's machine, and fails in CI (.ci/run installs it)."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run should have installed it")
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()
        pw.stop()
