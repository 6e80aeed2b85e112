"""The plan of a run: every option and every notebook parameter checked, nothing written.

:func:`plan_report` parses the options (:mod:`.options`), finds the notebooks, reads what each
declares in its cell tagged ``parameters`` (papermill's ``inspect_notebook``), checks the params
file's keys against them and each job's parameters as its kernel will, and checks that the
output folder may hold a report. Any problem raises :class:`~.options.OptionError`; no kernel
has started and nothing is written.
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Unpack

from musk_openai import paths
from musk_openai.report import notebooks
from musk_openai.report.runner import declared as declared_parameters
from musk_openai.report.runner import outputs
from musk_openai.report.runner.options import (
    OptionError,
    Options,
    RawOptions,
    checked,
    read_params_file,
)
from musk_openai.report.types import BUILDING, Job, Notebook, Plan
from musk_openai.story.params import (
    DEFAULTS,
    LANGS,
    ParameterError,
    check_dpi,
    check_folder,
    check_formats,
    check_lang,
    check_notebook_parameters,
    is_canonical,
)

#: Where each job writes its figures during a run, in ``<output>/.building`` (:attr:`Job.figures`).
JOBS = "jobs"
#: Parameters every notebook declares in its cell tagged ``parameters``.
BUILTIN_PARAMETERS = ("lang", "formats", "dpi", "figures_dir")
NOTEBOOK_RE = re.compile(r"^(?P<number>\d{2})-(?P<slug>[A-Za-z0-9][A-Za-z0-9._-]*)\.ipynb$")
_SIMPLE_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
}


def plan_report(**options: Unpack[RawOptions]) -> Plan:
    """Check every option (raises :class:`OptionError`); write nothing, start no kernel.

    ``lang``, ``formats`` and ``dpi`` left at ``None`` take the params file's value, if any,
    else the defaults (both languages, png,svg, 200).
    """
    return make_plan(Options.parse(options))


def make_plan(opts: Options) -> Plan:
    """The plan of parsed options: notebooks, params file, output folder, then the jobs."""
    selected = select_notebooks(discover_notebooks(opts.notebooks_dir), opts.only)
    if not selected:
        raise OptionError(
            "--notebooks-dir", detail=f"no NN-name.ipynb notebook in {opts.notebooks_dir}"
        )
    from_file = read_params_file(opts)
    notebooks = tuple(_notebook(p) for p in selected)
    extra = _extra_parameters(opts, from_file, notebooks)
    langs = opts.langs or _file_langs(opts, from_file)
    formats = opts.formats or _from_file(opts, from_file, "formats")
    dpi = opts.dpi if opts.dpi is not None else _from_file(opts, from_file, "dpi")
    _check_output(opts)
    figures_dirs = _figures_dirs(opts, from_file, langs)
    _check_text(
        ("--output", opts.output),
        ("--notebooks-dir", opts.notebooks_dir),
        (paths.DATA_ENV, paths.data_dir()),
        *(("figures_dir", folder) for folder in figures_dirs.values()),
    )
    work, canonical = _jobs(opts, notebooks, langs, formats, dpi, figures_dirs, extra)
    return Plan(
        notebooks_dir=opts.notebooks_dir,
        output=opts.output,
        langs=langs,
        formats=formats,
        dpi=dpi,
        notebooks=notebooks,
        figures_dirs=figures_dirs,
        extra=extra,
        params_file=opts.params_file,
        jobs=opts.jobs,
        timeout=opts.timeout,
        with_code=opts.with_code,
        work=work,
        figures_root=opts.figures_root,
        # the canonical build: the committed data, default parameters, every notebook
        canonical=canonical
        and "figures_dir" not in from_file
        and paths.committed_data()
        and len(selected) == len(discover_notebooks(opts.notebooks_dir)),
        force=opts.force,
    )


# -- the notebooks ------------------------------------------------------------------------------


def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """The notebooks ``NN-name.ipynb`` of a folder, in reading order."""
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if NOTEBOOK_RE.match(p.name))


def select_notebooks(available: Sequence[Path], only: Iterable[str] | None) -> list[Path]:
    """The notebooks named by ``--only`` (``01``, ``01-valuation-growth``, or the file name)."""
    if only is None:
        return list(available)
    names = list(only)
    allowed = _allowed_names(available)
    if not names:
        raise OptionError("--only", detail="no notebook given", allowed=allowed)
    chosen: list[Path] = []
    for raw in names:
        key = Path(str(raw).strip()).name
        stem = key.removesuffix(".ipynb")
        if re.fullmatch(r"\d{1,2}", stem):
            matches = [p for p in available if p.name[:2] == stem.zfill(2)]
        else:
            matches = [p for p in available if p.stem == stem]
        if len(matches) != 1:
            what = "matches several notebooks" if matches else "is not a notebook of this project"
            raise OptionError("--only", raw, allowed, detail=f"which {what}")
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return sorted(chosen)


def _allowed_names(available: Sequence[Path]) -> str:
    if not available:
        return "(no NN-name.ipynb notebook found)"
    return ", ".join(p.stem for p in available) + " (or just the number, e.g. 01)"


def _notebook(path: Path) -> Notebook:
    try:
        declared = declared_parameters.inspect(path)
    except Exception as exc:  # a notebook papermill cannot read: say which
        raise OptionError("--only", detail=f"cannot read the notebook {path}: {exc}") from None
    return Notebook(path, declared, notebooks.title(path))


# -- the params file against the notebooks ------------------------------------------------------


def _extra_parameters(
    opts: Options, from_file: Mapping[str, Any], notebooks: Sequence[Notebook]
) -> dict[str, Any]:
    """The params file's parameters other than the builtin ones, each declared by a notebook
    run and of the type the notebook declares."""
    declared = {name for nb in notebooks for name in nb.declared}
    own = sorted(declared - set(BUILTIN_PARAMETERS))
    allowed = f"{', '.join([*BUILTIN_PARAMETERS, *own])} (the parameters of the notebooks run)"
    extra: dict[str, Any] = {}
    for key, value in from_file.items():
        if key not in BUILTIN_PARAMETERS and key not in declared:
            raise OptionError(opts.params_option, detail=f"unknown key {key!r}", allowed=allowed)
        if key in BUILTIN_PARAMETERS:
            continue
        if key not in DEFAULTS:  # known ones are checked with each job's parameters
            for nb in notebooks:
                _check_type(opts, nb, key, value)
        extra[key] = value
    return extra


def _check_type(opts: Options, nb: Notebook, key: str, value: object) -> None:
    spec = nb.declared.get(key)
    if spec is None:
        return
    type_name = str(spec.get("inferred_type_name", ""))
    types = _SIMPLE_TYPES.get(type_name)
    if types is None:
        return
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        raise OptionError(
            opts.params_option,
            value,
            f"a {type_name} (declared in {nb.name}.ipynb as {key}: {type_name} = "
            f"{spec.get('default')})",
            key=key,
        )


def _file_langs(opts: Options, from_file: Mapping[str, Any]) -> tuple[str, ...]:
    return (_from_file(opts, from_file, "lang"),) if "lang" in from_file else LANGS


def _from_file(opts: Options, from_file: Mapping[str, Any], key: str) -> Any:
    """A builtin parameter from the params file, checked, else its default."""
    check = {"lang": check_lang, "formats": check_formats, "dpi": check_dpi}[key]
    if key not in from_file:
        return check(DEFAULTS[key])
    return checked(opts.params_option, from_file[key], check, key=key)


# -- the folders --------------------------------------------------------------------------------


def _check_text(*named: tuple[str, Path]) -> None:
    """Kernels receive their paths as text (UTF-8): a path whose bytes are not text in this
    locale (a non-ASCII name under LC_ALL=C with PYTHONUTF8=0) is refused before anything runs."""
    for option, path in named:
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            raise OptionError(
                option,
                os.fsencode(path).decode("utf-8", "replace"),
                "a path whose name is text in this locale",
                detail="its name has bytes this locale cannot read as text: run with "
                "PYTHONUTF8=1 or in a UTF-8 locale (LC_ALL=C.UTF-8)",
            ) from None


def _check_output(opts: Options) -> None:
    out = opts.output
    why = outputs.refusal(out)
    if paths.inside(out, opts.notebooks_dir):
        why = f"it is inside the notebooks folder {opts.notebooks_dir}"
    if why:
        raise OptionError(
            "--output",
            opts.output_given or str(out),
            "a new or empty folder, or one that holds an earlier report (default: reports/)",
            detail=f"but {why}",
        )
    _check_writable("--output", out, opts.output_given or out)


def _check_writable(option: str, folder: Path, given: object) -> None:
    """Can ``folder`` be created (or written into)? Leaves nothing behind."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
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
        raise OptionError(option, str(given), "a writable folder", detail=f"but {problem}")


def _figures_dirs(
    opts: Options, from_file: Mapping[str, Any], langs: Sequence[str]
) -> dict[str, Path]:
    """Where each language's figures go: beside the pages (built aside with them), unless the
    params file names a folder (``{lang}`` in it stands for the language)."""
    building = opts.output / BUILDING / "figures"
    if "figures_dir" not in from_file:
        return {lg: building / lg for lg in langs}
    option, raw = opts.params_option, from_file["figures_dir"]
    if not isinstance(raw, str) or not raw.strip():
        raise OptionError(option, raw, "a folder path (text)", key="figures_dir")
    if len(langs) > 1 and "{lang}" not in raw:
        raise OptionError(
            option,
            raw,
            "a path containing {lang} (e.g. 'out/{lang}'), or one language with --lang",
            key="figures_dir",
            detail=f"but the figures of {len(langs)} languages would overwrite each other there",
        )
    folders = {}
    for lg in langs:
        try:
            folders[lg] = check_folder("figures_dir", raw.replace("{lang}", lg))
        except ParameterError as exc:
            raise OptionError(option, detail=str(exc)) from None
        if paths.inside(folders[lg], opts.output):
            raise OptionError(
                option,
                raw,
                "a folder outside it: leave figures_dir out, the report's figures already go to "
                "its figures/ folder",
                key="figures_dir",
                detail=f"which is inside the output folder {opts.output}",
            )
        _check_writable(f"{option} figures_dir", folders[lg], folders[lg])
    return folders


# -- the jobs -----------------------------------------------------------------------------------


def _jobs(
    opts: Options,
    notebooks: Sequence[Notebook],
    langs: Sequence[str],
    formats: Sequence[str],
    dpi: int,
    figures_dirs: Mapping[str, Path],
    extra: Mapping[str, Any],
) -> tuple[tuple[Job, ...], bool]:
    """Every notebook in every language, its parameters checked as its kernel will check them;
    and whether they are all the defaults (the canonical build)."""
    work = []
    canonical = True
    for lg in langs:
        for nb in notebooks:
            params: dict[str, Any] = {
                "lang": lg,
                "formats": ",".join(formats),
                "dpi": dpi,
                "figures_dir": str(opts.output / BUILDING / JOBS / lg / nb.name),
            }
            params.update({k: v for k, v in extra.items() if k in nb.declared})
            # lang, formats and dpi were checked once, with the option that gave them; here,
            # the notebook's own parameters (its defaults and the params file's values)
            own = {k: _declared_default(spec) for k, spec in nb.declared.items()} | params
            own = {k: v for k, v in own.items() if k not in BUILTIN_PARAMETERS}
            try:
                checked_own = check_notebook_parameters(own)
            except ParameterError as exc:
                where = opts.params_option if opts.params_file else "--params-file"
                raise OptionError(where, detail=f"{exc} (for {nb.name}.ipynb)") from None
            canonical = canonical and is_canonical(params | checked_own)
            params.update({k: checked_own[k] for k in params if k in checked_own})
            building = opts.output / BUILDING / lg / nb.path.name
            work.append(Job(nb, lg, params, building, building.with_suffix(".html")))
    return tuple(work), canonical


def _declared_default(spec: Mapping[str, Any]) -> Any:
    """A notebook parameter's default, as papermill read it from the parameters cell."""
    try:
        return ast.literal_eval(str(spec.get("default")))
    except (ValueError, SyntaxError):
        return spec.get("default")
