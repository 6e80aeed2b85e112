"""Putting a finished report in place: a crash at any rename of the swap, or Ctrl-C during it,
never leaves the folder half old, half new; the next run finishes the swap (its journal)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from musk_openai.report.runner import outputs

OLD = {
    "index.html": "old",
    "build-log.txt": "old",
    "fr/index.html": "old fr",
    "en/index.html": "old en",
    "figures/fr/01.png": "old png",
    "failed-run/index.html": "x",
}
NEW = {
    "index.html": "new",
    "build-log.txt": "new",
    "fr/index.html": "new fr",
    "en/index.html": "new en",
    "figures/fr/01.png": "new png",
}


def write(root: Path, tree: dict[str, str]) -> None:
    for name, text in tree.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def contents(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}


class Crash(BaseException):
    """The process killed at a rename (as strace's inject=rename:signal=KILL would)."""


def ready(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "out"
    write(folder, OLD)
    building = outputs.fresh_building(folder)
    write(building, NEW)
    return folder, building


@pytest.mark.parametrize("at", range(1, 16))
def test_a_crash_at_any_rename_of_the_swap_leaves_one_whole_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    folder, building = ready(tmp_path)
    calls = {"n": 0}
    real_rename, real_replace = os.rename, os.replace

    def crashing(real):  # type: ignore[no-untyped-def]
        def rename(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            if calls["n"] == at:
                raise Crash
            return real(src, dst, *args, **kwargs)

        return rename

    monkeypatch.setattr(os, "rename", crashing(real_rename))
    monkeypatch.setattr(os, "replace", crashing(real_replace))
    try:
        outputs.install(folder, building, failed=False)
        crashed = False
    except Crash:
        crashed = True
    monkeypatch.undo()
    outputs.fresh_building(folder)  # what the next run does first, under the lock
    (folder / outputs.BUILDING).rmdir()
    whole = contents(folder)
    assert whole in (OLD, NEW), f"crash at rename {at}: {sorted(whole.items())}"
    if not crashed:
        assert whole == NEW
    assert not (folder / outputs.OLD).exists() and not (folder / outputs.SWAP).exists()


def test_ctrl_c_during_the_swap_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C at the third rename: the swap finishes, then the run is interrupted, saying the
    folder holds its new report (the CLI's message)."""
    folder, building = ready(tmp_path)
    calls = {"n": 0}
    real = os.rename

    def rename(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            os.kill(os.getpid(), signal.SIGINT)
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(outputs.InterruptedAfterSwap):
        outputs.install(folder, building, failed=False)
    assert calls["n"] > 3
    assert contents(folder) == NEW


@pytest.mark.parametrize("kind", ["file", "link", "link to a folder"])
def test_a_file_or_link_left_where_the_run_builds_is_removed_not_followed(
    tmp_path: Path, kind: str
) -> None:
    """A `.building` or `.old` that is a file or a link (a crash, or a hand): the run starts
    anyway, in a folder of its own, and what a link points to is left alone."""
    folder = tmp_path / "out"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep")
    for name in (outputs.BUILDING, outputs.OLD):
        if kind == "file":
            (folder / name).write_text("x")
        elif kind == "link":
            (folder / name).symlink_to(elsewhere / "keep.txt")
        else:
            (folder / name).symlink_to(elsewhere)
    building = outputs.fresh_building(folder)
    assert building.is_dir() and not building.is_symlink() and list(building.iterdir()) == []
    assert not (folder / outputs.OLD).exists() and not (folder / outputs.OLD).is_symlink()
    assert (elsewhere / "keep.txt").read_text() == "keep"


@pytest.mark.parametrize("text", ["not json", '{"a": 1}', '["../../etc"]'])
def test_a_journal_this_command_did_not_write_is_refused_with_what_to_do(
    tmp_path: Path, text: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / outputs.SWAP).write_text(text)
    with pytest.raises(outputs.OutputError, match="remove it, then run again"):
        outputs.fresh_building(folder)
    assert (folder / outputs.SWAP).read_text() == text
