"""Words, numbers and dates in French and English, without the system locale (reproducible)."""

from __future__ import annotations

import pandas as pd

MONTHS = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}

KINDS = {
    "fr": {
        "founding": "Fondation",
        "governance": "Gouvernance",
        "funding": "Financement",
        "legal": "Justice",
        "statement": "Déclaration",
        "product": "Produit",
        "rival": "Concurrence",
        "valuation": "Valorisation",
        "funding_round": "Levée de fonds",
        "investment": "Investissement",
        "donation": "Don",
        "pledge": "Promesse",
        "lawsuit_claim": "Somme réclamée",
        "stake": "Participation",
        "count": "Nombre",
        "investor": "Investisseur nommé",
        "rival_member": "Concurrent nommé",
    },
    "en": {
        "founding": "Founding",
        "governance": "Governance",
        "funding": "Funding",
        "legal": "Legal",
        "statement": "Statement",
        "product": "Product",
        "rival": "Rivals",
        "valuation": "Valuation",
        "funding_round": "Funding round",
        "investment": "Investment",
        "donation": "Donation",
        "pledge": "Pledge",
        "lawsuit_claim": "Sum claimed",
        "stake": "Stake",
        "count": "Count",
        "investor": "Named investor",
        "rival_member": "Named rival",
    },
}

ASSERTORS = {
    "fr": {
        "article": "l’article",
        "Elon Musk": "Elon Musk",
        "OpenAI": "OpenAI",
        "OpenAI employee": "un employé d’OpenAI",
        "Semafor": "Semafor",
        "The Verge": "The Verge",
    },
    "en": {
        "article": "the article",
        "Elon Musk": "Elon Musk",
        "OpenAI": "OpenAI",
        "OpenAI employee": "an OpenAI employee",
        "Semafor": "Semafor",
        "The Verge": "The Verge",
    },
}

BOUND_WORDS = {
    "fr": {
        "exact": "{}",
        "approximate": "environ {}",
        "upper_bound": "moins de {}",
        "lower_bound": "plus de {}",
    },
    "en": {
        "exact": "{}",
        "approximate": "about {}",
        "upper_bound": "less than {}",
        "lower_bound": "more than {}",
    },
}


def number(x: float, lang: str, decimals: int = 1) -> str:
    """1.83 -> '1,83' in French, '1.83' in English; trailing zeros dropped."""
    s = f"{x:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{x:.0f}"
    return s.replace(".", ",") if lang == "fr" else s


def money(usd: float, lang: str) -> str:
    """157e9 -> '157 Md$' / '$157B'; 6.6e9 -> '6,6 Md$' / '$6.6B'; 44e6 -> '44 M$' / '$44M'."""
    if usd >= 1e9:
        v, fr, en = usd / 1e9, "Md$", "B"
    elif usd >= 1e6:
        v, fr, en = usd / 1e6, "M$", "M"
    else:
        v, fr, en = usd / 1e3, "k$", "K"
    n = number(v, lang)
    return f"{n} {fr}" if lang == "fr" else f"${n}{en}"


def money_bound(usd: float, bound: str, lang: str) -> str:
    """The amount with its bound: 'moins de 45 M$', 'about $100M'."""
    return BOUND_WORDS[lang][bound].format(money(usd, lang))


def date(value: str, precision: str, lang: str) -> str:
    """'2024-10' month -> 'octobre 2024' / 'October 2024'; never adds a day or a month."""
    if precision == "none" or not value:
        return "date non précisée" if lang == "fr" else "date not given"
    if precision == "year":
        return value[:4]
    month = MONTHS[lang][int(value[5:7]) - 1]
    if precision == "month":
        return f"{month} {value[:4]}"
    day = int(value[8:10])
    if lang == "fr":
        return f"{'1er' if day == 1 else day} {month} {value[:4]}"
    return f"{month} {day}, {value[:4]}"


def month_tick(ts: pd.Timestamp, lang: str) -> str:
    """A short month label for an axis: 'oct. 2024' / 'Oct 2024'."""
    m = MONTHS[lang][ts.month - 1]
    short = m if len(m) <= 4 else (m[:4] + "." if lang == "fr" else m[:3])
    return f"{short} {ts.year}"


def label(row: pd.Series, lang: str) -> str:
    """The row's label in the chosen language."""
    return str(row[f"label_{lang}"])
