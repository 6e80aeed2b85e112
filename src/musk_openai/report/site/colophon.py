"""What a report says of itself. Readers get a colophon at the end of the front page: how the
report is made, where to check a number, the dataset's version and the day it was built. The
run's technical details (parameters, timeout, kernel, which notebooks were executed or reused)
are for whoever ran it: they go to ``build-log.txt`` at the top of the report folder, never on a
reader's page.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from musk_openai.report.site.render import of_language
from musk_openai.report.types import KERNEL_NAME, Plan, Result
from musk_openai.story import i18n

#: The build log's name, at the top of the report folder.
BUILD_LOG = "build-log.txt"
#: The notebook that shows readers how to check a number (linked from the colophon if built).
HOW_TO_CHECK = "00"


def colophon(
    plan: Plan, results: Sequence[Result], lang: str, version: str, today: datetime.date
) -> dict[str, Any]:
    """The colophon of the front page of ``lang``: words, links and the version line."""

    def word(key: str, **fmt: object) -> str:
        return i18n.t(f"report.colophon.{key}", lang, **fmt)

    pages = {r.job.notebook.number: r.job.page.name for r in of_language(results, lang)}
    links = [(word("facts"), "facts.html"), (word("corrections"), "corrections.html")]
    if HOW_TO_CHECK in pages:
        links.insert(0, (word("how_to_check"), pages[HOW_TO_CHECK]))
    when = i18n.date(today.isoformat(), "day", lang)
    return {
        "heading": word("heading"),
        "method": word("method"),
        "links": links,
        "version": word("version", version=version.split(" ")[0], when=when),
    }


def build_log(plan: Plan, results: Sequence[Result], version: str) -> str:
    """The run's parameters and what became of each notebook, one ``name: value`` per line."""
    lines = [
        f"languages: {', '.join(plan.langs)}",
        f"formats: {','.join(plan.formats)}",
        f"dpi: {plan.dpi}",
        f"notebooks: {', '.join(nb.name for nb in plan.notebooks)}",
        f"dataset version: {version}",
        f"timeout per cell: {plan.timeout} s",
        f"code shown: {'yes' if plan.with_code else 'no'}",
        f"kernel: {KERNEL_NAME}",
    ]
    if plan.params_file is not None:
        lines.append(f"params file: {plan.params_file.name}")
    lines += [f"parameter {key}: {plan.extra[key]!r}" for key in sorted(plan.extra)]
    lines.append("runs:")
    lines += [f"  {r.job.lang}/{r.job.executed.name}: {_status(r)}" for r in results]
    lines.append(
        "A reused notebook was not executed again: it is only when it, its parameters, the "
        "data, the package's code or the pinned dependencies change; "
        "'musk-openai report --force' executes them all."
    )
    return "\n".join(lines) + "\n"


def _status(result: Result) -> str:
    """Whether a notebook was executed for this build, or reused from which earlier one."""
    if result.reused_from is not None:
        when = result.reused_from.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"reused from the build of {when}"
    return "executed" if result.ok else "failed"
