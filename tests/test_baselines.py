"""Baselines: majority class worked out from the records, a deterministic claim-only classifier, the card section."""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO
from triaxis import baselines
from triaxis.baselines import Baseline, Baselines, SplitScore, card_markdown, leakage_sentence
from triaxis.cli import app
from triaxis.cli_common import valid_records
from triaxis.labels import scored_claims
from triaxis.models import SPLITS, Claim, Withdrawal

runner = CliRunner()
RECORDS = REPO / "records"


@functools.cache
def real_claims() -> list[Claim]:
    return valid_records(RECORDS)[1]


@functools.cache
def real_run() -> Baselines:
    return baselines.run(real_claims())


def test_majority_baseline_matches_its_definition() -> None:
    """Predicting the training majority m for every claim of a split with n claims, c of them m:

    accuracy = c / n; F1(m) = 2c / (2c + (n - c)); every other label present has F1 0, so
    macro-F1 = F1(m) / (number of labels present in that split's gold).
    """
    scored = scored_claims(real_claims())
    majority = Counter(c.verdict for c in scored if c.split == "train").most_common(1)[0][0]
    result = real_run().majority
    assert f"(`{majority}`)" in result.description
    for split in SPLITS:
        gold = [c.verdict for c in scored if c.split == split]
        n, c = len(gold), gold.count(majority)
        present = len(set(gold) | {majority})
        assert result.scores[split].claims == n
        assert result.scores[split].accuracy == float(Fraction(c, n))
        expected_f1 = Fraction(2 * c, 2 * c + (n - c)) / present
        assert abs(result.scores[split].macro_f1 - float(expected_f1)) < 1e-12


def test_claim_only_baseline_is_trained_tuned_and_scored_on_every_split() -> None:
    result = real_run().claim_only
    assert set(result.scores) == set(SPLITS)
    assert result.note is not None and result.note.startswith("C = ")
    for split_score in result.scores.values():
        assert 0.0 <= split_score.macro_f1 <= 1.0 and 0.0 <= split_score.accuracy <= 1.0


def test_card_section_is_deterministic_and_shows_the_figures() -> None:
    first = card_markdown(real_claims())
    assert card_markdown(real_claims()) == first
    results = real_run()
    for baseline in (results.majority, results.claim_only):
        test = baseline.scores["test"]
        assert f"{test.accuracy:.3f} / {test.macro_f1:.3f}" in first
    assert "| baseline | train | validation | test |" in first
    assert leakage_sentence(results) in first


def _with_test_scores(majority: float, claim_only: float) -> Baselines:
    def baseline(name: str, macro_f1: float) -> Baseline:
        return Baseline(name, "made up", {"test": SplitScore(10, 0.5, macro_f1)})

    return Baselines(baseline("majority", majority), baseline("claim_only", claim_only))


def test_leakage_warning_appears_only_when_claim_only_is_well_above_majority() -> None:
    assert "Warning" in leakage_sentence(_with_test_scores(0.20, 0.40))
    assert "beats the majority class on test by 0.200" in leakage_sentence(_with_test_scores(0.20, 0.40))
    assert "Warning" not in leakage_sentence(_with_test_scores(0.20, 0.35))
    assert "Warning" not in leakage_sentence(_with_test_scores(0.20, 0.10))


def test_tiny_datasets_give_a_note_instead_of_a_crash(records: Path) -> None:
    claims = valid_records(records)[1]  # two reviewed claims, both in test: nothing to train on
    text = card_markdown(claims)
    assert "not computed: the training split is empty" in text
    assert "not computed: the training split has fewer than two verdicts" in text
    assert "could not be made" in text


def test_baselines_command_json() -> None:
    result = runner.invoke(app, ["baselines", "--records", str(RECORDS), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"majority", "claim_only"}
    assert report["majority"]["scores"]["test"]["accuracy"] == round(real_run().majority.scores["test"].accuracy, 4)
    text = runner.invoke(app, ["baselines", "--records", str(RECORDS)])
    assert text.exit_code == 0 and "claim_only" in text.stdout and "macro-F1" in text.stdout


def test_majority_ties_go_to_the_earlier_verdict_whatever_the_claim_order(records: Path) -> None:
    claims = [c.model_copy(update={"split": "train"}) for c in valid_records(records)[1]]
    assert Counter(c.verdict for c in scored_claims(claims)) == Counter({"supported": 1, "refuted": 1})
    for ordered in (claims, claims[::-1]):
        assert baselines.run(ordered).majority.description.endswith("(`supported`)")


def test_the_table_selects_the_same_scored_claims_as_the_models() -> None:
    """``baselines.scored`` reads the claims table; it must keep exactly the claims ``scored_claims`` keeps."""
    claims = real_claims()
    changed = [
        claims[0].model_copy(update={"review": claims[0].review.model_copy(update={"status": "draft"})}),
        claims[1].model_copy(update={"withdrawn": Withdrawal(on="2026-11-02", reason="Duplicate.", replaced_by=None)}),
        *reversed(claims[2:]),
    ]
    from_table = baselines.scored(changed)
    assert [(s.id, s.claim, s.verdict, s.split) for s in from_table] == [
        (c.id, c.claim, c.verdict, c.split) for c in scored_claims(changed)
    ]
    changed_away = {claims[0].id, claims[1].id}
    assert len(from_table) == len([c for c in scored_claims(claims) if c.id not in changed_away])


def test_large_validation_and_test_splits_are_scored_on_a_hash_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(baselines, "MAX_SCORED_CLAIMS", 20)
    results = baselines.run(real_claims())
    full = Counter(c.split for c in scored_claims(real_claims()))
    for baseline in (results.majority, results.claim_only):
        assert {split: s.claims for split, s in baseline.scores.items()} == {
            "train": full["train"] if baseline is results.majority else baseline.scores["train"].claims,
            "validation": 20,
            "test": 20,
        }
        assert f"20 of its {full['validation']} validation claims and 20 of its {full['test']} test claims" in (
            baseline.note or ""
        )
    test = [c for c in scored_claims(real_claims()) if c.split == "test"]
    lowest = sorted(test, key=lambda c: hashlib.sha256(c.id.encode()).hexdigest())[:20]
    top = results.majority.description.split("`")[1]
    assert results.majority.scores["test"].accuracy == sum(c.verdict == top for c in lowest) / 20
    assert baselines.run(real_claims()).as_dict() == results.as_dict()  # the same sample every time
