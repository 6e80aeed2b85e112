"""The pins lint (tools/check_pins.py, run by make lint) catches what it must."""

from __future__ import annotations

import shutil
from pathlib import Path

import check_pins

from musk_openai.paths import PROJECT_ROOT


def _copy(tmp_path: Path) -> Path:
    for name in ("pyproject.toml", "environment.yml", "requirements.lock"):
        shutil.copyfile(PROJECT_ROOT / name, tmp_path / name)
    return tmp_path


def test_a_loose_pin_or_a_disagreement_is_caught(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    env = root / "environment.yml"
    env.write_text(env.read_text().replace("pandas==", "pandas>=", 1))
    lock = root / "requirements.lock"
    lock.write_text(lock.read_text().replace("\nnbformat==", "\nnbformat==0", 1))
    bad = check_pins.problems(root)
    assert any("'pandas>=" in b and "not pinned" in b for b in bad), bad
    assert any("differ" in b for b in bad), bad
    assert any(b.startswith("requirements.lock has nbformat==0") for b in bad), bad
