"""The fact explorer, ``<lang>/facts.html``: every figure and event of the dataset in one table
that readers search and filter (by kind, source, who asserts it, contested or not, corrected
since the first release or not), offline.

The table is itables' (DataTables and its SearchPanes extension), in its offline mode: the
library's JavaScript and CSS are embedded in the page (:func:`itables.javascript.
generate_init_offline_itables_html`), so nothing is fetched. Cells are HTML (``allow_html``):
each is rendered by ``templates/cell.html.j2`` with autoescaping, never concatenated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from musk_openai.dataset.data import Dataset
from musk_openai.report.site import corrections, jinja
from musk_openai.report.site import rows as dataset_rows
from musk_openai.story import i18n

TABLE_ID = "facts"
#: The columns, in order (their headers: ``report.columns.<name>`` in texts.toml).
COLUMNS = (
    "id",
    "kind",
    "label",
    "amount",
    "date",
    "asserted_by",
    "source",
    "contested",
    "corrected",
    "excerpt",
)
#: Short columns that never wrap (an amount, a date).
NOWRAP = ("id", "amount", "date", "source")
#: The columns readers filter by (SearchPanes).
FILTERS = ("kind", "source", "asserted_by", "contested", "corrected")
#: DataTables' own words (``report.datatables.<name>``), and SearchPanes' (``panes_<name>``).
DT_WORDS = (
    "search",
    "info",
    "infoEmpty",
    "infoFiltered",
    "lengthMenu",
    "zeroRecords",
    "emptyTable",
)
PANES_WORDS = {
    "title": "panes_title",
    "clearMessage": "panes_clear",
    "collapse": "panes_collapse",
    "emptyPanes": "panes_empty",
    "showMessage": "panes_show",
    "collapseMessage": "panes_hide",
    "loadMessage": "panes_load",
}


def cell(text: str, href: str | None = None, lang: str | None = None) -> str:
    """One cell's HTML: a link, or text (in ``lang``, the source's language, if given)."""
    from markupsafe import escape

    if href is None and lang is None:
        return str(escape(text))
    return str(
        jinja.templates().get_template("cell.html.j2").render(text=text, href=href, lang=lang)
    )


def frame(ds: Dataset, lang: str) -> pd.DataFrame:
    """The table: one row per figure and event, every value in the page's language."""
    languages = dict(zip(ds.sources["source_id"], ds.sources["language"], strict=True))
    yes, no = i18n.t("report.yes", lang), i18n.t("report.no", lang)
    corrected = corrections.corrected_rows(ds)
    records = []
    for row in dataset_rows.figures(ds, lang) + dataset_rows.events(ds, lang):
        records.append(
            [
                cell(row.id, href=row.anchor),
                cell(row.kind),
                cell(row.label),
                cell(row.amount),
                cell(row.date),
                cell(row.asserted_by),
                cell(row.source_id, href=f"sources/{row.source_id}.html"),
                cell(yes if row.contested else no),
                cell(yes if row.id in corrected else no),
                cell(row.excerpt, lang=languages.get(row.source_id)),
            ]
        )
    headers = [i18n.t(f"report.columns.{c}", lang) for c in COLUMNS]
    return pd.DataFrame(records, columns=headers)


def datatable_options(lang: str) -> dict[str, Any]:
    """itables' options: SearchPanes on the filter columns, every word in ``lang``."""
    words = {key: i18n.t(f"report.datatables.{key}", lang) for key in DT_WORDS}
    panes = {key: i18n.t(f"report.datatables.{name}", lang) for key, name in PANES_WORDS.items()}
    return {
        "table_id": TABLE_ID,
        "connected": False,
        "allow_html": True,
        "showIndex": False,
        "classes": "display compact",
        "style": "width:100%",
        "pageLength": 25,
        "lengthMenu": [10, 25, 50, 100],
        "layout": {"top1": "searchPanes"},
        "columnDefs": [
            {"targets": [COLUMNS.index(c) for c in NOWRAP], "className": "nowrap"},
        ],
        "searchPanes": {
            "columns": [COLUMNS.index(c) for c in FILTERS],
            "layout": f"columns-{len(FILTERS)}",
            "initCollapsed": False,
            "cascadePanes": True,
            "i18n": panes,
        },
        "language": words,
    }


def table_html(ds: Dataset, lang: str) -> tuple[str, str]:
    """itables' offline loader (the library, embedded) and the table's HTML."""
    from itables import options as itables_options
    from itables.javascript import generate_init_offline_itables_html, to_html_datatable

    init = generate_init_offline_itables_html(itables_options.dt_bundle)
    table = to_html_datatable(frame(ds, lang), **datatable_options(lang))
    return init, table


def write_page(ds: Dataset, folder: Path, lang: str, layout: dict[str, Any]) -> Path:
    """``<lang>/facts.html``."""

    init, table = table_html(ds, lang)
    html = (
        jinja.templates()
        .get_template("facts.html.j2")
        .render(
            **layout,
            root="",
            wide=True,
            title=i18n.t("report.facts.heading", lang),
            intro=i18n.t("report.facts.intro", lang),
            init=init,
            table=table,
        )
    )
    page = folder / "facts.html"
    page.write_text(html, encoding="utf-8")
    return page
