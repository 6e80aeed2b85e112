"""musk_openai.story.i18n and texts.toml: words, money, numbers and dates in both languages; and no
language test or reader-facing phrase anywhere else in the code (a lint on the source files)."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import lint_texts
import pytest
from babel.dates import get_month_names

from musk_openai.dataset import data
from musk_openai.paths import PROJECT_ROOT
from musk_openai.story import i18n, params, queries

SRC = PROJECT_ROOT / "src" / "musk_openai"


@pytest.mark.parametrize(
    ("usd", "fr", "en"),
    [
        (157e9, "157\u00a0Md$", "$157B"),
        (6.6e9, "6,6\u00a0Md$", "$6.6B"),
        (86e9, "86\u00a0Md$", "$86B"),
        (44e6, "44\u00a0M$", "$44M"),
        (1e9, "1\u00a0Md$", "$1B"),
    ],
)
def test_money_formats(usd: float, fr: str, en: str) -> None:
    assert i18n.money(usd, "fr") == fr
    assert i18n.money(usd, "en") == en


def test_bounds_and_dates_in_both_languages() -> None:
    assert i18n.money_bound(45e6, "upper_bound", "fr") == "moins de 45\u00a0M$"
    assert i18n.money_bound(90e6, "lower_bound", "en") == "more than $90M"
    assert i18n.money_bound(100e6, "approximate", "fr") == "environ 100\u00a0M$"
    assert i18n.money(1e9, "fr", words=True) == "1\u00a0milliard de dollars"
    assert i18n.money(6.6e9, "en", words=True) == "6.6 billion dollars"
    assert i18n.money(157e9, "fr", words=True) == "157\u00a0milliards de dollars"
    assert i18n.percent(45 / 135, "en") == "33%"
    assert i18n.date("2024-02-22/2024-03-28", "interval", "fr") == (
        "entre le 22 février et le 28 mars 2024"
    )
    assert i18n.date("2024-02-22/2024-03-28", "interval", "en") == (
        "between February 22 and March 28, 2024"
    )
    assert i18n.date("2024-10", "month", "fr") == "octobre 2024"
    assert i18n.date("2024-10-02", "day", "en") == "October 2, 2024"
    assert i18n.date("2015", "year", "en") == "2015"
    assert i18n.date("", "none", "fr") == "date non précisée"


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        ("2018?", "2018 (incertain)", "2018 (uncertain)"),
        ("2019/2020", "2019 ou 2020", "2019 or 2020"),
        ("../2023-03", "au plus tard en mars 2023", "by March 2023"),
        ("2019/..", "en 2019 ou après", "in 2019 or later"),
        ("2024/2024-10-02", "en 2024, au plus tard le 2 octobre", "in 2024, by October 2"),
        ("2024-03/2024-10", "entre mars et octobre 2024", "between March and October 2024"),
        ("2023-11-01/2024-03", "entre le 1er novembre 2023 et mars 2024",
         "between November 1, 2023 and March 2024"),
        ("2017/2019", "entre 2017 et 2019", "between 2017 and 2019"),
    ],
)  # fmt: skip
def test_every_edtf_form_reads_as_words(value: str, fr: str, en: str) -> None:
    """Every shape of date the dataset holds, no more precise than it is; queries.when agrees."""
    assert (i18n.date(value, "interval", "fr"), i18n.date(value, "interval", "en")) == (fr, en)
    assert queries.when(value, "en") == en
    with pytest.raises(ValueError, match="not a date of the dataset"):
        i18n.date("2024-13", "month", "fr")


def test_every_date_of_the_dataset_reads_as_words(ds: data.Dataset) -> None:
    for table in (ds.figures, ds.events, ds.claims):
        for value, precision in zip(table["date"], table["date_precision"], strict=True):
            for lang in params.LANGS:
                text = i18n.date(str(value), str(precision), lang)
                assert text and "/" not in text and ".." not in text, (value, text)


def test_numbers_and_dates_follow_each_locale() -> None:
    """Babel's (CLDR) decimal comma, grouping and month names; the house's French '1er'."""
    assert i18n.number(1.8255, "fr", 2) == "1,83" and i18n.number(1.8255, "en", 2) == "1.83"
    assert i18n.number(6.0, "fr") == "6" and i18n.number(2.5, "en", 0) == "2"
    assert i18n.number(1234.5, "en") == "1,234.5"
    assert i18n.number(1234.5, "fr") == "1\u202f234,5"  # CLDR: a narrow no-break space
    assert i18n.date("2024-10-01", "day", "fr") == "1er octobre 2024"
    assert i18n.date("2024-10-01", "day", "en") == "October 1, 2024"
    assert i18n.date("2024-08-15", "day", "fr") == "15 août 2024"
    for month in range(1, 13):
        for lang in params.LANGS:
            name = str(get_month_names("wide", locale=lang)[month])
            assert i18n.date(f"2024-{month:02d}", "month", lang) == f"{name} 2024"


#: French typography: what must never be followed or preceded by an ordinary space.
FRENCH_SPACES = re.compile(r" [:;?!»]|« |\d [MkG]?d?\$")


def test_french_typography_has_no_break_spaces() -> None:
    """A narrow no-break space before « : ; ? ! » and inside « », a no-break space between a
    number and its unit: never an ordinary space, which a line could break at."""
    bad = [
        (key, text)
        for key, by_lang in _entries(i18n.texts())
        for lang, text in by_lang.items()
        if lang == "fr" and FRENCH_SPACES.search(text)
    ]
    assert bad == []
    assert "\u202f:" in i18n.t("chart.footer.one", "fr", sources="S001")
    assert i18n.t("chart.funding.title", "fr").startswith("Qui a financé OpenAI\u202f?")


@pytest.mark.parametrize(
    ("text", "fr", "en"),
    [
        ("Musk manipulé, trompé ?", "Musk manipulé, trompé\u202f?", "Musk manipulé, trompé?"),
        ("Question : oui ; non !", "Question\u00a0: oui\u202f; non\u202f!", "Question: oui; non!"),
        ("les 49 % de Microsoft", "les 49\u202f% de Microsoft", "les 49% de Microsoft"),
        ("44 millions « qu'il a investis »", "44\u00a0millions «\u202fqu'il a investis\u202f»",
         "44 millions «\u202fqu'il a investis\u202f»"),
        ("OpenAI a-t-elle répondu ? Peut-il",
         "OpenAI a\u2011t\u2011elle répondu\u202f? Peut\u2011il",
         "OpenAI a\u2011t\u2011elle répondu? Peut\u2011il"),
        ("157 Md$, 10:30, https://x.org", "157\u00a0Md$, 10:30, https://x.org",
         "157 Md$, 10:30, https://x.org"),
    ],
)  # fmt: skip
def test_text_built_from_data_is_spaced_as_each_language_writes(
    text: str, fr: str, en: str
) -> None:
    """The typography of labels, notes and descriptions made from data: French no-break spaces
    (never a line break before ? or inside « »), no space before ? or % in English, an inverted
    question never cut at its hyphens; a time or an address left as it is."""
    assert i18n.typography(text, "fr") == fr
    assert i18n.typography(text, "en") == en
    assert i18n.typography(fr, "fr") == fr  # twice is once


def test_lists_and_articles_in_words() -> None:
    assert (
        i18n.listing(["Semafor", "The Verge", "Twitter"], "fr") == "Semafor, The Verge et Twitter"
    )
    assert i18n.listing(["Semafor", "The Verge"], "en") == "Semafor and The Verge"
    assert i18n.source_name("S002", "fr") == "l’article de mars 2023"
    assert i18n.source_name("S003", "en", short=True) == "March 2024 article"
    assert i18n.source_name("S999", "en") == "S999"  # a source texts.toml does not name


def test_words_by_key() -> None:
    assert i18n.t("chart.according", "en", who="OpenAI") == "according to OpenAI"
    assert i18n.kind("donation", "fr") == "Don"
    assert i18n.assertor("OpenAI employee", "en") == "an OpenAI employee"
    with pytest.raises(KeyError, match="texts.toml has no 'chart.nothing'"):
        i18n.t("chart.nothing.title", "fr")
    with pytest.raises(KeyError, match="has no text for language 'de'"):
        i18n.t("chart.valuation.title", "de")


def _entries(node: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, dict[str, str]]]:
    """Every phrase of texts.toml: its dotted key and its text by language."""
    assert isinstance(node, dict)
    if any(isinstance(v, str) for v in node.values()):
        assert all(isinstance(v, str) for v in node.values()), ".".join(path)
        yield ".".join(path), node
        return
    for key, child in node.items():
        yield from _entries(child, (*path, key))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_phrase_has_every_language_and_the_same_fields() -> None:
    entries = dict(_entries(i18n.texts()))
    assert len(entries) > 60
    for key, by_lang in entries.items():
        assert set(by_lang) == set(params.LANGS), key
        fields = {lang: _fields(text) for lang, text in by_lang.items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, (key, fields)


# --- the lint (tools/lint_texts.py, run by make lint) catches what it must ----------------------


@pytest.mark.parametrize(
    "code",
    [
        'x = "Fonds levés" if lang == "fr" else "Money raised"',
        'label = "selon " + who',
        'MONTHS = ["janvier", "février"]',
        'first = f"{day}er" if lang != "en" else str(day)',
    ],
)
def test_the_lint_catches(code: str) -> None:
    pattern = lint_texts.matcher(lint_texts.phrases())
    assert lint_texts.language_tests(code) or lint_texts.phrases_in(code, pattern)


def test_the_lint_lets_plain_code_through() -> None:
    code = 'label = i18n.t("chart.valuation.title", lang)\nrows = df[df["kind"] == "valuation"]'
    pattern = lint_texts.matcher(lint_texts.phrases())
    assert lint_texts.language_tests(code) == [] and lint_texts.phrases_in(code, pattern) == []
