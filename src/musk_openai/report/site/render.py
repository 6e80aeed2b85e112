"""Rendering: one self-contained HTML page per executed notebook and language, and the report's
own pages (:mod:`.site`).

Pages are nbconvert's: one :class:`HTMLExporter` (JupyterLab's template, extended by
``templates/page.html.j2``) built once and reused for every page, images embedded, nothing
fetched from the network; a page shows the cells of its language only (:mod:`.cells`). The
report's own pages are Jinja2 templates (``templates/*.html.j2``, style sheet
``templates/report.css``) rendered with autoescaping. The templates are package data: they are
read from the installed package, wherever it is.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from musk_openai import interrupts
from musk_openai.report.notebooks import read_notebook
from musk_openai.report.site import cells, jinja, nav
from musk_openai.report.site.nav import Nav
from musk_openai.report.types import Failure, Plan, Result


class PageRenderer:
    """One nbconvert :class:`HTMLExporter`, built once, rendering self-contained pages."""

    def __init__(self, with_code: bool, *, warm: bool = True) -> None:
        import jinja2
        from nbconvert import HTMLExporter

        # Under a prefix, so that the package's other templates never shadow nbconvert's own.
        loader = jinja2.PrefixLoader({jinja.PREFIX: jinja2.PackageLoader(*jinja.TEMPLATES)})
        self.exporter = HTMLExporter(  # type: ignore[no-untyped-call, unused-ignore]
            template_name="lab",
            extra_loaders=[loader],
            template_file=f"{jinja.PREFIX}/{jinja.PAGE_TEMPLATE}",
            # Outputs carry their images already (base64); only a Markdown image read from a
            # file would need embedding, and the notebooks have none (a test checks that every
            # image of a page is in it): no second parse of each page with BeautifulSoup.
            embed_images=False,
            exclude_input=not with_code,
            exclude_input_prompt=not with_code,
            exclude_output_prompt=True,
            theme="light",
        )
        self._lock = threading.Lock()
        if warm:  # only worth it while kernels start; else the first page compiles them
            interrupts.check()  # a Ctrl-C noted meanwhile (musk_openai.interrupts)
            try:
                self._warm_up()
            except jinja2.TemplateError:  # an edited template: each page says it, as it fails
                pass

    def _warm_up(self) -> None:
        """Render a small notebook once, while the first kernels start: the first page compiles
        nbconvert's templates and filters (a quarter of a second), which would otherwise delay
        the first real page."""
        from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

        shown = new_output("display_data", {"text/html": "<p>x</p>", "text/plain": "x"})
        cells = [new_markdown_cell("# x\n\n*x* `x`"), new_code_cell("x = 1", outputs=[shown])]
        nb = new_notebook(cells=cells, metadata={"title": "x"})
        resources = {"metadata": {"name": "x"}, "musk": Nav("en", "x", "", "").resources()}
        with self._lock:
            self.exporter.from_notebook_node(nb, resources=resources)

    def render(self, executed: Path, page: Path, notebooks_dir: Path, nav: Nav) -> None:
        """The page of ``nav.lang``: the cells kept for it (:mod:`.cells`), titled by its
        heading, with links to the report's home and to the page in the other languages."""
        nb = cells.for_language(read_notebook(executed), nav.lang, nav.title)
        nb.metadata["title"] = nav.title
        for cell in nb.cells:  # papermill gives its cell a random id: keep the page reproducible
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                cell["id"] = "injected-parameters"
        resources = {
            "metadata": {"name": nav.title, "path": str(notebooks_dir)},
            "musk": nav.resources(),
        }
        with self._lock:
            self.exporter.language_code = nav.lang  # <html lang>
            body, _ = self.exporter.from_notebook_node(nb, resources=resources)
        page.write_text(body, encoding="utf-8")


def of_language(results: Sequence[Result], lang: str) -> list[Result]:
    """The results of the jobs in ``lang``."""
    return [r for r in results if r.job.lang == lang]


def render_page(result: Result, plan: Plan, renderer: PageRenderer) -> Result:
    """The page of an executed notebook (also of one that failed, up to the failure). A page
    that cannot be rendered is reported like a failed cell."""
    job = result.job
    if not job.executed.is_file():
        return result
    try:
        renderer.render(job.executed, job.page, plan.notebooks_dir, nav.nav_of(job, plan))
    except Exception as exc:  # noqa: BLE001 - reported like a failed cell
        if result.ok:
            failure = Failure(None, None, "", type(exc).__name__, str(exc), page=True)
            return replace(result, failure=failure)
        return result
    return replace(result, page_written=True)
