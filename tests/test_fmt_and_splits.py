"""Canonical form and split assignment."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from conftest import REPO
from triaxis.cli import app
from triaxis.models import Claim
from triaxis.splits import hashed_split, split_for_group

runner = CliRunner()
C1 = "claims/harbour-2020/harbour-2020-c001.json"


def test_fmt_check_passes_on_canonical_records(records: Path) -> None:
    result = runner.invoke(app, ["fmt", "--check", "--records", str(records)])
    assert result.exit_code == 0, result.output


def test_fmt_rewrites_a_reindented_file_and_is_idempotent(records: Path) -> None:
    path = records / C1
    canonical = path.read_text()
    data = json.loads(canonical)
    path.write_text(json.dumps(dict(reversed(list(data.items()))), indent=4))
    assert runner.invoke(app, ["fmt", "--check", "--records", str(records)]).exit_code == 1
    assert runner.invoke(app, ["fmt", "--records", str(records)]).exit_code == 0
    assert path.read_text() == canonical
    assert runner.invoke(app, ["fmt", "--records", str(records)]).exit_code == 0
    assert path.read_text() == canonical


def test_fmt_normalizes_to_nfc(records: Path) -> None:
    path = records / C1
    data = json.loads(path.read_text())
    data["justification"] = "Cafe\u0301 minutes confirm it."
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    assert runner.invoke(app, ["fmt", "--records", str(records)]).exit_code == 0
    assert "Caf\u00e9 minutes" in path.read_text()


def test_fmt_reports_files_it_cannot_read(records: Path) -> None:
    (records / C1).write_text("{")
    result = runner.invoke(app, ["fmt", "--check", "--records", str(records)])
    assert result.exit_code == 1
    assert "TX260" in result.output and "Traceback" not in result.output


def test_repository_records_are_canonical() -> None:
    result = runner.invoke(app, ["fmt", "--check", "--records", str(REPO / "records")])
    assert result.exit_code == 0, result.output


def test_hashed_split_is_stable_and_roughly_70_15_15() -> None:
    assert hashed_split("harbour-2020-c001") == hashed_split("harbour-2020-c001")
    counts = Counter(hashed_split(f"x-2020-c{n:04d}") for n in range(3000))
    assert 0.65 < counts["train"] / 3000 < 0.75
    assert 0.12 < counts["validation"] / 3000 < 0.18


def test_new_claims_join_their_groups_split() -> None:
    assert split_for_group(["b-c002", "a-c001"], ["test"]) == "test"
    assert split_for_group(["b-c002", "a-c001"], []) == hashed_split("a-c001")


def test_repository_splits_keep_related_groups_together() -> None:
    claims = {p.stem: Claim.model_validate_json(p.read_text()) for p in (REPO / "records/claims").rglob("*.json")}
    for claim in claims.values():
        for link in claim.related:
            assert claims[link.id].split == claim.split
    counts = Counter(c.split for c in claims.values())
    assert counts["train"] > counts["validation"] > 0 and counts["test"] > 0
