"""The Jinja2 environment of the report's own pages: the package's templates (package data, read
from the installed package, wherever it is), HTML autoescaped, undefined names an error."""

from __future__ import annotations

import functools
from typing import Any

#: The package and folder of the templates (package data).
TEMPLATES = ("musk_openai.report.site", "templates")
PAGE_TEMPLATE = "page.html.j2"
INDEX_TEMPLATE = "front.html.j2"
#: The header of every page and the pager of a notebook's page (:mod:`.nav`).
HEADER_TEMPLATE = "header.html.j2"
PAGER_TEMPLATE = "pager.html.j2"
#: The prefix under which nbconvert's environment sees the package's templates (:mod:`.render`).
PREFIX = "musk_openai"


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


def page_templates() -> frozenset[str]:
    """The templates a notebook's page is made from: its own (nbconvert's environment extends
    it), the header and the pager, with what they include (:func:`with_references`)."""
    return with_references({PAGE_TEMPLATE, HEADER_TEMPLATE, PAGER_TEMPLATE})


def site_templates() -> frozenset[str]:
    """The templates of the report's own pages: every template but a notebook page's own
    (``page.html.j2``), with what they include (:func:`with_references`)."""
    return with_references(set(templates().list_templates()) - {PAGE_TEMPLATE})


def with_references(roots: set[str]) -> frozenset[str]:
    """``roots`` and every template of the package they include, import or extend, as Jinja2
    finds them (:func:`jinja2.meta.find_referenced_templates`); a reference known only when
    rendering, or a template that is missing or cannot be parsed, gives every template.
    nbconvert's own templates are not listed: they are those of its pinned version."""
    import jinja2
    import jinja2.meta

    env = templates()
    assert env.loader is not None
    ours = set(env.list_templates())
    todo, found = list(roots), set()
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        try:
            source, _, _ = env.loader.get_source(env, name)
            refs = list(jinja2.meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateError:  # missing or broken: said when the page is rendered
            return frozenset(ours)
        for ref in refs:
            if ref is None:
                return frozenset(ours)
            name = ref.removeprefix(f"{PREFIX}/")
            if name in ours:  # unprefixed in page.html.j2, nbconvert's; ours too: counted
                todo.append(name)
    return frozenset(found)
