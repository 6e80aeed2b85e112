"""Charts for readers: every mark one click from its sentence (SVG links and tooltips), each
chart also drawn narrow for phones, one colour meaning (checked in the drawings); the numbers
each chart draws: tests/test_charts.py."""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from musk_openai.dataset import data
from musk_openai.story import charts, export, i18n, params, queries

# --- every mark one click from its sentence (SVG links and tooltips) ----------------------------


def _svg_marks(path: Path) -> list[tuple[str, str]]:
    """(link, tooltip) of each linked mark of an exported SVG, as a browser reads them."""
    import xml.etree.ElementTree as ET

    svg = "{http://www.w3.org/2000/svg}"
    xlink = "{http://www.w3.org/1999/xlink}href"
    marks = []
    for group in ET.parse(path).getroot().iter(f"{svg}g"):
        if not group.attrib.get("id", "").startswith("mark-"):
            continue
        title, link = group.find(f"{svg}title"), next(group.iter(f"{svg}a"), None)
        assert title is not None and title.text and link is not None, group.attrib
        marks.append((link.attrib[xlink], title.text))
    return marks


@functools.cache
def _exported(lang: str) -> tuple[Path, list[tuple[export.Chart, set[str]]]]:
    """Every chart of ``lang`` exported once (PNG and SVG, wide and narrow, at 60 dpi) into a
    folder of this test process, for the tests that read the files (make runs a test file in one
    process: --dist loadfile): the folder, and each chart with the names of its files."""
    folder = Path(tempfile.mkdtemp(prefix=f"charts-{lang}-"))
    atexit.register(shutil.rmtree, folder, True)
    p = params.validate(lang, "svg,png", 60, str(folder))
    ds = data.load()
    done = []
    for builders in charts.BUILDERS.values():
        for build in builders:
            chart = build(ds, lang)
            done.append((chart, {x.name for x in export.save(chart, p)}))
    return folder, done


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_mark_of_the_svg_links_to_its_excerpt_with_a_tooltip(
    ds: data.Dataset, lang: str
) -> None:
    """In every chart's SVG each mark links to its article's page in the report, at the row's
    excerpt (relative to the SVG's place, figures/<lang>/), with a <title> saying the amount or
    the date and who says it; the PNG is drawn from the same figure, without links."""
    tmp_path, exported = _exported(lang)
    for chart, _ in exported:
        marks = _svg_marks(tmp_path / f"{chart.name}.svg")
        assert len(marks) == len(chart.tips) > 0, chart.name
        for link, _ in marks:
            assert re.fullmatch(rf"\.\./\.\./{lang}/sources/S00\d\.html(#[FECM]\d\d)?", link)
        if "id" in chart.data and chart.name != "03-dispute-timeline":
            linked = {link.rsplit("/", 1)[1] for link, _ in marks}
            assert linked == {f"{r.source_id}.html#{r.id}" for r in chart.data.itertuples()}
    # the amounts and who says them, in the tooltips of 02
    tips = {link: tip for link, tip in _svg_marks(tmp_path / "02-funding-sources.svg")}
    f08 = tips[f"../../{lang}/sources/S000.html#F08"]
    said = {
        "fr": ("44\u00a0M$", "selon Elon Musk, dans l’article de 2024 sur la plainte"),
        "en": ("$44M", "according to Elon Musk, in the 2024 article on the suit"),
    }[lang]
    assert said[0] in f08 and said[1] in f08
    # each timeline event links to one of its reports
    events = ds.events.set_index("id")["source_id"]
    for link, _ in _svg_marks(tmp_path / "03-dispute-timeline.svg"):
        page, row = link.rsplit("/", 1)[1].split(".html#")
        assert events[row] == page


def test_a_page_writes_the_svg_inline_with_its_links_rebased(
    ds: data.Dataset, tmp_path: Path
) -> None:
    """The site can write a chart's SVG inside a page: links then lead from the page's folder
    (reports/fr/) to the same source pages (reports/fr/sources/)."""
    report = tmp_path / "reports"
    p = params.validate("fr", "svg", 60, str(report / "figures" / "fr"))
    (svg_file,) = export.save(charts.musk_contribution(ds, "fr"), p)[:1]
    inline = export.svg_for_page(report / "figures" / "fr" / "04-musk-contribution.svg",
                                 report / "fr")  # fmt: skip
    assert inline.startswith("<svg") and "<title>" in inline
    assert 'xlink:href="sources/S000.html#F08"' in inline
    assert "../../" not in inline


# --- phones: each chart also drawn narrow ---------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_chart_is_also_drawn_narrow_with_text_a_phone_can_read(lang: str) -> None:
    """Beside <name>.png and .svg, <name>.narrow.png and .svg: a figure 4.4 inches wide whose
    smallest text, shown 390 CSS pixels wide, is at least 9 pixels tall; its marks linked like
    the wide chart's; the committed names unchanged."""
    tmp_path, exported = _exported(lang)
    for chart, names in exported:
        assert chart.narrow is not None, chart.name
        fig = chart.narrow.fig
        width = fig.get_figwidth()
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
        smallest = min(sizes) / 72 * 390 / width
        assert smallest >= 9, (chart.name, smallest)
        assert {f"{chart.name}.narrow.png", f"{chart.name}.png"} <= names
        assert export.narrow_file(tmp_path / f"{chart.name}.png").is_file()
        narrow_marks = _svg_marks(tmp_path / f"{chart.name}.narrow.svg")
        wide_marks = _svg_marks(tmp_path / f"{chart.name}.svg")
        assert {link for link, _ in narrow_marks} == {link for link, _ in wide_marks}
        from PIL import Image

        with Image.open(tmp_path / f"{chart.name}.narrow.png") as image:
            assert image.width == round(width * 60)
        # no text runs off the figure's sides
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = FigureCanvasAgg(fig).get_renderer()
        for t in _drawn_texts(fig):
            box = t.get_window_extent(renderer)
            assert box.x0 >= -1 and box.x1 <= fig.bbox.width + 1, (chart.name, t.get_text())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_narrow_funding_names_the_valuation_line_and_keeps_labels_left_of_it(
    ds: data.Dataset, lang: str
) -> None:
    """02 on a phone: the dashed line is named like the wide one (« valorisation d’octobre
    2024 : 157 Md$ »); no heading or row label runs under it or off the figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.lines import Line2D

    chart = charts.funding_sources(ds, lang)
    assert chart.narrow is not None
    fig = chart.narrow.fig
    fig.set_dpi(100)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    valuation = queries.valuations(ds)["value"].iloc[-1]
    name = i18n.t("chart.funding.valuation_line", lang, v=i18n.money(valuation, lang))
    wide = {t.get_text() for t in chart.fig.axes[0].texts}
    assert name in wide
    texts = {t.get_text(): t for t in ax.texts}
    assert name in texts
    (line,) = [x for x in ax.lines if isinstance(x, Line2D) and x.get_linestyle() == "--"]
    line_x = ax.transData.transform((line.get_xdata()[0], 0))[0]
    assert texts[name].get_window_extent(renderer).x1 < line_x
    # every heading and row label (left-aligned at the axes' edge) ends before the line
    left = [t for t in ax.texts if t.get_text() != name and t.get_horizontalalignment() == "left"
            and t.get_position()[0] == 0]  # fmt: skip
    assert len(left) == len(chart.data) + chart.data["group"].nunique()
    for t in left:
        assert t.get_window_extent(renderer).x1 < line_x, t.get_text()
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip():
            assert t.get_window_extent(renderer).x1 <= fig.bbox.width, t.get_text()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_timeline_grey_means_only_the_others(ds: data.Dataset, lang: str) -> None:
    """03, wide and narrow: grey is « d’autres (Microsoft, Google, Apple) »; the keys to a day,
    a month or year and an uncertain date or range are shapes in ink (the range hatched on
    white), no party's colour and no paler grey."""
    from matplotlib.colors import to_hex

    from musk_openai.story import style

    chart = charts.dispute_timeline(ds, lang)
    assert chart.narrow is not None
    shapes = {i18n.t(f"chart.timeline.{k}", lang) for k in ("day", "period", "interval")}
    for fig in (chart.fig, chart.narrow.fig):
        seen = set()
        for legend in fig.legends:
            for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
                if text.get_text() not in shapes:
                    continue
                seen.add(text.get_text())
                if hasattr(handle, "get_hatch") and handle.get_hatch():
                    assert to_hex(handle.get_facecolor()) == "#ffffff"
                    assert to_hex(handle.get_edgecolor()) == to_hex(style.INK)
                else:
                    colour = handle.get_color() if hasattr(handle, "get_color") else None
                    colour = colour or handle.get_facecolor()
                    assert to_hex(colour) == to_hex(style.INK), text.get_text()
        assert seen == shapes


def _key_box(handle: Artist, renderer: RendererAgg) -> Bbox:
    """Where a legend key is drawn: a marker's own shape (a diamond is wider than its size);
    a patch's box; nothing for a key without a mark (a legend's heading)."""
    from matplotlib.markers import MarkerStyle

    box = handle.get_window_extent(renderer)
    if not isinstance(handle, Line2D):
        return box
    if handle.get_marker() in ("None", "", None, " "):
        return Bbox.null()
    shape = MarkerStyle(handle.get_marker())
    x0, y0, x1, y1 = shape.get_path().transformed(shape.get_transform()).get_extents().extents
    scale = renderer.dpi / 72
    size, edge = handle.get_markersize(), handle.get_markeredgewidth() / 2
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    return Bbox.from_extents(
        cx + (x0 * size - edge) * scale,
        cy + (y0 * size - edge) * scale,
        cx + (x1 * size + edge) * scale,
        cy + (y1 * size + edge) * scale,
    )


@functools.cache
def _narrow_drawn(lang: str) -> list[tuple[str, Figure, RendererAgg]]:
    """Every chart's narrow drawing in ``lang``, drawn once at the 200 dpi figures/ are drawn at
    (text, and so a legend's rows, hint by dpi; legends place their keys when drawn), for the
    tests that measure it (a test file runs in one process): its name, figure and renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    ds = data.load()
    drawn = []
    for builders in charts.BUILDERS.values():
        for build in builders:
            chart = build(ds, lang)
            assert chart.narrow is not None, chart.name
            fig = chart.narrow.fig
            fig.set_dpi(200)
            renderer = FigureCanvasAgg(fig).get_renderer()
            fig.draw(renderer)
            drawn.append((chart.name, fig, renderer))
    return drawn


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_two_legend_keys_touch_in_the_narrow_drawings(ds: data.Dataset, lang: str) -> None:
    """On a phone, each legend key stands apart (06's « demande » diamond sat on the circle of
    « affirmation »); and 06's key to the suits is a shape no claim is drawn with."""
    from musk_openai.story.charts import lawsuits

    for name, fig, renderer in _narrow_drawn(lang):
        boxes = [
            _key_box(h, renderer)
            for legend in fig.legends
            for h in legend.legend_handles
            if h is not None and h.get_visible()
        ]
        boxes = [b for b in boxes if b.width > 0 and b.height > 0]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b), (name, a, b)
    assert lawsuits.FILL_KEY not in lawsuits.SHAPES.values()
    fig = charts.lawsuit_claims(ds, lang).fig
    suits = [h for legend in fig.legends for h, t in zip(legend.legend_handles,
             legend.get_texts(), strict=True) if "2024" in t.get_text()]  # fmt: skip
    assert len(suits) == 2 and {h.get_marker() for h in suits} == {lawsuits.FILL_KEY}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_valuation_bars_use_no_party_colour(ds: data.Dataset, lang: str) -> None:
    """01, wide and narrow: blue means « OpenAI (who says it) » and grey « la presse » in every
    other chart, so the bars are in ink: the two valuations solid, the money raised outlined,
    as the subtitle says."""
    from matplotlib.colors import to_hex

    from musk_openai.story import style

    chart = charts.valuation_growth(ds, lang)
    assert chart.narrow is not None
    kinds = list(chart.data["kind"])
    assert kinds.count("valuation") == 2 and len(kinds) == 3
    subtitle = i18n.t("chart.valuation.subtitle", lang)
    for fig in (chart.fig, chart.narrow.fig):
        bars = fig.axes[0].patches
        assert len(bars) == 3
        for bar, kind in zip(bars, kinds, strict=True):
            face = to_hex(bar.get_facecolor())
            assert to_hex(bar.get_edgecolor()) == to_hex(style.INK) or kind == "valuation"
            assert face == (to_hex(style.INK) if kind == "valuation" else "#ffffff"), kind
            assert face not in {to_hex(c) for c in style.PARTY_COLOURS.values()}
        shown = " ".join(" ".join(t.get_text().split()) for t in fig.texts)
        assert " ".join(subtitle.split()) in shown  # it says which bar is which


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_narrow_text_reaches_the_figure_edge_as_figures_are_drawn(lang: str) -> None:
    """At the 200 dpi figures/ are drawn at (text widths hint by dpi), every text of a narrow
    drawing ends inside the figure, at least 0.03 inch from its right edge (03's « Google
    dépasse OpenAI … qu’exige » lost its last letter)."""
    for name, fig, renderer in _narrow_drawn(lang):
        edge = fig.bbox.width - 0.03 * 200
        for t in _drawn_texts(fig):
            box = t.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= edge, (name, t.get_text(), box)


def _drawn_texts(fig: Figure) -> list[Text]:
    """The visible, non-empty texts of ``fig`` that matplotlib draws (tick labels outside their
    axis' view are skipped when drawing, so they are left out)."""
    undrawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    undrawn |= {id(tick.label1), id(tick.label2)}
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in undrawn
    ]
