"""Maintainer commands (review, withdraw) and validating only what changed since a git revision."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import TEST_TODAY, VALID
from triaxis.canonical import canonical_text
from triaxis.cli import app
from triaxis.models import Claim
from triaxis.new import next_claim_id
from triaxis.validate import validate

runner = CliRunner()
SOURCES = VALID / "sources"
FOLDER = "claims/harbour-2020"
TODAY = TEST_TODAY


def claim_file(records: Path, number: int) -> Path:
    return records / FOLDER / f"harbour-2020-c{number:03d}.json"


def edit(path: Path, change: dict[str, object]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        target = data
        for key in parents:
            target = target[key]
        target[last] = value
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def second_pass(verdict: str = "not_enough_evidence", reviewer: str = "annotator-b") -> dict[str, object]:
    return {
        "verdict": verdict,
        "justification": "No passenger forecast could be found in council papers or the press.",
        "evidence": [],
        "reviewer": reviewer,
        "reviewed_on": "2026-11-02",
    }


def invoke(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.output


def test_review_marks_a_draft_with_a_second_pass_reviewed(records: Path) -> None:
    path = claim_file(records, 3)
    edit(path, {"review.second_pass": second_pass()})
    code, output = invoke("review", "harbour-2020-c003", "--by", "maintainer-m", "--records", str(records))
    assert code == 0, output
    assert f"harbour-2020-c003: reviewed on {TODAY}, accepted by maintainer-m" in output
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["review"]["status"] == "reviewed" and data["review"]["reviewed_on"] == TODAY == data["modified"]
    assert path.read_text(encoding="utf-8") == canonical_text(Claim.model_validate(data))
    assert validate([path], records, SOURCES).problems == []


def test_review_needs_a_blind_second_pass(records: Path) -> None:
    before = claim_file(records, 3).read_bytes()
    code, output = invoke("review", "harbour-2020-c003", "--by", "maintainer-m", "--records", str(records))
    assert code == 1 and "needs a blind second pass first" in output
    assert claim_file(records, 3).read_bytes() == before


@pytest.mark.parametrize(
    ("change", "by", "message"),
    [
        ({"review.second_pass": second_pass()}, "annotator-a", "is the first annotator"),
        ({"review.second_pass": second_pass(reviewer="annotator-a")}, "maintainer-m", "second pass is by the first"),
        ({"review.second_pass": second_pass("refuted")}, "maintainer-m", "TX233"),  # disagreement, no note
        ({"withdrawn": {"on": "2026-11-02", "reason": "Twice.", "replaced_by": None}}, "maintainer-m", "withdrawn on"),
    ],
)
def test_review_refuses_what_would_break_the_review_rules(
    records: Path, change: dict[str, object], by: str, message: str
) -> None:
    edit(claim_file(records, 3), change)
    before = claim_file(records, 3).read_bytes()
    code, output = invoke("review", "harbour-2020-c003", "--by", by, "--records", str(records))
    assert code == 1 and message in output and "Traceback" not in output
    assert claim_file(records, 3).read_bytes() == before


def test_review_of_a_reviewed_claim_or_an_unknown_id(records: Path) -> None:
    code, output = invoke("review", "harbour-2020-c001", "--by", "maintainer-m", "--records", str(records))
    assert code == 1 and "already reviewed on 2026-11-01" in output
    code, output = invoke("review", "harbour-2020-c099", "--by", "maintainer-m", "--records", str(records))
    assert code == 2 and "harbour-2020-c099.json: no such claim record" in output
    code, output = invoke("review", "not an id", "--by", "maintainer-m", "--records", str(records))
    assert code == 2 and "not a claim id" in output


def test_withdraw_keeps_the_file_and_the_id_is_never_reused(records: Path) -> None:
    code, output = invoke(
        "withdraw", "harbour-2020-c003", "--reason", "Recorded twice.", "--replaced-by", "harbour-2020-c001",
        "--records", str(records),
    )  # fmt: skip
    assert code == 0, output
    data = json.loads(claim_file(records, 3).read_text(encoding="utf-8"))
    assert data["withdrawn"] == {"on": TODAY, "reason": "Recorded twice.", "replaced_by": "harbour-2020-c001"}
    assert data["modified"] == TODAY
    assert validate([records], records, SOURCES).problems == []
    claim_file(records, 2).unlink()  # even with a gap below it, the next id comes after the withdrawn one
    assert next_claim_id(records, "harbour-2020") == "harbour-2020-c004"


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (["--reason", " "], 2, "--reason must say why"),
        (["--reason", "x" * 4001], 2, "at most 4000 characters"),
        (["--reason", "Gone.", "--replaced-by", "harbour-2020-c003"], 2, "cannot replace itself"),
        (["--reason", "Gone.", "--replaced-by", "harbour-2020-c077"], 2, "no such claim record"),
    ],
)
def test_withdraw_mistakes_are_one_line_errors(records: Path, options: list[str], code: int, message: str) -> None:
    before = claim_file(records, 3).read_bytes()
    exit_code, output = invoke("withdraw", "harbour-2020-c003", *options, "--records", str(records))
    assert exit_code == code and message in output and "Traceback" not in output
    assert claim_file(records, 3).read_bytes() == before


def test_withdrawing_twice_is_refused(records: Path) -> None:
    assert invoke("withdraw", "harbour-2020-c003", "--reason", "Gone.", "--records", str(records))[0] == 0
    code, output = invoke("withdraw", "harbour-2020-c003", "--reason", "Again.", "--records", str(records))
    assert code == 1 and f"already withdrawn on {TODAY}" in output


def git(repo: Path, *arguments: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run(["git", *identity, *arguments], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(records: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose first commit holds the valid fixture records; the working directory."""
    root = records.parent
    git(root, "init", "-q")
    git(root, "add", "records")
    git(root, "commit", "-q", "-m", "records")
    monkeypatch.chdir(root)
    return root


def changed(*extra: str) -> tuple[int, str]:
    return invoke("validate", "--changed-since", "main", *extra)


def test_nothing_changed_checks_no_file(repo: Path) -> None:
    assert changed() == (0, "0 problem(s) (0 error(s), 0 warning(s)) in 0 of 0 file(s)\n")


def test_a_new_claim_is_checked_alone_with_annotations_on_its_lines(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "contribution")
    assert invoke("new", "claim", "--article", "harbour-2020", "--annotator", "sam")[0] == 0
    code, output = changed("--format", "github")
    assert code == 1
    assert "::error file=records/claims/harbour-2020/harbour-2020-c004.json,line=10,col=12,title=TX272::" in output
    assert output.splitlines()[-1] == "8 problem(s) (8 error(s), 0 warning(s)) in 1 of 1 file(s)"
    git(repo, "add", "records")
    git(repo, "commit", "-q", "-m", "new claim")  # committed on the branch: still a change since main
    assert changed()[1].splitlines()[-1] == "8 problem(s) (8 error(s), 0 warning(s)) in 1 of 1 file(s)"


def test_files_that_link_to_a_changed_or_deleted_claim_are_checked_too(repo: Path) -> None:
    edit(claim_file(repo / "records", 2), {"related": []})
    code, output = changed()
    assert code == 1
    assert "harbour-2020-c001.json:44:5: TX212 harbour-2020-c002 does not link back to harbour-2020-c001" in output
    assert "of 2 file(s)" in output  # c002 itself and c001, which links to it; not c003
    claim_file(repo / "records", 2).unlink()
    code, output = changed()
    assert code == 1 and "TX211 no claim with id 'harbour-2020-c002'" in output


def test_a_changed_article_brings_in_its_claims(repo: Path) -> None:
    edit(repo / "records/articles/harbour-2020.json", {"published.date": "2020-02"})
    code, output = changed()
    assert code == 1 and "TX242" in output and "of 4 file(s)" in output


@pytest.mark.parametrize("revision", ["no-such-branch", "HEAD~5"])
def test_an_unknown_revision_is_a_one_line_usage_error(repo: Path, revision: str) -> None:
    code, output = invoke("validate", "--changed-since", revision)
    assert code == 2 and output == f"{revision}: not a git revision (a commit, branch or tag) in {repo.resolve()}\n"


def test_outside_a_git_repository_is_a_one_line_usage_error(records: Path) -> None:
    code, output = invoke("validate", "--records", str(records), "--changed-since", "HEAD")
    assert code == 2 and output.endswith("not in a git repository, so --changed-since cannot be used\n")


def test_paths_and_changed_since_together_are_a_usage_error(repo: Path) -> None:
    code, output = invoke("validate", "records", "--changed-since", "main")
    assert code == 2 and "not both" in output
