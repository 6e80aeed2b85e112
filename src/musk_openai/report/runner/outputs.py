"""The report folder: which folders may hold a report, one run at a time, built aside and put in
place only when complete.

A run holds an exclusive lock on ``<output>/.lock`` (released by the system if the process dies),
builds everything in ``<output>/.building/``, and only when every notebook succeeded swaps the
new entries in (each a single rename), so that a crash, a Ctrl-C or a failing notebook never
destroys the previous good report. A failed run's pages go to ``<output>/failed-run/``.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from musk_openai import files, interrupts, paths
from musk_openai.errors import ProjectError
from musk_openai.report.types import BUILDING

LOCK = ".lock"
OLD = ".old"
#: The swap's journal: while it exists, .building holds a finished report being put in place.
SWAP = ".swap"
FAILED = "failed-run"
#: What a report folder holds: what a run writes (files or folders), and its own scratch names.
ENTRIES = {
    "index.html": "file",
    "build-log.txt": "file",
    "fr": "dir",
    "en": "dir",
    "figures": "dir",
    FAILED: "dir",
}
SCRATCH = {LOCK, BUILDING, OLD, SWAP, ".DS_Store"}


class OutputError(ProjectError):
    """The output folder cannot hold a report; the message says why and what to do."""


def refusal(folder: Path) -> str | None:
    """Why ``folder`` (resolved) cannot be a report folder, or ``None``."""
    why = paths.refusal(folder)
    if why:
        return why
    if folder.exists() and not folder.is_dir():
        return "it exists and is not a folder"
    why = _parent_refusal(folder)
    if why or not folder.is_dir():
        return why
    st = folder.stat()
    if st.st_uid != os.geteuid():
        return (
            f"it belongs to another user (uid {st.st_uid}): a report is written only into a "
            "folder of your own, where nobody else can plant a link to a file of yours"
        )
    if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
        return "anybody may write into it (mode o+w, no sticky bit): choose a folder of your own"
    for entry in sorted(folder.iterdir()):
        kind = ENTRIES.get(entry.name)
        if entry.name in SCRATCH:
            continue
        if kind is None:
            return (
                f"it holds {entry.name!r}, which a report does not write: it is not empty and "
                "not a report folder (a report replaces its folder's pages: choose a new or "
                "empty folder)"
            )
        if (kind == "dir") != (entry.is_dir() and not entry.is_symlink()):
            return f"{entry} is not a {'folder' if kind == 'dir' else 'file'}, as a report's is"
    return None


def _parent_refusal(folder: Path) -> str | None:
    """Why a folder above ``folder`` lets somebody else replace it mid-run (rename it away and
    put a folder of links in its place): owned by another user than the current one or root,
    or open to everybody's writes without the sticky bit (/tmp has it)."""
    for parent in folder.parents:
        try:
            st = parent.stat()
        except OSError:
            continue  # not there yet: created by the run, the user's own
        if st.st_uid not in (os.geteuid(), 0):
            return (
                f"a folder above it, {parent}, belongs to another user (uid {st.st_uid}), "
                "who could replace the report folder with links to files of yours during a run: "
                "choose a folder whose every parent is yours (or the system's)"
            )
        if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
            return (
                f"anybody may write into a folder above it, {parent} (mode o+w, no sticky "
                "bit), and so replace the report folder during a run: choose another place"
            )
    return None


@contextmanager
def locked(folder: Path) -> Iterator[Path]:
    """Hold ``<folder>/.lock`` for the run; another run into the same folder is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    try:  # never through a link: the lock is written, and a link could name any file
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        raise OutputError(
            f"{folder / LOCK} is a symbolic link, which a report never follows: remove it"
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(f"{folder / LOCK} is not a file: remove it")
    held = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise OutputError(
                f"another report is being written into {folder} ({holder}); wait for it to "
                "finish, or choose another folder with --output"
            ) from None
        held = True
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {time.strftime('%H:%M:%S')}".encode(), 0)
        yield folder
    finally:
        if held:
            os.ftruncate(fd, 0)  # the holder's name is for the time the lock is held
        os.close(fd)  # releases the lock


def fresh_building(folder: Path) -> Path:
    """An empty ``<folder>/.building``. A swap a crash cut short is finished first (its new
    report is complete: :func:`install`); what a crashed run left otherwise is removed."""
    recover(folder)
    building = folder / BUILDING
    for leftover in (building, folder / OLD):
        _remove(leftover)
    building.mkdir()
    return building


class InterruptedAfterSwap(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM, SIGHUP) came while the report was being put in place: the swap was
    finished first, so the folder holds this run's report."""


def install(folder: Path, building: Path, failed: bool) -> Path:
    """Put a finished run in place; returns where its pages are.

    Success: every entry of the previous report is replaced by the new one's (and an earlier
    failed run is removed). The swap is journaled (``.swap``, written whole, names the new
    entries) and holds Ctrl-C, SIGTERM and SIGHUP until it is done; a crash at any of its
    renames leaves a journal the next run (:func:`recover`) rolls forward, so the folder never
    stays half old, half new. Failure: the previous report stays; the run goes to failed-run/.
    """
    if failed:
        target = folder / FAILED
        shutil.rmtree(target, ignore_errors=True)
        building.rename(target)
        return target
    names = sorted(entry.name for entry in building.iterdir())
    files.write_bytes(folder / SWAP, json.dumps(names).encode(), 0o644)
    try:
        with interrupts.held():
            _roll_forward(folder)
        interrupts.check()  # held inside a command's deferred Ctrl-C: noted, raised here
    except KeyboardInterrupt:
        raise InterruptedAfterSwap() from None
    return folder


def recover(folder: Path) -> bool:
    """Finish a swap a crash cut short (its journal is there); True if there was one."""
    if not (folder / SWAP).is_file():
        return False
    _roll_forward(folder)
    return True


def _roll_forward(folder: Path) -> None:
    """The swap, from wherever it stopped: each old entry into .old, each new one into place,
    then the journal removed (the new report is in place) and .old."""
    journal = folder / SWAP
    new = _journal(journal)
    building, old = folder / BUILDING, folder / OLD
    old.mkdir(exist_ok=True)
    for name in ENTRIES:
        here = folder / name
        still_old = here.exists() or here.is_symlink()
        if still_old and (name not in new or (building / name).exists()):
            if (old / name).exists():  # an earlier attempt moved one already: keep the first
                shutil.rmtree(here) if here.is_dir() and not here.is_symlink() else here.unlink()
            else:
                here.rename(old / name)
    for name in sorted(new):
        if (building / name).exists():
            (building / name).rename(folder / name)
    shutil.rmtree(building, ignore_errors=True)
    journal.unlink()
    shutil.rmtree(old, ignore_errors=True)


def _journal(journal: Path) -> set[str]:
    """The names a swap's journal lists; a file that is not one this command wrote is refused."""
    try:
        names = json.loads(journal.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) and "/" not in n for n in names):
        raise OutputError(
            f"{journal} is not the journal of a report being put in place (this command writes "
            "it as a list of names): remove it, then run again"
        )
    return set(names)


def discard(folder: Path) -> None:
    """Remove what an interrupted or crashed run was building."""
    _remove(folder / BUILDING)


def _remove(path: Path) -> None:
    """A folder with what it holds, or a file or link (never followed), if there."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)
