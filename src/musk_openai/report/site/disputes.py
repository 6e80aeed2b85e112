"""Who says what, on the fact explorer's page: for each dispute of ``data/disputes.csv``, its
question, every version side by side (who asserts it, what it says, its sentence in the article,
a link to that sentence) and why they cannot all be true (the dispute's note).

The notes are written in English, the dataset's working language, around French quotations
(like the corrections' reasons): on a French page the note is marked ``lang="en"`` and said to
be in English; each French quotation in it is marked ``lang="fr"``. A source's code in a note
becomes its name in words, linked to its page; a row's id, a link to its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from musk_openai.dataset.data import Dataset
from musk_openai.report.site import corrections
from musk_openai.report.site import rows as dataset_rows
from musk_openai.story import i18n, queries

#: The language the dispute notes are written in (that of the corrections' reasons).
NOTES_LANG = corrections.REASONS_LANG
#: A source's code (S002) or a row's id (F15, C31) in a note.
CODE = re.compile(r"\b(S\d{3}|[FEMC]\d{2,3})\b")
#: Where a sentence starts: a name in words put there takes a capital.
SENTENCE_START = re.compile(r"(^|[.!?]\s+)$")


@dataclass(frozen=True)
class Version:
    """One version: one row, one assertor, one source."""

    row: dataset_rows.Row
    #: What it says, spaced as the page's language writes it.
    label: str
    #: What the row's claimant does (a claim's stance), else empty.
    stance: str
    #: The article named in words.
    source_name: str
    #: The excerpt, spaced as its language writes it.
    sentence: str
    #: The language the excerpt is written in (the source's).
    sentence_lang: str


@dataclass(frozen=True)
class Dispute:
    subject: str
    question: str
    conflict: str
    versions: list[Version]
    note: Markup
    #: The language the note is shown in: the page's where texts.toml translates it.
    note_lang: str = NOTES_LANG


def note_html(note: str, anchors: dict[str, str], lang: str = NOTES_LANG) -> Markup:
    """A dispute's note (written in ``lang``) as HTML: its French quotations marked, each
    source's code its name in words linked to its page, each row's id a link to its sentence
    (``anchors``, by id)."""
    marked = str(corrections.marked(note, lang))
    out, last = [], 0
    for m in CODE.finditer(marked):
        out.append(marked[last : m.start()])
        code = m.group(1)
        if code.startswith("S"):
            name = i18n.typography(i18n.source_name(code, lang), lang)
            if SENTENCE_START.search("".join(out)):
                name = name[:1].upper() + name[1:]
            out.append(str(Markup('<a href="sources/{}.html">{}</a>').format(code, name)))
        elif code in anchors:
            out.append(str(Markup('<a href="{}">{}</a>').format(anchors[code], code)))
        else:
            out.append(code)
        last = m.end()
    out.append(marked[last:])
    return Markup("".join(out))  # noqa: S704 (every piece escaped above)


def views(ds: Dataset, lang: str) -> list[Dispute]:
    """Every dispute of the dataset, in its order, with its versions in the order of their
    table."""
    every = dataset_rows.every_row(ds, lang)
    by_id = {r.id: r for r in every}
    anchors = {r.id: r.anchor for r in every}
    languages = dict(zip(ds.sources["source_id"], ds.sources["language"], strict=True))
    found = []
    for d in ds.disputes.itertuples(index=False):
        rows = queries.versions(ds, str(d.subject), str(d.table))
        versions = []
        for row_id in rows["id"]:
            row = by_id[str(row_id)]
            quoted = languages.get(row.source_id, lang)
            versions.append(
                Version(
                    row=row,
                    label=i18n.typography(row.label, lang),
                    stance=row.stance,
                    source_name=i18n.typography(
                        i18n.source_name(row.source_id, lang, short=True), lang
                    ),
                    sentence=i18n.typography(row.excerpt, quoted),
                    sentence_lang=quoted,
                )
            )
        found.append(
            Dispute(
                subject=str(d.subject),
                question=i18n.typography(str(getattr(d, f"question_{lang}")), lang),
                conflict=i18n.t(f"conflict.{d.conflict}", lang),
                versions=versions,
                note=_note(str(d.subject), str(d.note), anchors, lang),
                note_lang=lang if _translated(str(d.subject), lang) else NOTES_LANG,
            )
        )
    return found


def _translated(subject: str, lang: str) -> str:
    """The note's translation in ``lang`` (texts.toml's ``dispute_note``), or ""."""
    notes = i18n.texts()["dispute_note"]
    return i18n.t(f"dispute_note.{subject}", lang) if subject in notes else ""


def _note(subject: str, note: str, anchors: dict[str, str], lang: str) -> Markup:
    """The note in the page's language where texts.toml translates it, else the dataset's own
    (in :data:`NOTES_LANG`)."""
    own = _translated(subject, lang)
    return note_html(own, anchors, lang) if own else note_html(note, anchors)


def words(lang: str) -> dict[str, str]:
    """The section's words (``report.facts.disputes``)."""
    names = ("heading", "intro", "jump", "conflict", "sentence", "why", "note_language")
    return {name: i18n.t(f"report.facts.disputes.{name}", lang) for name in names}
