"""A record of the datasets already validated: two hashes in a small JSON file, never data or code.

A marker says "the data files whose SHA-256 is ``data`` passed the validation of the loader code
whose SHA-256 is ``loader``". The loader always reads and types the CSV files itself; a marker only
lets it skip the slow pandera validation. A marker is trusted only when it and its folder belong
to the current user and nobody else can write to them, and when its content names the same two
hashes as its name; anything else is ignored (the data is validated again), never an error.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from musk_openai import files

#: Set this environment variable (to anything) to always validate, and write no marker.
NO_CACHE_ENV = "MUSK_OPENAI_NO_CACHE"
_MAX_SIZE = 4096


@dataclass(frozen=True)
class Key:
    """The SHA-256 (hex) of the data files and of the loader code."""

    data: str
    loader: str


def cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/musk-openai`` (an absolute path only), else ``~/.cache/musk-openai``."""
    if os.environ.get(NO_CACHE_ENV):
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    try:  # the XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    except RuntimeError:  # no home directory
        return None
    return base / "musk-openai"


def marker_name(key: Key) -> str:
    return f"validated-{key.data[:16]}-{key.loader[:16]}.json"


def safe(st: os.stat_result, kind: int) -> bool:
    """Of that kind, owned by the current user, and writable by nobody else."""
    return (
        stat.S_IFMT(st.st_mode) == kind
        and st.st_uid == os.getuid()
        and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def read_trusted(top: Path, name: str, limit: int = -1) -> bytes | None:
    """The bytes of ``top/name``, if ``top``, every folder below it on the way and the file are
    the current user's and writable by nobody else, and none of them is a link (each opened with
    ``O_NOFOLLOW``, then checked on its open descriptor: nothing can be swapped in between);
    else ``None``. The one rule for trusting anything read from a cache."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    opened: list[int] = []
    try:
        fd = os.open(top, flags | os.O_DIRECTORY)
        opened.append(fd)
        *folders, leaf = name.split("/")
        for folder in folders:
            if not safe(os.fstat(fd), stat.S_IFDIR):
                return None
            fd = os.open(folder, flags | os.O_DIRECTORY, dir_fd=fd)
            opened.append(fd)
        if not safe(os.fstat(fd), stat.S_IFDIR):
            return None
        fd = os.open(leaf, flags, dir_fd=fd)
        opened.append(fd)
        if not safe(os.fstat(fd), stat.S_IFREG):
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read(limit)
    except OSError:
        return None
    finally:
        for fd in opened:
            os.close(fd)


def is_validated(key: Key) -> bool:
    """Whether a trustworthy marker says this data passed this loader's validation."""
    folder = cache_dir()
    if folder is None:
        return False
    raw = read_trusted(folder, marker_name(key), _MAX_SIZE)
    try:
        content = json.loads(raw) if raw is not None else None
    except ValueError:  # not JSON
        return False
    return bool(content == {"data": key.data, "loader": key.loader})


def mark_validated(key: Key) -> None:
    """Record that this data passed validation; silently nothing when that cannot be done."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        files.private_folder(folder)
        if not safe(os.lstat(folder), stat.S_IFDIR):
            return  # a marker there would never be trusted
        marker = json.dumps({"data": key.data, "loader": key.loader}).encode()
        files.write_bytes(folder / marker_name(key), marker, mode=0o600)
    except OSError:  # a read-only home, a full disk: no marker, same result
        pass
