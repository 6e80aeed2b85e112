"""The fact explorer, ``<lang>/facts.html``: every figure, event, member and claim of the dataset
in one table that readers search and filter (by kind, who says it, suit, against whom, stance,
source, contested or not, corrected since the first release or not), offline; and, below it,
who says what in each dispute (:mod:`.disputes`).

The table is itables' (DataTables and its SearchPanes extension), in its offline mode: the
library's JavaScript and CSS are embedded in the page (:func:`itables.javascript.
generate_init_offline_itables_html`), so nothing is fetched. Cells are HTML (``allow_html``):
each is rendered by ``templates/cell.html.j2`` with autoescaping, never concatenated. The
filters show a cell's text, not its link (:data:`CELL_VALUE`); every word DataTables and
SearchPanes show or say to a screen reader is in texts.toml (``report.datatables.language``).
On a phone (``templates/report.css``, its explorer section) the table keeps the label and the
date, and each row's other columns open under its label (a ``<details>``, operable by keyboard);
on a laptop, the columns of :data:`ON_A_LAPTOP`, the others under the label.
``templates/facts.js.j2`` makes every filter value an option reached by Tab, applied by Enter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from musk_openai.dataset.data import Dataset
from musk_openai.report.site import corrections, disputes, jinja
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
    "suit",
    "target",
    "stance",
    "source",
    "contested",
    "corrected",
    "excerpt",
)
#: Short columns that never wrap (an amount, a date).
NOWRAP = ("id", "amount", "source")
#: The columns readers filter by (SearchPanes).
FILTERS = (
    "kind",
    "asserted_by",
    "suit",
    "target",
    "stance",
    "source",
    "contested",
    "corrected",
)
#: The columns a phone shows (the others open under the label: ``wide-only``).
ON_A_PHONE = ("label", "date")
#: The columns a laptop shows (under 100rem; the others open under the label: ``roomy-only``).
ON_A_LAPTOP = (*ON_A_PHONE, "id", "kind", "amount", "asserted_by", "source", "excerpt")
#: The columns sorted by a value of their own (a date by its first day, an amount by its value).
ORDERED = ("amount", "date")
#: What a filter lists for a cell: its text without its link, or, where the cell names several
#: values (``data-value``: the parties a claim is against), each of them. What a column sorts
#: by: the cell's ``data-order``, else its text.
CELL_VALUE = """function (data, type) {
  if (type !== "sp" && type !== "sort") { return data; }
  const body = new DOMParser().parseFromString(data, "text/html").body;
  if (type === "sort") {
    const ordered = body.querySelector("[data-order]");
    return ordered ? ordered.dataset.order : body.textContent;
  }
  const parts = body.querySelectorAll("[data-value]");
  return parts.length ? Array.from(parts, (p) => p.textContent) : body.textContent;
}"""
#: Filters collapsed on a narrow screen (the table first), open on a wide one.
COLLAPSED = 'window.matchMedia("(max-width: 40rem)").matches'


def cell(
    text: str, href: str | None = None, lang: str | None = None, order: str | None = None
) -> str:
    """One cell's HTML: a link, or text (in ``lang``, the source's language, if given; sorted by
    ``order``, if given)."""
    if href is None and lang is None and order is None:
        return str(escape(text))
    return str(
        jinja.templates()
        .get_template("cell.html.j2")
        .render(text=text, href=href, lang=lang, order=order)
    )


def parties(names: tuple[str, ...], lang: str) -> str:
    """A claim's parties in words ('OpenAI et Microsoft'), each one a filter value."""
    if not names:
        return cell(i18n.t("report.none", lang))
    each = Markup('<span data-value="">{}</span>')
    return i18n.listing([str(each.format(n)) for n in names], lang)


def frame(ds: Dataset, lang: str) -> pd.DataFrame:
    """The table: one row per figure, event, member and claim, every value in the page's
    language."""
    languages = dict(zip(ds.sources["source_id"], ds.sources["language"], strict=True))
    yes, no = i18n.t("report.yes", lang), i18n.t("report.no", lang)
    none = i18n.t("report.none", lang)
    corrected = corrections.corrected_rows(ds)
    headers = [i18n.t(f"report.columns.{c}", lang) for c in COLUMNS]
    label_cell = jinja.templates().get_template("label_cell.html.j2")
    records = []
    for row in dataset_rows.every_row(ds, lang):
        quoted = languages.get(row.source_id, lang)
        cells = {
            "id": cell(row.id, href=row.anchor),
            "kind": cell(row.kind),
            "amount": cell(row.amount, order=row.amount_order),
            "date": cell(row.date, order=row.date_order),
            "asserted_by": cell(row.asserted_by),
            "suit": cell(row.suit or none),
            "target": parties(row.targets, lang) if row.table == "claims" else cell(none),
            "stance": cell(row.stance or none),
            "source": cell(row.source_id, href=f"sources/{row.source_id}.html"),
            "contested": cell(yes if row.contested else no),
            "corrected": cell(yes if row.id in corrected else no),
            "excerpt": cell(i18n.typography(row.excerpt, quoted), lang=quoted),
        }
        hidden = [  # each with the narrowest screen that shows it as a column
            (headers[i], Markup(cells[c]), "wide" if c in ON_A_LAPTOP else "roomy")  # noqa: S704
            for i, c in enumerate(COLUMNS)
            if c not in ON_A_PHONE
        ]
        cells["label"] = label_cell.render(
            label=i18n.typography(row.label, lang),
            more=i18n.t("report.facts.more", lang),
            fields=hidden,
        ).strip()
        records.append([cells[c] for c in COLUMNS])
    return pd.DataFrame(records, columns=headers)


def language(lang: str) -> dict[str, Any]:
    """DataTables' language object (its keys, SearchPanes' and Select's), from texts.toml's
    ``report.datatables.language``."""

    def words(node: dict[str, Any], path: str) -> Any:
        if isinstance(node.get(lang), str):
            return i18n.t(path, lang)
        return {key: words(child, f"{path}.{key}") for key, child in node.items()}

    tree = i18n.texts()["report"]["datatables"]["language"]
    return {key: words(child, f"report.datatables.language.{key}") for key, child in tree.items()}


def class_names() -> list[dict[str, Any]]:
    """Each column's classes: ``nowrap`` (a short value), ``wide-only`` (hidden on a phone),
    ``roomy-only`` (hidden under 100rem too); one definition per set of classes (DataTables
    keeps one className per column)."""
    by_classes: dict[str, list[int]] = {}
    for i, c in enumerate(COLUMNS):
        shown = "" if c in ON_A_PHONE else "wide-only" if c in ON_A_LAPTOP else "roomy-only"
        names = ["nowrap"] * (c in NOWRAP) + [shown] * bool(shown)
        if names:
            by_classes.setdefault(" ".join(names), []).append(i)
    return [{"targets": targets, "className": names} for names, targets in by_classes.items()]


def datatable_options(lang: str) -> dict[str, Any]:
    """itables' options: SearchPanes on the filter columns, every word in ``lang``."""
    from itables import JavascriptCode, JavascriptFunction

    return {
        "table_id": TABLE_ID,
        "connected": False,
        # DataTables' language object nests (``searchPanes.title._``): itables types it flat
        "warn_on_unexpected_option_type": False,
        "allow_html": True,
        "showIndex": False,
        "classes": "display compact",
        "style": "width:100%",
        "autoWidth": False,
        "pageLength": 25,
        "lengthMenu": [10, 25, 50, 100],
        "layout": {"top1": "searchPanes"},
        "columnDefs": [
            *class_names(),
            {
                "targets": [COLUMNS.index(c) for c in (*FILTERS, *ORDERED)],
                "render": JavascriptFunction(CELL_VALUE),
            },
            {"targets": [COLUMNS.index(c) for c in FILTERS], "searchPanes": {"orthogonal": "sp"}},
        ],
        "searchPanes": {
            "columns": [COLUMNS.index(c) for c in FILTERS],
            "layout": "columns-4",
            "initCollapsed": JavascriptCode(COLLAPSED),
            "cascadePanes": False,
            "viewTotal": True,
        },
        "language": language(lang),
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
            loading=i18n.t("report.datatables.loading", lang),
            labels={
                "pane_option": i18n.t("report.datatables.pane_option", lang),
                "pane_search": i18n.t("report.datatables.pane_search", lang),
                "pagination": i18n.t("report.datatables.pagination", lang),
            },
            init=init,
            table=table,
            disputes=disputes.views(ds, lang),
            disputes_words=disputes.words(lang),
            none_word=i18n.t("report.none", lang),
        )
    )
    page = folder / "facts.html"
    page.write_text(html, encoding="utf-8")
    return page
