"""Partial ISO 8601 dates: a year, a month or a day, compared by the range they cover."""

from __future__ import annotations

import calendar
import datetime as dt

PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}


def date_range(value: str) -> tuple[dt.date, dt.date]:
    """First and last day a partial date covers; ValueError if it is not a real date."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        year, month = parts
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        return dt.date(year, month, 1), dt.date(year, month, last)
    day = dt.date(*parts)
    return day, day


def precision_of(value: str) -> str:
    return PRECISION_BY_LENGTH[len(value)]


def first_day(value: str) -> dt.date:
    """The date a partial date is stored as in the dataset (its first day); precision travels beside it."""
    return date_range(value)[0]
