"""What a notebook declares in its cell tagged ``parameters``, as papermill reads it, remembered.

papermill's ``inspect_notebook`` needs papermill, whose import is the largest part of a rebuild
that starts no kernel (a template or the style sheet edited, nothing changed at all). Its answer
depends only on the notebook's bytes and papermill's version, so it is kept in the user's cache
(:func:`musk_openai.dataset.cache.cache_dir`) under the SHA-256 of both, and trusted by the one
cache rule (:func:`~musk_openai.dataset.cache.read_trusted`). A missing, foreign or damaged entry
is ignored: papermill is asked again. No entry is ever an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from importlib import metadata
from pathlib import Path
from typing import Any

from musk_openai import files
from musk_openai.dataset import cache
from musk_openai.report.runner.imports import papermill_module

_MAX_SIZE = 64 * 1024


def _name(notebook: bytes, version: str) -> str:
    digest = hashlib.sha256(version.encode() + b"\0" + notebook).hexdigest()
    return f"parameters-{digest[:32]}.json"


def inspect(path: Path) -> dict[str, dict[str, Any]]:
    """``papermill.inspect_notebook(path)``, from the cache when a trusted entry has it."""
    raw = path.read_bytes()
    version = metadata.version("papermill")
    name = _name(raw, version)
    folder = cache.cache_dir()
    if folder is not None:
        kept = cache.read_trusted(folder, name, _MAX_SIZE)
        try:
            entry = json.loads(kept) if kept is not None else None
        except ValueError:
            entry = None
        if isinstance(entry, dict) and entry.get("name") == name:
            kept_declared = entry.get("declared")
            if isinstance(kept_declared, dict):
                return kept_declared
    declared: dict[str, dict[str, Any]] = papermill_module().inspect_notebook(str(path))
    if folder is not None:
        _remember(folder, name, declared)
    return declared


def _remember(folder: Path, name: str, declared: dict[str, dict[str, Any]]) -> None:
    try:
        entry = json.dumps({"name": name, "declared": declared}).encode()
    except (TypeError, ValueError):  # a default papermill could not give as text: not kept
        return
    try:
        files.private_folder(folder)
        if cache.safe(os.lstat(folder), stat.S_IFDIR) and len(entry) <= _MAX_SIZE:
            files.write_bytes(folder / name, entry, mode=0o600)
    except OSError:  # a read-only or full cache: papermill is asked next time too
        pass
