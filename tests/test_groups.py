"""Fact groups across claims: every version of one fact, and which groups disagree."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import REPO, VALID
from triaxis.cli import app
from triaxis.groups import fact_groups
from triaxis.models import Claim

runner = CliRunner()


def _claims(records: Path) -> list[Claim]:
    return [Claim.model_validate_json(p.read_text()) for p in sorted((records / "claims").rglob("*.json"))]


def test_fixture_group_disagrees_in_verdict() -> None:
    groups = fact_groups(_claims(VALID / "records"))
    assert [[c.id for c in g.members] for g in groups] == [["harbour-2020-c001", "harbour-2020-c002"]]
    assert groups[0].verdicts == {"supported", "refuted"} and groups[0].disagrees


def test_repository_groups_are_symmetric_and_complete() -> None:
    claims = {c.id: c for c in _claims(REPO / "records")}
    groups = fact_groups(list(claims.values()))
    assert len(groups) >= 8
    for group in groups:
        ids = {c.id for c in group.members}
        for claim in group.members:
            for link in claim.related:
                assert link.id in ids
                assert any(back.id == claim.id and back.relation == link.relation for back in claims[link.id].related)
        assert len({c.split for c in group.members}) == 1


def test_groups_command_lists_disagreeing_groups_as_json() -> None:
    result = runner.invoke(app, ["groups", "--disagreeing", "--format", "json", "--records", str(REPO / "records")])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.output)
    assert groups and all(g["verdicts_differ"] or g["conflicting_versions"] for g in groups)
    embargo = next(g for g in groups if "haq-2015-c009" in [c["id"] for c in g["claims"]])
    assert {c["id"] for c in embargo["claims"]} == {"haq-2015-c009", "indianexpress-2022-c026", "malik-2017-c006"}
