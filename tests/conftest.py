"""Shared fixtures: the real dataset, and throw-away copies of data/ for tests that break it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

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
