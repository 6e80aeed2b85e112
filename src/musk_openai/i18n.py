"""Words, numbers, money and dates in the reader's language, without the system locale.

Words come from ``texts.toml`` (package data: every phrase, French and English side by side),
through :func:`t`. Numbers and month names come from Babel (CLDR data shipped with it, so a run
gives the same text on any machine); the house patterns around them ("157 Md$" / "$157B", the
French "1er") are phrases of ``texts.toml`` too. No function here tests the language itself: a
third language is a column of ``texts.toml`` (and an entry of :data:`params.LANGS`).
"""

from __future__ import annotations

import datetime
import tomllib
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

TEXTS_FILE = "texts.toml"


@cache
def texts() -> dict[str, Any]:
    """The whole of ``texts.toml``, read once."""
    raw = resources.files(__package__ or "musk_openai").joinpath(TEXTS_FILE).read_bytes()
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


def date(value: str, precision: str, lang: str) -> str:
    """'2024-10' month -> 'octobre 2024' / 'October 2024'; never adds a day or a month. An
    interval of uncertain dates, '2024-02-22/2024-03-28', reads 'entre le 22 février 2024 et le
    28 mars 2024' / 'between February 22, 2024 and March 28, 2024'."""
    if precision == "none" or not value:
        return t("date.none", lang)
    if "/" in value:
        first, last = value.split("/", 1)
        return t("date.interval", lang, start=date(first, "day", lang), end=date(last, "day", lang))
    if precision == "year":
        return value[:4]
    day = int(value[8:10]) if precision == "day" else 1
    when = datetime.date(int(value[:4]), int(value[5:7]), day)
    pattern = "month" if precision == "month" else "first_day" if day == 1 else "day"
    return str(format_date(when, format=t(f"date.{pattern}", lang), locale=lang))


def month_short(value: str, lang: str) -> str:
    """'2024-03' -> 'mars 2024' / 'Mar 2024': a time axis's month."""
    when = datetime.date(int(value[:4]), int(value[5:7]), 1)
    return str(format_date(when, format=t("date.month_short", lang), locale=lang))


def label(row: pd.Series, lang: str) -> str:
    """The row's label in the chosen language (its column ``label_<lang>``)."""
    return str(row[f"label_{lang}"])
