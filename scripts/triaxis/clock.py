"""Today's date, the one input every date-sensitive rule and command reads.

Whether a date lies in the future (TX241) and what ``new``, ``review`` and ``withdraw`` stamp
depend on the day; so that tests, CI and a maintainer replaying a release can fix that day,
it comes from here and nowhere else: the global ``triaxis --today`` option, else
``TRIAXIS_TODAY=YYYY-MM-DD``, else the system's date.
"""

from __future__ import annotations

import datetime as dt
import os
import re

TODAY_VARIABLE = "TRIAXIS_TODAY"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class ClockError(ValueError):
    """A set date that is not a real YYYY-MM-DD day: one line for the user, exit 2."""


def parse_day(value: str, source: str) -> dt.date:
    """A strict YYYY-MM-DD day; ClockError naming ``source`` otherwise."""
    try:
        if _ISO_DAY.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise ClockError(f"{source} {value!r}: expected a real day as YYYY-MM-DD, e.g. 2026-03-01")


_set_day: dt.date | None = None


def set_today(day: dt.date | None) -> None:
    """Fix today for this process and the workers it forks (None: back to the variable or the system)."""
    global _set_day
    _set_day = day


def today() -> dt.date:
    """The day it is for TriAxis: the day set here, else ``TRIAXIS_TODAY``, else the system date."""
    if _set_day is not None:
        return _set_day
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    return parse_day(value, TODAY_VARIABLE) if value else dt.date.today()
