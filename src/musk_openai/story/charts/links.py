"""Every mark one click from its sentence: in the SVG export, each mark (a bar, a dot, a claim)
links to its excerpt on its article's page in the report, with a tooltip (``<title>``) saying the
amount or the date and who says it.

A chart collects its marks in a :class:`Marks` while it draws: each artist gets an id
(``set_gid``) and the link (``set_url``, which matplotlib writes as ``<a xlink:href>`` in the
SVG); :func:`~musk_openai.story.export.save` then writes each tooltip into the SVG as the
``<title>`` of its mark. PNG and PDF exports are unchanged.

Links are relative to the SVG file's own place in the report, ``figures/<lang>/<name>.svg``:
``../../<lang>/sources/S001.html#F01`` (the article's page, at the row's excerpt), so they work
when the SVG is opened by itself or embedded with ``<object>``; a page that writes the SVG inline
rebases them with :func:`~musk_openai.story.export.svg_for_page`.
"""

from __future__ import annotations

from collections.abc import Iterable

from matplotlib.artist import Artist
from matplotlib.axes import Axes

from musk_openai.story import i18n

#: A source's page in the report, from ``figures/<lang>/`` (where the report keeps the charts).
SOURCE_HREF = "../../{lang}/sources/{source}.html"


def href(lang: str, source_id: object, row_id: object = "") -> str:
    """The link of a mark: its article's page in the report, at the row's excerpt if given."""
    page = SOURCE_HREF.format(lang=lang, source=source_id)
    return f"{page}#{row_id}" if row_id else page


def tip(what: object, who: object, lang: str) -> str:
    """A mark's tooltip: '44 M$ — selon Elon Musk, dans l’article de 2024 sur la plainte'."""
    return i18n.typography(i18n.t("chart.tip", lang, what=what, who=who), lang)


class Marks:
    """The linked marks of one chart: ``{svg id: tooltip}``, in drawing order."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.tips: dict[str, str] = {}

    def link(self, artists: Iterable[Artist], source_id: object, row_id: object, text: str) -> None:
        """Link each artist of one mark to its excerpt, all with the same tooltip."""
        n = len({gid.rsplit("-", 1)[0] for gid in self.tips}) + 1
        url = href(self.lang, source_id, row_id)
        for i, artist in enumerate(artists):
            gid = f"mark-{n}-{i}"
            artist.set_gid(gid)
            artist.set_url(url)
            self.tips[gid] = text


def drawn(ax: Axes) -> tuple[int, int, int]:
    """How many lines, patches and texts ``ax`` holds: give it to :func:`since` after drawing."""
    return len(ax.lines), len(ax.patches), len(ax.texts)


def since(ax: Axes, before: tuple[int, int, int]) -> list[Artist]:
    """The lines, patches and texts drawn on ``ax`` since ``before`` (:func:`drawn`)."""
    lines, patches, texts = before
    return [*ax.lines[lines:], *ax.patches[patches:], *ax.texts[texts:]]
