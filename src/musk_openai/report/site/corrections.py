"""The corrections page, ``<lang>/corrections.html``: every change made to the dataset since its
first release (``corrections.csv``), newest version first, each row linked to its sentence on the
source page when that page anchors it. Every word of the page is in texts.toml
(``report.corrections``); the reasons are written in English around the French words they quote,
and marked so (``lang="en"``) on pages of another language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from musk_openai.dataset.columns import CORRECTIONS_LANGUAGE, LANGUAGES
from musk_openai.dataset.data import Dataset
from musk_openai.report.site import jinja
from musk_openai.story import i18n

#: The language the reasons of corrections.csv are written in.
REASONS_LANG = CORRECTIONS_LANGUAGE
#: The tables whose rows are anchored on the source pages (claims are not yet).
WITH_SOURCE = ("figures", "events", "members")


@dataclass(frozen=True)
class Change:
    version: str
    row: str
    href: str | None
    what: str
    before: str
    after: str
    reason: str
    #: The language of the values before and after: French for a French label or an excerpt.
    values_lang: str


def corrected_rows(ds: Dataset) -> set[str]:
    """The ids of the rows edited or added since the first release."""
    c = ds.corrections
    if c.empty:
        return set()
    return set(c.loc[c["change"].astype(str) != "removed", "row_id"])


def _sources(ds: Dataset) -> dict[str, str]:
    """Where each row's sentence is: its source, by row id."""
    found: dict[str, str] = {}
    for table in WITH_SOURCE:
        frame = getattr(ds, table)
        found |= dict(zip(frame["id"], frame["source_id"], strict=True))
    return found


def changes(ds: Dataset, lang: str) -> list[Change]:
    """Every correction, in ``lang``, newest version first, then in the log's order."""
    where = _sources(ds)
    out = []
    log = ds.corrections.assign(_order=range(len(ds.corrections)))
    for _, c in log.sort_values(["dataset_version", "_order"], ascending=[False, True]).iterrows():
        change = str(c["change"])
        if change == "edited":
            what = i18n.t(f"report.corrections.fields.{c['field']}", lang)
        else:
            what = i18n.t(f"report.corrections.{change}", lang)
        source = where.get(str(c["row_id"]))
        href = f"sources/{source}.html#{c['row_id']}" if source and change != "removed" else None
        out.append(
            Change(
                version=str(c["dataset_version"]),
                row=str(c["row_id"]),
                href=href,
                what=what,
                before=_value(c["old_value"], lang),
                after=_value(c["new_value"], lang),
                reason=str(c["reason"]),
                values_lang=_language_of(str(c["field"])),
            )
        )
    return out


def _language_of(field: str) -> str:
    """The language of a column's values: its suffix for a label or question (``label_fr``),
    else that of the notes."""
    suffix = field.rsplit("_", 1)[-1]
    return suffix if suffix in LANGUAGES else REASONS_LANG


def _value(value: Any, lang: str) -> str:
    text = "" if pd.isna(value) else str(value)
    return text if text.strip() else i18n.t("report.none", lang)


def write_page(ds: Dataset, folder: Path, lang: str, layout: dict[str, Any]) -> Path:
    """``<lang>/corrections.html``."""

    def word(key: str, **fields: object) -> str:
        return i18n.t(f"report.corrections.{key}", lang, **fields)

    rows = changes(ds, lang)
    html = (
        jinja.templates()
        .get_template("corrections.html.j2")
        .render(
            **layout,
            root="",
            wide=True,
            title=word("heading"),
            intro=word("intro", n=len(rows)),
            headers=[word(f"columns.{c}") for c in ("version", "row", "what", "before", "after")]
            + [word("columns.reason")],
            changes=rows,
            reasons_lang=REASONS_LANG if REASONS_LANG != lang else None,
        )
    )
    page = folder / "corrections.html"
    page.write_text(html, encoding="utf-8")
    return page
