"""05-sources: how many rows of each kind each article supports (a seaborn heatmap)."""

from __future__ import annotations

import pandas as pd

from musk_openai.dataset.data import Dataset
from musk_openai.story import i18n, queries
from musk_openai.story.charts import _common
from musk_openai.story.export import Chart


@_common.in_house_style
def facts_heatmap(ds: Dataset, lang: str) -> Chart:
    """A seaborn heatmap: how many rows of each kind each article supports."""
    import seaborn as sns  # only this chart needs it: the other kernels skip the import

    cells = queries.facts_cells(ds, lang)
    # The cells as a grid, in the order queries.facts_cells gives them.
    grid = cells.pivot(index="source", columns="kind", values="rows")
    grid = grid.reindex(index=cells["source"].unique(), columns=cells["kind"].unique())
    fig, ax = _common.figure((10, 6.4))
    fig.subplots_adjust(top=0.84, bottom=0.36, left=0.2, right=0.99)
    sns.heatmap(grid, annot=True, fmt="d", cmap="Greys", cbar=False, linewidths=1,
                linecolor="white", ax=ax, annot_kws={"fontsize": 11})  # fmt: skip
    ax.set_xlabel(i18n.t("chart.sources.x", lang))
    ax.set_ylabel(i18n.t("chart.sources.y", lang))
    ax.tick_params(axis="x", rotation=45)
    for lab in ax.get_xticklabels():
        lab.set_horizontalalignment("right")
        lab.set_rotation_mode("anchor")
    ax.tick_params(axis="y", rotation=0)
    ax.grid(False)
    _common.titles(fig, "sources", lang)
    return _common.finish("05-sources", fig, cells, ds, lang, alt(cells, lang))


def alt(cells: pd.DataFrame, lang: str) -> str:
    """The total, the rows each article supports, and the largest cell."""
    per_source = cells.groupby("source", sort=False)["rows"].sum()
    listed = [
        (str(s), [i18n.t("chart.sources.rows", lang, n=int(n))]) for s, n in per_source.items()
    ]
    top = cells.sort_values("rows", ascending=False, kind="stable").iloc[0]
    return i18n.t(
        "chart.sources.alt", lang, total=int(cells["rows"].sum()),
        per_source=_common.items(listed, lang),
        top=i18n.t("chart.sources.top", lang, kind=top["kind"], source=top["source"],
                   n=int(top["rows"])),
    )  # fmt: skip
