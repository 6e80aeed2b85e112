"""Every path of the project, anchored at the project root (never a "../data" string), and the
one rule for where a run may write (:func:`refusal`)."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root: the folder that holds pyproject.toml, data/ and notebooks/.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
FIGURES_DIR = PROJECT_ROOT / "figures"
REPORTS_DIR = PROJECT_ROOT / "reports"
#: The dataset as SQLite for Datasette (make datasette): its own folder, not the report's.
DATABASE_DIR = PROJECT_ROOT / "database"
#: Figures of a run that is not the canonical build, when no folder is given: beside the report.
SCRATCH_FIGURES_DIR = REPORTS_DIR / "figures"

#: Environment variable that points the loaders at another copy of data/ (used by the tests).
DATA_ENV = "MUSK_OPENAI_DATA"

#: Folders of the project that no run ever writes into: the sources of everything.
PROTECTED = {
    "data": "the dataset",
    "src": "the package's code",
    "notebooks": "the notebooks",
    ".git": "git's own files",
}
#: Folders of the operating system (and everything inside them).
SYSTEM_DIRS = tuple(
    Path(p)
    for p in ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc")
    + ("/run", "/sbin", "/sys", "/usr", "/var/lib", "/var/log", "/var/cache", "/var/spool")
)


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``override`` if given, else ``$MUSK_OPENAI_DATA``, else ``data/``.

    A relative ``$MUSK_OPENAI_DATA`` is read from the current folder; the report command makes
    it absolute before any kernel starts, so that kernels read the same folder.
    """
    if override is not None:
        return Path(override)
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else PROJECT_ROOT / "data"


def committed_data() -> bool:
    """Does a run read the project's own data/ (not a copy named by ``$MUSK_OPENAI_DATA``)?
    Only such a run may be the canonical build, the one that writes the committed figures."""
    return data_dir().resolve() == (PROJECT_ROOT / "data").resolve()


def inside(path: Path, folder: Path) -> bool:
    """Is ``path`` the folder itself or anything under it? (both already resolved)"""
    return path == folder or folder in path.parents


def refusal(path: Path, *, figures_allowed: bool = False) -> str | None:
    """Why a run may not write into ``path`` (resolved), or ``None`` if it may.

    Refused: the project's root folder, anything inside its data/, src/, notebooks/ or .git/,
    the committed figures/ (unless ``figures_allowed``: the canonical build), the file system's
    root, a system folder, the home folder itself.
    """
    path = path.resolve()
    if path == PROJECT_ROOT:
        return f"it is the project's root folder ({PROJECT_ROOT})"
    for name, what in PROTECTED.items():
        if inside(path, PROJECT_ROOT / name):
            return f"it is inside the project's {name}/ ({what}), which no run ever writes"
    if not figures_allowed and inside(path, FIGURES_DIR):
        return (
            "it is inside the project's figures/, the committed figures, which only the "
            "canonical build (default parameters) writes"
        )
    if path == Path(path.anchor):
        return "it is the root of the file system"
    for system in SYSTEM_DIRS:
        if inside(path, system):
            return f"it is inside {system}, a system folder"
    home = Path.home().resolve()
    if path in (home, home.parent):
        return f"it is the home folder {path} itself (use a folder inside it)"
    return None
