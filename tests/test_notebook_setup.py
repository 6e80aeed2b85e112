"""musk_openai.notebook: the one setup call of every notebook, and publishing a chart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from musk_openai import charts, data, notebook, params


def test_setup_checks_loads_and_says_what_it_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ds: data.Dataset
) -> None:
    with pd.option_context("display.max_colwidth", 50, "display.float_format", None):
        story = notebook.setup("fr", "png", 80, str(tmp_path), start=2019, end="2024-06")
        assert pd.get_option("display.max_colwidth") == 220
    assert story.lang == "fr" and story.params.formats == ("png",) and story.params.dpi == 80
    assert story.params.figures_dir == tmp_path.resolve()
    assert (story.start, story.end) == ("2019", "2024-06")
    assert len(story.ds.figures) == len(ds.figures)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"lang=fr formats=png dpi=80 -> {tmp_path.resolve()}"
    assert out[1].startswith(f"version du jeu de données {data.dataset_hash()} : ")


def test_setup_without_a_window_takes_the_defaults(tmp_path: Path) -> None:
    story = notebook.setup("en", "png", 80, str(tmp_path))
    assert (story.start, story.end) == (params.DEFAULTS["start"], params.DEFAULTS["end"])


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"lang": "de"}, "parameter 'lang': got 'de'"),
        ({"start": "2015-13"}, "parameter 'start': got '2015-13'"),
        ({"start": "2024", "end": "2019"}, "start must not be after end"),
    ],
)
def test_setup_refuses_a_bad_parameter(
    tmp_path: Path, kwargs: dict[str, object], says: str
) -> None:
    args: dict[str, object] = {"lang": "fr", "formats": "png", "dpi": 80} | kwargs
    with pytest.raises(params.ParameterError, match=says):
        notebook.setup(figures_dir=str(tmp_path / "figs"), **args)
    assert not (tmp_path / "figs").exists()


def test_publish_saves_shows_and_keeps_each_chart(tmp_path: Path, ds: data.Dataset) -> None:
    story = notebook.Story(params.validate("en", "png,svg", 60, str(tmp_path)), ds, "2015", "2024")
    shown = story.publish(charts.musk_contribution(ds, "en"))
    story.publish(charts.for_profit_opposition(ds, "en"))
    assert type(shown).__name__ == "Image"  # the exported PNG itself
    assert [p.name for p in story.files] == [
        f"04-{name}.{ext}"
        for name in ("musk-contribution", "for-profit-opposition")
        for ext in ("png", "svg", "csv")
    ]
    assert all(p.is_file() for p in story.files)
    assert list(story.charts) == ["04-musk-contribution", "04-for-profit-opposition"]
    said = story.say(
        "notebook.valuation.summary", before="$8B", after="$9B", multiple="2", raised="C"
    )
    assert said.data == r"**\$8B → \$9B**: ×2; money raised: C"  # type: ignore[attr-defined]
