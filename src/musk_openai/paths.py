"""Every path of the project, anchored at the project root (never a "../data" string)."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root: the folder that holds pyproject.toml, data/ and notebooks/.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
FIGURES_DIR = PROJECT_ROOT / "figures"
REPORTS_DIR = PROJECT_ROOT / "reports"

#: Environment variable that points the loaders at another copy of data/ (used by the tests).
DATA_ENV = "MUSK_OPENAI_DATA"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``override`` if given, else ``$MUSK_OPENAI_DATA``, else ``data/``."""
    if override is not None:
        return Path(override)
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else PROJECT_ROOT / "data"


def sources_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the verbatim source texts."""
    return data_dir(override) / "sources"
