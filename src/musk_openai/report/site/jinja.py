"""The Jinja2 environment of the report's own pages: the package's templates (package data, read
from the installed package, wherever it is), HTML autoescaped, undefined names an error."""

from __future__ import annotations

import functools
from typing import Any

#: The package and folder of the templates (package data).
TEMPLATES = ("musk_openai.report.site", "templates")
PAGE_TEMPLATE = "page.html.j2"
INDEX_TEMPLATE = "front.html.j2"


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
