"""Close matches for a mistyped value, so that a message can say what was probably meant."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: object, choices: Iterable[str]) -> str | None:
    """The choice ``value`` most likely meant: the same word in another case, else a close spelling."""
    if not isinstance(value, str) or not value:
        return None
    options = sorted(set(choices))
    same_word = [c for c in options if c.casefold() == value.casefold() and c != value]
    if same_word:
        return same_word[0]
    matches = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` to end a message with, or an empty string when nothing is close."""
    match = closest(value, choices)
    return f"; did you mean {match!r}?" if match else ""


def country_hint(code: object) -> str:
    """What a wrong country code probably meant: a country pycountry finds by name or code, else a close alpha-3 code."""
    import pycountry

    if not isinstance(code, str) or not code.strip():
        return ""
    try:
        country = pycountry.countries.lookup(code.strip())
    except LookupError:
        return did_you_mean(code.upper(), (c.alpha_3 for c in pycountry.countries))
    return f"; did you mean {country.alpha_3!r} ({country.name})?"
