"""The report runner's parts on their own: options and their errors, the progress display, the
templates (package data), and the commands that sit beside ``musk-openai report``."""

from __future__ import annotations

import io
import shutil
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from helpers import make_notebook

from musk_openai import cli
from musk_openai.paths import PROJECT_ROOT
from musk_openai.report import runner
from musk_openai.report.runner.options import OptionError, Options
from musk_openai.report.runner.progress import Progress
from musk_openai.report.site import jinja, render

# -- options -------------------------------------------------------------------------------------


def test_options_are_parsed_once_into_typed_values(tmp_path: Path) -> None:
    opts = Options.parse(
        {
            "lang": "en",
            "formats": "SVG, png,svg",
            "dpi": " 300",
            "jobs": "2",
            "timeout": 9,
            "output": tmp_path / "out",
            "only": ("01",),
            "notebooks_dir": tmp_path,
        }
    )
    assert opts.langs == ("en",) and opts.formats == ("svg", "png") and opts.dpi == 300
    assert opts.jobs == 2 and opts.timeout == 9 and opts.only == ("01",)
    assert opts.output == (tmp_path / "out").resolve() and opts.params_file is None
    both = Options.parse({"lang": "both", "formats": ["pdf"], "notebooks_dir": tmp_path})
    assert both.langs == ("fr", "en") and both.formats == ("pdf",) and both.dpi is None
    assert both.timeout == runner.DEFAULT_TIMEOUT
    with pytest.raises(TypeError, match="unknown option.*: lnag"):
        runner.plan_report(lnag="en")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("raw", "fields", "text"),
    [
        (
            {"lang": "de"},
            ("--lang", "de", "fr, en or both"),
            "--lang: got 'de'; allowed: fr, en or both",
        ),
        (
            {"formats": "png,gif"},
            ("--formats", "png,gif", "a comma-separated list of png, svg, pdf (e.g. 'png,svg')"),
            "--formats: got 'png,gif', where 'gif' is not allowed; allowed: a comma-separated",
        ),
        ({"dpi": "20"}, ("--dpi", "20", "a whole number from 50 to 600"), "--dpi: got '20'; "),
        ({"jobs": True}, ("--jobs", True, "a whole number >= 1"), "--jobs: got True; allowed"),
    ],
)
def test_an_option_error_carries_its_fields(
    tmp_path: Path, raw: dict[str, object], fields: tuple[str, object, str], text: str
) -> None:
    with pytest.raises(OptionError) as err:
        Options.parse(raw | {"notebooks_dir": tmp_path})  # type: ignore[arg-type]
    assert (err.value.option, err.value.value, err.value.allowed) == fields
    assert str(err.value).startswith(text)


def test_a_params_file_error_names_the_file_and_the_key(tmp_path: Path) -> None:
    make_notebook(tmp_path / "nbs", "01-a", "print(lang)")
    pfile = tmp_path / "p.yaml"
    pfile.write_text("dpi: 5000\n")
    with pytest.raises(OptionError) as err:
        runner.plan_report(notebooks_dir=tmp_path / "nbs", params_file=pfile, output=tmp_path / "o")
    assert err.value.option == f"--params-file {pfile}" and err.value.key == "dpi"
    assert str(err.value) == (
        f"--params-file {pfile}: key 'dpi': got 5000; allowed: a whole number from 50 to 600"
    )


# -- progress ------------------------------------------------------------------------------------


def test_progress_is_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(2, stream) as progress:
        progress.started("01-a (fr)")
        progress.started("01-a (en)")
        progress.stopped("01-a (fr)")
        progress.finished("01-a (fr)", True, 1.25)
        progress.finished("01-a (en)", False, 2.0)
    assert stream.getvalue().splitlines() == [
        "[0/2] running: 01-a (fr)",
        "[0/2] running: 01-a (fr), 01-a (en)",
        "[1/2] running: 01-a (en) | ok 01-a (fr) 1.2s",
        "[2/2] running: - | FAILED 01-a (en) 2.0s",
    ]
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal() -> None:
    stream = Terminal()
    with Progress(2, stream) as progress:
        progress.started("01-a (fr)")
        progress.finished("01-a (fr)", True, 1.0)
        progress.started("01-a (en)")
        progress.finished("01-a (en)", True, 1.0)
    screen = stream.getvalue()
    assert "\r" in screen and "2/2" in screen and "running: 01-a (en)" in screen
    assert "ok 01-a (fr) 1.0s\n" in screen and "[1/2]" not in screen


def test_progress_can_be_silent() -> None:
    with Progress(1, None) as progress:
        progress.started("x")
        progress.finished("x", True, 0.1)


# -- templates -----------------------------------------------------------------------------------


def test_templates_are_package_data() -> None:
    """Every file of the site's templates/ is package data (a wheel carries it), and each is
    loaded through the package, not a path."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    globs = pyproject["tool"]["setuptools"]["package-data"]["musk_openai.report.site"]
    folder = Path(jinja.__file__).parent
    files = sorted(p.relative_to(folder).as_posix() for p in (folder / "templates").iterdir())
    assert "templates/front.html.j2" in files and "templates/report.css" in files
    for name in files:
        assert any(fnmatch(name, glob) for glob in globs), f"{name} is not package data"
    env = jinja.templates()
    for name in files:  # page.html.j2 is nbconvert's (its filters): rendered below
        if name.endswith(".j2") and name != "templates/page.html.j2":
            assert env.get_template(name.removeprefix("templates/")) is not None
    renderer = render.PageRenderer(with_code=False)
    assert renderer.exporter.template_file == "musk_openai/page.html.j2"


def test_a_notebook_page_is_keyed_on_its_own_templates_and_what_they_include(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The templates of a notebook's page are found by Jinja2, included files too: an edit to
    one of them renders every page again; the style sheet of the report's own pages does not;
    an include named only when rendering, or a template that cannot be parsed or read, counts
    every template; a name is read as Jinja2 reads it ("./extra.css" is "extra.css")."""
    import jinja2

    found = jinja.page_templates()
    assert {"page.html.j2", "header.css", "header.html.j2", "pager.html.j2"} <= found
    assert not {"report.css", "front.html.j2", "facts.html.j2", "base.html.j2"} & found
    site = jinja.site_templates()
    assert {"report.css", "front.html.j2", "header.html.j2"} <= site and "page.html.j2" not in site
    folder = tmp_path / "templates"
    shutil.copytree(Path(jinja.__file__).parent / "templates", folder)
    pager = folder / "pager.html.j2"
    pager.write_text(pager.read_text() + '{% include "./extra.css" %}{% include name %}')
    (folder / "extra.css").write_text("")
    loader = jinja2.FileSystemLoader(str(folder))
    monkeypatch.setattr(jinja2, "PackageLoader", lambda *a, **k: loader)
    jinja.templates.cache_clear()
    try:
        everything = set(jinja.templates().list_templates())
        assert jinja.page_templates() == everything
        pager.write_text(pager.read_text().replace("{% include name %}", ""))
        assert jinja.page_templates() == found | {"extra.css"}
        pager.write_text(pager.read_text() + "{% if %}")  # broken: the page says it, not the key
        assert jinja.page_templates() == everything
        (folder / "pager.html.j2").write_bytes(b"\xff\xfe not text")
        assert jinja.page_templates() == everything
    finally:
        jinja.templates.cache_clear()


def test_the_templates_escape() -> None:
    html = (
        jinja.templates()
        .get_template("chooser.html.j2")
        .render(
            languages=[
                {"lang": "fr", "title": "<script>", "choose": "a&b", "name": "<x>"},
            ]
        )
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "a&amp;b" in html and "&lt;x&gt;" in html


# -- the other commands --------------------------------------------------------------------------


def test_figures_command_builds_both_languages(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from musk_openai.story import charts

    calls: list[str] = []

    def build_all(lang: str) -> list[Path]:
        calls.append(lang)
        return [tmp_path / lang / "01-x.png", tmp_path / lang / "01-x.svg"]

    monkeypatch.setattr(charts, "build_all", build_all)
    assert cli.main(["figures"]) == 0
    assert calls == ["fr", "en"]
    assert capsys.readouterr().out.splitlines() == [
        f"figures (fr): 2 files in {tmp_path / 'fr'}",
        f"figures (en): 2 files in {tmp_path / 'en'}",
    ]


def test_check_notebooks_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check-notebooks"]) == 0  # the project's notebooks/
    assert capsys.readouterr().out.startswith("OK: ")
    make_notebook(tmp_path, "01-a", "print(1)")
    assert cli.main(["check-notebooks", str(tmp_path)]) == 0
    capsys.readouterr()
    assert cli.main(["check-notebooks", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
