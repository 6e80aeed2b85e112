"""The Jinja2 environment of the report's own pages: the package's templates (package data, read
from the installed package, wherever it is), HTML autoescaped, undefined names an error."""

from __future__ import annotations

import functools
from typing import Any

from musk_openai.errors import ProjectError

#: The package and folder of the templates (package data).
TEMPLATES = ("musk_openai.report.site", "templates")
PAGE_TEMPLATE = "page.html.j2"
INDEX_TEMPLATE = "front.html.j2"
#: The header of every page and the pager of a notebook's page (:mod:`.nav`).
HEADER_TEMPLATE = "header.html.j2"
PAGER_TEMPLATE = "pager.html.j2"
#: The prefix under which nbconvert's environment sees the package's templates (:mod:`.render`).
PREFIX = "musk_openai"


class TemplateProblem(ProjectError):
    """A template of the package that cannot be used (an edit broke it): which, where, why."""

    exit_code = 1
    prefix = "a template of the report cannot be used: "

    @classmethod
    def of(cls, exc: Exception) -> TemplateProblem:
        """From Jinja2's error (:class:`jinja2.TemplateError`: its template, line and message)."""
        name = getattr(exc, "name", None) or getattr(exc, "filename", None)
        line = getattr(exc, "lineno", None)
        where = f"{name}, line {line}: " if name and line else f"{name}: " if name else ""
        return cls(f"{where}{getattr(exc, 'message', None) or exc}")


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
    rendering, or a template that is missing, not text or cannot be parsed, gives every template.
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
        except (jinja2.TemplateError, UnicodeError):  # said when the page is rendered
            return frozenset(ours)
        for ref in refs:
            if ref is None:
                return frozenset(ours)
            # as Jinja2 reads a name: "musk_openai/./x" and "musk_openai//x" are "musk_openai/x"
            parts = [p for p in ref.split("/") if p not in ("", ".")]
            name = "/".join(parts[1:] if parts[:1] == [PREFIX] else parts)
            if name in ours:  # unprefixed in page.html.j2, nbconvert's; ours too: counted
                todo.append(name)
    return frozenset(found)
