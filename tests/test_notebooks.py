"""Each notebook, in both languages: the numbers it computes, read from the real report's executed
notebooks (run once per test session, shared: the ``real_report`` fixture), and its parameters
checked by papermill runs that stop at the first cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
import pytest
from helpers import EXPORTED

from musk_openai.dataset import data
from musk_openai.paths import NOTEBOOKS_DIR
from musk_openai.story import notebook, queries

NOTEBOOKS = sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


pytestmark = pytest.mark.kernel


def findings_of(nb: Any) -> dict[str, Any]:
    """What the notebook's cell tagged ``findings`` gave the tests (display data no reader
    sees); it printed nothing."""
    cell = next(c for c in nb.cells if "findings" in c.metadata.get("tags", []))
    assert not [o for o in cell.outputs if o.output_type == "stream"], "findings printed"
    return notebook.findings_of(nb)


def executed(real_report: tuple[Any, Path], name: str, lang: str) -> dict[str, Any]:
    """The findings of ``name`` in ``lang``, from the shared run of the real report."""
    _, tmp = real_report
    return findings_of(nbformat.read(tmp / "reports" / lang / f"{name}.ipynb", as_version=4))


def run(name: str, tmp: Path, **parameters: Any) -> dict[str, Any]:
    """A papermill run of its own, for parameters the report does not use."""
    out = tmp / f"{name}.ipynb"
    pm.execute_notebook(
        NOTEBOOKS_DIR / f"{name}.ipynb",
        out,
        parameters={"figures_dir": str(tmp / "figures"), **parameters},
        kernel_name="python3",
        cwd=str(NOTEBOOKS_DIR),
        execution_timeout=180,
        progress_bar=False,
    )
    return findings_of(nbformat.read(out, as_version=4))


def test_collection_is_complete() -> None:
    assert NOTEBOOKS == [
        "00-start-here",
        "01-valuation-growth",
        "02-funding-sources",
        "03-dispute-timeline",
        "04-contested-figures",
        "05-sources",
        "06-the-lawsuits",
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_valuation_notebook(lang: str, real_report: Any, ds: data.Dataset) -> None:
    f = executed(real_report, "01-valuation-growth", lang)
    assert (f["before"], f["after"], f["raised"]) == (86e9, 157e9, 6.6e9)
    assert f["multiple"] == pytest.approx(queries.valuation_multiple(ds), abs=1e-4)
    assert f["files"] == [f"01-valuation-growth.{x}" for x in EXPORTED]
    png = real_report[1] / "reports" / "figures" / lang / "01-valuation-growth.png"
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_funding_notebook(lang: str, real_report: Any) -> None:
    f = executed(real_report, "02-funding-sources", lang)
    assert f["amounts"]["F14"] == 10e9 and f["amounts"]["F13"] == 1e9
    assert f["musk_share_at_most"]["F07"] == pytest.approx(45 / 135, abs=1e-4)
    assert f["named_investors"] == ["Microsoft", "Nvidia", "Thrive Capital"]
    assert f["files"] == [f"02-funding-sources.{x}" for x in EXPORTED]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_timeline_notebook(lang: str, real_report: Any, tmp_path: Path, ds: data.Dataset) -> None:
    f = executed(real_report, "03-dispute-timeline", lang)
    # Every source's version of each step, never merged: S001's month, S003's « jeudi dernier »
    # (a Thursday of 22 February - 28 March 2024), S000 and S004 with no date of their own.
    assert f["lawsuit"] == {
        "lawsuit_filed": {"S001": "2024-03", "S003": "2024-02-22/2024-03-28", "S000": "",
                          "S004": ""},
        "lawsuit_dropped": {"S001": "2024-06"},
        "lawsuit_refiled": {"S001": "2024-08"},
    }  # fmt: skip
    # Undated and open-sided events (Microsoft's 10 billion « Récemment »...) listed, not drawn.
    assert {"E21", "E39", "E40", "E29", "E30"} <= set(f["undrawn"])
    assert f["events_drawn"] + len(f["undrawn"]) < len(ds.events)  # agreeing reports merged
    if lang == "en":  # a window of its own: one run is enough
        narrow = run("03-dispute-timeline", tmp_path, lang=lang, start="2024", end="2024")
        assert narrow["events_drawn"] < f["events_drawn"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_contested_notebook(lang: str, real_report: Any, ds: data.Dataset) -> None:
    f = executed(real_report, "04-contested-figures", lang)
    versions = {(v, b, a, s) for v, b, a, s in f["musk_contribution"]}
    assert (45e6, "upper_bound", "OpenAI", "S004") in versions
    assert (44e6, "exact", "Elon Musk", "S000") in versions
    assert len(versions) == 5
    assert f["pledge_assertors"] == ["OpenAI", "article"]
    # The real disputes: one amount, one date, three over the facts (2.1.0).
    assert f["disputes"] == dict(zip(ds.disputes["subject"], ds.disputes["conflict"], strict=True))
    assert sorted(f["disputes"].values()).count("content") == 3
    assert f["fact_disputes"] == sorted(ds.disputes.loc[ds.disputes["conflict"] == "content",
                                                        "subject"])  # fmt: skip
    # When Musk stopped paying: by 2018 (S002) against 2019 or later (S000).
    assert f["stop_funding"] == [["../2018", "S002"], ["2019/..", "S000"]]
    # Musk and the for-profit turn: a tension, not a dispute, undated e-mails last.
    assert f["for_profit_sequence"] == [["2017", "S000"], ["2018", "S003"], ["2020", "S002"],
                                        ["", "S004"]]  # fmt: skip
    assert "musk_opposes_for_profit_idea" not in f["disputes"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sources_and_tour_notebooks(lang: str, real_report: Any, ds: data.Dataset) -> None:
    f = executed(real_report, "05-sources", lang)
    tables = (ds.figures, ds.events, ds.members, ds.claims)
    assert sum(f["rows_per_source"].values()) == sum(len(t) for t in tables)
    assert f["rows_per_source"]["S001"] == max(f["rows_per_source"].values())
    tour = executed(real_report, "00-start-here", lang)
    assert tour["tables"]["figures"] == len(ds.figures)
    assert tour["tables"]["claims"] == len(ds.claims) and tour["tables"]["disputes"] == 5
    assert tour["contested_rows"] == len(queries.contested(ds))


@pytest.mark.parametrize(
    ("parameters", "says"),
    [
        ({"lang": "de"}, "parameter 'lang': got 'de'; allowed: fr, en"),
        ({"dpi": 5000}, "parameter 'dpi': got 5000"),
        ({"formats": "png,jpeg"}, "'jpeg' is not one of png, svg, pdf"),
    ],
)
def test_bad_parameter_fails_in_the_next_cell(
    parameters: dict[str, Any], says: str, tmp_path: Path
) -> None:
    with pytest.raises(pm.PapermillExecutionError) as err:
        run("01-valuation-growth", tmp_path, **parameters)
    assert err.value.ename == "ParameterError"
    assert says in err.value.evalue
    assert not (tmp_path / "figures").exists(), "nothing is written after a bad parameter"


def test_bad_window_fails(tmp_path: Path) -> None:
    with pytest.raises(pm.PapermillExecutionError, match="parameter 'start'"):
        run("03-dispute-timeline", tmp_path, start="2015-13")
