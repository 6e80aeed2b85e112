"""The report runner: every notebook, in every language, executed and rendered to HTML.

Execution is papermill's (one fresh ``python3`` kernel per notebook, its working folder the
notebooks folder, a per-cell timeout), run in parallel from a pool of threads; rendering is
nbconvert's :class:`HTMLExporter`, in this process, with one exporter reused for every page.
Every parameter is validated before any kernel starts: a bad one raises
:class:`~musk_openai.params.ParameterError` naming the option, and nothing is written.

Layout of the output folder (default ``reports/``)::

    index.html              every page, every figure, the run's parameters, the dataset version
    <lang>/NN-name.ipynb    the executed notebook (kept up to the failing cell on failure)
    <lang>/NN-name.html     a self-contained page: images embedded, no external script/style/font

The notebooks write their figures to ``figures/<lang>/`` (their ``figures_dir`` parameter), which
the runner always passes explicitly. The runner writes nowhere else.
"""

from __future__ import annotations

import html
import os
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import outputs, paths
from .params import (
    DEFAULTS,
    DPI_RANGE,
    LANGS,
    ParameterError,
    check_dpi,
    check_folder,
    check_formats,
    check_lang,
    check_notebook_parameters,
    is_canonical,
)

#: Parameters every notebook declares in its cell tagged ``parameters``.
BUILTIN_PARAMETERS = ("lang", "formats", "dpi", "figures_dir")
DEFAULT_TIMEOUT = 300
KERNEL_NAME = "python3"
NOTEBOOK_RE = re.compile(r"^(?P<number>\d{2})-(?P<slug>[A-Za-z0-9][A-Za-z0-9._-]*)\.ipynb$")
#: Files of a figures folder that the index shows or links, by suffix.
IMAGE_SUFFIXES = (".png", ".svg", ".pdf")
LINKED_SUFFIXES = (".png", ".svg", ".pdf", ".csv")

_SIMPLE_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
}


class OptionError(ParameterError):
    """A bad option of the runner; ``str(err)`` names the option, the value, what is allowed."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option


# --------------------------------------------------------------------------------------------
# The plan: everything validated, nothing written.


@dataclass(frozen=True)
class Notebook:
    """One source notebook ``NN-name.ipynb``."""

    path: Path
    declared: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def number(self) -> str:
        return self.path.name[:2]


@dataclass(frozen=True)
class Job:
    """One notebook in one language."""

    notebook: Notebook
    lang: str
    parameters: Mapping[str, Any]
    executed: Path
    page: Path

    @property
    def label(self) -> str:
        return f"{self.notebook.name} ({self.lang})"


@dataclass(frozen=True)
class Plan:
    """A validated run: what to execute, with which parameters, and where the results go."""

    notebooks_dir: Path
    output: Path
    langs: tuple[str, ...]
    formats: tuple[str, ...]
    dpi: int
    notebooks: tuple[Notebook, ...]
    figures_dirs: Mapping[str, Path]
    extra: Mapping[str, Any]
    params_file: Path | None
    jobs: int
    timeout: int
    with_code: bool
    work: tuple[Job, ...]
    #: Where the canonical build's figures are installed (the committed figures/).
    figures_root: Path = paths.FIGURES_DIR
    #: Every parameter at its default: the figures are also installed into ``figures_root``.
    canonical: bool = False


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """The notebooks ``NN-name.ipynb`` of a folder, in reading order."""
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if NOTEBOOK_RE.match(p.name))


def select_notebooks(available: Sequence[Path], only: Iterable[str] | None) -> list[Path]:
    """The notebooks named by ``--only`` (``01``, ``01-valuation-growth``, or the file name)."""
    if only is None:
        return list(available)
    names = [n for n in only]
    if not names:
        raise OptionError("--only", "no notebook given; allowed: " + _allowed_names(available))
    chosen: list[Path] = []
    for raw in names:
        key = Path(str(raw).strip()).name
        stem = key[: -len(".ipynb")] if key.endswith(".ipynb") else key
        if re.fullmatch(r"\d{1,2}", stem):
            matches = [p for p in available if p.name[:2] == stem.zfill(2)]
        else:
            matches = [p for p in available if p.stem == stem]
        if len(matches) != 1:
            what = "matches several notebooks" if matches else "is not a notebook of this project"
            raise OptionError(
                "--only", f"got {raw!r}, which {what}; allowed: " + _allowed_names(available)
            )
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return sorted(chosen)


def _allowed_names(available: Sequence[Path]) -> str:
    if not available:
        return "(no NN-name.ipynb notebook found)"
    return ", ".join(p.stem for p in available) + " (or just the number, e.g. 01)"


def _parse_int(option: str, value: object, lo: int, hi: int | None, what: str) -> int:
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        number = int(text) if re.fullmatch(r"[+-]?\d+", text) else None
    if number is None or number < lo or (hi is not None and number > hi):
        raise OptionError(option, f"got {value!r}; allowed: {what}")
    return number


def _check_langs(lang: object) -> tuple[str, ...]:
    if lang == "both":
        return LANGS
    try:
        return (check_lang(lang),)
    except ParameterError:
        raise OptionError("--lang", f"got {lang!r}; allowed: {', '.join(LANGS)} or both") from None


def _check_formats_option(formats: object) -> tuple[str, ...]:
    try:
        return check_formats(formats)
    except ParameterError as exc:
        raise OptionError("--formats", str(exc).removeprefix("parameter 'formats': ")) from None


def _check_dpi_option(dpi: object) -> int:
    lo, hi = DPI_RANGE
    value = _parse_int("--dpi", dpi, lo, hi, f"a whole number from {lo} to {hi}")
    return check_dpi(value)


def _plain_value(option: str, key: object, value: object, depth: int = 0) -> None:
    """Values of a params file must be plain YAML: text, numbers, booleans, lists, mappings."""
    if depth > 20:
        raise RecursionError
    if isinstance(value, list):
        for item in value:
            _plain_value(option, key, item, depth + 1)
    elif isinstance(value, dict):
        for k, item in value.items():
            _plain_value(option, key, k, depth + 1)
            _plain_value(option, key, item, depth + 1)
    elif value is not None and not isinstance(value, str | int | float | bool):
        raise OptionError(
            option, f"key {key!r}: got {value!r}; allowed: text, numbers, booleans, lists, mappings"
        )


def read_params_file(path: Path, shown: object = None) -> dict[str, Any]:
    """Read a YAML mapping of notebook parameters (syntax and value types only), with
    papermill's own YAML reader (``papermill -f``: dates stay text)."""
    import yaml
    from papermill.iorw import NoDatesSafeLoader

    option = f"--params-file {path if shown is None else shown}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OptionError("--params-file", f"got {str(path)!r}, which does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionError("--params-file", f"cannot read {str(path)!r}: {exc}") from None
    try:
        loaded = yaml.load(text, Loader=NoDatesSafeLoader)  # noqa: S506 - a safe loader
        for key, value in (loaded or {}).items() if isinstance(loaded, dict) else ():
            _plain_value(option, key, value)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise OptionError(option, f"not valid YAML{line}: {exc}") from None
    except RecursionError:
        raise OptionError(
            option,
            "a value refers to itself (a YAML alias inside its own anchor); allowed: plain values",
        ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise OptionError(
            option,
            f"got a {type(loaded).__name__}; allowed: a mapping of parameter names to values "
            "(e.g. 'dpi: 150')",
        )
    for key in loaded:
        if not isinstance(key, str) or not key.isidentifier():
            raise OptionError(
                option, f"key {key!r} is not a parameter name (a Python identifier such as 'dpi')"
            )
    return dict(loaded)


def _inspect(path: Path) -> dict[str, dict[str, Any]]:
    import papermill

    try:
        declared: dict[str, dict[str, Any]] = papermill.inspect_notebook(str(path))
    except Exception as exc:  # a notebook papermill cannot read: say which
        raise OptionError("--only", f"cannot read the notebook {path}: {exc}") from None
    return declared


def _nearest_existing(path: Path) -> Path:
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe


def _check_writable(option: str, folder: Path, given: object) -> None:
    """Can ``folder`` be created (or written into)? Leaves nothing behind."""
    existing = _nearest_existing(folder)
    problem = None
    if existing == folder and not folder.is_dir():
        problem = "it exists and is not a folder"
    elif not existing.is_dir():
        problem = f"{existing} is not a folder"
    else:
        try:
            fd, probe = tempfile.mkstemp(prefix=".musk-openai-probe-", dir=existing)
        except OSError as exc:
            problem = f"{existing} is not writable ({exc.strerror or exc})"
        else:
            os.close(fd)
            os.unlink(probe)
    if problem:
        raise OptionError(option, f"got {str(given)!r}, but {problem}; allowed: a writable folder")


def _declared_default(spec: Mapping[str, Any]) -> Any:
    """A notebook parameter's default, as papermill read it from the parameters cell."""
    import ast

    try:
        return ast.literal_eval(str(spec.get("default")))
    except (ValueError, SyntaxError):
        return spec.get("default")


def plan_report(
    *,
    lang: str | None = None,
    formats: str | Sequence[str] | None = None,
    dpi: int | str | None = None,
    only: Iterable[str] | None = None,
    output: str | os.PathLike[str] | None = None,
    params_file: str | os.PathLike[str] | None = None,
    jobs: int | str | None = None,
    timeout: int | str = DEFAULT_TIMEOUT,
    with_code: bool = False,
    notebooks_dir: str | os.PathLike[str] | None = None,
    figures_root: str | os.PathLike[str] | None = None,
) -> Plan:
    """Validate every option (raises :class:`OptionError`); write nothing, start no kernel.

    ``lang``, ``formats`` and ``dpi`` left at ``None`` take the params file's value, if any,
    else the defaults (both languages, png,svg, 200).
    """
    # Plain options first, then the notebooks, then the params file, then the folders.
    langs = _check_langs(lang) if lang is not None else None
    fmt_option = None
    if formats is not None:
        joined = formats if isinstance(formats, str) else ",".join(formats)
        fmt_option = _check_formats_option(joined)
    dpi_option = _check_dpi_option(dpi) if dpi is not None else None
    cpus = os.cpu_count() or 1
    n_jobs = _parse_int("--jobs", cpus if jobs is None else jobs, 1, None, "a whole number >= 1")
    n_timeout = _parse_int("--timeout", timeout, 1, None, "a whole number of seconds >= 1")

    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS_DIR
    nb_dir = nb_dir.resolve()
    if not nb_dir.is_dir():
        raise OptionError("--notebooks-dir", f"got {str(nb_dir)!r}, which is not a folder")
    fig_root = Path(figures_root).resolve() if figures_root is not None else paths.FIGURES_DIR

    available = discover_notebooks(nb_dir)
    selected = select_notebooks(available, only)
    if not selected:
        raise OptionError("--notebooks-dir", f"no NN-name.ipynb notebook in {nb_dir}")

    # The params file: syntax first, then the keys against what the notebooks declare.
    extra: dict[str, Any] = {}
    pfile = Path(params_file).resolve() if params_file is not None else None
    from_file = read_params_file(pfile, params_file) if pfile is not None else {}
    notebooks = tuple(Notebook(p, _inspect(p)) for p in selected)
    option = f"--params-file {params_file}"
    declared_by: dict[str, list[str]] = {}
    for nb in notebooks:
        for name in nb.declared:
            declared_by.setdefault(name, []).append(nb.name)
    allowed = list(BUILTIN_PARAMETERS) + sorted(set(declared_by) - set(BUILTIN_PARAMETERS))
    for key, value in from_file.items():
        if key not in allowed:
            raise OptionError(
                option,
                f"unknown key {key!r}; allowed: {', '.join(allowed)} (the parameters "
                "of the notebooks run)",
            )
        if key in BUILTIN_PARAMETERS:
            continue
        if key in DEFAULTS:  # checked (and normalised) with the job's parameters below
            extra[key] = value
            continue
        for nb in notebooks:
            spec = nb.declared.get(key)
            if spec is None:
                continue
            types = _SIMPLE_TYPES.get(str(spec.get("inferred_type_name", "")))
            bad_bool = isinstance(value, bool) and bool not in (types or ())
            if types is not None and (bad_bool or not isinstance(value, types)):
                raise OptionError(
                    option,
                    f"key {key!r}: got {value!r}; allowed: a {spec['inferred_type_name']} "
                    f"(declared in {nb.name}.ipynb as {key}: {spec['inferred_type_name']} = "
                    f"{spec.get('default')})",
                )
        extra[key] = value

    def from_params(key: str, check: Callable[[object], Any]) -> Any:
        try:
            return check(from_file[key])
        except ParameterError as exc:
            raise OptionError(option, f"key {str(exc).removeprefix('parameter ')}") from None

    if langs is None:
        langs = (from_params("lang", check_lang),) if "lang" in from_file else LANGS
    if fmt_option is not None:
        fmt = fmt_option
    elif "formats" in from_file:
        fmt = from_params("formats", check_formats)
    else:
        fmt = check_formats(DEFAULTS["formats"])
    if dpi_option is not None:
        the_dpi = dpi_option
    elif "dpi" in from_file:
        the_dpi = from_params("dpi", check_dpi)
    else:
        the_dpi = check_dpi(DEFAULTS["dpi"])

    out = Path(output).expanduser() if output is not None else paths.REPORTS_DIR
    out = out.resolve()
    why = outputs.refusal(out)
    if paths.inside(out, nb_dir):
        why = f"it is inside the notebooks folder {nb_dir}"
    if why:
        raise OptionError(
            "--output",
            f"got {str(output or out)!r}, but {why}; allowed: a new or empty folder, "
            "or one that holds an earlier report (default: reports/)",
        )
    _check_writable("--output", out, output if output is not None else out)

    # Figures go beside the pages (built aside with them) unless the params file names a folder.
    figures_dirs: dict[str, Path] = {}
    user_figures = "figures_dir" in from_file
    if user_figures:
        raw = from_file["figures_dir"]
        if not isinstance(raw, str) or not raw.strip():
            raise OptionError(
                option, f"key 'figures_dir': got {raw!r}; allowed: a folder path (text)"
            )
        if len(langs) > 1 and "{lang}" not in raw:
            raise OptionError(
                option,
                f"key 'figures_dir': got {raw!r} for {len(langs)} languages, whose figures would "
                "overwrite each other; allowed: a path containing {lang} (e.g. 'out/{lang}'), "
                "or run one language with --lang",
            )
        for lg in langs:
            try:
                figures_dirs[lg] = check_folder("figures_dir", raw.replace("{lang}", lg))
            except ParameterError as exc:
                raise OptionError(option, f"key {str(exc).removeprefix('parameter ')}") from None
            if paths.inside(figures_dirs[lg], out):
                raise OptionError(
                    option,
                    f"key 'figures_dir': got {raw!r}, which is inside the output folder {out}; "
                    "the report's figures already go to its figures/ folder: leave it out",
                )
            _check_writable(f"{option} figures_dir", figures_dirs[lg], figures_dirs[lg])
    else:
        figures_dirs = {lg: out / outputs.BUILDING / "figures" / lg for lg in langs}

    work = []
    canonical = not user_figures
    for lg in langs:
        for nb in notebooks:
            params: dict[str, Any] = {
                "lang": lg,
                "formats": ",".join(fmt),
                "dpi": the_dpi,
                "figures_dir": str(figures_dirs[lg]),
            }
            params.update({k: v for k, v in extra.items() if k in nb.declared})
            # The notebook's own parameters, with its defaults, checked as its kernel will.
            own = {k: _declared_default(spec) for k, spec in nb.declared.items()}
            own.update(params)
            try:
                checked = check_notebook_parameters(own)
            except ParameterError as exc:
                where = option if pfile is not None else "--params-file"
                raise OptionError(where, f"{exc} (for {nb.name}.ipynb)") from None
            canonical = canonical and is_canonical(checked)
            params.update({k: checked[k] for k in params if k not in ("figures_dir",)})
            building = out / outputs.BUILDING / lg / nb.path.name
            work.append(Job(nb, lg, params, building, building.with_suffix(".html")))

    return Plan(
        notebooks_dir=nb_dir,
        output=out,
        langs=langs,
        formats=fmt,
        dpi=the_dpi,
        notebooks=notebooks,
        figures_dirs=figures_dirs,
        extra=extra,
        params_file=pfile,
        jobs=n_jobs,
        timeout=n_timeout,
        with_code=with_code,
        work=tuple(work),
        figures_root=fig_root,
        canonical=canonical,
    )


# --------------------------------------------------------------------------------------------
# Execution


@dataclass(frozen=True)
class Failure:
    """Where and why a notebook failed. ``cell`` counts from 0 in the source notebook."""

    cell: int | None
    executed_cell: int | None
    source_line: str
    ename: str
    evalue: str

    def describe(self) -> str:
        if self.cell is not None:
            where = f"cell {self.cell}"
            if self.executed_cell is not None and self.executed_cell != self.cell:
                where += f" (cell {self.executed_cell} of the executed copy)"
        elif self.executed_cell is not None:
            where = f"cell {self.executed_cell} of the executed copy"
        else:
            where = "before any cell ran"
        line = f": {self.source_line}" if self.source_line else ""
        return f"{where}{line}\n    {self.ename}: {self.evalue}"


@dataclass(frozen=True)
class Result:
    job: Job
    seconds: float
    failure: Failure | None = None
    page_written: bool = False

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class Report:
    plan: Plan
    results: tuple[Result, ...]
    index: Path
    seconds: float
    #: Where the run's pages are: the output folder, or its failed-run/ when a notebook failed.
    location: Path | None = None

    def final(self, path: Path) -> Path:
        """Where a file the run built (in ``<output>/.building``) ended up."""
        building = self.plan.output / outputs.BUILDING
        if self.location is None or not paths.inside(path, building):
            return path
        return self.location / path.relative_to(building)

    @property
    def failures(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def read_notebook(path: Path) -> Any:
    """An nbformat v4 notebook node."""
    import nbformat

    return nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call, unused-ignore]


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def _failing_cell(nb: Any) -> int | None:
    """Index of the failing cell of a saved executed notebook: the one with an error output or
    marked by papermill, else (a timeout, a dead kernel) the last cell that started."""
    started = None
    for i, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if meta.get("exception") is True or any(
            o.get("output_type") == "error" for o in cell.get("outputs", [])
        ):
            return i
        if meta.get("start_time"):
            started = i
    return started


def _failure_from(job: Job, exc: BaseException) -> Failure:
    """Describe a failure: the cell (found in the saved partial notebook), its first line, the
    error. The cell is counted in the source notebook, matched by cell id (papermill adds cells
    of its own to the executed copy: the parameters, an error banner)."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        ename, evalue, line = str(exc.ename), str(exc.evalue), _first_line(str(exc.source))
    else:
        ename = type(exc).__name__
        evalue = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        line = ""
    try:
        executed = read_notebook(job.executed)
        source = read_notebook(job.notebook.path)
    except Exception:  # noqa: BLE001 - no partial notebook: describe the failure without it
        return Failure(None, None, line, ename, evalue)
    idx = _failing_cell(executed)
    if idx is None:
        return Failure(None, None, line, ename, evalue)
    cell = executed.cells[idx]
    ids = {c.get("id"): i for i, c in enumerate(source.cells)}
    return Failure(ids.get(cell.get("id")), idx, line or _first_line(cell.source), ename, evalue)


def _kernel_config() -> Any:
    """CurveZMQ keys for the kernel's sockets: the kernel's messages are not plain text on TCP
    (and ipykernel does not warn about it once per notebook)."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport_encryption": "auto"}})


def execute_job(job: Job, timeout: int, notebooks_dir: Path) -> Result:
    """Execute one notebook with papermill; a failure is returned, not raised."""
    import papermill

    start = time.perf_counter()
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(job.notebook.path),
            str(job.executed),
            parameters=dict(job.parameters),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=True,
            execution_timeout=timeout,
            # The kernel's working folder. Not papermill's cwd=, which calls os.chdir() and so
            # changes the folder of every thread of this process.
            resources={"metadata": {"path": str(notebooks_dir)}},
            config=_kernel_config(),
            # The kernel's log: jupyter_client interrupts every kernel it shuts down, which the
            # kernel logs as an ERROR ("KeyboardInterrupt caught in kernel"). Cell errors are
            # reported from the notebook itself.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except Exception as exc:  # noqa: BLE001 - any failure of one notebook must not stop the others
        return Result(job, time.perf_counter() - start, _failure_from(job, exc))
    return Result(job, time.perf_counter() - start)


# --------------------------------------------------------------------------------------------
# HTML

_PAGE_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{#- No file is fetched from the network: no require.js, MathJax, widgets or mermaid CDN. -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
nav.musk-report { font: 14px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 1rem auto 0;
  padding: 0 1rem; }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
<nav class="musk-report"><a href="../index.html">&larr; report index</a></nav>
{%- endblock body_header -%}
"""


class PageRenderer:
    """One nbconvert :class:`HTMLExporter`, built once, rendering self-contained pages."""

    def __init__(self, with_code: bool) -> None:
        import jinja2
        from nbconvert import HTMLExporter

        self.exporter = HTMLExporter(  # type: ignore[no-untyped-call, unused-ignore]
            template_name="lab",
            extra_loaders=[jinja2.DictLoader({"musk_report.html.j2": _PAGE_TEMPLATE})],
            template_file="musk_report.html.j2",
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


def notebook_title(path: Path) -> str:
    """The first Markdown heading of a notebook, else its file name."""
    try:
        nb = read_notebook(path)
    except Exception:  # noqa: BLE001 - the title is cosmetic
        return path.stem
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
                if m:
                    return m.group(1)
    return path.stem


def _href(target: Path, base: Path) -> str:
    """A link from the report folder ``base`` (its .building copy while it is built)."""
    if base.name == outputs.BUILDING and not paths.inside(target, base):
        base = base.parent  # outside the report: relative to where the report is put
    rel = os.path.relpath(target, base)
    return urllib.parse.quote(Path(rel).as_posix())


_INDEX_CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f;
  margin: 0; background: #fafafa; }
main { max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .25rem .75rem .25rem 0; vertical-align: top; }
th { font-weight: 600; color: #444; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
ol.pages { padding-left: 1.25rem; } ol.pages li { margin: .35rem 0; }
.ok { color: #1a7f37; } .failed { color: #b42318; font-weight: 600; }
pre.error { background: #fff1f0; border-left: 3px solid #b42318; padding: .5rem;
  white-space: pre-wrap; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 1rem; }
figure { margin: 0; background: #fff; border: 1px solid #e3e3e3; border-radius: 6px;
  padding: .5rem; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: .85rem; color: #444; margin-top: .35rem; word-break: break-all; }
"""


def _figure_groups(folder: Path, numbers: Sequence[str]) -> list[tuple[str, list[Path]]]:
    """Figure stems of a folder, grouped by the notebook number that prefixes their name."""
    if not folder.is_dir():
        return []
    stems: dict[str, list[Path]] = {}
    for f in sorted(folder.iterdir()):
        if f.is_file() and f.suffix.lower() in LINKED_SUFFIXES:
            stems.setdefault(f.stem, []).append(f)
    images = {s: fs for s, fs in stems.items() if any(f.suffix in IMAGE_SUFFIXES for f in fs)}
    groups: dict[str, list[Path]] = {}
    for stem, files in sorted(images.items()):
        m = re.match(r"^(\d{2})[-_]", stem)
        key = m.group(1) if m and m.group(1) in numbers else ("" if not m else None)
        if key is None:  # a figure of a notebook this run did not execute
            continue
        groups.setdefault(key, []).extend(files)
    order = [n for n in numbers if n in groups] + ([""] if "" in groups else [])
    return [(k, groups[k]) for k in order]


def write_index(plan: Plan, results: Sequence[Result], dataset_version: str) -> Path:
    """``<output>/.building/index.html``: the pages, the figures, the parameters.

    Links are relative to the report folder, so they hold once the run is put in place.
    Deterministic.
    """
    out = plan.output / outputs.BUILDING
    e = html.escape
    by_job = {(r.job.lang, r.job.notebook.name): r for r in results}
    titles = {nb.name: notebook_title(nb.path) for nb in plan.notebooks}
    n_failed = sum(1 for r in results if not r.ok)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>musk-openai report</title>",
        f"<style>{_INDEX_CSS}</style></head>",
        "<body><main>",
        "<h1>Musk vs OpenAI: the report</h1>",
        f'<p class="sub">{_plural(len(results), "notebook")} executed, '
        + (
            f'<span class="failed">{n_failed} failed</span>'
            if n_failed
            else '<span class="ok">all succeeded</span>'
        )
        + f" &middot; dataset version <code>{e(dataset_version)}</code></p>",
        "<h2>Run parameters</h2><table>",
    ]
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
    for key in sorted(plan.extra):
        rows.append((f"parameter {key}", repr(plan.extra[key])))
    for lg in plan.langs:
        rows.append((f"figures ({lg})", _href(plan.figures_dirs[lg], out) + "/"))
    parts += [f"<tr><th>{e(k)}</th><td><code>{e(v)}</code></td></tr>" for k, v in rows]
    parts.append("</table>")

    numbers = [nb.number for nb in plan.notebooks]
    for lg in plan.langs:
        parts.append(f'<h2 id="{lg}">Pages ({e(lg)})</h2><ol class="pages">')
        for nb in plan.notebooks:
            r = by_job.get((lg, nb.name))
            if r is None:
                continue
            status = '<span class="ok">ok</span>' if r.ok else '<span class="failed">failed</span>'
            page = (
                f'<a href="{_href(r.job.page, out)}">{e(titles[nb.name])}</a>'
                if r.page_written
                else e(titles[nb.name])
            )
            parts.append(
                f"<li>{page} <code>{e(nb.name)}</code> &middot; {status} &middot; "
                f'<a href="{_href(r.job.executed, out)}">executed notebook</a>'
            )
            if r.failure is not None:
                parts.append(f'<pre class="error">{e(r.failure.describe())}</pre>')
            parts.append("</li>")
        parts.append("</ol>")

        groups = _figure_groups(plan.figures_dirs[lg], numbers)
        if groups:
            parts.append(f"<h2>Figures ({e(lg)})</h2>")
        for number, files in groups:
            name = next((nb.name for nb in plan.notebooks if nb.number == number), "")
            parts.append(f"<h3>{e(titles.get(name, 'Other figures'))}</h3>" if name else "")
            parts.append('<div class="gallery">')
            by_stem: dict[str, list[Path]] = {}
            for f in files:
                by_stem.setdefault(f.stem, []).append(f)
            for stem, fs in by_stem.items():
                shown = next((f for f in fs if f.suffix == ".png"), None) or next(
                    (f for f in fs if f.suffix == ".svg"), None
                )
                links = " ".join(
                    f'<a href="{_href(f, out)}">{e(f.suffix[1:])}</a>'
                    for f in sorted(fs, key=lambda p: LINKED_SUFFIXES.index(p.suffix))
                )
                img = (
                    f'<a href="{_href(shown, out)}"><img src="{_href(shown, out)}" alt="{e(stem)}"'
                    "></a>"
                    if shown is not None
                    else ""
                )
                parts.append(f"<figure>{img}<figcaption>{e(stem)} &middot; {links}</figcaption>")
                parts.append("</figure>")
            parts.append("</div>")
    parts += ["</main></body></html>", ""]
    index = out / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index


# --------------------------------------------------------------------------------------------
# Progress and the run


class Progress:
    """Progress of the whole run on a stream: done/total and what is running."""

    def __init__(self, total: int, stream: IO[str] | None) -> None:
        self.total = total
        self.done = 0
        self.running: list[str] = []
        self.stream = stream
        self.lock = threading.Lock()

    def _say(self, text: str) -> None:
        if self.stream is not None:
            print(text, file=self.stream, flush=True)

    def _state(self) -> str:
        running = ", ".join(self.running) if self.running else "-"
        return f"[{self.done}/{self.total}] running: {running}"

    def started(self, job: Job) -> None:
        with self.lock:
            self.running.append(job.label)
            self._say(f"{self._state()}")

    def executed(self, job: Job) -> None:
        with self.lock:
            if job.label in self.running:
                self.running.remove(job.label)

    def finished(self, result: Result) -> None:
        with self.lock:
            if result.job.label in self.running:
                self.running.remove(result.job.label)
            self.done += 1
            verdict = "ok" if result.ok else "FAILED"
            self._say(f"{self._state()} | {verdict} {result.job.label} {result.seconds:.1f}s")


def _run_one(job: Job, timeout: int, notebooks_dir: Path, progress: Progress | None) -> Result:
    if progress is not None:
        progress.started(job)
    try:
        return execute_job(job, timeout, notebooks_dir)
    finally:
        if progress is not None:
            progress.executed(job)


def _dataset_version() -> str:
    try:
        from .data import dataset_hash

        return dataset_hash()
    except Exception as exc:  # noqa: BLE001 - a missing data folder must not hide the report
        return f"unknown ({type(exc).__name__}: {exc})"


#: Every module the worker threads would otherwise import on first use. Python's imports are
#: not safe to race: two threads importing jupyter_client at once see a half-initialised module
#: (ImportError: cannot import name 'AsyncKernelManager'). tests/test_robustness.py proves that
#: no worker thread imports anything.
PRELOAD = (
    "papermill",
    "papermill.engines",
    "papermill.execute",
    "papermill.iorw",
    "papermill.translators",
    "papermill.exceptions",
    "nbclient.client",
    "nbclient.exceptions",
    "jupyter_client",
    "jupyter_client.manager",
    "jupyter_client.asynchronous.client",
    "jupyter_client.blocking.client",
    "jupyter_client.provisioning.local_provisioner",
    "ipykernel.kernelspec",
    "ipykernel.connect",
    "IPython",
    "IPython.display",
    "IPython.utils.capture",
    "psutil",
    "codeop",
    "getopt",
    "resource",
    "encodings.unicode_escape",
    "zmq.asyncio",
    "traitlets.config",
    "nbformat",
    "jinja2",
    "nbconvert",
)


def preload() -> None:
    """Import, in this (main) thread, everything a notebook run imports; before any worker."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional module: its absence is final, not a race
            pass


def _stop_kernels() -> int:
    """Kill every process this one started (the notebook kernels); returns how many."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        try:
            child.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(children, timeout=5)
    return len(children)


def _execute(plan: Plan, progress: Progress) -> list[Result]:
    """Run every job on a pool of threads, rendering each page as soon as its notebook is done.

    Ctrl-C (KeyboardInterrupt in this, the main thread) kills the kernels, which ends every
    notebook at once, waits for the threads, and is raised again.
    """
    results: list[Result] = []
    pool = ThreadPoolExecutor(max_workers=plan.jobs, thread_name_prefix="notebook")
    futures = {
        pool.submit(_run_one, job, plan.timeout, plan.notebooks_dir, progress): job
        for job in plan.work
    }
    try:
        # Built while the first kernels start: nbconvert's templates take a second.
        renderer = PageRenderer(plan.with_code)
        titles = {nb.name: notebook_title(nb.path) for nb in plan.notebooks}
        pending = set(futures)
        while pending:  # a timeout, so that Ctrl-C is seen at once
            done, pending = wait_futures(pending, timeout=0.2, return_when="FIRST_COMPLETED")
            for fut in sorted(done, key=lambda f: plan.work.index(futures[f])):
                result = _render(fut.result(), plan, renderer, titles)
                progress.finished(result)
                results.append(result)
    except BaseException:
        previous = _ignore_sigint()
        try:
            for fut in futures:
                fut.cancel()
            _stop_kernels()
            pool.shutdown(wait=True, cancel_futures=True)
        finally:
            _restore_sigint(previous)
        raise
    pool.shutdown(wait=True)
    return sorted(results, key=lambda r: plan.work.index(r.job))


def _ignore_sigint() -> Any:
    import signal

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: no traceback


def _restore_sigint(previous: Any) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGINT, previous)


def _render(result: Result, plan: Plan, renderer: PageRenderer, titles: dict[str, str]) -> Result:
    job = result.job
    page_written = False
    if job.executed.is_file():
        title = f"{titles[job.notebook.name]} ({job.lang})"
        try:
            renderer.render(job.executed, job.page, plan.notebooks_dir, title)
            page_written = True
        except Exception as exc:  # noqa: BLE001 - reported like a failed cell
            if result.ok:
                failure = Failure(None, None, "", type(exc).__name__, str(exc))
                result = Result(job, result.seconds, failure)
    return Result(job, result.seconds, result.failure, page_written)


def run_plan(plan: Plan, *, stream: IO[str] | None = sys.stderr) -> Report:
    """Execute a validated plan, built aside in ``<output>/.building`` and put in place whole.

    One run at a time per output folder (:class:`outputs.OutputError` otherwise). All notebooks
    succeeded: the new report replaces the old one, and a canonical run's figures are copied to
    ``figures_root``. A notebook failed: the old report stays, this run goes to failed-run/.
    Interrupted or crashed: the old report stays, nothing of this run is left.
    """
    started = time.perf_counter()
    preload()
    with outputs.locked(plan.output):
        building = outputs.fresh_building(plan.output)
        try:
            for lg in plan.langs:
                (building / lg).mkdir(parents=True, exist_ok=True)
                plan.figures_dirs[lg].mkdir(parents=True, exist_ok=True)
            results = _execute(plan, Progress(len(plan.work), stream))
            write_index(plan, results, _dataset_version())
            failed = any(not r.ok for r in results)
            location = outputs.install(plan.output, building, failed)
        except BaseException:
            outputs.discard(plan.output)
            raise
    if not failed and plan.canonical:
        for lg in plan.langs:
            outputs.copy_files(location / "figures" / lg, plan.figures_root / lg)
    return Report(
        plan, tuple(results), location / "index.html", time.perf_counter() - started, location
    )


def summary(report: Report) -> str:
    """What happened, for stderr: counts, time, each failure with its cell and error, and where
    everything is."""
    res = report.results
    plan = report.plan
    lines = [
        f"report: {_plural(len(res), 'notebook')} in {report.seconds:.1f} s: "
        f"{len(res) - len(report.failures)} ok, {len(report.failures)} failed"
    ]
    for r in report.failures:
        assert r.failure is not None
        lines.append(f"FAILED {r.job.notebook.path.name} ({r.job.lang}), {r.failure.describe()}")
        executed = report.final(r.job.executed)
        if executed.is_file():
            lines.append(f"    executed notebook, up to the failure: {executed}")
    if report.failures:
        lines.append(
            f"{plan.output} keeps its previous report, if any; this run's pages: {report.index}"
        )
    else:
        lines.append(f"index: {report.index}")
        for lg in plan.langs:
            where = report.final(plan.figures_dirs[lg])
            also = f" (and {plan.figures_root / lg}, the canonical build)" if plan.canonical else ""
            lines.append(f"figures ({lg}): {where}{also}")
    return "\n".join(lines)


def run_report(
    *,
    stream: IO[str] | None = sys.stderr,
    **options: Any,
) -> Report:
    """Validate (raises :class:`OptionError`, nothing written), then run the whole report.

    ``options`` are those of :func:`plan_report`; ``stream`` receives the progress (``None``:
    silent). The returned :class:`Report` has ``exit_code`` 0 (all notebooks succeeded) or 1.
    """
    return run_plan(plan_report(**options), stream=stream)
