"""Words, numbers, money and dates in the reader's language, without the system locale.

Words come from ``texts.toml`` (package data: every phrase, French and English side by side),
through :func:`t`. Numbers and month names come from Babel (CLDR data shipped with it, so a run
gives the same text on any machine); the house patterns around them ("157 Md$" / "$157B", the
French "1er") are phrases of ``texts.toml`` too. No function here tests the language itself: a
third language is a column of ``texts.toml`` (and an entry of :data:`params.LANGS`).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from musk_openai.dataset import dates

TEXTS_FILE = "texts.toml"


@cache
def texts() -> dict[str, Any]:
    """The whole of ``texts.toml``, read once."""
    raw = resources.files(__package__ or "musk_openai.story").joinpath(TEXTS_FILE).read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


def _phrase(path: list[str], lang: str) -> str:
    node: Any = texts()
    for i, part in enumerate(path):
        if not isinstance(node, dict) or part not in node:
            where = ".".join(path[: i + 1])
            raise KeyError(f"{TEXTS_FILE} has no {where!r} (looking up {'.'.join(path)!r})")
        node = node[part]
    if not isinstance(node, dict) or not isinstance(node.get(lang), str):
        raise KeyError(f"{TEXTS_FILE}: {'.'.join(path)!r} has no text for language {lang!r}")
    return str(node[lang])


def t(key: str, lang: str, **fmt: object) -> str:
    """The phrase ``key`` (dotted: ``"chart.valuation.title"``) in ``lang``, ``{names}`` filled
    in from ``fmt``."""
    phrase = _phrase(key.split("."), lang)
    return phrase.format(**fmt) if fmt else phrase


def kind(value: str, lang: str) -> str:
    """A kind of fact (``donation``, ``legal``...) as readers see it: 'Don' / 'Donation'."""
    return _phrase(["kind", value], lang)


def assertor(value: str, lang: str) -> str:
    """Who asserts a row (``asserted_by``): 'l’article' / 'the article', 'Elon Musk'..."""
    return _phrase(["assertor", value], lang)


def number(x: float, lang: str, decimals: int = 1) -> str:
    """1.83 -> '1,83' in French, '1.83' in English; trailing zeros dropped."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return str(format_decimal(x, format=pattern, locale=lang))


def money(usd: float, lang: str, *, words: bool = False) -> str:
    """157e9 -> '157 Md$' / '$157B'; 6.6e9 -> '6,6 Md$' / '$6.6B'; 44e6 -> '44 M$' / '$44M' (a
    no-break space between a French number and its unit). ``words``: '157 milliards de dollars' /
    '157 billion dollars', for alt text read aloud."""
    if usd >= 1e9:
        scale, unit = 1e9, "billions"
    elif usd >= 1e6:
        scale, unit = 1e6, "millions"
    else:
        scale, unit = 1e3, "thousands"
    if words:  # French: "1 milliard", "1,5 milliard", "2 milliards"
        key = f"money_words.{unit[:-1]}_one" if usd / scale < 2 else f"money_words.{unit}"
        return t(key, lang, n=number(usd / scale, lang))
    return t(f"money.{unit}", lang, n=number(usd / scale, lang))


def money_bound(usd: float, bound: str, lang: str, *, words: bool = False) -> str:
    """The amount with its bound: 'moins de 45 M$', 'about $100M'."""
    return t(f"amount.{bound}", lang, amount=money(usd, lang, words=words))


def percent(x: float, lang: str) -> str:
    """0.3333 -> '33 %' / '33%' (Babel: a narrow no-break space before % in French)."""
    return str(format_percent(x, locale=lang))


def _one(side: str, lang: str, *, year: bool = True) -> str:
    """A plain ``YYYY[-MM[-DD]]`` (no qualifier): 'octobre 2024' / 'October 2024'; without its
    year ('octobre', '2 octobre') when ``year`` is false (an interval's sides in one year)."""
    if len(side) == 4:
        return side
    day = int(side[8:10]) if len(side) == 10 else 1
    when = datetime.date(int(side[:4]), int(side[5:7]), day)
    pattern = "month" if len(side) == 7 else "first_day" if day == 1 else "day"
    pattern += "" if year else "_no_year"
    return str(format_date(when, format=t(f"date.{pattern}", lang), locale=lang))


def _precision(side: str) -> str:
    return {4: "year", 7: "month"}.get(len(side), "day")


def _interval(left: str, right: str, lang: str) -> str:
    """Both sides of an EDTF interval (without qualifiers), ``..`` for an open side, in words."""
    if left == dates.OPEN:  # "../2023-03": on or before
        return t(f"date_by.{_precision(right)}", lang, d=_one(right, lang))
    if right == dates.OPEN:  # "2019/..": on or after
        return t(f"date_since.{_precision(left)}", lang, d=_one(left, lang))
    if len(left) == len(right) == 4 and int(right) == int(left) + 1:  # "2019/2020"
        return t("date.either", lang, start=left, end=right)
    if len(left) == 4 and right[:4] == left:  # "2024/2024-10-02": that year, by that day
        by = t(f"date_by.{_precision(right)}", lang, d=_one(right, lang, year=False))
        return t("date.within", lang, year=left, by=by)
    same_year = left[:4] == right[:4] and len(left) > 4
    start = t(f"date_at.{_precision(left)}", lang, d=_one(left, lang, year=not same_year))
    end = t(f"date_at.{_precision(right)}", lang, d=_one(right, lang))
    return t("date.interval", lang, start=start, end=end)


def date(value: str, precision: str, lang: str) -> str:
    """Any date of the dataset (EDTF, :mod:`~musk_openai.dataset.dates`) in the reader's
    language, never more precise than it is: '2024-10' -> 'octobre 2024' / 'October 2024';
    '2024-02-22/2024-03-28' -> 'entre le 22 février et le 28 mars 2024' / 'between February 22
    and March 28, 2024'; '2019/2020' -> '2019 ou 2020'; '../2023-03' -> 'au plus tard en mars
    2023' / 'by March 2023'; '2019/..' -> 'en 2019 ou après'; '2018?' -> '2018 (incertain)'.
    An empty date, or ``precision`` 'none', is ``date.none``."""
    if precision == "none" or not value:
        return t("date.none", lang)
    span = dates.span(value)
    if span is None:
        raise ValueError(f"not a date of the dataset: {value!r} (expected {dates.EXAMPLES})")
    sides = [side.rstrip("?~%") for side in value.split("/")]
    text = _one(sides[0], lang) if len(sides) == 1 else _interval(sides[0], sides[1], lang)
    return t(f"date_qualified.{span.qualifier}", lang, date=text) if span.qualifier else text


def moment(when: datetime.datetime, lang: str) -> str:
    """A point in time, in UTC: '24 novembre 2026 à 15:08 UTC' / 'November 24, 2026 at 15:08
    UTC'."""
    pattern = t("date.moment", lang)
    return str(format_datetime(when, pattern, tzinfo=datetime.UTC, locale=lang))


def month_short(value: str, lang: str) -> str:
    """'2024-03' -> 'mars 2024' / 'Mar 2024': a time axis's month."""
    when = datetime.date(int(value[:4]), int(value[5:7]), 1)
    return str(format_date(when, format=t("date.month_short", lang), locale=lang))


def month_narrow(value: str, lang: str) -> str:
    """'2024-03' -> 'M': a month's initial, on a month-by-month axis."""
    when = datetime.date(int(value[:4]), int(value[5:7]), 1)
    return str(format_date(when, format=t("date.month_narrow", lang), locale=lang))


def label(row: pd.Series, lang: str) -> str:
    """The row's label in the chosen language (its column ``label_<lang>``)."""
    return str(row[f"label_{lang}"])


#: Where a language's typography puts its own spacing in text built from data (labels, notes,
#: excerpts, the articles' descriptions): each pattern, the ``[typography]`` phrase of texts.toml
#: that gives the space (none in English, a no-break one in French), and what replaces the match.
SPACING = (
    (re.compile(r"[ \t\u00a0\u202f]+([?!;])"), "before_high", r"{space}\1"),  # "trompé ?"
    (re.compile(r"[ \t\u00a0\u202f]+:"), "before_colon", "{space}:"),  # "Question :"
    (re.compile(r"(\d)[ \u00a0\u202f]+%"), "before_percent", r"\1{space}%"),  # "49 %"
    (re.compile(r"(\d) (?=milliards?\b|millions?\b|Md\$|M\$|k\$)"), "before_unit", r"\1{space}"),
)
#: French quotation marks, whatever the page's language (a quote keeps its sources' language):
#: a narrow no-break space inside, never a line break.
QUOTES = ((re.compile(r"«\s*"), "«\u202f"), (re.compile(r"\s*»"), "\u202f»"))
#: An inverted French question ("a-t-elle", "peut-il"): hyphens a line never breaks at.
INVERSION = re.compile(r"(?<=\w)-(?:(t)-)?(?=(?:il|elle|ils|elles|on)\b)")
NO_BREAK_HYPHEN = "\u2011"


def typography(text: str, lang: str) -> str:
    """Text built from data, spaced as ``lang`` writes it: in French, a narrow no-break space
    before ? ! ; and inside « », a no-break space before : and between a number and its unit,
    no-break hyphens in "a-t-elle"; in English none of these spaces ("49%"), but « » (a French
    quote) keeps its own."""
    for pattern, key, template in SPACING:
        text = pattern.sub(template.replace("{space}", t(f"typography.{key}", lang)), text)
    for pattern, quote in QUOTES:
        text = pattern.sub(quote, text)
    return INVERSION.sub(
        lambda m: NO_BREAK_HYPHEN + (m.group(1) + NO_BREAK_HYPHEN if m.group(1) else ""), text
    )


def outlet(name: str, lang: str) -> str:
    """An outlet an article cites, as the language names it ('OpenAI blog' -> 'le blog
    d’OpenAI'); a name (Semafor, The Verge) as it is."""
    return str(texts()["outlet"].get(name, {}).get(lang, name))


def listing(items: list[str], lang: str) -> str:
    """Names as a list in words: 'Semafor, The Verge et Twitter' / 'Semafor, The Verge and
    Twitter' (Babel, CLDR)."""
    return str(format_list(items, locale=lang)) if items else ""


def source_name(source_id: str, lang: str, *, short: bool = False) -> str:
    """An article as readers name it: 'l’article de mars 2024' / 'the March 2024 article'
    (``short``: 'article de mars 2024' / 'March 2024 article', for a table's cell). A source
    texts.toml does not name is shown by its code."""
    try:
        return t(f"source.{source_id}.{'short' if short else 'name'}", lang)
    except KeyError:
        return source_id
