"""The report's own pages, in one language each: the front page ``<lang>/index.html``, a page per
source (:mod:`.sources`), the fact explorer (:mod:`.facts`); and ``index.html``, which offers
the languages. Every word comes from texts.toml (``report.*``), every link is relative and
stays inside the report folder, so that it can be copied, zipped and opened offline.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from musk_openai import files, interrupts
from musk_openai.dataset import data
from musk_openai.dataset.data import Dataset
from musk_openai.report import notebooks
from musk_openai.report.site import colophon, corrections, facts, figures, jinja, nav, sources
from musk_openai.report.site.render import of_language
from musk_openai.report.types import BUILDING, Plan, Result
from musk_openai.story import i18n


def write_site(
    plan: Plan, results: Sequence[Result], dataset_version: str, *, shared_done: bool = False
) -> Path:
    """Every page of the report but the notebooks' (already written), in
    ``<output>/.building``; returns its ``index.html``. ``shared_done``: the pages made from the
    dataset alone (:func:`write_shared`) are already there (written meanwhile, or reused)."""
    out = plan.output / BUILDING
    if not shared_done:
        write_shared(plan)
    ds = data.load()
    today = datetime.datetime.now(datetime.UTC).date()
    for lang in plan.langs:
        folder = _figures_inside(plan, lang, out)
        _write_front(plan, results, ds, lang, folder, dataset_version, today)
    log = colophon.build_log(plan, results, dataset_version)
    (out / colophon.BUILD_LOG).write_text(log, encoding="utf-8")
    return _write_chooser(plan, out)


def write_shared(plan: Plan) -> None:
    """The pages made from the dataset alone (:func:`shared_pages`), which no notebook run
    changes: the runner writes them while kernels run or pages render (a Ctrl-C it noted meanwhile
    is raised between two pages: :mod:`musk_openai.interrupts`)."""
    out = plan.output / BUILDING
    ds = data.load()
    for lang in plan.langs:
        layout = nav.layout(plan.langs, lang)
        sources.write_pages(ds, out / lang / "sources", lang, layout)
        interrupts.check()
        facts.write_page(ds, out / lang, lang, layout | {"here": "facts.html"})
        interrupts.check()
        corrections.write_page(ds, out / lang, lang, layout | {"here": "corrections.html"})
        interrupts.check()


def shared_pages(plan: Plan) -> list[Path]:
    """The pages :func:`write_shared` makes from the dataset alone: the source pages, the fact
    explorer and the corrections of each language."""
    out = plan.output / BUILDING
    found: list[Path] = []
    for lang in plan.langs:
        found += sorted((out / lang / "sources").glob("*.html"))
        found += [out / lang / "facts.html", out / lang / "corrections.html"]
    return found


def _figures_inside(plan: Plan, lang: str, out: Path) -> Path:
    """The run's figures of ``lang`` inside the report: copied in when the params file sent
    them elsewhere (``figures_dir``)."""
    inside = out / "figures" / lang
    if plan.figures_dirs[lang].resolve() != inside.resolve() and plan.figures_dirs[lang].is_dir():
        files.copy_files(plan.figures_dirs[lang], inside)
    return inside


def _write_front(
    plan: Plan,
    results: Sequence[Result],
    ds: Dataset,
    lang: str,
    figures_folder: Path,
    dataset_version: str,
    today: datetime.date,
) -> Path:
    out = plan.output / BUILDING / lang
    by_name = {r.job.notebook.name: r for r in of_language(results, lang)}
    titles = {
        nb.number: notebooks.title(nb.path, lang) for nb in plan.notebooks if nb.name in by_name
    }
    charts = figures.by_notebook(figures_folder, titles, lang, out)
    questions = [
        _question(nb.number, titles[nb.number], by_name[nb.name], charts, lang)
        for nb in plan.notebooks
        if nb.name in by_name
    ]
    failed = [r for r in by_name.values() if not r.ok]
    html = (
        jinja.templates()
        .get_template("front.html.j2")
        .render(
            **nav.layout(plan.langs, lang),
            here="index.html",
            root="",
            title=i18n.t("report.title", lang),
            lede=i18n.t("report.lede", lang),
            failures=_failures(failed, titles, lang),
            questions=questions,
            sources_intro=i18n.t("report.sources.intro", lang, n=len(ds.sources)),
            sources=[sources.source_row(ds, s, lang) for s in ds.sources["source_id"]],
            facts_intro=i18n.t("report.facts.intro", lang),
            facts_link=i18n.t("report.facts.link", lang),
            corrections_link=i18n.t("report.corrections.link", lang),
            colophon=colophon.colophon(plan, results, lang, dataset_version, today),
        )
    )
    page = out / "index.html"
    page.write_text(html, encoding="utf-8")
    return page


def _question(
    number: str, title: str, result: Result, charts: dict[str, list[figures.Chart]], lang: str
) -> dict[str, Any]:
    return {
        "anchor": f"q{number}",
        "title": title,
        "href": result.job.page.name if result.page_written else None,
        "failed": None if result.ok else i18n.t("report.failed", lang),
        "charts": charts.get(number, []),
    }


def _failures(failed: Sequence[Result], titles: dict[str, str], lang: str) -> dict[str, Any]:
    if not failed:
        return {}
    return {
        "message": i18n.t("report.failures", lang, n=len(failed)),
        "notebooks": [
            {
                "title": titles.get(r.job.notebook.number, r.job.notebook.name),
                "text": r.failure.describe() if r.failure is not None else "",
            }
            for r in failed
        ],
    }


def _write_chooser(plan: Plan, out: Path) -> Path:

    languages = [
        {
            "lang": lg,
            "title": i18n.t("report.title", lg),
            "choose": i18n.t("report.choose", lg),
            "name": i18n.t("report.language", lg),
        }
        for lg in plan.langs
    ]
    index = out / "index.html"
    html = jinja.templates().get_template("chooser.html.j2").render(languages=languages)
    index.write_text(html, encoding="utf-8")
    return index
