"""What every page of the report shows around its content: the site's header (home, sources,
fact explorer, corrections, the other languages) and, on a notebook's page, the previous and next
questions. One header template (``templates/header.html.j2``) for the report's own pages and
the notebooks' pages alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from musk_openai.report import notebooks
from musk_openai.report.site import jinja
from musk_openai.report.types import Job, Plan
from musk_openai.story import i18n

#: The words of the report's pages, by the name the templates use.
WORDS = {
    "sources": "report.sources.heading",
    "facts": "report.facts.heading",
    "corrections": "report.corrections.heading",
    "contents": "report.contents",
    "download": "report.download",
    "read_page": "report.read_page",
    "inferred": "report.sources.inferred",
    "covers": "report.sources.covers",
    "outlets": "report.sources.outlets",
    "full_text": "report.sources.full_text",
    "how": "report.sources.how",
    "rows": "report.sources.rows",
    "all_sources": "report.sources.all",
    "home": "report.home",
    "previous": "report.previous",
    "next": "report.next",
    "pages": "report.pages",
    "open_svg": "report.open_svg",
    "details": "chart.details",
}


def layout(langs: tuple[str, ...], lang: str) -> dict[str, Any]:
    """What every page of ``lang`` shows around its content: title, navigation, switch."""
    return {
        "lang": lang,
        "site_title": i18n.t("report.title", lang),
        "others": [
            {"lang": lg, "label": i18n.t("report.switch", lg)} for lg in langs if lg != lang
        ],
        "words": {name: i18n.t(key, lang) for name, key in WORDS.items()},
        "columns": {
            c: i18n.t(f"report.columns.{c}", lang)
            for c in ("id", "label", "amount", "date", "asserted_by")
        },
    }


@dataclass(frozen=True)
class Nav:
    """A notebook page's language, title, header and pager (its links relative to its
    language folder)."""

    lang: str
    title: str
    header: str
    pager: str

    def resources(self) -> dict[str, Any]:
        return {"header": self.header, "pager": self.pager}


def nav_of(job: Job, plan: Plan) -> Nav:
    """The navigation of ``job``'s page: the site's header, and the questions before and after
    it in the report (the notebooks of the run, in their order)."""
    lang = job.lang
    names = [nb.name for nb in plan.notebooks]
    here = names.index(job.notebook.name)

    def neighbour(i: int) -> dict[str, str] | None:
        if not 0 <= i < len(names):
            return None
        nb = plan.notebooks[i]
        return {"href": f"{nb.name}.html", "title": notebooks.title(nb.path, lang)}

    context = layout(plan.langs, lang) | {"root": "", "here": job.page.name}
    env = jinja.templates()
    header = env.get_template(jinja.HEADER_TEMPLATE).render(**context)
    pager = env.get_template(jinja.PAGER_TEMPLATE).render(
        **context, previous=neighbour(here - 1), next=neighbour(here + 1)
    )
    return Nav(lang, notebooks.title(job.notebook.path, lang), header, pager)
