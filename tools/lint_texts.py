"""Lint: the words readers see live in texts.toml, and no code tests the language.

Run by ``make lint`` (``python tools/lint_texts.py``): every string of the story room's code (the
charts, queries, tables, notebook helpers) and of the notebooks' code cells is searched for the
phrases of texts.toml and for month names; every module of the package, and every notebook, for a
test of the language (``lang == "fr"``) or a language named in the code. One regular expression
for all the phrases, compiled once: the whole lint takes well under a second.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
from babel.dates import get_month_names

from musk_openai.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from musk_openai.story import i18n, params

SRC = PROJECT_ROOT / "src" / "musk_openai"
#: The code that makes what readers of the charts and notebooks see: its words come from
#: texts.toml. (Elsewhere, French is the sources' language, checked by the dataset room, and
#: English that of developers' messages.)
PRESENTATION = [
    "story/charts",
    "story/i18n.py",
    "story/style.py",
    "story/notebook.py",
    "story/queries",
    "story/export.py",
    "story/tables.py",
]
#: The report runner names languages as output folders and as the HTML page's own language; it
#: compares languages to pick jobs and options, not words (its pages' words: texts.toml).
RUNNER = {"cli.py", "options.py", "plan.py", "render.py", "run.py", "outputs.py"}
#: params.py and the dataset's column specification define the list of languages.
LANGUAGE_LISTS = {"params.py", "schema.py", "loading.py", "columns.py"}
LANG_TEST = re.compile(
    r"""\blang\w*\s*(==|!=)|(==|!=)\s*["'](fr|en)["']|["'](fr|en)["']\s*(==|!=)"""
    r"""|\bin\s*\(\s*["'](fr|en)["']"""
)


def entries(node: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, dict[str, str]]]:
    """Every phrase of texts.toml: its dotted key and its text by language."""
    assert isinstance(node, dict)
    if any(isinstance(v, str) for v in node.values()):
        yield ".".join(path), node
        return
    for key, child in node.items():
        yield from entries(child, (*path, key))


def phrases() -> list[str]:
    """The words of texts.toml that translate (the same in both languages: names, not phrases),
    cut at their {fields} and line breaks: the pieces with at least three letters, but a single
    lower-case English word (``day``, ``valuation``: a value in the data and the code as well);
    and the month names."""
    pieces: set[str] = set()
    for key, by_lang in entries(i18n.texts()):
        if key.startswith("date.") or len(set(by_lang.values())) == 1:
            continue  # Babel date patterns; names such as "OpenAI"
        for lang, text in by_lang.items():
            for piece in re.split(r"\{[^}]*\}|\n", text):
                piece = piece.strip()
                if lang == "en" and re.fullmatch(r"[a-z]+", piece):
                    continue
                if sum(c.isalpha() for c in piece) >= 3:
                    pieces.add(piece)
    months = {
        str(m) for lang in params.LANGS for m in get_month_names("wide", locale=lang).values()
    }
    return sorted(pieces | months | {"1er"})


def matcher(found: list[str]) -> re.Pattern[str]:
    """One expression for every phrase, the longest first, each a whole word."""
    alternatives = "|".join(re.escape(p) for p in sorted(found, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def strings(code: str) -> list[tuple[int, str]]:
    """Every string constant of the code but docstrings (f-strings' literal parts included)."""
    tree = ast.parse(code)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def phrases_in(code: str, pattern: re.Pattern[str]) -> list[str]:
    """The phrases of texts.toml written in ``code``'s strings."""
    return [
        f"line {line}: {m.group(0)!r} in {text!r}"
        for line, text in strings(code)
        for m in [pattern.search(text)]
        if m
    ]


def language_tests(code: str, *, may_name_languages: bool = False) -> list[str]:
    """Tests of the language, and (unless allowed) languages named in the code."""
    bad = [
        f"line {n}: {line.strip()}"
        for n, line in enumerate(code.splitlines(), 1)
        if LANG_TEST.search(line.split("#")[0])
    ]
    if not may_name_languages:
        bad += [f"line {n}: the language {s!r}" for n, s in strings(code) if s in params.LANGS]
    return bad


def python_files(*names: str) -> list[Path]:
    roots = [SRC / n for n in names] or [SRC]
    found = {p for r in roots for p in ([r] if r.is_file() else r.rglob("*.py"))}
    return sorted(p for p in found if "__pycache__" not in p.parts)


def problems() -> list[str]:
    pattern = matcher(phrases())
    bad = [
        f"{p.relative_to(SRC)}: {x}"
        for p in python_files(*PRESENTATION)
        for x in phrases_in(p.read_text(encoding="utf-8"), pattern)
    ]
    for p in python_files():
        if p.name not in RUNNER:
            code = p.read_text(encoding="utf-8")
            allowed = p.name in LANGUAGE_LISTS
            bad += [
                f"{p.relative_to(SRC)}: {x}"
                for x in language_tests(code, may_name_languages=allowed)
            ]
    if re.search(
        r"""replace\(\s*["']\.["']\s*,\s*["'],["']""", (SRC / "story" / "i18n.py").read_text()
    ):
        bad.append("story/i18n.py: a decimal comma by string replacement (use Babel)")
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
                continue
            where = f"{path.name} cell {cell.id}"
            if LANG_TEST.search(cell.source):
                bad.append(f"{where}: a language test")
            bad += [f"{where}: {x}" for x in phrases_in(cell.source, pattern)]
    return bad


def main() -> int:
    bad = problems()
    for line in bad:
        print(f"lint_texts: {line}", file=sys.stderr)
    if bad:
        print(
            f"lint_texts: {len(bad)} problem(s): words shown to readers, and words or formats "
            "by language, belong in src/musk_openai/story/texts.toml",
            file=sys.stderr,
        )
        return 1
    print("lint_texts: no reader-facing phrase or language test outside texts.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
