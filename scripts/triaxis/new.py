"""Skeleton records for contributors: the next free id, a quote's span, and placeholders.

A skeleton fits the schema, so that `triaxis fmt` and every located message work on it from the
start, but each value the contributor must write is a placeholder (a string starting ``TODO:``,
or an evidence address on the reserved ``example.invalid`` host). Validation reports every
placeholder left as an error (TX272) at its line, so an unfinished record cannot be merged.
Values with a sensible default (the article's date as the claim date, the author as claimant, the
verdict ``not_enough_evidence``) are filled in and listed as defaults to check.

Claim ids are ``<article-id>-cNNN``: the next number after the highest already used in the
article's folder. Withdrawn claims keep their files, so their numbers are never handed out again.
Two contributions that take the same number add the same file path, which git reports as a
conflict, so they cannot collide silently; a duplicate id anywhere is also TX202.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from triaxis.canonical import canonical_text
from triaxis.dates import date_range, precision_of
from triaxis.models import (
    SCHEMA_VERSION,
    Article,
    Claim,
    Claimant,
    EstablishedDate,
    Evidence,
    Review,
    SourceFile,
    Span,
)
from triaxis.problems import Problem
from triaxis.record_checks import Context, Record, record_check, string_values
from triaxis.records import ARTICLES_DIR, CLAIMS_DIR, RecordFile, parse_text, pointer
from triaxis.splits import hashed_split

PLACEHOLDER = "TODO:"
PLACEHOLDER_URL = "https://example.invalid/TODO"
_TODO = re.compile(b"TODO")  # found faster by the regex engine than by ``in``
ARTICLE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ContributionError(ValueError):
    """A mistake in what the contributor asked for, reported as one line."""


def todo(what: str) -> str:
    return f"{PLACEHOLDER} {what}"


def is_placeholder(value: str) -> bool:
    return value.startswith((PLACEHOLDER, PLACEHOLDER_URL))


def placeholders(data: object) -> Iterator[tuple[str, str]]:
    """(JSON pointer, placeholder) for every placeholder left in a record's data."""
    for parts, value in string_values(data):
        if is_placeholder(value):
            yield pointer(*parts), value


def _hint(value: str) -> str:
    if value.startswith(PLACEHOLDER_URL):
        return "the address of a page you read, exactly as you found it"
    return value.removeprefix(PLACEHOLDER).strip()


@record_check(("TX272", "no placeholder left from `triaxis new`"))
def placeholders_filled(file: RecordFile, data: Record, context: Context) -> Iterator[Problem]:
    # Placeholders all contain "TODO"; only a file with it (or with \u escapes) needs its values walked.
    raw = file.raw
    if _TODO.search(raw) is None and (b"\\" not in raw or b"\\u" not in raw):
        return
    for where, value in placeholders(data):
        yield file.problem(where, "TX272", f"left to fill in: {_hint(value)}")


def next_claim_id(records: Path, article_id: str) -> str:
    """The number after the highest used in the article's folder (withdrawn files count, so none is reused)."""
    own = re.compile(rf"^{re.escape(article_id)}-c([0-9]{{3,}})$")
    folder = records / CLAIMS_DIR / article_id
    used = [int(m.group(1)) for p in folder.glob("*.json") if (m := own.match(p.stem))]
    return f"{article_id}-c{max(used, default=0) + 1:03d}"


def find_span(text: str, quote: str, occurrence: int | None = None) -> Span:
    """The span of ``quote`` in ``text``; an error naming the places when it is missing or repeated."""
    starts = [m.start() for m in re.finditer(f"(?={re.escape(quote)})", text)]
    places = ", ".join(f"{s}-{s + len(quote)}" for s in starts[:10]) + (" …" if len(starts) > 10 else "")
    if occurrence is not None:
        if not 1 <= occurrence <= len(starts):
            raise ContributionError(f"--occurrence {occurrence}: the quote occurs {len(starts)} time(s)")
        start = starts[occurrence - 1]
        return Span(start=start, end=start + len(quote))
    if len(starts) == 1:
        return Span(start=starts[0], end=starts[0] + len(quote))
    if starts:
        raise ContributionError(
            f"the quote occurs {len(starts)} times, at {places}: quote more of the sentence so that it occurs "
            "once, or choose one with --occurrence N (a repeated fact takes its first occurrence)"
        )
    raise ContributionError("the quote is not in the article text" + _near_miss(text, quote))


def find_quote(text: str, quote: str, occurrence: int | None = None) -> tuple[Span, str, str | None]:
    """The span of ``quote``, the article's own words there, and a note when they differ in spacing only.

    Text copied from a browser comes with its runs of spaces and line breaks collapsed; the record must
    quote the article exactly, so such a quote is found by its words and recorded as the article has it.
    """
    try:
        return find_span(text, quote, occurrence), quote, None
    except ContributionError as missing:
        words = quote.split()
        if not words or "not in the article text" not in str(missing):
            raise
        pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
        matches = list(pattern.finditer(text))
        if not matches:
            raise
        real = matches[0].group()
        span = find_span(text, real, occurrence) if len(matches) > 1 or occurrence else None
        if span is None:
            span = Span(start=matches[0].start(), end=matches[0].end())
        real = text[span.start : span.end]
        first = next(i for i, (a, b) in enumerate(zip(real, quote + "\0", strict=False)) if a != b)
        note = (
            f"the article's spacing differs from the quote's at {span.start + first} "
            f"({real[max(first - 10, 0) : first + 10]!r}); the record quotes the article's text"
        )
        return span, real, note


_LOOSE = str.maketrans("‘’‚‛“”„‟–—\u00a0", "''''\"\"\"\"-- ")


def _near_miss(text: str, quote: str) -> str:
    """Where the quote would match if quote marks, dashes and case were ignored: the usual copying slips."""
    found = text.translate(_LOOSE).casefold().find(quote.translate(_LOOSE).casefold())
    if found < 0 or len(text.translate(_LOOSE).casefold()) != len(text):
        return "; copy it character for character from the text file"
    return f"; the text at {found}-{found + len(quote)} differs only in quote marks, dashes or case: {text[found : found + len(quote)]!r}"


def article_text(article: Article, sources: Path) -> str:
    """The article's text from the sources folder, found by its SHA-256 as validation finds it."""
    for path in sorted(sources.glob("*.txt")):
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() == article.source_file.sha256:
            return raw.decode("utf-8")
    raise ContributionError(
        f"{sources}: no text file with the SHA-256 of {article.source_file.name} (article {article.id})"
    )


@dataclass
class Skeleton:
    """A record written by `triaxis new`, and what its contributor still has to do."""

    path: Path
    text: str
    to_fill: list[tuple[int, str, str]]
    to_check: list[tuple[int, str, str]]


def _lines(text: str, pointers: list[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """(line, field, note) for each pointer, in file order, for printing."""
    _, _, positions = parse_text(text.encode("utf-8"))
    located = []
    for where, note in pointers:
        probe = where
        while probe not in positions and probe:
            probe = probe.rsplit("/", 1)[0]
        located.append((positions.get(probe, (1, 1))[0], where.lstrip("/").replace("/", "."), note))
    return sorted(located)


def _skeleton(path: Path, model: Article | Claim, to_check: list[tuple[str, str]]) -> Skeleton:
    text = canonical_text(model)
    data = model.model_dump(mode="json")
    to_fill = [(where, _hint(value)) for where, value in placeholders(data)]
    return Skeleton(path, text, _lines(text, to_fill), _lines(text, to_check))


def write(skeleton: Skeleton) -> None:
    """Write a new record file; never overwrite one."""
    skeleton.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with skeleton.path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(skeleton.text)
    except FileExistsError:
        raise ContributionError(f"{skeleton.path}: already exists") from None


@dataclass
class ClaimChoices:
    """What the contributor may decide on the command line; None means: write the default and list it."""

    quote: str | None = None
    span: Span | None = None
    annotator: str | None = None
    verdict: str | None = None
    claim_type: str | None = None
    attribution: str | None = None
    checks: str | None = None
    claimant: str | None = None
    claimant_kind: str | None = None
    countries: tuple[str, ...] = ()


def claim_skeleton(records: Path, article: Article, choices: ClaimChoices, today: dt.date) -> Skeleton:
    """A draft claim of ``article`` with the next free id."""
    claim_id = next_claim_id(records, article.id)
    quote = choices.quote or todo("the words of the claim, copied character for character from the article text")
    span = choices.span or Span(start=0, end=len(quote))
    verdict = choices.verdict or "not_enough_evidence"
    claimant = Claimant(
        name=choices.claimant or (article.authors[0] if article.authors else article.publisher),
        kind=choices.claimant_kind or "author",  # type: ignore[arg-type]
    )
    claim = Claim(
        schema_version=SCHEMA_VERSION,
        id=claim_id,
        article_id=article.id,
        quote=quote,
        span=span,
        claim=todo("the claim restated so that it stands alone: names and dates resolved, in your own words"),
        claimant=claimant,
        attribution=choices.attribution or "author_assertion",  # type: ignore[arg-type]
        checks=choices.checks or "content_true",  # type: ignore[arg-type]
        claim_date=EstablishedDate(
            date=article.published.date,
            precision=article.published.precision,
            basis="article_date",
            note=todo("how the claim's date was established, in a sentence"),
        ),
        claim_type=choices.claim_type or "other",  # type: ignore[arg-type]
        countries=list(choices.countries),
        verdict=verdict,  # type: ignore[arg-type]
        justification=todo("why the verdict follows from the evidence, in your own words"),
        doubts=None,
        evidence=[
            Evidence(
                url=PLACEHOLDER_URL + "-address-of-a-page-you-read",
                title=todo("the page's title"),
                publisher=todo("who published the page"),
                published=None,
                stance="context",
                summary=todo("what the page shows about the claim, in one or two sentences of your own"),
            )
        ],
        related=[],
        review=Review(
            status="draft",
            reviewed_on=None,
            first_annotator=choices.annotator or todo("your name or handle"),
            first_pass_verdict=verdict,  # type: ignore[arg-type]
            second_pass=None,
            adjudication_note=None,
        ),
        modified=today.isoformat(),
        withdrawn=None,
        split=hashed_split(claim_id),
    )
    defaults = [("/claim_date/date", f"{article.published.date}, the article's date; basis and note say why")]
    if choices.claimant is None or choices.claimant_kind is None:
        defaults.append(("/claimant", f"{claimant.name} ({claimant.kind}): whoever makes the claim"))
    if not choices.attribution:
        defaults.append(("/attribution", "author_assertion, reported_speech or direct_quotation"))
    if not choices.checks:
        defaults.append(("/checks", "content_true (is it true?) or statement_made (was it said?)"))
    if not choices.claim_type:
        defaults.append(("/claim_type", "other, or event, quantity, date_time, causal, prediction, …"))
    if not choices.countries:
        defaults.append(("/countries", "the ISO 3166-1 alpha-3 codes of the countries the claim is about"))
    if not choices.verdict:
        defaults.append(("/verdict", "not_enough_evidence: give verdict and review.first_pass_verdict one label"))
    defaults.append(("/evidence/0/stance", "supports, refutes or context; one entry per page you read"))
    path = records / CLAIMS_DIR / article.id / f"{claim_id}.json"
    return _skeleton(path, claim, defaults)


@dataclass
class ArticleChoices:
    """The article facts a contributor can give on the command line."""

    published: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    url: str | None = None
    genre: str | None = None
    basis: str | None = None
    language: str = "en"


def article_skeleton(
    records: Path, article_id: str, text_file: Path, choices: ArticleChoices, today: dt.date
) -> Skeleton:
    """A new article record whose fingerprint is that of ``text_file``."""
    if not ARTICLE_ID.match(article_id):
        raise ContributionError(f"{article_id!r}: an article id is lower-case words and digits joined by '-'")
    path = records / ARTICLES_DIR / f"{article_id}.json"
    if path.exists():
        raise ContributionError(f"{path}: already exists; choose another id, such as {article_id}-2")
    try:
        date_range(choices.published)
        precision = precision_of(choices.published)
    except (ValueError, KeyError):
        raise ContributionError(
            f"--published {choices.published}: not a date such as 2022, 2022-02 or 2022-02-23"
        ) from None
    raw = text_file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContributionError(f"{text_file}: not UTF-8 text (byte {exc.start})") from None
    article = Article(
        schema_version=SCHEMA_VERSION,
        id=article_id,
        title=choices.title or todo("the title as printed"),
        authors=list(choices.authors) or [todo("each author as printed; an empty list when there is no byline")],
        publisher=choices.publisher or todo("who published the article"),
        url=choices.url or PLACEHOLDER_URL + "-address-of-the-article",
        published=EstablishedDate(
            date=choices.published,
            precision=precision,  # type: ignore[arg-type]
            basis=choices.basis or "printed_on_page",  # type: ignore[arg-type]
            note=todo("how the publication date was established (a page snapshot date is not one)"),
        ),
        genre=choices.genre or "news_report",  # type: ignore[arg-type]
        language=unicodedata.normalize("NFC", choices.language),
        source_file=SourceFile(name=text_file.name, sha256=hashlib.sha256(raw).hexdigest(), length=len(text)),
        notes=todo("what part of the page is site chrome, what is in scope, and anything odd about the page"),
        modified=today.isoformat(),
    )
    defaults = [("/language", f"{choices.language}: the article's language")]
    if not choices.basis:
        defaults.append(("/published/basis", "printed_on_page, or inferred (the note says how)"))
    if not choices.genre:
        defaults.append(("/genre", "news_report, explainer, op_ed, analysis or blog_post_with_comments"))
    return _skeleton(path, article, defaults)
