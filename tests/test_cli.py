"""``musk-openai report``: bad options stop before any kernel, with one clear message and code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import make_notebook

from musk_openai import cli


@pytest.fixture()
def nbs(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    make_notebook(folder, "01-valuation-growth", "print(lang)")
    make_notebook(
        folder, "02-funding-sources", "print(since)", extra_parameters='\nsince: str = ""'
    )
    make_notebook(
        folder,
        "03-dispute-timeline",
        "print(start, end)",
        extra_parameters='\nstart: str = "2015"\nend: str = "2024"',
    )
    return folder


def run(capsys: pytest.CaptureFixture[str], nbs: Path, out: Path, *args: str) -> tuple[int, str]:
    code = cli.main(["report", "--notebooks-dir", str(nbs), "--output", str(out), *args])
    return code, capsys.readouterr().err


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


BAD = [
    (["--lang", "de"], ["--lang", "'de'", "fr, en or both"]),
    (["--formats", "png,gif"], ["--formats", "'gif'", "png, svg, pdf"]),
    (["--formats", ""], ["--formats"]),
    (["--dpi", "20"], ["--dpi", "'20'", "50 to 600"]),
    (["--dpi", "abc"], ["--dpi", "'abc'", "whole number"]),
    (["--only", "99"], ["--only", "'99'", "01-valuation-growth, 02-funding-sources, 03-dispute"]),
    (["--only", "valuation"], ["--only", "'valuation'", "not a notebook"]),
    (["--jobs", "0"], ["--jobs", "'0'", ">= 1"]),
    (["--timeout", "-5"], ["--timeout", "'-5'", "seconds"]),
]


@pytest.mark.parametrize(("args", "expected"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_option(
    capsys: pytest.CaptureFixture[str],
    nbs: Path,
    tmp_path: Path,
    args: list[str],
    expected: list[str],
) -> None:
    out = tmp_path / "out"
    code, err = run(capsys, nbs, out, *args)
    assert code == 2
    assert err.startswith("musk-openai report: error: ")
    assert err.count("\n") == 1, err  # one message, one line
    for text in expected:
        assert text in err
    assert not out.exists()
    assert sorted(p.name for p in nbs.iterdir()) == [
        "01-valuation-growth.ipynb",
        "02-funding-sources.ipynb",
        "03-dispute-timeline.ipynb",
    ]


PARAMS_FILES = [
    ("colour: red\n", ["--params-file", "unknown key 'colour'", "figures_dir, end, since, start"]),
    ("dpi: 5000\n", ["--params-file", "'dpi'", "5000", "50 to 600"]),
    ("lang: de\n", ["--params-file", "'lang'", "'de'", "fr, en"]),
    ("formats: [png, bmp]\n", ["--params-file", "'formats'", "'bmp'"]),
    ("a: &a [*a]\n", ["--params-file", "a YAML alias"]),
    ("a: &x 1\nb: *x\n", ["--params-file", "a YAML alias"]),
    ("since: 2024\n", ["--params-file", "'since'", "a str", "02-funding-sources"]),
    ("figures_dir: /tmp/x\n", ["--params-file", "'figures_dir'", "{lang}"]),
    ("figures_dir: /etc/{lang}\n", ["--params-file", "'figures_dir'", "system folder"]),
    ("start: 2030\nend: 2024\n", ["--params-file", "start must not be after end"]),
    ("start: '24'\n", ["--params-file", "'start'", "a year"]),
    ("- dpi\n", ["--params-file", "a mapping"]),
    ("dpi: [1\n", ["--params-file", "not valid YAML"]),
]


@pytest.mark.parametrize(("text", "expected"), PARAMS_FILES, ids=[t for t, _ in PARAMS_FILES])
def test_bad_params_file(
    capsys: pytest.CaptureFixture[str], nbs: Path, tmp_path: Path, text: str, expected: list[str]
) -> None:
    pfile = write(tmp_path / "params.yaml", text)
    out = tmp_path / "out"
    code, err = run(capsys, nbs, out, "--params-file", str(pfile))
    assert code == 2, err
    for part in expected:
        assert part in err
    assert not out.exists()


def test_missing_params_file(capsys: pytest.CaptureFixture[str], nbs: Path, tmp_path: Path) -> None:
    code, err = run(capsys, nbs, tmp_path / "out", "--params-file", str(tmp_path / "nope.yaml"))
    assert code == 2 and "--params-file" in err and "does not exist" in err


def test_output_is_a_file(capsys: pytest.CaptureFixture[str], nbs: Path, tmp_path: Path) -> None:
    blocker = write(tmp_path / "blocker", "a file, not a folder")
    code, err = run(capsys, nbs, blocker / "reports")
    assert code == 2
    assert "--output" in err and "is not a folder" in err and "writable folder" in err
    assert blocker.read_text() == "a file, not a folder"


def test_output_in_a_system_folder(capsys: pytest.CaptureFixture[str], nbs: Path) -> None:
    code, err = run(capsys, nbs, Path("/proc/musk-openai-report"))
    assert code == 2
    assert "--output" in err and "/proc, a system folder" in err


def test_output_inside_the_sources(
    capsys: pytest.CaptureFixture[str], nbs: Path, tmp_path: Path
) -> None:
    code, err = run(capsys, nbs, nbs / "out")
    assert code == 2 and "--output" in err and "inside" in err
    assert not (nbs / "out").exists()


def test_unknown_command_and_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["report", "--colour", "red"])
    assert exc.value.code == 2
    assert "--colour" in capsys.readouterr().err


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["report", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for option in ("--lang", "--formats", "--dpi", "--only", "--output", "--params-file"):
        assert option in text
    for option in ("--jobs", "--timeout", "--with-code"):
        assert option in text
    assert "examples:" in text and "musk-openai report --lang en --only 01 03" in text


@pytest.mark.slow
def test_console_script_bad_lang(nbs: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("musk-openai")
    assert script.is_file(), "pip install -e . creates the console script"
    out = tmp_path / "out"
    proc = subprocess.run(
        [str(script), "report", "--lang", "de", "--notebooks-dir", str(nbs), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "musk-openai report: error: --lang: got 'de'; allowed: fr, en or both"
    )
    assert proc.stdout == ""
    assert not out.exists()


@pytest.mark.kernel
def test_console_script_runs_a_report(nbs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pfile = write(tmp_path / "p.yaml", f"since: '2024-03'\nfigures_dir: {tmp_path}/figs/{{lang}}\n")
    script = Path(sys.executable).with_name("musk-openai")
    proc = subprocess.run(
        [str(script), "report", "--lang", "en", "--notebooks-dir", str(nbs), "--output", str(out)]
        + ["--params-file", str(pfile), "--only", "02"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "[1/1]" in proc.stderr and "1 ok, 0 failed" in proc.stderr
    assert sorted(p.name for p in (out / "en").iterdir()) == [
        "02-funding-sources.html",
        "02-funding-sources.ipynb",
        "corrections.html",
        "facts.html",
        "index.html",
        "sources",
    ]
    executed = nbformat.read(out / "en" / "02-funding-sources.ipynb", as_version=4)
    assert any("2024-03" in o.get("text", "") for c in executed.cells for o in c.get("outputs", []))


def test_ctrl_c_before_the_run_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, nbs: Path, tmp_path: Path
) -> None:
    """Ctrl-C while the options are checked (the first seconds): exit 130, one line."""
    from musk_openai.report import runner

    def interrupted(**options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "plan_report", interrupted)
    code = cli.main(["report", "--notebooks-dir", str(nbs), "--output", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 130 and err == "musk-openai report: interrupted\n"


def test_a_params_file_that_never_ends_is_refused(
    capsys: pytest.CaptureFixture[str], nbs: Path, tmp_path: Path
) -> None:
    """--params-file /dev/zero: refused once its first 64 KB are read, not a MemoryError."""
    code = cli.main(
        ["report", "--notebooks-dir", str(nbs), "--output", str(tmp_path / "o")]
        + ["--params-file", "/dev/zero"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "over 64 KB" in err and "Traceback" not in err
