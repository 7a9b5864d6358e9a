"""Exports: JSON Lines per split in each label space, and one valid ClaimReview object per claim."""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import REPO
from triaxis import cli_evaluate
from triaxis.cli_common import valid_records
from triaxis.labels import BEST_RATING, CLAIMREVIEW_RATINGS, WORST_RATING, scored_claims
from triaxis.models import Article, Claim

runner = CliRunner()
RECORDS = REPO / "records"


@functools.cache
def real_records() -> tuple[list[Article], list[Claim]]:
    return valid_records(RECORDS)


def export(tmp_path: Path, *args: str) -> tuple[Any, Path]:
    out = tmp_path / "export"
    result = runner.invoke(cli_evaluate.app, ["export", *args, "--out", str(out), "--records", str(RECORDS)])
    return result, out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_native_holds_every_scored_claim_once_per_split(tmp_path: Path) -> None:
    result, out = export(tmp_path)
    assert result.exit_code == 0, result.output
    scored = scored_claims(real_records()[1])
    for split in ("train", "validation", "test"):
        rows = read_jsonl(out / "native" / f"{split}.jsonl")
        expected = [c for c in scored if c.split == split]
        assert [r["id"] for r in rows] == [c.id for c in expected]
        assert [(r["verdict"], r["label"], r["split"]) for r in rows] == [
            (c.verdict, c.verdict, split) for c in expected
        ]
    assert f"{len(scored)} claim(s) exported" in result.stdout


@pytest.mark.parametrize(
    ("space", "mapping"),
    [
        ("fever", {"supported": "SUPPORTS", "refuted": "REFUTES", "not_enough_evidence": "NOT ENOUGH INFO"}),
        (
            "averitec",
            {
                "supported": "Supported",
                "refuted": "Refuted",
                "misleading": "Conflicting Evidence/Cherrypicking",
                "not_enough_evidence": "Not Enough Evidence",
            },
        ),
    ],
)
def test_jsonl_in_another_label_space_drops_claims_without_an_equivalent_and_says_so(
    tmp_path: Path, space: str, mapping: dict[str, str]
) -> None:
    result, out = export(tmp_path, "jsonl", "--labels", space)
    assert result.exit_code == 0, result.output
    scored = scored_claims(real_records()[1])
    rows = [row for split in ("train", "validation", "test") for row in read_jsonl(out / space / f"{split}.jsonl")]
    assert all(row["label"] == mapping[row["verdict"]] for row in rows)
    dropped = sum(1 for c in scored if c.verdict not in mapping)
    assert len(rows) == len(scored) - dropped
    if dropped:
        assert dropped == Counter(c.verdict for c in scored)["misleading"] > 0
        assert f"{dropped} claim(s) without a {space} label left out" in result.stdout
    else:
        assert "label left out" not in result.stdout


def test_exports_are_byte_identical_when_repeated(tmp_path: Path) -> None:
    first, out = export(tmp_path, "claimreview")
    before = (out / "claimreview.jsonl").read_bytes()
    second, _ = export(tmp_path, "claimreview")
    assert first.exit_code == second.exit_code == 0
    assert (out / "claimreview.jsonl").read_bytes() == before


def _check_creative_work(work: dict[str, Any], article: Article) -> None:
    assert work["@type"] == "CreativeWork"
    assert work["url"] == article.url and work["headline"] == article.title
    assert work["datePublished"] == article.published.date


def test_claimreview_has_one_valid_object_per_claim(tmp_path: Path) -> None:
    result, out = export(tmp_path, "claimreview")
    assert result.exit_code == 0, result.output
    articles, claims = real_records()
    scored = {c.id: c for c in scored_claims(claims)}
    by_article = {a.id: a for a in articles}
    objects = read_jsonl(out / "claimreview.jsonl")
    assert [o["identifier"] for o in objects] == list(scored)
    for review in objects:
        claim = scored[review["identifier"]]
        article = by_article[claim.article_id]
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert "url" not in review, "no page exists per claim, so no url may be invented"
        assert review["claimReviewed"] == claim.claim
        assert review["author"] == {"@type": "Organization", "name": "TriAxis"}
        assert review["datePublished"] == claim.review.reviewed_on
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating["alternateName"] == CLAIMREVIEW_RATINGS[claim.verdict].alternate_name
        if claim.verdict == "not_enough_evidence":
            assert not {"ratingValue", "bestRating", "worstRating"} & set(rating)
        else:
            assert (rating["worstRating"], rating["bestRating"]) == (WORST_RATING, BEST_RATING)
            assert WORST_RATING <= rating["ratingValue"] <= BEST_RATING
            assert isinstance(rating["ratingValue"], int)
        item = review["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["author"]["name"] == claim.claimant.name
        assert item["author"]["@type"] == ("Person" if claim.claimant.kind in ("author", "person") else "Organization")
        assert item["datePublished"] == claim.claim_date.date
        if article.url is None:
            assert "appearance" not in item and "firstAppearance" not in item
        else:
            _check_creative_work(item["appearance"], article)
            if claim.claimant.kind == "author" or claim.claim_date.basis == "comment_date":
                _check_creative_work(item["firstAppearance"], article)
            else:
                assert "firstAppearance" not in item
    ratings = Counter(o["reviewRating"]["alternateName"] for o in objects)
    assert ratings == Counter(CLAIMREVIEW_RATINGS[c.verdict].alternate_name for c in scored.values())
    assert sum("appearance" in o["itemReviewed"] for o in objects) > 0


def test_claimreview_url_only_from_a_template_for_real_pages(tmp_path: Path) -> None:
    result, out = export(tmp_path, "claimreview", "--review-url", "https://factchecks.example/claims/{id}")
    assert result.exit_code == 0, result.output
    first = read_jsonl(out / "claimreview.jsonl")[0]
    assert first["url"] == f"https://factchecks.example/claims/{first['identifier']}"


@pytest.mark.parametrize(
    "args",
    [
        ["claimreview", "--labels", "fever"],
        ["jsonl", "--review-url", "https://example.org/{id}"],
        ["claimreview", "--review-url", "https://example.org/claims"],
        ["claimreview", "--review-url", "https://example.org/{id}/{page}"],
        ["csv"],
    ],
)
def test_export_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    result, out = export(tmp_path, *args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not out.exists()


def test_drafts_are_left_out_with_a_count(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = runner.invoke(cli_evaluate.app, ["export", "claimreview", "--records", str(records), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 draft or withdrawn claim(s) left out" in result.stdout
    assert [o["identifier"] for o in read_jsonl(out / "claimreview.jsonl")] == [
        "harbour-2020-c001",
        "harbour-2020-c002",
    ]
