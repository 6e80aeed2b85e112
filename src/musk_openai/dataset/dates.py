"""Dates as honest as the text, in the Library of Congress's Extended Date/Time Format (EDTF).

A date of the dataset is one of (every form is EDTF, levels 0 and 1):

* a year, a month or a day: ``2024``, ``2024-03``, ``2024-10-02``;
* the same with a qualifier: ``2018?`` (uncertain), ``2019~`` (approximate), ``2019%`` (both);
* an interval between two of those: ``2024-02-22/2024-03-28``, ``2019/2020``, with an open side
  when the text gives only one bound: ``../2023-03`` (on or before March 2023), ``2019/..``;
* empty: the text gives no date.

:func:`span` reads that subset quickly, without the ``edtf`` package, so that a dataset already
validated loads fast; :func:`problem` (validation only) checks a value with the ``edtf`` package
itself and compares its bounds with :func:`span`'s, so the two readings can never drift apart.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

#: ``date_precision``: the shape of the date (an interval, whatever its sides, is ``interval``).
PRECISIONS = ["day", "month", "year", "interval", "none"]
#: EDTF qualifiers and the words the loader gives them (column ``date_qualifier``).
QUALIFIERS = {"": "", "?": "uncertain", "~": "approximate", "%": "uncertain_approximate"}
OPEN = ".."

# [0-9], never \d: \d also matches other scripts' digits ("٢٠١٥").
_SINGLE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%]?)")

EXAMPLES = "2024, 2024-03, 2024-10-02, 2018? (uncertain), 2024-02-22/2024-03-28, ../2023-03"


@dataclass(frozen=True)
class Span:
    """What a date means: its first and last possible day (None: open), shape and qualifier."""

    start: dt.date | None
    end: dt.date | None
    precision: str
    qualifier: str


def _single(text: str) -> tuple[dt.date, dt.date, str, str] | None:
    """``YYYY[-MM[-DD]][?~%]``: first day, last day, precision and qualifier; None if unreal."""
    m = _SINGLE.fullmatch(text)
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    precision = "day" if m[3] else "month" if m[2] else "year"
    try:
        if not month:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif not day:
            first = dt.date(year, month, 1)
            last = first.replace(day=calendar.monthrange(year, month)[1])
        else:
            first = last = dt.date(year, month, day)
    except ValueError:  # year 0000, month 13, February 30...
        return None
    return first, last, precision, QUALIFIERS[m[4]]


def span(text: str) -> Span | None:
    """The span of a date of the dataset (``""``: no date); None if it is not one.

    An interval's start is its first side's first day, its end its last side's last day; an open
    side (``..``) is None. The interval's qualifier is that of its sides, if any has one.
    """
    if text == "":
        return Span(None, None, "none", "")
    if "/" not in text:
        one = _single(text)
        return None if one is None else Span(one[0], one[1], one[2], one[3])
    left, _, right = text.partition("/")
    sides = [None if s == OPEN else _single(s) for s in (left, right)]
    if any(s is None and t != OPEN for s, t in zip(sides, (left, right), strict=True)):
        return None
    if sides[0] is None and sides[1] is None:
        return None  # "../..": no date at all
    qualifiers = {s[3] for s in sides if s is not None} - {""}
    qualifier = qualifiers.pop() if len(qualifiers) == 1 else QUALIFIERS["%"] if qualifiers else ""
    return Span(
        sides[0][0] if sides[0] else None, sides[1][1] if sides[1] else None, "interval", qualifier
    )


def is_digits_date(text: str) -> bool:
    """Written like a plain date (digits and dashes): then a failed reading means an unreal date."""
    return bool(re.fullmatch(r"[0-9-]+", text))


@functools.lru_cache(maxsize=4096)
def problem(text: str, precision: str) -> str | None:
    """What is wrong with a date and its ``date_precision``, in words; None when nothing is.

    Uses the ``edtf`` package (imported here only: validation, never a cached load). Its parser
    (pyparsing) takes about 12 ms a date, and a dataset repeats its dates: each pair is read
    once per process.
    """
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    if text == "":
        return None if precision == "none" else "precision"
    s = span(text)
    if s is None:
        if is_digits_date(text) and "/" not in text:
            return "unreal"
        try:
            parse_edtf(text)
        except EDTFParseException:
            return "not_edtf"
        return "unsupported"
    try:
        parsed = parse_edtf(text)
    except EDTFParseException:
        return "not_edtf"
    if s.start is not None and s.end is not None and s.end < s.start:
        return "order"
    for ours, theirs in ((s.start, parsed.lower_strict()), (s.end, parsed.upper_strict())):
        if ours is not None and ours != dt.date(theirs.tm_year, theirs.tm_mon, theirs.tm_mday):
            return "not_edtf"  # never expected: our reading and the reference one disagree
    return None if s.precision == precision else "precision"
