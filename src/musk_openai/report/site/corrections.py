"""The corrections page, ``<lang>/corrections.html``: every change made to the dataset since its
first release (``corrections.csv``), newest version first, each row's changes together, each
row linked to its sentence on the source page when that page anchors it (``#F03``: every row's
first change is an anchor too, ``corrections.html#F03``).

Every word of the page is in texts.toml (``report.corrections``). The notes and reasons of the
log are written in English around the French words they quote: each cell says its language, and
each French quotation inside English text is marked ``lang="fr"``; French quotation marks get
their no-break spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from musk_openai.dataset.columns import (
    ARTICLES_LANGUAGE,
    CORRECTIONS_LANGUAGE,
    LANGUAGES,
    TABLES,
)
from musk_openai.dataset.data import Dataset
from musk_openai.report.site import jinja
from musk_openai.story import i18n

#: The language the reasons of corrections.csv are written in.
REASONS_LANG = CORRECTIONS_LANGUAGE
#: The tables whose rows are anchored on the source pages.
WITH_SOURCE = ("figures", "events", "members", "claims")
#: A French quotation, « … », with what surrounds its marks.
QUOTE = re.compile(r"«\s*(.*?)\s*»", re.S)
FRENCH = ARTICLES_LANGUAGE


@dataclass(frozen=True)
class Change:
    row: str
    href: str | None
    #: The row's first change: the page's anchor for it.
    anchor: str | None
    what: str
    before: Markup
    after: Markup
    reason: Markup
    #: The language of the values before and after (French for a French label or an excerpt).
    values_lang: str


@dataclass(frozen=True)
class Version:
    version: str
    changes: list[Change]


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


def _labels(ds: Dataset, lang: str) -> dict[str, str]:
    """Each row's label in ``lang`` (a row added shows what it says)."""
    found: dict[str, str] = {}
    for table in ("figures", "events", "claims"):
        frame = getattr(ds, table)
        found |= dict(zip(frame["id"], frame[f"label_{lang}"], strict=True))
    return found


def _language_of(field: str) -> str:
    """The language of a column's values: its suffix for a label or question (``label_fr``),
    French for an excerpt, else that of the notes."""
    suffix = field.rsplit("_", 1)[-1]
    if suffix in LANGUAGES:
        return suffix
    return FRENCH if field == "excerpt" else REASONS_LANG


def marked(text: str, text_lang: str) -> Markup:
    """``text`` as HTML: escaped, French quotation marks with no-break spaces, and each French
    quotation inside text of another language marked ``lang="fr"``."""
    out: list[str] = []
    last = 0
    for m in QUOTE.finditer(text):
        out.append(str(escape(text[last : m.start()])))
        quoted = f"«\u202f{escape(m.group(1))}\u202f»"
        out.append(quoted if text_lang == FRENCH else f'<span lang="fr">{quoted}</span>')
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def versions(ds: Dataset, lang: str) -> list[Version]:
    """Every correction in ``lang``: the newest version first; in a version, table by table,
    each row's changes together."""
    where, labels = _sources(ds), _labels(ds, lang)
    none = i18n.t("report.corrections.empty", lang)
    log = ds.corrections.assign(
        _order=range(len(ds.corrections)),
        _table=[TABLES.index(str(t)) for t in ds.corrections["table"]],
    )
    out: list[Version] = []
    seen: set[str] = set()
    ordered = log.sort_values(["dataset_version", "_table", "row_id", "_order"])
    for version, rows in reversed(list(ordered.groupby("dataset_version", sort=True))):
        changes = []
        for _, c in rows.iterrows():
            change, row = str(c["change"]), str(c["row_id"])
            field = str(c["field"])
            if change == "edited":
                what = i18n.t(f"report.corrections.fields.{field}", lang)
            else:
                what = i18n.t(f"report.corrections.{change}", lang)
            values_lang = _language_of(field) if change == "edited" else lang
            before, after = _text(c["old_value"]), _text(c["new_value"])
            if change == "added":
                after = labels.get(row, "")
            source = where.get(row)
            changes.append(
                Change(
                    row=row,
                    href=f"sources/{source}.html#{row}" if source and change != "removed" else None,
                    anchor=None if row in seen else row,
                    what=what,
                    before=marked(before, values_lang) if before else Markup(escape(none)),
                    after=marked(after, values_lang) if after else Markup(escape(none)),
                    reason=marked(str(c["reason"]), REASONS_LANG),
                    values_lang=values_lang,
                )
            )
            seen.add(row)
        out.append(Version(str(version), changes))
    return out


def _text(value: Any) -> str:
    return "" if pd.isna(value) else str(value).strip()


def write_page(ds: Dataset, folder: Path, lang: str, layout: dict[str, Any]) -> Path:
    """``<lang>/corrections.html``."""

    def word(key: str, **fields: object) -> str:
        return i18n.t(f"report.corrections.{key}", lang, **fields)

    found = versions(ds, lang)
    html = (
        jinja.templates()
        .get_template("corrections.html.j2")
        .render(
            **layout,
            root="",
            wide=True,
            title=word("page_title"),
            heading=word("heading"),
            intro=word("intro", n=len(ds.corrections)),
            headers=[word(f"columns.{c}") for c in ("row", "what", "before", "after", "reason")],
            versions=[(v, word("version", version=v.version)) for v in found],
            reasons_lang=REASONS_LANG if REASONS_LANG != lang else None,
        )
    )
    page = folder / "corrections.html"
    page.write_text(html, encoding="utf-8")
    return page
