"""The house style applies only inside `style.house()`: matplotlib's own settings are left alone, so
a JupyterLab user's plots after one of our charts keep matplotlib's defaults."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import pytest

from musk_openai.dataset import data
from musk_openai.story import charts, export, notebook, params, style


def _settings() -> dict[str, object]:
    return dict(mpl.rcParams)


def test_house_style_only_inside_its_context() -> None:
    before = _settings()
    with style.house():
        assert mpl.rcParams["svg.hashsalt"] == "musk-openai"
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == style.PALETTE[0]
        assert mpl.rcParams["text.parse_math"] is False
        assert mpl.rcParams["svg.fonttype"] == "none"  # SVG text stays text
    assert _settings() == before
    with pytest.raises(RuntimeError), style.house():
        raise RuntimeError("a chart that fails")
    assert _settings() == before, "an error inside the context left the house style behind"


def test_colours_come_from_the_style_file() -> None:
    assert style.PALETTE[:2] == ["#0072B2", "#E69F00"] and len(style.PALETTE) == 8
    assert (style.INK, style.MUTED, style.GRID) == ("#1a1a1a", "#666666", "#dddddd")
    assert set(style.house_rc()) >= {"font.family", "svg.hashsalt", "svg.fonttype", "pdf.fonttype"}


def test_a_users_plot_after_a_chart_keeps_matplotlib_defaults(
    ds: data.Dataset, tmp_path: Path
) -> None:
    """As in JupyterLab: one of our charts published, then the user's own plot with pyplot."""
    import matplotlib.pyplot as plt

    before = _settings()
    story = notebook.Story(params.validate("en", "png,svg", 60, str(tmp_path)), ds, "2015", "2024")
    for builders in charts.BUILDERS.values():
        for build in builders:
            story.publish(build(ds, "en"))
    assert _settings() == before, "a chart changed matplotlib's global settings"

    fig, ax = plt.subplots()
    try:
        (line,) = ax.plot([1, 2, 3])
        default = mpl.rcParamsDefault
        assert line.get_color() == default["axes.prop_cycle"].by_key()["color"][0]
        assert ax.spines["top"].get_visible() is default["axes.spines.top"]
        assert ax.title.get_fontfamily() == list(default["font.family"])
        assert ax.xaxis.get_gridlines()[0].get_visible() is default["axes.grid"]
        assert fig.get_size_inches().tolist() == list(default["figure.figsize"])
    finally:
        plt.close(fig)


def test_files_are_saved_in_the_house_style_whatever_the_settings(
    ds: data.Dataset, tmp_path: Path
) -> None:
    """The same chart saved with matplotlib's settings changed around it: the same bytes."""
    chart = charts.valuation_growth(ds, "fr")
    a = export.save(chart, params.validate("fr", "svg,pdf", 60, str(tmp_path / "a")))
    with mpl.rc_context({"svg.hashsalt": "other", "pdf.fonttype": 3, "savefig.facecolor": "red"}):
        b = export.save(chart, params.validate("fr", "svg,pdf", 60, str(tmp_path / "b")))
    assert [x.read_bytes() for x in a] == [x.read_bytes() for x in b]


@pytest.mark.parametrize("cvd_type", ["deuteranomaly", "protanomaly"])
def test_party_colours_stay_apart_for_colour_blind_readers(cvd_type: str) -> None:
    """Musk, OpenAI, the press and the others stay distinguishable when a reader sees no green
    (deuteranopia) or no red (protanopia): simulated with colorspacious (Machado et al. 2009,
    severity 100), every pair at least 20 apart in CAM02-UCS, where 1 is barely visible."""
    from itertools import combinations

    import matplotlib.colors as mc
    from colorspacious import cspace_convert, deltaE

    assert len(style.PARTY_COLOURS) <= 4
    seen = {
        party: cspace_convert(
            mc.to_rgb(colour), {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100}, "sRGB1"
        ).clip(0, 1)
        for party, colour in style.PARTY_COLOURS.items()
    }
    close = {
        (a, b): round(float(deltaE(seen[a], seen[b], input_space="sRGB1")), 1)
        for a, b in combinations(seen, 2)
        if deltaE(seen[a], seen[b], input_space="sRGB1") < 20
    }
    assert close == {}, close


def test_each_chart_uses_only_the_party_colours(ds: data.Dataset) -> None:
    """No chart gives a colour another meaning: every coloured mark of every chart is one of the
    four party colours (or the house's ink, muted grey and grid)."""
    import matplotlib.colors as mc
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    allowed = {mc.to_hex(c) for c in [*style.PARTY_COLOURS.values(), style.INK, style.MUTED,
                                      style.GRID, "white", "black"]}  # fmt: skip
    for builders in charts.BUILDERS.values():
        for build in builders:
            fig = build(ds, "en").fig
            used = set()
            for ax in fig.axes:
                for artist in ax.get_children():
                    if isinstance(artist, Line2D) and artist.get_visible():
                        used.add(mc.to_hex(artist.get_color()))
                    elif isinstance(artist, Patch) and artist.get_visible() and artist.get_fill():
                        if artist is not ax.patch:
                            used.add(mc.to_hex(artist.get_facecolor(), keep_alpha=False))
            assert used <= allowed, (build.__name__, used - allowed)
