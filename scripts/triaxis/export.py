"""Exports of the labelled claims: JSON Lines in any label space, and schema.org ClaimReview.

Both exports hold the scored claims (reviewed, not withdrawn), so an exported split is exactly the
gold that ``triaxis evaluate`` scores against. Output depends only on the records: claims in id
order, fixed key order, so two exports of the same records are byte-identical.

ClaimReview objects follow Google's fact-check structured data guidelines
(developers.google.com/search/docs/appearance/structured-data/factcheck) and the schema.org types
ClaimReview, Claim and Rating. Two choices the data forces, both documented in the README:

- ``url`` (the page of the fact check) is required by Google, but the dataset has no page per
  claim, so it is written only when the caller names a URL template for pages that really exist.
- ``not_enough_evidence`` has a textual rating and no ``ratingValue``, because the numeric scale
  means "how true" and this verdict does not say.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triaxis.dataset import claim_row
from triaxis.labels import BEST_RATING, CLAIMREVIEW_RATINGS, WORST_RATING, LabelSpace, map_verdict, scored_claims
from triaxis.models import SPLITS, Article, Claim

REVIEW_AUTHOR = {"@type": "Organization", "name": "TriAxis"}
ORGANIZATION_KINDS = {"organization", "government", "media"}


@dataclass(frozen=True)
class Selection:
    """The claims an export writes, each with its label, and how many were left out and why."""

    claims: list[tuple[Claim, str]]
    without_equivalent: int
    not_scored: int


def select(claims: list[Claim], space: LabelSpace) -> Selection:
    scored = scored_claims(claims)
    labelled = [(c, label) for c in scored if (label := map_verdict(c.verdict, space)) is not None]
    return Selection(labelled, len(scored) - len(labelled), len(claims) - len(scored))


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def jsonl_row(claim: Claim, article: Article, label: str) -> dict[str, Any]:
    """The claims-config row (dates as ISO 8601 strings, verdict by name), its split and mapped label."""
    row = {key: _json_value(value) for key, value in claim_row(claim, article).items()}
    row["evidence"] = [{k: _json_value(v) for k, v in e.items()} for e in row["evidence"]]
    row["verdict"] = claim.verdict
    return {**row, "split": claim.split, "label": label}


def write_jsonl(articles: list[Article], selection: Selection, folder: Path) -> list[Path]:
    """One ``<split>.jsonl`` per split with claims; stale split files from an earlier export are removed."""
    by_id = {a.id: a for a in articles}
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for split in SPLITS:
        path = folder / f"{split}.jsonl"
        rows = [jsonl_row(c, by_id[c.article_id], label) for c, label in selection.claims if c.split == split]
        if not rows:
            path.unlink(missing_ok=True)
            continue
        lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        path.write_text(lines, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def _claimant(claim: Claim) -> dict[str, str]:
    kind = "Organization" if claim.claimant.kind in ORGANIZATION_KINDS else "Person"
    return {"@type": kind, "name": claim.claimant.name}


def _appearance(article: Article) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": article.url, "headline": article.title}
    work["datePublished"] = article.published.date
    work["publisher"] = {"@type": "Organization", "name": article.publisher}
    if article.authors:
        work["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    return work


def first_appears_in_article(claim: Claim) -> bool:
    """The article is where the claim was first made when its author or a commenter on it made it there.

    Reported speech and quotations were made elsewhere first, so the article is only an appearance.
    """
    return claim.claimant.kind == "author" or claim.claim_date.basis == "comment_date"


def claimreview(claim: Claim, article: Article, url_template: str | None = None) -> dict[str, Any]:
    """One ClaimReview JSON-LD object for one claim."""
    rating = CLAIMREVIEW_RATINGS[claim.verdict]
    review_rating: dict[str, Any] = {"@type": "Rating"}
    if rating.value is not None:
        review_rating |= {"ratingValue": rating.value, "bestRating": BEST_RATING, "worstRating": WORST_RATING}
    review_rating |= {"alternateName": rating.alternate_name, "ratingExplanation": claim.justification}
    item: dict[str, Any] = {
        "@type": "Claim",
        "author": _claimant(claim),
        "datePublished": claim.claim_date.date,
    }
    if article.url is not None:
        item["appearance"] = _appearance(article)
        if first_appears_in_article(claim):
            item["firstAppearance"] = _appearance(article)
    review: dict[str, Any] = {"@context": "https://schema.org", "@type": "ClaimReview"}
    if url_template is not None:
        review["url"] = url_template.format(id=claim.id)
    review |= {
        "identifier": claim.id,
        "claimReviewed": claim.claim,
        "reviewRating": review_rating,
        "itemReviewed": item,
        "author": dict(REVIEW_AUTHOR),
        "datePublished": claim.review.reviewed_on,
        "inLanguage": article.language,
    }
    return review


def write_claimreview(
    articles: list[Article], selection: Selection, path: Path, url_template: str | None = None
) -> Path:
    """All ClaimReview objects as JSON Lines: each line is a complete JSON-LD document with its own context."""
    by_id = {a.id: a for a in articles}
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(
        json.dumps(claimreview(c, by_id[c.article_id], url_template), ensure_ascii=False) + "\n"
        for c, _ in selection.claims
    )
    path.write_text(lines, encoding="utf-8", newline="\n")
    return path
