"""Partial dates as sources print them: keep the precision stated, never invent a part."""

from __future__ import annotations

import datetime as _dt
import re
from typing import NamedTuple

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_YEAR = r"(?P<year>1[0-9]{3}|2[0-9]{3})"
_NAMED = re.compile(_YEAR + r"(?: (?P<month>[A-Za-z]{3,9})\.?(?: (?P<day>[0-9]{1,2}))?)?$")
_NUMERIC = re.compile(_YEAR + r"(?:[-/](?P<month>[0-9]{1,2})(?:[-/](?P<day>[0-9]{1,2}))?)?$")
_ANY_YEAR = re.compile(r"\b(1[0-9]{3}|2[0-9]{3})\b")
MAX_NUMBER_DIGITS = 9  # mscdata.parsers.limits publishes it; no date part comes near


def parse_number(text: str | None) -> int | None:
    """A number written in ASCII digits (spaces around allowed), or None.

    More than nine digits is no year, month or day, so it gives None instead of a huge
    integer; Unicode digits such as ``²`` (which ``str.isdigit`` accepts) give None too.
    """
    if not text:
        return None
    text = text.strip()  # ASCII digits only: str.isdigit() alone takes any Unicode digit
    if len(text) <= MAX_NUMBER_DIGITS and text.isdigit() and text.isascii():
        return int(text)
    return None


class PartialDate(NamedTuple):
    """Year, month and day, each None unless the source states it unambiguously."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def iso(self) -> str | None:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` at the precision known, else None."""
        if self.year is None:
            return None
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text


def checked_date(year: int, month: int | None, day: int | None) -> PartialDate:
    """A partial date from its parts, dropping a month or day that does not exist.

    A year outside 1-9999 is no date at all: nothing is kept.
    """
    if not _dt.MINYEAR <= year <= _dt.MAXYEAR:
        return PartialDate()
    if month is None or not 1 <= month <= 12:
        return PartialDate(year)
    if day is not None:
        try:
            _dt.date(year, month, day)
        except (ValueError, OverflowError):
            day = None
    return PartialDate(year, month, day)


def publication_fields(date: PartialDate, text: str | None) -> dict[str, object]:
    """An Article's publication date fields: the parts known, and the date as printed."""
    return {
        "publication_date_text": text,
        "publication_year": date.year,
        "publication_month": date.month,
        "publication_day": date.day,
    }


def parse_partial_date(text: str | None) -> PartialDate:
    """Read ``2013 Oct 23``, ``2006 Oct``, ``2012``, ``2013-10-23``; ranges give the year only.

    ``1998 Jan-Feb`` and ``2013 Spring`` give just the year; a text naming two different
    years (``1998 Dec-1999 Jan``) gives nothing, since no single part is certain.
    """
    if not text:
        return PartialDate()
    text = " ".join(text.split()).rstrip(".")
    for pattern in (_NAMED, _NUMERIC):
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group("year"))
        month_text = m.group("month")
        if month_text is None:
            return PartialDate(year)
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
        if month is None:
            return PartialDate(year)
        day = int(m.group("day")) if m.group("day") else None
        return checked_date(year, month, day)
    years = set(_ANY_YEAR.findall(text))
    if len(years) == 1 and _ANY_YEAR.match(text):
        return PartialDate(int(years.pop()))
    return PartialDate()
