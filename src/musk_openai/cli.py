"""The ``musk-openai`` command: ``musk-openai report`` builds every notebook, figure and page."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

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
  <output>/index.html            every page and figure, the run's parameters, the dataset version
  <output>/<lang>/NN-name.ipynb  the executed notebook (kept up to the failing cell on failure)
  <output>/<lang>/NN-name.html   a self-contained page (open it with file://)
  <output>/figures/<lang>/       the figures (PNG, SVG, PDF on request, CSV of the data drawn)
  figures/<lang>/                also updated by the canonical build (every parameter at its
                                 default); any other run leaves the committed figures alone

The report is built in <output>/.building and put in place only when every notebook succeeded:
a failing notebook leaves the previous report as it was and puts this run in
<output>/failed-run/; Ctrl-C or a crash leaves the previous report as it was. One run at a time
per output folder. --output must be a new or empty folder, or one holding an earlier report:
never inside data/, src/, notebooks/, .git/ or figures/, nor a system or home folder.

exit status: 0 all notebooks ran, 1 a notebook failed (the others still ran), 2 bad options,
an invalid dataset or a busy output folder (nothing written, no kernel started), 130 Ctrl-C.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the option (still exit code 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n(see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="musk-openai",
        description="The money and the legal fight between Elon Musk and OpenAI, in data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
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
    rep.add_argument(
        "--lang",
        metavar="LANG",
        help="fr, en or both (default: both, or the params file's lang)",
    )
    rep.add_argument(
        "--formats",
        metavar="LIST",
        help="comma list of png, svg, pdf (default: png,svg)",
    )
    rep.add_argument(
        "--dpi", metavar="N", help="resolution of raster figures, 50-600 (default: 200)"
    )
    rep.add_argument(
        "--only",
        nargs="+",
        metavar="NOTEBOOK",
        help="run only these notebooks: 01, 01-valuation-growth or 01-valuation-growth.ipynb",
    )
    rep.add_argument("--output", metavar="DIR", help="output folder (default: reports/)")
    rep.add_argument(
        "--params-file",
        metavar="FILE.yaml",
        help="YAML mapping of notebook parameters applied to every notebook",
    )
    rep.add_argument(
        "--jobs",
        metavar="N",
        help=f"notebooks run at once (default: the number of CPUs, here {os.cpu_count()})",
    )
    rep.add_argument(
        "--timeout", metavar="SECONDS", default="300", help="time limit per cell (default: 300)"
    )
    rep.add_argument(
        "--with-code", action="store_true", help="show the code cells in the HTML pages"
    )
    rep.add_argument(
        "--notebooks-dir",
        metavar="DIR",
        help="folder of the NN-name.ipynb notebooks (default: the project's notebooks/)",
    )
    return parser


def _skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` (3 s of grammar building, measured).

    jsonschema imports it only to check the 'iri' string format, which notebook validation
    never uses; a missing module makes jsonschema skip that one checker.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _absolute_data_env() -> None:
    """A relative $MUSK_OPENAI_DATA means the same folder here and in every kernel (whose
    working folder is notebooks/): make it absolute, from this command's folder."""
    from .paths import DATA_ENV

    value = os.environ.get(DATA_ENV)
    if value and not os.path.isabs(value):
        os.environ[DATA_ENV] = os.path.abspath(value)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command != "report":  # pragma: no cover - argparse only knows 'report'
        return 2
    _skip_slow_optional_imports()
    _absolute_data_env()
    # papermill logs a cell timeout as an error on stderr; the summary reports it, once.
    logging.getLogger("papermill").addHandler(logging.NullHandler())
    from . import outputs, report
    from .params import ParameterError

    def error(message: str) -> int:
        print(f"musk-openai report: error: {message}", file=sys.stderr)
        return 2

    try:
        plan = report.plan_report(
            lang=args.lang,
            formats=args.formats,
            dpi=args.dpi,
            only=args.only,
            output=args.output,
            params_file=args.params_file,
            jobs=args.jobs,
            timeout=args.timeout,
            with_code=args.with_code,
            notebooks_dir=args.notebooks_dir,
        )
    except ParameterError as exc:
        return error(str(exc))
    from .data import DataError, load

    try:  # a bad dataset stops the run before any kernel starts
        load()
    except DataError as exc:
        return error(f"the dataset is invalid; no notebook was run.\n{exc}")
    try:
        result = report.run_plan(plan, stream=sys.stderr)
    except outputs.OutputError as exc:
        return error(str(exc))
    except KeyboardInterrupt:
        print(
            f"musk-openai report: interrupted; the kernels were stopped and the previous report "
            f"in {plan.output} is unchanged",
            file=sys.stderr,
        )
        return 130
    except OSError as exc:
        print(
            f"musk-openai report: error: {exc.strerror or exc} ({exc.filename or plan.output}); "
            f"the previous report in {plan.output} is unchanged",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug: one message, not a traceback, and no damage
        print(
            f"musk-openai report: error: unexpected {type(exc).__name__}: {exc}; the previous "
            f"report in {plan.output} is unchanged (set PYTHONDEVMODE=1 or report it with this "
            "message)",
            file=sys.stderr,
        )
        return 1
    print(report.summary(result), file=sys.stderr)
    return result.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
