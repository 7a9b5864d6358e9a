"""The three dataset configs: their features and their rows, derived from the records.

Dates with reduced precision are stored as their first day (``date32``) with the
precision in a sibling column, so that nothing about their uncertainty is lost.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, get_args

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value
from pydantic import BaseModel

from triaxis.dates import first_day
from triaxis.models import (
    SPLITS,
    VERDICTS,
    Article,
    Claim,
    Claimant,
    EstablishedDate,
    Evidence,
    PartialDate,
    RelatedClaim,
    Review,
    SourceFile,
)

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
            "claim_date_basis": _string,
            "claim_type": _string,
            "countries": List(_string),
            "verdict": ClassLabel(names=list(VERDICTS)),
            "justification": _string,
            "doubts": _string,
            "evidence": List(EVIDENCE_FEATURES),
            "related": List({"id": _string, "relation": _string}),
            "review_status": _string,
            "reviewed_on": _date,
            "first_pass_verdict": ClassLabel(names=list(VERDICTS)),
            "second_pass_verdict": ClassLabel(names=list(VERDICTS)),
            "adjudication_note": _string,
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

CONFIG_DOCS: dict[str, str] = {
    "claims": "one row per claim; evidence nested; the article's title, publisher, date and URL joined",
    "evidence": "one row per claim–evidence pair, for evidence retrieval",
    "articles": "one row per source article: metadata only, the texts are not redistributed",
}


def _described(model: type[BaseModel], name: str) -> str:
    """A field's description from the record model, so the card does not restate it."""
    return (model.model_fields[name].description or "").rstrip(".")


def _choices(model: type[BaseModel], name: str) -> str:
    """The values a field can take, read from its ``Literal`` type in the record model."""
    annotation = model.model_fields[name].annotation
    values = [a for a in get_args(annotation) if a is not type(None)]
    while len(values) == 1 and get_args(values[0]):
        values = [a for a in get_args(values[0]) if a is not type(None)]
    return "one of " + ", ".join(f"`{v}`" for v in values)


_PRECISION = f"precision of the date before it: {_choices(PartialDate, 'precision')}"
_VERDICT = f"{_choices(Claim, 'verdict')} (class label, stored as its index)"

EVIDENCE_DOCS: dict[str, str] = {
    "url": "address of the page that was read, exactly as found",
    "title": "the page's title",
    "publisher": "who published the page",
    "published": "the page's publication date (first day of the month or year when less precise); null if the page shows none",
    "published_precision": _PRECISION,
    "stance": f"what the page does to the claim: {_choices(Evidence, 'stance')}",
    "summary": "what the page shows about the claim, in the annotator's own words",
}

FIELD_DOCS: dict[str, dict[str, str]] = {
    "claims": {
        "id": "claim id, `<article-id>-cNNN`, never reused",
        "article_id": "id of the article the claim was taken from",
        "article_title": "the article's title",
        "article_publisher": "the article's publisher",
        "article_published": "the article's publication date",
        "article_published_precision": _PRECISION,
        "article_url": "the article's address; " + _described(Article, "url").lower(),
        "quote": _described(Claim, "quote") + ", as short as it can be while carrying the claim",
        "span_start": "offset of the quote's first character in the article text, in Unicode code points",
        "span_end": "offset just past the quote's last character (`text[span_start:span_end] == quote`)",
        "claim": _described(Claim, "claim") + " (pronouns and relative dates resolved)",
        "claimant_name": "who makes the claim: the author, or the person or body the author reports",
        "claimant_kind": _choices(Claimant, "kind"),
        "attribution": f"how the article presents the claim: {_choices(Claim, 'attribution')}",
        "checks": "what the verdict is about: " + _described(Claim, "checks"),
        "claim_date": "when the claim was made (first day of the month or year when less precise)",
        "claim_date_precision": _PRECISION,
        "claim_date_basis": "how the claim date was established: " + _described(EstablishedDate, "basis"),
        "claim_type": _choices(Claim, "claim_type"),
        "countries": "ISO 3166-1 alpha-3 codes of the countries the claim is about",
        "verdict": "final label: " + _VERDICT,
        "justification": "why the final verdict was chosen, citing the evidence",
        "doubts": _described(Claim, "doubts"),
        "evidence": "pages actually read while judging the claim, each with the fields below",
        **{f"evidence.{name}": doc for name, doc in EVIDENCE_DOCS.items()},
        "related": "claims (usually in other articles) about the same fact or a conflicting version of it",
        "related.id": "id of the related claim",
        "related.relation": _choices(RelatedClaim, "relation"),
        "review_status": f"{_choices(Review, 'status')}; drafts are only in builds made with `--include-drafts`",
        "reviewed_on": "date of the review; null for drafts",
        "first_pass_verdict": _described(Review, "first_pass_verdict") + "; " + _VERDICT,
        "second_pass_verdict": "verdict of the blind second pass (null if there was none); " + _VERDICT,
        "adjudication_note": _described(Review, "adjudication_note"),
        "modified": "date of the record's last change",
    },
    "evidence": {
        "claim_id": "id of the claim the evidence was read for",
        "article_id": "id of the claim's article",
        "claim": "the standalone claim (as in the claims config)",
        "verdict": "the claim's final label: " + _VERDICT,
        "rank": "position of this page in the claim's evidence list, from 1",
        **EVIDENCE_DOCS,
    },
    "articles": {
        "id": "article id (a slug: `<author-or-outlet>-<year>`)",
        "title": "the article's title",
        "authors": _described(Article, "authors"),
        "publisher": "the outlet that published the article",
        "url": _described(Article, "url"),
        "published": "publication date (first day of the month or year when less precise)",
        "published_precision": _PRECISION,
        "published_basis": "how the publication date was established: " + _described(EstablishedDate, "basis"),
        "genre": _choices(Article, "genre"),
        "language": "language of the article text (BCP 47)",
        "source_file_name": "name of the article's text file (the file itself is not redistributed)",
        "source_sha256": "SHA-256 of the article text file, to prove a copy is the same text",
        "source_length": _described(SourceFile, "length"),
        "notes": _described(Article, "notes"),
    },
}


def field_names(features: Features) -> list[str]:
    """Every column and nested field of a config, as ``column`` or ``column.subfield``."""
    names: list[str] = []
    for name, feature in features.items():
        names.append(name)
        inner = feature.feature if isinstance(feature, List) else feature
        if isinstance(inner, dict):
            names.extend(f"{name}.{sub}" for sub in inner)
    return names


@lru_cache(maxsize=65536)
def _day(value: str) -> dt.date:
    """First day of a partial date, cached: large builds repeat the same few thousand dates."""
    return first_day(value)


def _date_pair(value: PartialDate | EstablishedDate | None) -> tuple[dt.date | None, str | None]:
    return (_day(value.date), value.precision) if value else (None, None)


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


def _article_columns(article: Article) -> dict[str, Any]:
    published, precision = _date_pair(article.published)
    return {
        "article_title": article.title,
        "article_publisher": article.publisher,
        "article_published": published,
        "article_published_precision": precision,
        "article_url": article.url,
    }


def claim_row(
    claim: Claim, article: Article | dict[str, Any], evidence: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One row of the claims config; ``article`` may be the article's joined columns, computed once."""
    claim_date, claim_precision = _date_pair(claim.claim_date)
    review = claim.review
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        **(article if isinstance(article, dict) else _article_columns(article)),
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
        "claim_date_basis": claim.claim_date.basis,
        "claim_type": claim.claim_type,
        "countries": list(claim.countries),
        "verdict": VERDICTS.index(claim.verdict),
        "justification": claim.justification,
        "doubts": claim.doubts,
        "evidence": evidence if evidence is not None else [_evidence_row(e) for e in claim.evidence],
        "related": [{"id": r.id, "relation": r.relation} for r in claim.related],
        "review_status": review.status,
        "reviewed_on": _day(review.reviewed_on) if review.reviewed_on else None,
        "first_pass_verdict": VERDICTS.index(review.first_pass_verdict),
        "second_pass_verdict": VERDICTS.index(review.second_pass.verdict) if review.second_pass else None,
        "adjudication_note": review.adjudication_note,
        "modified": _day(claim.modified),
    }


def evidence_rows(claim: Claim, evidence: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Rows of the evidence config for one claim; ``evidence`` reuses rows already made for the claims config."""
    entries = evidence if evidence is not None else [_evidence_row(e) for e in claim.evidence]
    verdict = VERDICTS.index(claim.verdict)
    return [
        {"claim_id": claim.id, "article_id": claim.article_id, "claim": claim.claim, "verdict": verdict, "rank": rank}
        | entry
        for rank, entry in enumerate(entries, start=1)
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
    joined = {a.id: _article_columns(a) for a in articles}
    live = sorted((c for c in claims if c.withdrawn is None), key=lambda c: c.id)
    tables: dict[str, dict[str, list[dict[str, Any]]]] = {
        "claims": {s: [] for s in SPLITS},
        "evidence": {s: [] for s in SPLITS},
        "articles": {ARTICLE_SPLIT: [article_row(a) for a in sorted(articles, key=lambda a: a.id)]},
    }
    for claim in live:
        evidence = [_evidence_row(e) for e in claim.evidence]
        tables["claims"][claim.split].append(claim_row(claim, joined[claim.article_id], evidence))
        tables["evidence"][claim.split].extend(evidence_rows(claim, evidence))
    present = {config: {s: rows for s, rows in splits.items() if rows} for config, splits in tables.items()}
    return {config: splits for config, splits in present.items() if splits}


def arrow_table(rows: list[dict[str, Any]], features: Features) -> pa.Table:
    """The rows as an Arrow table with the features' schema (and their metadata, which load_dataset reads).

    Equal to ``Dataset.from_list(rows, features=features).data.table``, several times faster, because the
    rows already hold encoded values (class-label indices, dates) and need no per-value encoding.
    """
    return pa.Table.from_pylist(rows, schema=features.arrow_schema)
