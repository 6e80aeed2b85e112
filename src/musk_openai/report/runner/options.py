"""The runner's options, parsed once into :class:`Options`; a bad one raises :class:`OptionError`.

Options come as text (the command line) or as Python values (the API): ``Options.parse`` turns
either into typed values, checks each against the rules of :mod:`musk_openai.story.params` (the same
rules a notebook's kernel applies), and touches no file but the notebooks folder it looks for.
The params file is read here too (:func:`read_params_file`: syntax and value types only); its
keys are checked against what the notebooks declare when the plan is made.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from musk_openai import paths
from musk_openai.story.params import (
    DPI_RANGE,
    FORMATS,
    LANGS,
    ParameterError,
    check_dpi,
    check_formats,
    check_lang,
)

DEFAULT_TIMEOUT = 300
_NO_VALUE: Any = object()

#: What each option allows, as an error message says it.
ALLOWED = {
    "lang": ", ".join(LANGS),
    "formats": f"a comma-separated list of {', '.join(FORMATS)} (e.g. 'png,svg')",
    "dpi": f"a whole number from {DPI_RANGE[0]} to {DPI_RANGE[1]}",
    "jobs": "a whole number >= 1",
    "timeout": "a whole number of seconds >= 1",
}


class OptionError(ParameterError):
    """A bad option. Its fields say which (``option``, and ``key`` for a params file's key), the
    ``value`` given, what is wrong with it (``detail``) and what is ``allowed``; ``str(err)``
    puts them in one line: ``--dpi: got '20'; allowed: a whole number from 50 to 600``."""

    def __init__(
        self,
        option: str,
        value: object = _NO_VALUE,
        allowed: str = "",
        *,
        key: str | None = None,
        detail: str = "",
    ) -> None:
        self.option, self.value, self.allowed, self.key, self.detail = (
            option,
            value,
            allowed,
            key,
            detail,
        )
        super().__init__(self.message())

    def message(self) -> str:
        said = [f"got {self.value!r}"] if self.value is not _NO_VALUE else []
        said += [self.detail] if self.detail else []
        text = ", ".join(said)
        if self.key is not None:
            text = f"key {self.key!r}: {text}"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return f"{self.option}: {text}"

    def __str__(self) -> str:
        return self.message()


class RawOptions(TypedDict, total=False):
    """The options as given (text or values); ``None`` means the default."""

    lang: str | None
    formats: str | Sequence[str] | None
    dpi: int | str | None
    only: Iterable[str] | None
    output: str | os.PathLike[str] | None
    params_file: str | os.PathLike[str] | None
    jobs: int | str | None
    timeout: int | str | None
    with_code: bool
    notebooks_dir: str | os.PathLike[str] | None
    figures_root: str | os.PathLike[str] | None
    force: bool


@dataclass(frozen=True)
class Options:
    """The parsed options. ``langs``, ``formats``, ``dpi`` left ``None`` take the params file's
    value, else the default; paths are absolute."""

    langs: tuple[str, ...] | None
    formats: tuple[str, ...] | None
    dpi: int | None
    only: tuple[str, ...] | None
    output: Path
    params_file: Path | None
    jobs: int
    timeout: int
    with_code: bool
    notebooks_dir: Path
    figures_root: Path
    #: Execute every notebook, even those an earlier run could give (``--force``).
    force: bool = False
    #: ``--output`` and ``--params-file`` as given, for messages.
    output_given: str = ""
    params_file_given: str = ""

    @property
    def params_option(self) -> str:
        """How errors in the params file name it: ``--params-file p.yaml``."""
        return f"--params-file {self.params_file_given}"

    @classmethod
    def parse(cls, raw: RawOptions) -> Options:
        """Check and type every option (plain values first; no file is read or written)."""
        unknown = sorted(set(raw) - set(RawOptions.__annotations__))
        if unknown:  # a mistyped keyword of the API, which RawOptions only checks statically
            raise TypeError(f"unknown option(s): {', '.join(unknown)}")
        lang, formats, dpi = raw.get("lang"), raw.get("formats"), raw.get("dpi")
        jobs, timeout = raw.get("jobs"), raw.get("timeout")
        langs = _langs(lang) if lang is not None else None
        if formats is not None and not isinstance(formats, str):
            formats = list(formats)
        fmt = checked("--formats", formats, check_formats) if formats is not None else None
        the_dpi = checked("--dpi", _whole(dpi), check_dpi, dpi) if dpi is not None else None
        n_jobs = _at_least_one("jobs", default_jobs() if jobs is None else jobs)
        n_timeout = _at_least_one("timeout", DEFAULT_TIMEOUT if timeout is None else timeout)
        only = raw.get("only")
        output, params_file = raw.get("output"), raw.get("params_file")
        figures_root = raw.get("figures_root")
        return cls(
            langs=langs,
            formats=fmt,
            dpi=the_dpi,
            only=None if only is None else tuple(str(n) for n in only),
            output=(
                Path(output).expanduser() if output is not None else paths.REPORTS_DIR
            ).resolve(),
            params_file=Path(params_file).resolve() if params_file is not None else None,
            jobs=n_jobs,
            timeout=n_timeout,
            with_code=bool(raw.get("with_code", False)),
            notebooks_dir=_notebooks_dir(raw.get("notebooks_dir")),
            figures_root=Path(figures_root).resolve() if figures_root else paths.FIGURES_DIR,
            force=bool(raw.get("force", False)),
            output_given=str(output) if output is not None else "",
            params_file_given=str(params_file) if params_file is not None else "",
        )


def default_jobs() -> int:
    """Notebooks run at once by default: one more than the CPUs, since each kernel spends part
    of its time waiting for messages (measured on 2 CPUs: 3 at once build the report in 8 s,
    2 in 10 s; benchmarks/bench_report.py)."""
    return (os.cpu_count() or 1) + 1


def _langs(lang: str) -> tuple[str, ...]:
    if lang == "both":
        return LANGS
    return (checked("--lang", lang, check_lang, allowed=f"{ALLOWED['lang']} or both"),)


def checked(
    option: str,
    value: object,
    check: Callable[[object], Any],
    given: object = _NO_VALUE,
    *,
    allowed: str | None = None,
    key: str | None = None,
) -> Any:
    """``check(value)``, its :class:`ParameterError` turned into an :class:`OptionError`."""
    name = key or option.removeprefix("--")
    try:
        return check(value)
    except ParameterError:
        shown = value if given is _NO_VALUE else given
        raise OptionError(
            option, shown, allowed or ALLOWED[name], key=key, detail=_bad_items(name, value)
        ) from None


def _bad_items(name: str, value: object) -> str:
    """For a list of formats: which items are not allowed."""
    if name != "formats" or not isinstance(value, str | list | tuple):
        return ""
    items = value.split(",") if isinstance(value, str) else value
    bad = [item for item in items if str(item).strip().lower() not in FORMATS]
    if not bad:
        return ""
    return f"where {', '.join(repr(b) for b in bad)} {'is' if len(bad) == 1 else 'are'} not allowed"


def _whole(value: object) -> object:
    """A whole number given as text (``--dpi 300``) as an int; anything else as it is."""
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    return value


def _at_least_one(name: str, value: object) -> int:
    number = _whole(value)
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise OptionError(f"--{name}", value, ALLOWED[name])
    return number


def _notebooks_dir(given: str | os.PathLike[str] | None) -> Path:
    folder = (Path(given) if given is not None else paths.NOTEBOOKS_DIR).resolve()
    if not folder.is_dir():
        raise OptionError("--notebooks-dir", str(folder), detail="which is not a folder")
    return folder


# -- the params file ---------------------------------------------------------------------------


#: A params file holds a few parameters: anything larger is not one.
PARAMS_FILE_LIMIT = 64 * 1024


def params_loader() -> type:
    """PyYAML's safe loader, dates left as text (as ``papermill -f`` reads them: a notebook's
    ``start: "2023-01"`` stays a string)."""
    import yaml

    class TextDates(yaml.SafeLoader):
        pass

    TextDates.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return TextDates


def read_params_file(options: Options) -> dict[str, Any]:
    """The params file's mapping of parameter names to plain values, dates left as text (as
    ``papermill -f`` reads them); ``{}`` without a params file. No YAML aliases (``*a``): plain
    values only, and no file over :data:`PARAMS_FILE_LIMIT` bytes."""
    if options.params_file is None:
        return {}
    import yaml

    loader = params_loader()
    option, path = options.params_option, options.params_file
    try:
        with path.open("rb") as f:
            raw = f.read(PARAMS_FILE_LIMIT + 1)
        if len(raw) > PARAMS_FILE_LIMIT:
            raise OptionError(
                option,
                detail=f"{str(path)!r} is over {PARAMS_FILE_LIMIT // 1024} KB",
                allowed="a few parameters",
            )
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise OptionError("--params-file", str(path), detail="which does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionError("--params-file", detail=f"cannot read {str(path)!r}: {exc}") from None
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=loader)):
            raise RecursionError
        loaded = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
        for key, value in loaded.items() if isinstance(loaded, dict) else ():
            _plain_value(option, key, value)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise OptionError(option, detail=f"not valid YAML{line}: {exc}") from None
    except RecursionError:
        raise OptionError(
            option,
            detail="a value refers to another (a YAML alias, *name)",
            allowed="plain values",
        ) from None
    return _mapping(option, loaded)


def _mapping(option: str, loaded: object) -> dict[str, Any]:
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise OptionError(
            option,
            detail=f"got a {type(loaded).__name__}",
            allowed="a mapping of parameter names to values (e.g. 'dpi: 150')",
        )
    for key in loaded:
        if not isinstance(key, str) or not key.isidentifier():
            raise OptionError(
                option,
                detail=f"key {key!r} is not a parameter name",
                allowed="Python identifiers such as 'dpi'",
            )
    return dict(loaded)


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
        raise OptionError(option, value, "text, numbers, booleans, lists, mappings", key=str(key))
