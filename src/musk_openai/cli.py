"""The ``musk-openai`` command.

``musk-openai report`` builds every notebook, figure and page (:mod:`musk_openai.report.runner`);
``musk-openai figures`` redraws the committed figures without kernels; ``musk-openai
check-notebooks`` checks that notebooks are committed clean (:mod:`~.story.notebook_checks`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any, NoReturn

from musk_openai import interrupts
from musk_openai.errors import ProjectError
from musk_openai.paths import DATA_ENV, NOTEBOOKS_DIR

# The rooms are imported by the command that needs them, not here: `musk-openai --help` and a bad
# option answer at once, without pandas, matplotlib or papermill.

EPILOG = """\
examples:
  musk-openai report                          both languages, every notebook, into reports/
  musk-openai report --lang en --only 01 03   two notebooks, in English
  musk-openai report --formats png,svg,pdf --dpi 300
  musk-openai report --params-file params.yaml --output /tmp/report --with-code

The params file is a YAML mapping of notebook parameters applied to every notebook: lang,
formats, dpi, figures_dir (may contain {lang}), and any other parameter a notebook declares
in its cell tagged 'parameters'. Quote dates ('2024-03-01'). Options given on the command
line win over the file.

outputs:
  <output>/index.html                 the languages of the report
  <output>/<lang>/index.html          the front page: questions, charts, sources, parameters
  <output>/<lang>/NN-name.html        a notebook's page in that language (open it with file://)
  <output>/<lang>/NN-name.ipynb       the executed notebook (kept up to the failing cell)
  <output>/<lang>/sources/SNNN.html   a source's full text, every excerpt highlighted
  <output>/<lang>/facts.html          every figure and event, searchable offline
  <output>/figures/<lang>/            the figures (PNG, SVG, PDF on request, CSV of the data)
  figures/<lang>/                     also updated by the canonical build (data/, every
                                      parameter at its default, every notebook); any other run
                                      leaves the committed ones alone

The report is built in <output>/.building and put in place only when every notebook succeeded:
a failing notebook leaves the previous report as it was and puts this run in
<output>/failed-run/; Ctrl-C or a crash leaves the previous report as it was. One run at a time
per output folder. --output must be a new or empty folder, or one holding an earlier report:
never inside data/, src/, notebooks/, .git/ or figures/, nor a system or home folder.

A rerun into the same folder executes only the notebooks whose inputs changed (the notebook,
its parameters, any file of the data folder, the package's code, requirements.lock and what is
installed): the others' executed notebook, page and figures are reused, checked byte for byte,
from the user's cache (~/.cache/musk-openai/runs/, never inside the report). The summary and
the front page say which were reused. --force executes every notebook.

exit status: 0 all notebooks ran, 1 a notebook failed (the others still ran), 2 bad options,
an invalid dataset or a busy output folder (nothing written, no kernel started), 130 Ctrl-C.
"""

CHECKS_DESCRIPTION = (
    "Check that notebooks are committed clean: no outputs, no execution counts, exactly one "
    "cell tagged 'parameters'. Folders are searched recursively, .ipynb_checkpoints skipped. "
    "Exit 0 when clean, 1 otherwise (one line per notebook at fault, naming its cells)."
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the option (still exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n(see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="musk-openai",
        description="The money and the legal fight between Elon Musk and OpenAI, in data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    _add_report(sub)
    figures = sub.add_parser(
        "figures",
        help="rebuild the committed figures/ (both languages) without kernels",
        description=(
            "Draw and export every chart of every notebook, in French and in English, into the "
            "committed figures/<lang>/ (the canonical build: default parameters), in this process."
        ),
    )
    figures.set_defaults(handler=_figures)
    checks = sub.add_parser(
        "check-notebooks",
        help="fail if a notebook has outputs or execution counts, or not one 'parameters' cell",
        description=CHECKS_DESCRIPTION,
    )
    checks.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="notebook files or folders (default: the project's notebooks/)",
    )
    checks.set_defaults(handler=_check_notebooks)
    return parser


def _add_report(sub: Any) -> None:
    rep = sub.add_parser(
        "report",
        help="execute every notebook (papermill) and render the HTML report (nbconvert)",
        description=(
            "Execute the notebooks with papermill, in parallel, in each language, and render "
            "each to a self-contained HTML page plus an index. Every option is checked before "
            "any kernel starts."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = rep.add_argument
    add("--lang", metavar="LANG", help="fr, en or both (default: both, or the params file's lang)")
    add("--formats", metavar="LIST", help="comma list of png, svg, pdf (default: png,svg)")
    add("--dpi", metavar="N", help="resolution of raster figures, 50-600 (default: 200)")
    add(
        "--only",
        nargs="+",
        metavar="NOTEBOOK",
        help="run only these notebooks: 01, 01-valuation-growth or 01-valuation-growth.ipynb",
    )
    add("--output", metavar="DIR", help="output folder (default: reports/)")
    add(
        "--params-file",
        metavar="FILE.yaml",
        help="YAML mapping of notebook parameters applied to every notebook",
    )
    add(
        "--jobs",
        metavar="N",
        # runner.options.default_jobs(), not imported here: the command's start stays light
        help="notebooks run at once (default: one more than the CPUs, here "
        f"{(os.cpu_count() or 1) + 1})",
    )
    add("--timeout", metavar="SECONDS", help="time limit per cell (default: 300)")
    add("--with-code", action="store_true", help="show the code cells in the HTML pages")
    add(
        "--force",
        action="store_true",
        help="execute every notebook, even those whose earlier run can be reused (by default a "
        "notebook is executed again only when it, its parameters, the data, the package or "
        "the pinned dependencies changed)",
    )
    add(
        "--notebooks-dir",
        metavar="DIR",
        help="folder of the NN-name.ipynb notebooks (default: the project's notebooks/)",
    )
    rep.set_defaults(handler=_report)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code. Ctrl-C: one line, exit 130."""
    command = "musk-openai"
    try:
        with interrupts.deferred():  # argparse imports as it goes: Ctrl-C is acted on after
            args = build_parser().parse_args(argv)
        command = f"musk-openai {args.command}"
        handler: Callable[[argparse.Namespace], int] = args.handler
        # A report has threads: Ctrl-C is acted on where it waits (musk_openai.interrupts). The
        # other commands have none, and Ctrl-C stops them at once.
        with interrupts.deferred() if args.command == "report" else nullcontext():
            return handler(args)
    except KeyboardInterrupt:  # before a run started (its own Ctrl-C is handled in the run)
        print(f"{command}: interrupted", file=sys.stderr)
        return 130


# -- musk-openai report -------------------------------------------------------------------------


def _error(exc: ProjectError) -> int:
    """Every expected error, said the same way: its message, and its exit code."""
    print(f"musk-openai report: error: {exc.prefix}{exc}", file=sys.stderr)
    return exc.exit_code


def _report(args: argparse.Namespace) -> int:
    _absolute_data_env()
    return _plan_and_run(args)


def _plan_and_run(args: argparse.Namespace) -> int:
    # nbclient logs a cell timeout as an error on stderr; the summary reports it, once.
    logging.getLogger("papermill").addHandler(logging.NullHandler())
    from musk_openai.dataset.data import load
    from musk_openai.report import runner
    from musk_openai.report.runner.outputs import InterruptedAfterSwap

    interrupts.check()
    try:
        known = runner.RawOptions.__annotations__
        plan = runner.plan_report(**{k: v for k, v in vars(args).items() if k in known})
        interrupts.check()
        load()  # a bad dataset stops the run before any kernel starts
        interrupts.check()
    except ProjectError as exc:
        return _error(exc)
    unchanged = (
        f"the previous report in {plan.output} is unchanged"
        if (plan.output / "index.html").is_file()
        else f"nothing of this run was kept in {plan.output}"
    )
    try:
        result = runner.run_plan(plan, stream=sys.stderr)
    except ProjectError as exc:
        return _error(exc)
    except KeyboardInterrupt as exc:
        quiet_stopped_kernels()
        interrupts.forget()  # pressed again while the kernels were stopped: said once
        said = (
            f"it came as the report was put in place, which was finished first: {plan.output} "
            "holds this run's report"
            if isinstance(exc, InterruptedAfterSwap)
            else f"the kernels were stopped and {unchanged}"
        )
        print(f"musk-openai report: interrupted; {said}", file=sys.stderr)
        return 130
    except OSError as exc:
        quiet_stopped_kernels()
        where = exc.filename or plan.output
        print(
            f"musk-openai report: error: {exc.strerror or exc} ({where}); {unchanged}",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug: one message, not a traceback, and no damage
        quiet_stopped_kernels()
        print(
            f"musk-openai report: error: unexpected {type(exc).__name__}: {exc}; {unchanged} "
            "(set PYTHONDEVMODE=1 or report it with this message)",
            file=sys.stderr,
        )
        return 1
    print(runner.summary(result), file=sys.stderr)
    return result.exit_code


def quiet_stopped_kernels() -> None:
    """For the rest of this process, once a run crashed or was interrupted: it killed its
    kernels, some as they started. nbclient's clean-up, left to run when Python exits, and its
    tasks still waiting on a kernel that is gone, may then fail: Python reports the first
    through ``sys.unraisablehook``, asyncio the second through its logger ("Task exception was
    never retrieved"). The command has said what happened, once."""
    sys.unraisablehook = lambda unraisable: None
    logging.getLogger("asyncio").disabled = True


def _absolute_data_env() -> None:
    """A relative $MUSK_OPENAI_DATA means the same folder here and in every kernel (whose
    working folder is notebooks/): make it absolute, from this command's folder."""
    value = os.environ.get(DATA_ENV)
    if value and not os.path.isabs(value):
        os.environ[DATA_ENV] = os.path.abspath(value)


# -- musk-openai figures, musk-openai check-notebooks -------------------------------------------


def _figures(args: argparse.Namespace) -> int:
    """What `make figures` does: every chart, both languages, into the committed figures/."""
    from musk_openai.story import charts
    from musk_openai.story.params import LANGS

    for lang in LANGS:
        try:
            written = charts.build_all(lang)
        except ProjectError as exc:
            print(f"musk-openai figures: error: {exc.prefix}{exc}", file=sys.stderr)
            return exc.exit_code
        folders = sorted({str(p.parent) for p in written})
        print(f"figures ({lang}): {len(written)} files in {', '.join(folders) or '-'}")
    return 0


def _check_notebooks(args: argparse.Namespace) -> int:
    from musk_openai.optional_imports import skip_slow_optional_imports

    skip_slow_optional_imports()  # nbformat imports jsonschema
    from musk_openai.story import notebook_checks

    folders: list[Path] = args.paths or [NOTEBOOKS_DIR]
    missing = [str(p) for p in folders if not p.exists()]
    if missing:
        print(
            f"musk-openai check-notebooks: error: no such file or folder: {', '.join(missing)}",
            file=sys.stderr,
        )
        return 2
    return notebook_checks.report(folders)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
