"""Cross-record checks: the rules that need more than one record, or the article texts.

Each check has one stable code and one function, so a contributor can look a code up in the
README and a test can target exactly one rule. The checks read each record's ``facts`` (the
few fields they need, taken from the parsed JSON while the file was validated) rather than its
pydantic model: building 200,000 models would take longer than all the checks together, so a
record's model is built only when something asks for it. Every check here is linear in the
number of records. Rules about one record alone live in ``triaxis.record_checks``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from triaxis import clock
from triaxis.models import RECORD_MODELS, Article, Claim
from triaxis.problems import Problem
from triaxis.record_checks import safe_range
from triaxis.records import RecordFile, pointer
from triaxis.suggest import did_you_mean
from triaxis.wording import word_hashes


class Link(NamedTuple):
    id: str
    relation: str


class Span(NamedTuple):
    start: int
    end: int


class Claimant(NamedTuple):
    name: str
    kind: str


class DateFacts(NamedTuple):
    date: str
    precision: str
    basis: str


class Withdrawal(NamedTuple):
    on: str
    replaced_by: str | None


class ClaimFacts(NamedTuple):
    """What the cross-record checks read of a claim; names and nesting as in the ``Claim`` model."""

    id: str
    article_id: str
    quote: str
    span: Span
    claim: str
    claimant: Claimant
    attribution: str
    claim_date: DateFacts
    verdict: str
    related: tuple[Link, ...]
    withdrawn: Withdrawal | None
    split: str
    words: bytes  # not a model field: the hashes of the restatement's words, packed (``triaxis.wording``)


class SourceFile(NamedTuple):
    name: str
    sha256: str
    length: int


class ArticleFacts(NamedTuple):
    """What the cross-record checks read of an article; names and nesting as in the ``Article`` model."""

    id: str
    published: DateFacts
    source_file: SourceFile


# Facts travel from the worker processes as plain tuples (pickled several times faster than
# named tuples) and are named in the main process.
PlainFacts = tuple[Any, ...]


def plain_claim_facts(data: dict[str, Any]) -> PlainFacts:
    span, claimant, date, withdrawn = data["span"], data["claimant"], data["claim_date"], data["withdrawn"]
    return (
        data["id"],
        data["article_id"],
        data["quote"],
        (span["start"], span["end"]),
        data["claim"],
        (claimant["name"], claimant["kind"]),
        data["attribution"],
        (date["date"], date["precision"], date["basis"]),
        data["verdict"],
        tuple((link["id"], link["relation"]) for link in data["related"]),
        None if withdrawn is None else (withdrawn["on"], withdrawn["replaced_by"]),
        data["split"],
        word_hashes(data["claim"]),
    )


def plain_article_facts(data: dict[str, Any]) -> PlainFacts:
    published, source = data["published"], data["source_file"]
    return (
        data["id"],
        (published["date"], published["precision"], published["basis"]),
        (source["name"], source["sha256"], source["length"]),
    )


def claim_facts(plain: PlainFacts) -> ClaimFacts:
    (
        record_id,
        article_id,
        quote,
        span,
        claim,
        claimant,
        attribution,
        date,
        verdict,
        related,
        withdrawn,
        split,
        words,
    ) = plain
    return ClaimFacts(
        record_id,
        article_id,
        quote,
        Span(*span),
        claim,
        Claimant(*claimant),
        attribution,
        DateFacts(*date),
        verdict,
        tuple(Link(*link) for link in related) if related else (),
        None if withdrawn is None else Withdrawal(*withdrawn),
        split,
        words,
    )


def article_facts(plain: PlainFacts) -> ArticleFacts:
    record_id, published, source = plain
    return ArticleFacts(record_id, DateFacts(*published), SourceFile(*source))


PLAIN_FACTS = {"article": plain_article_facts, "claim": plain_claim_facts}
FACTS = {"article": article_facts, "claim": claim_facts}


class Loaded:
    """A record file that fits the schema: its facts, and its model, built on first use.

    Checks should read ``facts``: building the model of every one of 200,000 records takes
    longer than all the checks together.
    """

    __slots__ = ("_model", "facts", "file")

    def __init__(
        self,
        file: RecordFile,
        model: Article | Claim | None = None,
        facts: ClaimFacts | ArticleFacts | None = None,
    ) -> None:
        if facts is None:
            assert model is not None and file.kind is not None, "a Loaded record needs its facts or its model"
            facts = FACTS[file.kind](PLAIN_FACTS[file.kind](model.model_dump(mode="json")))
        self.file, self._model, self.facts = file, model, facts

    @property
    def model(self) -> Article | Claim:
        if self._model is None:
            kind = self.file.kind
            assert kind is not None
            self._model = RECORD_MODELS[kind].model_validate_json(self.file.raw)  # type: ignore[assignment]
        return self._model  # type: ignore[return-value]


@dataclass
class Corpus:
    """Everything the cross-record checks need."""

    articles: list[Loaded] = field(default_factory=list)
    claims: list[Loaded] = field(default_factory=list)
    texts: dict[str, str] | None = None
    today: dt.date = field(default_factory=clock.today)
    _claims_by_id: tuple[int, dict[str, Loaded]] | None = field(default=None, repr=False, compare=False)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Work that several checks share (the restatement comparison), kept as long as the corpus and no longer."""
    helper: Executor | None = field(default=None, repr=False, compare=False)
    """A process that a check may hand work to, so that it runs beside the other checks (``triaxis.validate``
    starts one for large runs); None when there is none, and the check then does the work itself."""

    def article_ids(self) -> set[str]:
        return {a.facts.id for a in self.articles}

    def claims_by_id(self) -> dict[str, Loaded]:
        """Each claim id's first record (in path order), as ``ids_unique`` counts the others as duplicates.

        Worked out once for the claims as they are (several checks ask; at 200,000 claims each asking
        cost a tenth of a second); a claim added later makes it be worked out again.
        """
        if self._claims_by_id is None or self._claims_by_id[0] != len(self.claims):
            found: dict[str, Loaded] = {}
            for item in self.claims:
                found.setdefault(item.facts.id, item)
            self._claims_by_id = (len(self.claims), found)
        return self._claims_by_id[1]

    def articles_by_id(self) -> dict[str, Loaded]:
        found: dict[str, Loaded] = {}
        for item in self.articles:
            found.setdefault(item.facts.id, item)
        return found


Check = Callable[[Corpus], Iterator[Problem]]
CHECKS: dict[str, tuple[str, Check]] = {}


def check(code: str, title: str) -> Callable[[Check], Check]:
    """Register a cross-record check under its stable code."""

    def register(function: Check) -> Check:
        CHECKS[code] = (title, function)
        return function

    return register


PREPARATIONS: list[Callable[[Corpus], None]] = []
"""Work that checks start before any check runs, so that it goes on beside them (in ``Corpus.helper``)."""


def preparation(function: Callable[[Corpus], None]) -> Callable[[Corpus], None]:
    """Register work to start before the cross-record checks; a check must still work if it did not run."""
    PREPARATIONS.append(function)
    return function


def load_texts(directory: Path) -> dict[str, str]:
    """Article texts keyed by the SHA-256 of their bytes, as the article records identify them."""
    texts = {}
    for path in sorted(directory.glob("*.txt")):
        raw = path.read_bytes()
        texts[hashlib.sha256(raw).hexdigest()] = raw.decode("utf-8", errors="replace")
    return texts


def _claims(corpus: Corpus) -> Iterator[tuple[Loaded, ClaimFacts]]:
    for item in corpus.claims:
        yield item, item.facts  # type: ignore[misc]


@check("TX202", "ids unique")
def ids_unique(corpus: Corpus) -> Iterator[Problem]:
    for group in (corpus.articles, corpus.claims):
        if group is corpus.claims and len(corpus.claims_by_id()) == len(group):
            continue  # every claim id once: the common case, decided from the index the other checks share
        holders: dict[str, list[Loaded]] = defaultdict(list)
        for item in group:
            holders[item.facts.id].append(item)
        for items in holders.values():
            for item in items if len(items) > 1 else ():
                other = next(o for o in items if o is not item)
                yield item.file.problem("/id", "TX202", f"id {item.facts.id!r} is also used by {other.file.display}")


@check("TX210", "article reference resolves")
def article_reference_resolves(corpus: Corpus) -> Iterator[Problem]:
    known = corpus.article_ids()
    for item, claim in _claims(corpus):
        if claim.article_id not in known:
            hint = did_you_mean(claim.article_id, known)
            yield item.file.problem("/article_id", "TX210", f"no article record with id {claim.article_id!r}{hint}")


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
            if (claim.id, link.relation) not in other.facts.related:  # type: ignore[union-attr]
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
        source = item.facts.source_file  # type: ignore[union-attr]
        text = corpus.texts.get(source.sha256)
        if text is None:
            yield item.file.problem(
                "/source_file/sha256", "TX220", f"no text in the sources folder has this SHA-256 ({source.name})"
            )
        elif len(text) != source.length:
            yield item.file.problem(
                "/source_file/length", "TX220", f"text has {len(text)} code points, record says {source.length}"
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
        text = corpus.texts.get(article.facts.source_file.sha256)  # type: ignore[union-attr]
        start, end = claim.span
        if text is None or text[start:end] == claim.quote:
            continue
        found = text.find(claim.quote)
        hint = (
            f"; the quote occurs at {found}-{found + len(claim.quote)}"
            if found >= 0
            else "; the quote is not in the text"
        )
        yield item.file.problem("/quote", "TX222", f"text at span {start}-{end} differs{hint}")


@check("TX242", "an author's own claim is not dated after its article")
def author_claim_not_after_article(corpus: Corpus) -> Iterator[Problem]:
    articles = corpus.articles_by_id()
    for item, claim in _claims(corpus):
        article = articles.get(claim.article_id)
        own_claim = claim.attribution == "author_assertion" and claim.claimant.kind == "author"
        if article is None or not own_claim or claim.claim_date.basis == "comment_date":
            continue
        published = article.facts.published.date  # type: ignore[union-attr]
        claimed, printed = safe_range(claim.claim_date.date), safe_range(published)
        if claimed and printed and claimed[0] > printed[1]:
            yield item.file.problem(
                "/claim_date/date",
                "TX242",
                f"the author's claim is dated {claim.claim_date.date}, after the article ({published})",
            )


class _Linked(Protocol):
    """A claim model or its facts: anything with an id and related links."""

    @property
    def id(self) -> str: ...

    @property
    def related(self) -> Sequence[Any]: ...


def related_groups(claims: Sequence[_Linked]) -> list[list[Any]]:
    """Connected groups of claims (models or facts) through ``related`` links, each sorted by id."""
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
    groups: dict[str, list[Any]] = defaultdict(list)
    for claim_id in sorted(by_id):
        groups[root(claim_id)].append(by_id[claim_id])
    return sorted(groups.values(), key=lambda g: g[0].id)


def group_numbers(claims: Sequence[_Linked]) -> np.ndarray:
    """The number of each claim's group of claims linked through ``related`` (directly or not).

    The groups of ``related_groups``, numbered by sparse-graph search rather than listed: at 200,000
    claims several times faster, for checks that only need to know which claims share a group.
    """
    index = {claim.id: number for number, claim in enumerate(claims)}
    links = [(index[c.id], index[link.id]) for c in claims for link in c.related if link.id in index]
    first, second = (np.array(side, dtype=np.int64) for side in zip(*links, strict=True)) if links else ([], [])
    graph = sparse.coo_matrix((np.ones(len(first)), (first, second)), shape=(len(claims), len(claims)))
    return connected_components(graph, directed=False)[1]


@check("TX250", "related claims share a split")
def related_share_split(corpus: Corpus) -> Iterator[Problem]:
    items = corpus.claims_by_id()
    claims: list[ClaimFacts] = [item.facts for item in items.values()]  # type: ignore[misc]
    number = group_numbers(claims)
    codes: dict[str, int] = {}  # (a dict numbers 200,000 splits several times faster than np.unique sorts them)
    split_codes = np.fromiter((codes.setdefault(c.split, len(codes)) for c in claims), np.int64, len(claims))
    size = int(number.max()) + 1 if len(claims) else 0
    lowest, highest = np.full(size, np.iinfo(np.int64).max), np.full(size, -1)
    np.minimum.at(lowest, number, split_codes)
    np.maximum.at(highest, number, split_codes)
    mixed = set(np.flatnonzero(lowest != highest).tolist())
    if not mixed:
        return
    for group in related_groups([c for c, n in zip(claims, number.tolist(), strict=True) if n in mixed]):
        splits = sorted({c.split for c in group})
        for claim in group:
            yield items[claim.id].file.problem(
                "/split", "TX250", f"related group {', '.join(c.id for c in group)} spans splits {splits}"
            )


from triaxis import new, similarity  # noqa: E402, F401  (checks of other modules register themselves on import)
