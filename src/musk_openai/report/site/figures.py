"""The charts of a figures folder, as the front page shows them: grouped by the notebook whose
number prefixes their name, each with its image, alt text, caption and downloads.

Beside each chart ``<name>.png`` the folder may hold ``<name>.svg``, ``.pdf``, ``.csv`` (the rows
drawn), ``.alt.txt`` (its alt text, in the folder's language), ``.desc.txt`` (its full
description) and ``<name>.narrow.png`` (its drawing for phones). Without ``.alt.txt``, the alt
text is a sentence made from the chart's caption in texts.toml (``report.figure.<name>``), else
from the notebook's question: never the file's name.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from musk_openai.story import i18n
from musk_openai.story.exported import DESC_SUFFIX, NARROW, narrow_file

#: Files of a chart, by suffix: shown (the first that exists), then downloadable.
IMAGE_SUFFIXES = (".png", ".svg", ".pdf")
#: Downloadable files by suffix, with their key under ``report.downloads`` in texts.toml.
DOWNLOADS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".csv": "csv", ".alt.txt": "alt"}
ALT_SUFFIX = ".alt.txt"
NUMBERED = re.compile(r"^(\d{2})[-_]")


@dataclass(frozen=True)
class Chart:
    stem: str
    image: str
    alt: str
    caption: str
    downloads: tuple[tuple[str, str], ...]  # (label, href)
    #: The phone's drawing of the image (``exported.narrow_file``), if exported.
    narrow: str = ""
    #: The full description (``<name>.desc.txt``), shown under the chart.
    description: str = ""
    #: The SVG, where each mark is a link to its sentence, and its phone drawing.
    svg: str = ""
    narrow_svg: str = ""


def href(target: Path, base: Path) -> str:
    """A relative link from the folder ``base`` to ``target``."""
    return urllib.parse.quote(Path(os.path.relpath(target, base)).as_posix())


def stems(folder: Path) -> dict[str, list[Path]]:
    """The charts of a folder (stems with an image), each with its files, in name order."""
    if not folder.is_dir():
        return {}
    files: dict[str, list[Path]] = {}
    for f in sorted(folder.iterdir()):
        suffix = next((s for s in DOWNLOADS if f.name.endswith(s)), None)
        if NARROW + "." in f.name:  # a chart's phone drawing (exported.narrow_file), not a chart
            continue
        if f.is_file() and suffix is not None:
            files.setdefault(f.name.removesuffix(suffix), []).append(f)
    return {s: fs for s, fs in files.items() if any(f.suffix in IMAGE_SUFFIXES for f in fs)}


def _sentence(stem: str, question: str, lang: str) -> str:
    """What the chart shows: its sentence in texts.toml, else one made from the question."""
    try:
        return i18n.t(f"report.figure.{stem}", lang)
    except KeyError:
        return i18n.t("report.figure.unnamed", lang, question=question)


def caption(stem: str, question: str, lang: str) -> str:
    text = _sentence(stem, question, lang)
    return text[:1].upper() + text[1:]


def alt_text(files: Sequence[Path], stem: str, question: str, lang: str) -> str:
    """The ``.alt.txt`` beside the chart (one paragraph), else a sentence from its caption."""
    for f in files:
        if f.name.endswith(ALT_SUFFIX):
            text = " ".join(f.read_text(encoding="utf-8").split())
            if text:
                return text
    sentence = _sentence(stem, question, lang)
    return i18n.t("report.figure.alt_fallback", lang, caption=sentence)


def chart(stem: str, files: Sequence[Path], question: str, lang: str, base: Path) -> Chart:
    by_suffix = {s: f for f in files for s in DOWNLOADS if f.name == stem + s}
    shown = next(by_suffix[s] for s in IMAGE_SUFFIXES if s in by_suffix)
    downloads = tuple(
        (i18n.t(f"report.downloads.{key}", lang), href(by_suffix[s], base))
        for s, key in DOWNLOADS.items()
        if s in by_suffix
    )
    narrow = narrow_file(shown)
    narrow_svg = narrow.with_suffix(".svg")
    desc = shown.with_name(stem + DESC_SUFFIX)
    return Chart(
        stem=stem,
        image=href(shown, base),
        alt=alt_text(files, stem, question, lang),
        caption=caption(stem, question, lang),
        downloads=downloads,
        narrow=href(narrow, base) if narrow.is_file() else "",
        description=desc.read_text(encoding="utf-8").strip() if desc.is_file() else "",
        svg=href(by_suffix[".svg"], base) if ".svg" in by_suffix else "",
        narrow_svg=href(narrow_svg, base) if narrow_svg.is_file() else "",
    )


def by_notebook(
    folder: Path, questions: Mapping[str, str], lang: str, base: Path
) -> dict[str, list[Chart]]:
    """The charts of ``folder`` by notebook number (``questions``: number -> title); links
    relative to ``base``. Charts of a notebook not in ``questions`` are left out."""
    grouped: dict[str, list[Chart]] = {}
    for stem, files in stems(folder).items():
        m = NUMBERED.match(stem)
        if m is None or m.group(1) not in questions:
            continue
        question = questions[m.group(1)]
        grouped.setdefault(m.group(1), []).append(chart(stem, files, question, lang, base))
    return grouped
