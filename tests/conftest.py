"""Shared fixtures: the real dataset, and throw-away copies of data/ for tests that break it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from musk_openai import data
from musk_openai.paths import PROJECT_ROOT, data_dir


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
