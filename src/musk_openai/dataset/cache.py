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


def is_validated(key: Key) -> bool:
    """Whether a trustworthy marker says this data passed this loader's validation."""
    folder = cache_dir()
    if folder is None:
        return False
    flags = os.O_RDONLY | os.O_NOFOLLOW
    try:
        dir_fd = os.open(folder, flags | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        if not safe(os.fstat(dir_fd), stat.S_IFDIR):
            return False
        fd = os.open(marker_name(key), flags, dir_fd=dir_fd)
        with os.fdopen(fd, "rb") as f:
            if not safe(os.fstat(f.fileno()), stat.S_IFREG):
                return False
            content = json.loads(f.read(_MAX_SIZE))
    except (OSError, ValueError):  # no marker, or not JSON
        return False
    finally:
        os.close(dir_fd)
    return bool(content == {"data": key.data, "loader": key.loader})


def mark_validated(key: Key) -> None:
    """Record that this data passed validation; silently nothing when that cannot be done."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not safe(os.lstat(folder), stat.S_IFDIR):
            return  # a marker there would never be trusted
        marker = json.dumps({"data": key.data, "loader": key.loader}).encode()
        files.write_bytes(folder / marker_name(key), marker, mode=0o600)
    except OSError:  # a read-only home, a full disk: no marker, same result
        pass
