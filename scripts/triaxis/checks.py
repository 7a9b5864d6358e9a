"""Semantic checks: the rules JSON Schema cannot express.

Each check has one stable code and one function, so a contributor can look a code up
in the README and a test can target exactly one rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pycountry

from triaxis.dates import date_range, precision_of
from triaxis.models import Article, Claim, Evidence
from triaxis.problems import Problem
from triaxis.records import RecordFile, pointer


@dataclass
class Loaded:
    """A record file that passed the schema, with its model."""

    file: RecordFile
    model: Article | Claim


@dataclass
class Corpus:
    """Everything the cross-record checks need."""

    articles: list[Loaded] = field(default_factory=list)
    claims: list[Loaded] = field(default_factory=list)
    texts: dict[str, str] | None = None
    today: dt.date = field(default_factory=dt.date.today)

    def article_ids(self) -> set[str]:
        return {a.model.id for a in self.articles}

    def claims_by_id(self) -> dict[str, Loaded]:
        return {c.model.id: c for c in self.claims}

    def articles_by_id(self) -> dict[str, Loaded]:
        return {a.model.id: a for a in self.articles}


Check = Callable[[Corpus], Iterator[Problem]]
CHECKS: dict[str, tuple[str, Check]] = {}


def check(code: str, title: str) -> Callable[[Check], Check]:
    """Register a check under its stable code."""

    def register(function: Check) -> Check:
        CHECKS[code] = (title, function)
        return function

    return register


def load_texts(directory: Path) -> dict[str, str]:
    """Article texts keyed by the SHA-256 of their bytes, as the article records identify them."""
    texts = {}
    for path in sorted(directory.glob("*.txt")):
        raw = path.read_bytes()
        texts[hashlib.sha256(raw).hexdigest()] = raw.decode("utf-8")
    return texts


def _all(corpus: Corpus) -> list[Loaded]:
    return corpus.articles + corpus.claims


def _claims(corpus: Corpus) -> Iterator[tuple[Loaded, Claim]]:
    for item in corpus.claims:
        assert isinstance(item.model, Claim)
        yield item, item.model


@check("TX201", "id equals file name")
def id_matches_file_name(corpus: Corpus) -> Iterator[Problem]:
    for item in _all(corpus):
        if item.file.path.stem != item.model.id:
            yield item.file.problem(
                "/id", "TX201", f"id {item.model.id!r} differs from the file name {item.file.path.name!r}"
            )


@check("TX202", "ids unique")
def ids_unique(corpus: Corpus) -> Iterator[Problem]:
    for group in (corpus.articles, corpus.claims):
        seen: dict[str, Loaded] = {}
        for item in group:
            first = seen.setdefault(item.model.id, item)
            if first is not item:
                yield item.file.problem("/id", "TX202", f"id {item.model.id!r} is also used by {first.file.display}")


@check("TX203", "claim sits in its article's folder")
def claim_in_article_folder(corpus: Corpus) -> Iterator[Problem]:
    for item, claim in _claims(corpus):
        if item.file.path.parent.name != claim.article_id:
            yield item.file.problem(
                "/article_id",
                "TX203",
                f"claim of article {claim.article_id!r} is in folder {item.file.path.parent.name!r}",
            )


@check("TX210", "article reference resolves")
def article_reference_resolves(corpus: Corpus) -> Iterator[Problem]:
    known = corpus.article_ids()
    for item, claim in _claims(corpus):
        if claim.article_id not in known:
            yield item.file.problem("/article_id", "TX210", f"no article record with id {claim.article_id!r}")


@check("TX211", "claim references resolve")
def claim_references_resolve(corpus: Corpus) -> Iterator[Problem]:
    known = corpus.claims_by_id()
    for item, claim in _claims(corpus):
        for index, link in enumerate(claim.related):
            if link.id == claim.id:
                yield item.file.problem(pointer("related", index, "id"), "TX211", "a claim cannot be related to itself")
            elif link.id not in known:
                yield item.file.problem(pointer("related", index, "id"), "TX211", f"no claim with id {link.id!r}")
        if claim.withdrawn and claim.withdrawn.replaced_by and claim.withdrawn.replaced_by not in known:
            yield item.file.problem(
                "/withdrawn/replaced_by", "TX211", f"no claim with id {claim.withdrawn.replaced_by!r}"
            )


@check("TX212", "related links are mutual")
def related_links_mutual(corpus: Corpus) -> Iterator[Problem]:
    known = corpus.claims_by_id()
    for item, claim in _claims(corpus):
        for index, link in enumerate(claim.related):
            other = known.get(link.id)
            if other is None or other is item:
                continue
            assert isinstance(other.model, Claim)
            back = {(r.id, r.relation) for r in other.model.related}
            if (claim.id, link.relation) not in back:
                yield item.file.problem(
                    pointer("related", index),
                    "TX212",
                    f"{link.id} does not link back to {claim.id} as {link.relation}",
                )


@check("TX220", "article text found by its SHA-256")
def article_text_found(corpus: Corpus) -> Iterator[Problem]:
    if corpus.texts is None:
        return
    for item in corpus.articles:
        assert isinstance(item.model, Article)
        source = item.model.source_file
        text = corpus.texts.get(source.sha256)
        if text is None:
            yield item.file.problem(
                "/source_file/sha256", "TX220", f"no text in the sources folder has this SHA-256 ({source.name})"
            )
        elif len(text) != source.length:
            yield item.file.problem(
                "/source_file/length", "TX220", f"text has {len(text)} code points, record says {source.length}"
            )


@check("TX221", "span is consistent with the quote")
def span_consistent(corpus: Corpus) -> Iterator[Problem]:
    for item, claim in _claims(corpus):
        if claim.span.end - claim.span.start != len(claim.quote):
            yield item.file.problem(
                "/span",
                "TX221",
                f"span {claim.span.start}-{claim.span.end} covers {claim.span.end - claim.span.start} "
                f"code points but the quote has {len(claim.quote)}",
            )


@check("TX222", "quote is verbatim at its span")
def quote_verbatim(corpus: Corpus) -> Iterator[Problem]:
    if corpus.texts is None:
        return
    articles = corpus.articles_by_id()
    for item, claim in _claims(corpus):
        article = articles.get(claim.article_id)
        if article is None:
            continue
        assert isinstance(article.model, Article)
        text = corpus.texts.get(article.model.source_file.sha256)
        if text is None:
            continue
        if text[claim.span.start : claim.span.end] == claim.quote:
            continue
        found = text.find(claim.quote)
        hint = (
            f"; the quote occurs at {found}-{found + len(claim.quote)}"
            if found >= 0
            else "; the quote is not in the text"
        )
        yield item.file.problem("/quote", "TX222", f"text at span {claim.span.start}-{claim.span.end} differs{hint}")


def _stances(evidence: list[Evidence]) -> set[str]:
    return {e.stance for e in evidence}


@check("TX230", "verdict rests on evidence")
def verdict_has_evidence(corpus: Corpus) -> Iterator[Problem]:
    needs = {"supported": "supports", "refuted": "refutes"}
    for item, claim in _claims(corpus):
        wanted = needs.get(claim.verdict)
        if wanted and wanted not in _stances(claim.evidence):
            yield item.file.problem(
                "/verdict", "TX230", f"{claim.verdict} needs at least one evidence item with stance {wanted}"
            )
        if claim.verdict == "misleading" and not claim.evidence:
            yield item.file.problem(
                "/verdict", "TX230", "misleading needs evidence that shows what is missing or exaggerated"
            )


@check("TX233", "review passes and final verdict are consistent")
def review_consistent(corpus: Corpus) -> Iterator[Problem]:
    for item, claim in _claims(corpus):
        review = claim.review
        disagree = review.second_pass is not None and (
            review.second_pass.verdict != review.first_pass_verdict or claim.verdict != review.first_pass_verdict
        )
        if review.second_pass is None and claim.verdict != review.first_pass_verdict:
            yield item.file.problem(
                "/verdict", "TX233", "final verdict differs from the first pass but there is no second pass"
            )
        if disagree and review.adjudication_note is None:
            yield item.file.problem(
                "/review/adjudication_note",
                "TX233",
                "the passes disagree or the final verdict differs: an adjudication note must say why",
            )
        if review.status == "reviewed" and (review.second_pass is None or review.reviewed_on is None):
            yield item.file.problem("/review/status", "TX233", "reviewed needs a second pass and a review date")


@check("TX231", "no duplicate evidence URL in a claim")
def evidence_urls_unique(corpus: Corpus) -> Iterator[Problem]:
    for item, claim in _claims(corpus):
        for base, evidence in _evidence_lists(claim):
            seen: set[str] = set()
            for index, entry in enumerate(evidence):
                if entry.url in seen:
                    yield item.file.problem(
                        pointer(*base, index, "url"), "TX231", f"evidence URL listed twice: {entry.url}"
                    )
                seen.add(entry.url)


def _evidence_lists(claim: Claim) -> list[tuple[tuple[str, ...], list[Evidence]]]:
    lists: list[tuple[tuple[str, ...], list[Evidence]]] = [(("evidence",), claim.evidence)]
    if claim.review.second_pass:
        lists.append((("review", "second_pass", "evidence"), claim.review.second_pass.evidence))
    return lists


def _urls(item: Loaded) -> Iterator[tuple[str, str]]:
    model = item.model
    if isinstance(model, Article):
        if model.url:
            yield "/url", model.url
        return
    for base, evidence in _evidence_lists(model):
        for index, entry in enumerate(evidence):
            yield pointer(*base, index, "url"), entry.url


@check("TX232", "URLs are http(s) with a host")
def urls_http(corpus: Corpus) -> Iterator[Problem]:
    for item in _all(corpus):
        for where, url in _urls(item):
            parts = urlsplit(url)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                yield item.file.problem(where, "TX232", f"not an http(s) URL with a host: {url[:80]!r}")


def _dates(item: Loaded) -> Iterator[tuple[str, str, str | None]]:
    """Every date in a record: (pointer, value, declared precision or None for plain dates)."""
    model = item.model
    yield "/modified", model.modified, None
    if isinstance(model, Article):
        yield "/published/date", model.published.date, model.published.precision
        return
    yield "/claim_date/date", model.claim_date.date, model.claim_date.precision
    for base, evidence in _evidence_lists(model):
        for index, entry in enumerate(evidence):
            if entry.published:
                yield pointer(*base, index, "published", "date"), entry.published.date, entry.published.precision
    if model.review.reviewed_on:
        yield "/review/reviewed_on", model.review.reviewed_on, None
    if model.review.second_pass:
        yield "/review/second_pass/reviewed_on", model.review.second_pass.reviewed_on, None
    if model.withdrawn:
        yield "/withdrawn/on", model.withdrawn.on, None


@check("TX240", "dates are real and match their precision")
def dates_valid(corpus: Corpus) -> Iterator[Problem]:
    for item in _all(corpus):
        for where, value, precision in _dates(item):
            try:
                date_range(value)
            except ValueError:
                yield item.file.problem(where, "TX240", f"{value} is not a real date")
                continue
            if precision is not None and precision_of(value) != precision:
                yield item.file.problem(where, "TX240", f"{value} has {precision_of(value)} precision, not {precision}")


@check("TX241", "dates are not in the future")
def dates_not_future(corpus: Corpus) -> Iterator[Problem]:
    for item in _all(corpus):
        for where, value, _ in _dates(item):
            try:
                start, _end = date_range(value)
            except ValueError:
                continue
            if start > corpus.today:
                yield item.file.problem(where, "TX241", f"{value} is in the future")


def _safe_range(value: str) -> tuple[dt.date, dt.date] | None:
    try:
        return date_range(value)
    except ValueError:
        return None


@check("TX242", "an author's own claim is not dated after its article")
def author_claim_not_after_article(corpus: Corpus) -> Iterator[Problem]:
    articles = corpus.articles_by_id()
    for item, claim in _claims(corpus):
        article = articles.get(claim.article_id)
        own_claim = claim.attribution == "author_assertion" and claim.claimant.kind == "author"
        if article is None or not own_claim or claim.claim_date.basis == "comment_date":
            continue
        assert isinstance(article.model, Article)
        claimed, published = _safe_range(claim.claim_date.date), _safe_range(article.model.published.date)
        if claimed and published and claimed[0] > published[1]:
            yield item.file.problem(
                "/claim_date/date",
                "TX242",
                f"the author's claim is dated {claim.claim_date.date}, after the article ({article.model.published.date})",
            )


@check("TX243", "evidence is not dated after the review")
def evidence_not_after_review(corpus: Corpus) -> Iterator[Problem]:
    for item, claim in _claims(corpus):
        reviewed = claim.review.reviewed_on or claim.modified
        limit = _safe_range(reviewed)
        if limit is None:
            continue
        for base, evidence in _evidence_lists(claim):
            for index, entry in enumerate(evidence):
                span = _safe_range(entry.published.date) if entry.published else None
                if span and span[0] > limit[1]:
                    yield item.file.problem(
                        pointer(*base, index, "published", "date"),
                        "TX243",
                        f"evidence dated {entry.published.date if entry.published else ''} is later than the review ({reviewed})",
                    )


def related_groups(claims: list[Claim]) -> list[list[Claim]]:
    """Connected groups of claims through ``related`` links, each sorted by id."""
    by_id = {c.id: c for c in claims}
    parent = {c.id: c.id for c in claims}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for claim in claims:
        for link in claim.related:
            if link.id in parent:
                parent[root(link.id)] = root(claim.id)
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim_id in sorted(by_id):
        groups[root(claim_id)].append(by_id[claim_id])
    return sorted(groups.values(), key=lambda g: g[0].id)


@check("TX250", "related claims share a split")
def related_share_split(corpus: Corpus) -> Iterator[Problem]:
    items = {c.model.id: c for c in corpus.claims}
    models = [c.model for c in corpus.claims if isinstance(c.model, Claim)]
    for group in related_groups(models):
        splits = {c.split for c in group}
        if len(splits) > 1:
            for claim in group:
                yield items[claim.id].file.problem(
                    "/split", "TX250", f"related group {', '.join(c.id for c in group)} spans splits {sorted(splits)}"
                )


@check("TX251", "countries are ISO 3166-1 alpha-3")
def countries_known(corpus: Corpus) -> Iterator[Problem]:
    for item, claim in _claims(corpus):
        for index, code in enumerate(claim.countries):
            if pycountry.countries.get(alpha_3=code) is None:
                yield item.file.problem(
                    pointer("countries", index), "TX251", f"{code} is not an ISO 3166-1 alpha-3 code"
                )
        if len(set(claim.countries)) != len(claim.countries):
            yield item.file.problem("/countries", "TX251", "a country is listed twice")


def _strings(value: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, (*path, index))


@check("TX252", "text is NFC without control characters")
def text_clean(corpus: Corpus) -> Iterator[Problem]:
    for item in _all(corpus):
        for path, value in _strings(item.file.data):
            if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
                yield item.file.problem(pointer(*path), "TX252", "contains a control character")
            elif not unicodedata.is_normalized("NFC", value):
                yield item.file.problem(pointer(*path), "TX252", "text is not in Unicode NFC; run triaxis fmt")


from triaxis import new, similarity  # noqa: E402, F401  (checks of other modules register themselves on import)
