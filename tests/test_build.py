"""Build, then load with datasets offline: three configs, declared features, one row per record."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from datasets import ClassLabel, Value, load_dataset
from typer.testing import CliRunner

from conftest import REPO, VALID
from triaxis.build import write_dataset
from triaxis.cli import app
from triaxis.dataset import FEATURES
from triaxis.models import VERDICTS, Article, Claim

runner = CliRunner()


def _models(records: Path) -> tuple[list[Article], list[Claim]]:
    articles = [Article.model_validate_json(p.read_text()) for p in (records / "articles").glob("*.json")]
    claims = [Claim.model_validate_json(p.read_text()) for p in (records / "claims").rglob("*.json")]
    return articles, claims


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dataset")
    result = runner.invoke(app, ["build", "--records", str(REPO / "records"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "load_dataset" in result.output
    return out


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def test_claims_round_trip_row_by_row(built: Path) -> None:
    articles, claims = _models(REPO / "records")
    by_id = {c.id: c for c in claims if c.withdrawn is None}
    loaded = load_dataset(str(built), "claims")
    rows = {row["id"]: (split, row) for split in loaded for row in loaded[split]}
    assert rows.keys() == by_id.keys()
    titles = {a.id: a.title for a in articles}
    for claim_id, (split, row) in rows.items():
        claim = by_id[claim_id]
        assert split == claim.split
        assert row["quote"] == claim.quote and row["claim"] == claim.claim
        assert (row["span_start"], row["span_end"]) == (claim.span.start, claim.span.end)
        assert VERDICTS[row["verdict"]] == claim.verdict
        assert row["claim_date"].isoformat().startswith(claim.claim_date.date)
        assert row["article_title"] == titles[claim.article_id]
        assert [e["url"] for e in row["evidence"]] == [e.url for e in claim.evidence]
        assert [r["id"] for r in row["related"]] == [r.id for r in claim.related]


def test_evidence_and_articles_configs(built: Path) -> None:
    articles, claims = _models(REPO / "records")
    evidence = load_dataset(str(built), "evidence")
    assert sum(len(evidence[s]) for s in evidence) == sum(len(c.evidence) for c in claims if c.withdrawn is None)
    loaded_articles = load_dataset(str(built), "articles", split="train")
    assert sorted(loaded_articles["id"]) == sorted(a.id for a in articles)


def test_declared_features(built: Path) -> None:
    for config, features in FEATURES.items():
        loaded = load_dataset(str(built), config)
        for split in loaded:
            assert loaded[split].features == features
    assert isinstance(FEATURES["claims"]["verdict"], ClassLabel)
    assert FEATURES["claims"]["claim_date"] == Value("date32")


def test_card_declares_configs_and_features(built: Path) -> None:
    card = (built / "README.md").read_text()
    assert card.startswith("---\n")
    for config in ("claims", "evidence", "articles"):
        assert f"config_name: {config}" in card
    assert "task_ids:\n- fact-checking" in card and "dtype: date32" in card


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    articles, claims = _models(VALID / "records")
    write_dataset(articles, claims, tmp_path / "one")
    write_dataset(articles, claims, tmp_path / "two")
    assert _digest(tmp_path / "one") == _digest(tmp_path / "two")


def test_withdrawn_claims_are_left_out(tmp_path: Path) -> None:
    articles, claims = _models(VALID / "records")
    retired = claims[0].model_copy(
        update={"withdrawn": {"on": "2026-11-02", "reason": "Duplicate.", "replaced_by": None}}
    )
    summary = write_dataset(articles, [retired, *claims[1:]], tmp_path)
    assert summary.withdrawn == 1
    assert sum(summary.counts["claims"].values()) == len(claims) - 1


def test_build_refuses_invalid_records(records: Path, tmp_path: Path) -> None:
    (records / "claims/harbour-2020/harbour-2020-c001.json").write_text("[]")
    result = runner.invoke(app, ["build", "--records", str(records), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "TX108" in result.output
    assert not (tmp_path / "out").exists()
