"""Rendering: one self-contained HTML page per executed notebook, and the report's index.

Pages are nbconvert's: one :class:`HTMLExporter` (JupyterLab's template, extended by
``templates/page.html.j2``) built once and reused for every page, images embedded, nothing
fetched from the network. The index is ``templates/index.html.j2`` (its style sheet
``templates/report.css``), rendered by Jinja2 with autoescaping. The templates are package data:
they are read from the installed package, wherever it is.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import paths
from . import outputs
from .execute import Failure, Result
from .plan import Plan, read_notebook

#: The package and folder of the templates (package data).
TEMPLATES = ("musk_openai.build", "templates")
PAGE_TEMPLATE = "page.html.j2"
INDEX_TEMPLATE = "index.html.j2"
#: Files of a figures folder that the index shows or links, by suffix.
IMAGE_SUFFIXES = (".png", ".svg", ".pdf")
LINKED_SUFFIXES = (".png", ".svg", ".pdf", ".csv")


@functools.cache
def templates() -> Any:
    """The Jinja2 environment of the index: the package's templates, HTML autoescaped."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader(*TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


class PageRenderer:
    """One nbconvert :class:`HTMLExporter`, built once, rendering self-contained pages."""

    def __init__(self, with_code: bool) -> None:
        import jinja2
        from nbconvert import HTMLExporter

        # Under a prefix, so that the package's other templates never shadow nbconvert's own.
        loader = jinja2.PrefixLoader({"musk_openai": jinja2.PackageLoader(*TEMPLATES)})
        self.exporter = HTMLExporter(  # type: ignore[no-untyped-call, unused-ignore]
            template_name="lab",
            extra_loaders=[loader],
            template_file=f"musk_openai/{PAGE_TEMPLATE}",
            embed_images=True,
            exclude_input=not with_code,
            exclude_input_prompt=not with_code,
            exclude_output_prompt=True,
            theme="light",
        )
        self._lock = threading.Lock()

    def render(self, executed: Path, page: Path, notebooks_dir: Path, title: str) -> None:
        nb = read_notebook(executed)
        nb.metadata["title"] = title
        for cell in nb.cells:  # papermill gives its cell a random id: keep the page reproducible
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                cell["id"] = "injected-parameters"
        resources = {"metadata": {"name": title, "path": str(notebooks_dir)}}
        with self._lock:
            body, _ = self.exporter.from_notebook_node(nb, resources=resources)
        page.write_text(body, encoding="utf-8")


def render_page(result: Result, plan: Plan, renderer: PageRenderer) -> Result:
    """The page of an executed notebook (also of one that failed, up to the failure). A page
    that cannot be rendered is reported like a failed cell."""
    job = result.job
    if not job.executed.is_file():
        return result
    try:
        title = f"{job.notebook.title} ({job.lang})"
        renderer.render(job.executed, job.page, plan.notebooks_dir, title)
    except Exception as exc:  # noqa: BLE001 - reported like a failed cell
        if result.ok:
            failure = Failure(None, None, "", type(exc).__name__, str(exc))
            return Result(job, result.seconds, failure)
        return result
    return Result(job, result.seconds, result.failure, page_written=True)


# -- the index ----------------------------------------------------------------------------------


def write_index(plan: Plan, results: Sequence[Result], dataset_version: str) -> Path:
    """``<output>/.building/index.html``: the pages, the figures, the parameters.

    Links are relative to the report folder, so they hold once the run is put in place.
    Deterministic.
    """
    out = plan.output / outputs.BUILDING
    n_failed = sum(1 for r in results if not r.ok)
    html = (
        templates()
        .get_template(INDEX_TEMPLATE)
        .render(
            executed=f"{len(results)} notebook{'' if len(results) == 1 else 's'}",
            failed=n_failed,
            dataset_version=dataset_version,
            parameters=_parameters(plan, dataset_version, out),
            languages=[
                {
                    "lang": lg,
                    "pages": _pages(plan, results, lg, out),
                    "galleries": _galleries(plan, lg, out),
                }
                for lg in plan.langs
            ],
        )
    )
    index = out / "index.html"
    index.write_text(html, encoding="utf-8")
    return index


def _parameters(plan: Plan, dataset_version: str, out: Path) -> list[tuple[str, str]]:
    from .execute import KERNEL_NAME

    rows = [
        ("languages", ", ".join(plan.langs)),
        ("formats", ",".join(plan.formats)),
        ("dpi", str(plan.dpi)),
        ("notebooks", ", ".join(nb.name for nb in plan.notebooks)),
        ("dataset version", dataset_version),
        ("timeout per cell", f"{plan.timeout} s"),
        ("code shown", "yes" if plan.with_code else "no"),
        ("kernel", KERNEL_NAME),
    ]
    if plan.params_file is not None:
        rows.append(("params file", plan.params_file.name))
    rows += [(f"parameter {key}", repr(plan.extra[key])) for key in sorted(plan.extra)]
    rows += [(f"figures ({lg})", _href(plan.figures_dirs[lg], out) + "/") for lg in plan.langs]
    return rows


def _pages(plan: Plan, results: Sequence[Result], lang: str, out: Path) -> list[dict[str, Any]]:
    by_name = {r.job.notebook.name: r for r in results if r.job.lang == lang}
    pages = []
    for nb in plan.notebooks:
        r = by_name.get(nb.name)
        if r is None:
            continue
        pages.append(
            {
                "title": nb.title,
                "name": nb.name,
                "ok": r.ok,
                "href": _href(r.job.page, out) if r.page_written else None,
                "executed_href": _href(r.job.executed, out),
                "failure": r.failure.describe() if r.failure is not None else None,
            }
        )
    return pages


def _galleries(plan: Plan, lang: str, out: Path) -> list[dict[str, Any]]:
    """The figures of one language, a gallery per notebook (then the others), each figure
    shown by its PNG (else its SVG) and linked in every format."""
    numbers = [nb.number for nb in plan.notebooks]
    titles = {nb.number: nb.title for nb in plan.notebooks}
    galleries = []
    for number, files in _figure_groups(plan.figures_dirs[lang], numbers):
        by_stem: dict[str, list[Path]] = {}
        for f in files:
            by_stem.setdefault(f.stem, []).append(f)
        figures = []
        for stem, fs in by_stem.items():
            shown = next((f for f in fs if f.suffix == ".png"), None) or next(
                (f for f in fs if f.suffix == ".svg"), None
            )
            ordered = sorted(fs, key=lambda p: LINKED_SUFFIXES.index(p.suffix.lower()))
            figures.append(
                {
                    "stem": stem,
                    "shown": _href(shown, out) if shown is not None else None,
                    "links": [(f.suffix[1:], _href(f, out)) for f in ordered],
                }
            )
        galleries.append({"title": titles.get(number, "Other figures"), "figures": figures})
    return galleries


def _figure_groups(folder: Path, numbers: Sequence[str]) -> list[tuple[str, list[Path]]]:
    """Figure stems of a folder, grouped by the notebook number that prefixes their name."""
    if not folder.is_dir():
        return []
    stems: dict[str, list[Path]] = {}
    for f in sorted(folder.iterdir()):
        if f.is_file() and f.suffix.lower() in LINKED_SUFFIXES:
            stems.setdefault(f.stem, []).append(f)
    images = {
        s: fs for s, fs in stems.items() if any(f.suffix.lower() in IMAGE_SUFFIXES for f in fs)
    }
    groups: dict[str, list[Path]] = {}
    for stem, files in sorted(images.items()):
        m = re.match(r"^(\d{2})[-_]", stem)
        key = m.group(1) if m and m.group(1) in numbers else ("" if not m else None)
        if key is None:  # a figure of a notebook this run did not execute
            continue
        groups.setdefault(key, []).extend(files)
    order = [n for n in numbers if n in groups] + ([""] if "" in groups else [])
    return [(k, groups[k]) for k in order]


def _href(target: Path, base: Path) -> str:
    """A link from the report folder ``base`` (its .building copy while it is built)."""
    if base.name == outputs.BUILDING and not paths.inside(target, base):
        base = base.parent  # outside the report: relative to where the report is put
    rel = os.path.relpath(target, base)
    return urllib.parse.quote(Path(rel).as_posix())
