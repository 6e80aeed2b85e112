"""The one way the project writes a file: under a temporary name in the target's folder, then
renamed into place, so that a reader never sees half a file and a crash leaves none behind.

Temporary files are created with ``O_EXCL | O_NOFOLLOW`` (never through a link someone planted)
and mode ``0o666`` less the umask, as for any file the user creates (``0o644`` under umask 022),
unless a private mode is asked for. Standard library only: every room uses it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

_FLAGS = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)
_FLAGS |= getattr(os, "O_NOFOLLOW", 0)


def temporary(folder: Path, suffix: str = "", mode: int = 0o666) -> Path:
    """Create an empty file with a random name in ``folder`` and return its path."""
    for _ in range(100):
        path = folder / f".tmp-{secrets.token_hex(8)}{suffix}"
        try:
            fd = os.open(path, _FLAGS, mode)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"no free temporary file name in {folder}")


class Staged:
    """Files written under temporary names and renamed into place together when the ``with``
    block ends without an exception; on an exception, none is, and no temporary file is left.

    ::

        with Staged() as stage:
            fig.savefig(stage.path(folder / "chart.png"))
    """

    def __init__(self, mode: int = 0o666) -> None:
        self.mode = mode
        self._planned: list[tuple[Path, Path]] = []

    def path(self, final: Path) -> Path:
        """A temporary file to write, that will become ``final``."""
        tmp = temporary(final.parent, "-" + final.name, self.mode)
        self._planned.append((tmp, final))
        return tmp

    @property
    def finals(self) -> list[Path]:
        return [final for _, final in self._planned]

    def __enter__(self) -> Staged:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                for tmp, final in self._planned:
                    os.replace(tmp, final)
        finally:
            for tmp, _ in self._planned:
                tmp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes, mode: int = 0o666) -> None:
    """Write ``path`` whole, or not at all."""
    with Staged(mode) as stage:
        stage.path(path).write_bytes(data)


def copy_files(src: Path, dst: Path) -> list[Path]:
    """Copy the files of ``src`` (not its folders) into ``dst``, each written whole."""
    dst.mkdir(parents=True, exist_ok=True)
    with Staged() as stage:
        for f in sorted(src.iterdir()):
            if f.is_file():
                shutil.copyfile(f, stage.path(dst / f.name))
    return stage.finals


# -- fingerprints -------------------------------------------------------------------------------


def tree(folder: Path) -> dict[str, bytes]:
    """The bytes of every file under ``folder`` (bytecode aside), by relative path, in a stable
    order. Raises :class:`OSError` for a file that cannot be read."""
    found = sorted(
        f
        for f in folder.rglob("*")
        if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc"
    )
    return {f.relative_to(folder).as_posix(): f.read_bytes() for f in found}


def digest(files: Mapping[str, bytes]) -> str:
    """The one fingerprint of a set of files: the SHA-256 of their names and bytes."""
    h = hashlib.sha256()
    for name, raw in files.items():
        h.update(name.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        h.update(hashlib.sha256(raw).digest())
    return h.hexdigest()


def private_folder(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each mode 0700 whatever the umask (a folder of
    a cache that others may write into would never be trusted)."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        path.chmod(0o700)
