"""The three dataset configs: their features and their rows, derived from the records.

Dates with reduced precision are stored as their first day (``date32``) with the
precision in a sibling column, so that nothing about their uncertainty is lost.
"""

from __future__ import annotations

from typing import Any

from datasets import ClassLabel, Features, List, Value

from triaxis.dates import first_day
from triaxis.models import SPLITS, VERDICTS, Article, Claim, EstablishedDate, Evidence, PartialDate

CONFIGS = ("claims", "evidence", "articles")
ARTICLE_SPLIT = "train"

_string, _date, _int = Value("string"), Value("date32"), Value("int32")

EVIDENCE_FEATURES = {
    "url": _string,
    "title": _string,
    "publisher": _string,
    "published": _date,
    "published_precision": _string,
    "stance": _string,
    "summary": _string,
}

FEATURES: dict[str, Features] = {
    "claims": Features(
        {
            "id": _string,
            "article_id": _string,
            "article_title": _string,
            "article_publisher": _string,
            "article_published": _date,
            "article_published_precision": _string,
            "article_url": _string,
            "quote": _string,
            "span_start": _int,
            "span_end": _int,
            "claim": _string,
            "claimant_name": _string,
            "claimant_kind": _string,
            "attribution": _string,
            "checks": _string,
            "claim_date": _date,
            "claim_date_precision": _string,
            "claim_type": _string,
            "countries": List(_string),
            "verdict": ClassLabel(names=list(VERDICTS)),
            "justification": _string,
            "doubts": _string,
            "evidence": List(EVIDENCE_FEATURES),
            "related": List({"id": _string, "relation": _string}),
            "review_status": _string,
            "reviewed_on": _date,
            "modified": _date,
        }
    ),
    "evidence": Features(
        {
            "claim_id": _string,
            "article_id": _string,
            "claim": _string,
            "verdict": ClassLabel(names=list(VERDICTS)),
            "rank": _int,
            **EVIDENCE_FEATURES,
        }
    ),
    "articles": Features(
        {
            "id": _string,
            "title": _string,
            "authors": List(_string),
            "publisher": _string,
            "url": _string,
            "published": _date,
            "published_precision": _string,
            "published_basis": _string,
            "genre": _string,
            "language": _string,
            "source_file_name": _string,
            "source_sha256": _string,
            "source_length": _int,
            "notes": _string,
        }
    ),
}

FIELD_DOCS: dict[str, str] = {
    "claims": "one row per claim; evidence nested; the article's title, publisher, date and URL joined",
    "evidence": "one row per claim–evidence pair, for evidence retrieval",
    "articles": "one row per source article: metadata only, the texts are not redistributed",
}


def _date_pair(value: PartialDate | EstablishedDate | None) -> tuple[Any, str | None]:
    return (first_day(value.date), value.precision) if value else (None, None)


def _evidence_row(entry: Evidence) -> dict[str, Any]:
    published, precision = _date_pair(entry.published)
    return {
        "url": entry.url,
        "title": entry.title,
        "publisher": entry.publisher,
        "published": published,
        "published_precision": precision,
        "stance": entry.stance,
        "summary": entry.summary,
    }


def claim_row(claim: Claim, article: Article) -> dict[str, Any]:
    claim_date, claim_precision = _date_pair(claim.claim_date)
    article_date, article_precision = _date_pair(article.published)
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "article_title": article.title,
        "article_publisher": article.publisher,
        "article_published": article_date,
        "article_published_precision": article_precision,
        "article_url": article.url,
        "quote": claim.quote,
        "span_start": claim.span.start,
        "span_end": claim.span.end,
        "claim": claim.claim,
        "claimant_name": claim.claimant.name,
        "claimant_kind": claim.claimant.kind,
        "attribution": claim.attribution,
        "checks": claim.checks,
        "claim_date": claim_date,
        "claim_date_precision": claim_precision,
        "claim_type": claim.claim_type,
        "countries": list(claim.countries),
        "verdict": VERDICTS.index(claim.verdict),
        "justification": claim.justification,
        "doubts": claim.doubts,
        "evidence": [_evidence_row(e) for e in claim.evidence],
        "related": [{"id": r.id, "relation": r.relation} for r in claim.related],
        "review_status": claim.review.status,
        "reviewed_on": first_day(claim.review.reviewed_on) if claim.review.reviewed_on else None,
        "modified": first_day(claim.modified),
    }


def evidence_rows(claim: Claim) -> list[dict[str, Any]]:
    return [
        {
            "claim_id": claim.id,
            "article_id": claim.article_id,
            "claim": claim.claim,
            "verdict": VERDICTS.index(claim.verdict),
            "rank": rank,
            **_evidence_row(entry),
        }
        for rank, entry in enumerate(claim.evidence, start=1)
    ]


def article_row(article: Article) -> dict[str, Any]:
    published, precision = _date_pair(article.published)
    return {
        "id": article.id,
        "title": article.title,
        "authors": list(article.authors),
        "publisher": article.publisher,
        "url": article.url,
        "published": published,
        "published_precision": precision,
        "published_basis": article.published.basis,
        "genre": article.genre,
        "language": article.language,
        "source_file_name": article.source_file.name,
        "source_sha256": article.source_file.sha256,
        "source_length": article.source_file.length,
        "notes": article.notes,
    }


def rows_by_split(articles: list[Article], claims: list[Claim]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Rows of every config and split, in id order; withdrawn claims are left out.

    Empty splits (and configs left with no split) are dropped, because ``load_dataset``
    refuses a declared split that has no rows.
    """
    by_id = {a.id: a for a in articles}
    live = sorted((c for c in claims if c.withdrawn is None), key=lambda c: c.id)
    tables: dict[str, dict[str, list[dict[str, Any]]]] = {
        "claims": {s: [] for s in SPLITS},
        "evidence": {s: [] for s in SPLITS},
        "articles": {ARTICLE_SPLIT: [article_row(a) for a in sorted(articles, key=lambda a: a.id)]},
    }
    for claim in live:
        tables["claims"][claim.split].append(claim_row(claim, by_id[claim.article_id]))
        tables["evidence"][claim.split].extend(evidence_rows(claim))
    present = {config: {s: rows for s, rows in splits.items() if rows} for config, splits in tables.items()}
    return {config: splits for config, splits in present.items() if splits}
