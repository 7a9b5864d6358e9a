"""Agreement figures, checked against values worked out by hand for the fixture."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import VALID
from triaxis.agreement import compute
from triaxis.cli import app
from triaxis.models import Claim

runner = CliRunner()


def _claims(records: Path) -> list[Claim]:
    return [Claim.model_validate_json(p.read_text()) for p in sorted((records / "claims").rglob("*.json"))]


def test_fixture_agreement_matches_hand_computation() -> None:
    # first pass: supported, refuted; second pass: supported, misleading (c003 has no second pass)
    figures = compute(_claims(VALID / "records"))
    assert figures.pairs == 2
    assert figures.raw == 0.5
    assert figures.kappa == round((0.5 - 0.25) / 0.75, 4)
    assert figures.confusion[0] == [1, 0, 0, 0]
    assert figures.confusion[1] == [0, 0, 1, 0]
    assert figures.per_label["supported"]["kappa"] == 1.0
    assert figures.per_label["not_enough_evidence"]["kappa"] is None


def test_no_second_passes_gives_no_figures() -> None:
    claims = [
        c.model_copy(update={"review": c.review.model_copy(update={"second_pass": None})})
        for c in _claims(VALID / "records")
    ]
    figures = compute(claims)
    assert figures.pairs == 0 and figures.kappa is None


def test_agreement_command_json(records: Path) -> None:
    result = runner.invoke(app, ["agreement", "--records", str(records), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["raw_agreement"] == 0.5


def test_card_shows_agreement(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--records", str(VALID / "records"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    card = (tmp_path / "README.md").read_text()
    assert "## Agreement" in card and "raw agreement: 0.500" in card
