"""Export a chart: PNG, SVG (PDF on request) and the CSV of the exact data drawn.

Files are byte-identical when rerun on the same inputs (no dates, fixed SVG ids, no software
stamp) and written atomically: every file goes to a temporary name first and is renamed only
when all of them are complete, so an interrupted run never leaves a half-written figure.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from .params import Params

METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


@dataclass
class Chart:
    """A finished chart: its file name, the figure, and the rows it draws."""

    name: str
    fig: Figure
    data: pd.DataFrame
    footer: str = ""


def _tmp_path(folder: Path, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=folder)
    os.close(fd)
    return Path(name)


def save(chart: Chart, params: Params) -> list[Path]:
    """Write ``<figures_dir>/<name>.<format>`` for each format, and ``<name>.csv``."""
    folder = params.figures_dir
    folder.mkdir(parents=True, exist_ok=True)
    planned: list[tuple[Path, Path]] = []
    try:
        for fmt in params.formats:
            tmp = _tmp_path(folder, f".{fmt}")
            planned.append((tmp, folder / f"{chart.name}.{fmt}"))
            chart.fig.savefig(tmp, format=fmt, dpi=params.dpi, metadata=METADATA[fmt])
        tmp = _tmp_path(folder, ".csv")
        planned.append((tmp, folder / f"{chart.name}.csv"))
        chart.data.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
        for src, dst in planned:
            os.replace(src, dst)
    finally:
        for src, _ in planned:
            src.unlink(missing_ok=True)
    return [dst for _, dst in planned]


def show(written: list[Path], width: int = 960) -> object:
    """Display the exported chart itself (PNG, else SVG) in a notebook: what the reader gets."""
    from IPython.display import SVG, Image

    by_suffix = {p.suffix: p for p in written}
    if ".png" in by_suffix:
        return Image(filename=str(by_suffix[".png"]), width=width)
    if ".svg" in by_suffix:
        return SVG(filename=str(by_suffix[".svg"]))
    return written
