"""The report runner on tiny throw-away notebooks: outputs, failures, HTML, reproducibility."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from musk_openai import report

PARAMETERS = 'lang: str = "fr"\nformats: str = "png,svg"\ndpi: int = 200\nfigures_dir: str = ""'

PLAIN = """\
import os
print("cwd=" + os.getcwd())
print("lang=" + lang)
"""

# A deterministic figure: no date, no software tag, a fixed SVG id salt.
FIGURE = """\
import matplotlib
matplotlib.rcParams["svg.hashsalt"] = "musk-openai"
import matplotlib.pyplot as plt
from pathlib import Path
fig, ax = plt.subplots(figsize=(3, 2))
ax.bar(["a", "b"], [1, 2 if lang == "fr" else 3])
ax.set_title(lang)
out = Path(figures_dir)
out.mkdir(parents=True, exist_ok=True)
for fmt in formats.split(","):
    meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    fig.savefig(out / f"01-bars.{fmt}", dpi=dpi, metadata=meta)
plt.show()
"""


def make_notebook(folder: Path, name: str, *codes: str, title: str | None = None) -> Path:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [new_markdown_cell(f"# {title or name}")]
    nb.cells.append(new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}))
    nb.cells += [new_code_cell(code) for code in codes]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    nbs = root / "notebooks"
    nbs.mkdir()
    make_notebook(nbs, "00-plain", PLAIN, title="Plain page")
    make_notebook(nbs, "01-figure", FIGURE, title="A figure")
    return root


@pytest.fixture(scope="module")
def first_run(project: Path) -> report.Report:
    return report.run_report(
        notebooks_dir=project / "notebooks",
        output=project / "reports",
        figures_root=project / "figures",
        formats="png,svg",
        dpi=60,
        stream=None,
    )


def test_every_notebook_in_every_language(project: Path, first_run: report.Report) -> None:
    assert first_run.exit_code == 0, report.summary(first_run)
    for lang in ("fr", "en"):
        for name in ("00-plain", "01-figure"):
            assert (project / "reports" / lang / f"{name}.ipynb").is_file()
            assert (project / "reports" / lang / f"{name}.html").is_file()
        for fmt in ("png", "svg"):  # dpi 60 is not the canonical build: figures stay beside
            assert (project / "reports" / "figures" / lang / f"01-bars.{fmt}").is_file()
    assert not (project / "figures").exists()
    # the sources are untouched: no outputs, no injected cell
    src = nbformat.read(project / "notebooks" / "00-plain.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in src.cells if c.cell_type == "code")


def test_parameters_and_working_folder(project: Path, first_run: report.Report) -> None:
    nb = json.loads((project / "reports" / "en" / "00-plain.ipynb").read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1
    code = "".join(injected[0]["source"])
    assert 'lang = "en"' in code and "dpi = 60" in code and 'formats = "png,svg"' in code
    building = project / "reports" / ".building"  # where the run was built before it was put
    assert f'figures_dir = "{building / "figures" / "en"}"' in code
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert f"cwd={project / 'notebooks'}" in text
    assert "lang=en" in text


def test_index_lists_pages_figures_parameters(project: Path, first_run: report.Report) -> None:
    index = (project / "reports" / "index.html").read_text()
    for lang in ("fr", "en"):
        assert f'href="{lang}/00-plain.html"' in index
        assert f'href="{lang}/01-figure.html"' in index
        assert f'src="figures/{lang}/01-bars.png"' in index
        assert f'href="figures/{lang}/01-bars.svg"' in index
    assert "Plain page" in index and "A figure" in index
    from musk_openai.data import dataset_hash

    assert dataset_hash() in index
    for shown in ("png,svg", ">60<", "fr, en", "00-plain, 01-figure"):
        assert shown in index
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", index)


def assert_self_contained(page: str) -> None:
    assert not re.search(r"""<(script|img|link|iframe)[^>]*(src|href)=["']?(https?:)?//""", page)
    assert not re.search(r"""<script[^>]*\ssrc=""", page), "no script is loaded from a file"
    assert not re.search(r"""@import|url\(\s*["']?(https?:)?//""", page)
    for tag in re.findall(r"<img[^>]*>", page):
        assert 'src="data:image/' in tag, tag


def test_html_is_self_contained_and_hides_code(project: Path, first_run: report.Report) -> None:
    for lang in ("fr", "en"):
        page = (project / "reports" / lang / "01-figure.html").read_text()
        assert_self_contained(page)
        assert page.count('src="data:image/png;base64,') == 1  # the figure, embedded
        assert "fig.savefig" not in page  # code hidden by default
        assert "injected-parameters" in page
        assert 'href="../index.html"' in page


def test_rerun_is_byte_identical(project: Path, first_run: report.Report) -> None:
    figures = snapshot(project / "figures")
    reports = snapshot(project / "reports")
    again = report.run_report(
        notebooks_dir=project / "notebooks",
        output=project / "reports",
        figures_root=project / "figures",
        formats="png,svg",
        dpi=60,
        stream=None,
    )
    assert again.exit_code == 0
    assert snapshot(project / "figures") == figures
    after = snapshot(project / "reports")
    assert sorted(after) == sorted(reports)
    # the pages and the index are reproducible too (the executed notebooks hold timings)
    for name in after:
        if not name.endswith(".ipynb"):
            assert after[name] == reports[name], name
    assert snapshot(project / "notebooks").keys() == {"00-plain.ipynb", "01-figure.ipynb"}


def test_failing_notebook_others_finish(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    make_notebook(nbs, "00-good", "print('fine')")
    make_notebook(
        nbs, "01-broken", "x = 1", "total = 10\nratio = total / 0\nprint(ratio)", "x += 1"
    )
    make_notebook(nbs, "02-good-too", "print('also fine')")
    out = tmp_path / "out"
    good = report.run_report(
        notebooks_dir=nbs, output=out, lang="en", only=["00"], stream=None, figures_root=tmp_path
    )
    assert good.exit_code == 0 and good.location == out
    previous = snapshot(out)
    result = report.run_report(
        notebooks_dir=nbs,
        output=out,
        figures_root=tmp_path / "figures",
        lang="en",
        with_code=True,
        stream=None,
    )
    assert result.exit_code == 1
    assert [r.job.notebook.name for r in result.failures] == ["01-broken"]
    failure = result.failures[0].failure
    assert failure is not None
    # source cells: 0 title, 1 parameters, 2 "x = 1", 3 the division
    assert failure.cell == 3 and failure.executed_cell is not None
    assert failure.source_line == "total = 10"
    assert failure.ename == "ZeroDivisionError"
    text = report.summary(result)
    assert "FAILED 01-broken.ipynb (en), cell 3" in text
    assert "total = 10" in text and "ZeroDivisionError: division by zero" in text
    assert "1 failed" in text
    # the previous good report is untouched; this run went to failed-run/
    assert snapshot(out / "en") == {k[3:]: v for k, v in previous.items() if k.startswith("en/")}
    assert (out / "index.html").read_bytes() == previous["index.html"]
    assert result.location == out / "failed-run"
    assert f"{out} keeps its previous report" in text
    assert str(out / "failed-run" / "en" / "01-broken.ipynb") in text
    out = out / "failed-run"
    # the others finished; the partial notebook is kept, with the error, and rendered
    for name in ("00-good", "02-good-too"):
        assert (out / "en" / f"{name}.html").is_file()
    partial = nbformat.read(out / "en" / "01-broken.ipynb", as_version=4)
    outputs: list[Any] = partial.cells[failure.executed_cell].outputs
    assert any(o.get("ename") == "ZeroDivisionError" for o in outputs)
    assert not partial.cells[failure.executed_cell + 1].get("outputs")  # never ran
    page = (out / "en" / "01-broken.html").read_text()
    assert "ratio = total / 0" in re.sub(r"<[^>]+>", "", page)  # --with-code shows the code
    assert_self_contained(page)
    index = (out / "index.html").read_text()
    assert "failed" in index and "ZeroDivisionError" in index


def test_cell_timeout_names_the_cell(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    make_notebook(nbs, "00-slow", "import time\ntime.sleep(60)")
    result = report.run_report(
        notebooks_dir=nbs,
        output=tmp_path / "out",
        figures_root=tmp_path / "figures",
        lang="fr",
        timeout=2,
        stream=None,
    )
    assert result.exit_code == 1
    failure = result.failures[0].failure
    assert failure is not None
    assert failure.cell == 2 and failure.source_line == "import time"
    assert "Timeout" in failure.ename
    assert (tmp_path / "out" / "failed-run" / "fr" / "00-slow.ipynb").is_file()
    assert not (tmp_path / "out" / ".building").exists()


def test_params_file_extra_parameter_only_where_declared(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    make_notebook(nbs, "00-a", "print(since)")
    # a notebook that declares one more parameter
    nb = nbformat.read(make_notebook(nbs, "01-b", "print(since)"), as_version=4)
    nb.cells[1].source += '\nsince: str = "2020"'
    nbformat.write(nb, nbs / "01-b.ipynb")
    nb = nbformat.read(nbs / "00-a.ipynb", as_version=4)
    nb.cells[1].source += '\nsince: str = "2020"'
    nbformat.write(nb, nbs / "00-a.ipynb")
    pfile = tmp_path / "p.yaml"
    pfile.write_text(f"since: '2024-03-01'\ndpi: 80\nfigures_dir: {tmp_path}/figs/{{lang}}\n")
    plan = report.plan_report(notebooks_dir=nbs, output=tmp_path / "out", params_file=pfile)
    assert plan.dpi == 80 and plan.langs == ("fr", "en")
    job = plan.work[0]
    assert job.parameters["since"] == "2024-03-01"
    assert job.parameters["figures_dir"] == str(tmp_path / "figs" / "fr")
    # the command line wins over the file
    plan = report.plan_report(
        notebooks_dir=nbs, output=tmp_path / "out", params_file=pfile, dpi="300", lang="en"
    )
    assert plan.dpi == 300 and plan.langs == ("en",)
    assert not (tmp_path / "out").exists()
