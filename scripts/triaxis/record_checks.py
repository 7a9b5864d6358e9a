"""Semantic checks of one record at a time: the rules JSON Schema cannot express that need no other record.

They run on the parsed JSON of a record that has passed the schema (so every field is there
with its type), in the worker that parsed it, without building the pydantic model: at
hundreds of thousands of records that is most of the time validation would otherwise take.
For the same reason rules that look at the same values (every date, every URL) share one pass
over them. Rules that need other records or the article texts live in ``triaxis.checks``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

import pycountry

from triaxis.dates import date_range, precision_of
from triaxis.problems import Problem
from triaxis.records import RecordFile, pointer
from triaxis.suggest import country_hint

Record = dict[str, Any]
Parts = tuple[str | int, ...]


@dataclass(frozen=True)
class Context:
    """What a record check needs besides the record: today's date, for dates in the future."""

    today: dt.date


RecordCheck = Callable[[RecordFile, Record, Context], Iterator[Problem]]
# code -> (title, check); one check may own several codes
RECORD_CHECKS: dict[str, tuple[str, RecordCheck]] = {}


def record_check(*codes: tuple[str, str]) -> Callable[[RecordCheck], RecordCheck]:
    """Register a one-record check under the stable codes (and titles) of the problems it reports."""

    def register(function: RecordCheck) -> RecordCheck:
        for code, title in codes:
            RECORD_CHECKS[code] = (title, function)
        return function

    return register


def run_record_checks(file: RecordFile, data: Record, context: Context) -> list[Problem]:
    """Every one-record problem of a schema-valid record."""
    return [problem for check in _distinct_checks() for problem in check(file, data, context)]


@cache
def _distinct_checks() -> tuple[RecordCheck, ...]:
    return tuple(dict.fromkeys(check for _title, check in RECORD_CHECKS.values()))


@cache
def country_codes() -> frozenset[str]:
    return frozenset(country.alpha_3 for country in pycountry.countries)


def evidence_lists(claim: Record) -> list[tuple[Parts, list[Record]]]:
    """The claim's evidence and the second pass's, each with the pointer parts of its list."""
    lists: list[tuple[Parts, list[Record]]] = [(("evidence",), claim["evidence"])]
    second = claim["review"]["second_pass"]
    if second is not None:
        lists.append((("review", "second_pass", "evidence"), second["evidence"]))
    return lists


@record_check(
    ("TX201", "id equals file name"),
    ("TX203", "claim sits in its article's folder"),
    ("TX253", "claim id starts with its article id"),
)
def names_agree(file: RecordFile, data: Record, context: Context) -> Iterator[Problem]:
    record_id = data["id"]
    if file.stem != record_id:
        yield file.problem("/id", "TX201", f"id {record_id!r} differs from the file name {file.name!r}")
    if file.kind != "claim":
        return
    article_id = data["article_id"]
    if file.folder != article_id:
        yield file.problem("/article_id", "TX203", f"claim of article {article_id!r} is in folder {file.folder!r}")
    if not record_id.startswith(article_id + "-c"):
        yield file.problem("/id", "TX253", f"claim id {record_id!r} must be {article_id}-cNNN")


@record_check(
    ("TX221", "span is consistent with the quote"),
    ("TX230", "verdict rests on evidence"),
    ("TX233", "review passes and final verdict are consistent"),
    ("TX251", "countries are ISO 3166-1 alpha-3"),
)
def claim_consistent(file: RecordFile, data: Record, context: Context) -> Iterator[Problem]:
    if file.kind != "claim":
        return
    start, end, quote = data["span"]["start"], data["span"]["end"], data["quote"]
    if end - start != len(quote):
        yield file.problem(
            "/span", "TX221", f"span {start}-{end} covers {end - start} code points but the quote has {len(quote)}"
        )
    verdict, evidence = data["verdict"], data["evidence"]
    wanted = {"supported": "supports", "refuted": "refutes"}.get(verdict)
    if wanted and all(entry["stance"] != wanted for entry in evidence):
        yield file.problem("/verdict", "TX230", f"{verdict} needs at least one evidence item with stance {wanted}")
    if verdict == "misleading" and not evidence:
        yield file.problem("/verdict", "TX230", "misleading needs evidence that shows what is missing or exaggerated")
    yield from _review_consistent(file, data)
    countries = data["countries"]
    known = country_codes()
    for index, code in enumerate(countries):
        if code not in known:
            message = f"{code} is not an ISO 3166-1 alpha-3 code{country_hint(code)}"
            yield file.problem(pointer("countries", index), "TX251", message)
    if len(set(countries)) != len(countries):
        yield file.problem("/countries", "TX251", "a country is listed twice")


def _review_consistent(file: RecordFile, data: Record) -> Iterator[Problem]:
    review, verdict = data["review"], data["verdict"]
    second, first = review["second_pass"], review["first_pass_verdict"]
    if second is None and verdict != first:
        yield file.problem(
            "/verdict",
            "TX233",
            f"final verdict differs from the first pass but there is no second pass: set verdict to "
            f"review.first_pass_verdict ({first!r}), or add review.second_pass",
        )
    disagree = second is not None and (second["verdict"] != first or verdict != first)
    if disagree and review["adjudication_note"] is None:
        yield file.problem(
            "/review/adjudication_note",
            "TX233",
            "the passes disagree or the final verdict differs: write review.adjudication_note saying why",
        )
    if review["status"] == "reviewed" and (second is None or review["reviewed_on"] is None):
        missing = [
            name for name, value in (("second_pass", second), ("reviewed_on", review["reviewed_on"])) if value is None
        ]
        yield file.problem(
            "/review/status",
            "TX233",
            f"reviewed needs a second pass and a review date: fill in review.{' and review.'.join(missing)}, "
            "or set review.status to draft",
        )


# The common case, decided without parsing: scheme, then a host of letters, digits, dots and hyphens.
_PLAIN_HOST = re.compile(r"https?://[A-Za-z0-9.-]*[A-Za-z0-9](?::[0-9]+)?(?:[/?#]|$)")


@lru_cache(maxsize=1 << 16)
def has_http_host(url: str) -> bool:
    """Whether a URL is http(s) with a host, as ``urllib.parse.urlsplit`` reads it (cached: claims share sources)."""
    if _PLAIN_HOST.match(url):
        return True
    try:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https"} and bool(parts.hostname)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False


@record_check(("TX231", "no duplicate evidence URL in a claim"), ("TX232", "URLs are http(s) with a host"))
def urls_sound(file: RecordFile, data: Record, context: Context) -> Iterator[Problem]:
    if file.kind == "article":
        url = data["url"]
        if url is not None and not has_http_host(url):
            yield file.problem("/url", "TX232", f"not an http(s) URL with a host: {url[:80]!r}")
        return
    for base, evidence in evidence_lists(data):
        seen: set[str] = set()
        for index, entry in enumerate(evidence):
            url = entry["url"]
            if not has_http_host(url):
                yield file.problem(
                    pointer(*base, index, "url"), "TX232", f"not an http(s) URL with a host: {url[:80]!r}"
                )
            if url in seen:
                yield file.problem(pointer(*base, index, "url"), "TX231", f"evidence URL listed twice: {url}")
            seen.add(url)


def _dates(data: Record, kind: str | None) -> Iterator[tuple[Parts, str, str | None]]:
    """Every date in a record: (pointer parts, value, declared precision or None for plain dates)."""
    yield ("modified",), data["modified"], None
    if kind == "article":
        yield ("published", "date"), data["published"]["date"], data["published"]["precision"]
        return
    yield ("claim_date", "date"), data["claim_date"]["date"], data["claim_date"]["precision"]
    for base, evidence in evidence_lists(data):
        for index, entry in enumerate(evidence):
            if entry["published"] is not None:
                published = entry["published"]
                yield (*base, index, "published", "date"), published["date"], published["precision"]
    review = data["review"]
    if review["reviewed_on"] is not None:
        yield ("review", "reviewed_on"), review["reviewed_on"], None
    if review["second_pass"] is not None:
        yield ("review", "second_pass", "reviewed_on"), review["second_pass"]["reviewed_on"], None
    if data["withdrawn"] is not None:
        yield ("withdrawn", "on"), data["withdrawn"]["on"], None


@cache
def safe_range(value: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of a partial date, or None if it is not a real date (cached: records share few dates)."""
    try:
        return date_range(value)
    except ValueError:
        return None


@record_check(
    ("TX240", "dates are real and match their precision"),
    ("TX241", "dates are not in the future"),
    ("TX243", "evidence is not dated after the review"),
)
def dates_sound(file: RecordFile, data: Record, context: Context) -> Iterator[Problem]:
    limit, reviewed = None, ""
    if file.kind == "claim":
        reviewed = data["review"]["reviewed_on"] or data["modified"]
        limit = safe_range(reviewed)
    for parts, value, precision in _dates(data, file.kind):
        span = safe_range(value)
        if span is None:
            yield file.problem(pointer(*parts), "TX240", f"{value} is not a real date")
            continue
        if precision is not None and precision_of(value) != precision:
            yield file.problem(
                pointer(*parts), "TX240", f"{value} has {precision_of(value)} precision, not {precision}"
            )
        if span[0] > context.today:
            yield file.problem(pointer(*parts), "TX241", f"{value} is in the future")
        if limit is not None and "published" in parts and span[0] > limit[1]:
            yield file.problem(
                pointer(*parts), "TX243", f"evidence dated {value} is later than the review ({reviewed})"
            )


# Without escapes that can stand for one (\uXXXX, \b, \f, \r), a control character (category Cc)
# other than newline and tab can only be in a parsed string if the file holds it raw: as DEL, or as
# a C1 character (UTF-8 C2 80–9F); other raw control characters are invalid JSON. Single bytes are
# found at memchr speed. (``\\u`` is not an escape of u, but is taken as one: the values are then
# read one by one, which is exact, only slower.)
_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_ESCAPE_OF_CONTROL = re.compile(rb"\\[ubfr]")
# Category Cc is exactly U+0000–U+001F and U+007F–U+009F; newline and tab are allowed.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def string_values(value: object, path: Parts = ()) -> Iterator[tuple[Parts, str]]:
    """Every string in a parsed record with the pointer parts leading to it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from string_values(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from string_values(inner, (*path, index))


@record_check(("TX252", "text is NFC without control characters"))
def text_clean(file: RecordFile, data: Record, context: Context) -> Iterator[Problem]:
    raw = file.raw
    plain = (b"\\" not in raw or not _ESCAPE_OF_CONTROL.search(raw)) and b"\x7f" not in raw
    if plain and (raw.isascii() or (not (b"\xc2" in raw and _C1.search(raw)) and _nfc(raw))):
        return  # decided from the bytes: the strings are the file's text between quotes, escapes aside
    for path, value in string_values(data):
        if _CONTROL.search(value):
            yield file.problem(pointer(*path), "TX252", "contains a control character")
        elif not unicodedata.is_normalized("NFC", value):
            yield file.problem(pointer(*path), "TX252", "text is not in Unicode NFC; run triaxis fmt")


def _nfc(raw: bytes) -> bool:
    # The quotes around each string are starters that compose with nothing, so the whole text
    # is in NFC exactly when every string in it is. An escape left (\n, \t, \", \\, \/) stands for
    # such a starter too; its letter, which may compose (n with a tilde), can only make the text
    # fail where the string passes, and then the strings are read one by one.
    return unicodedata.is_normalized("NFC", raw.decode("utf-8"))
