"""`triaxis diff`: record-level changes between two commits of a small git repository built from the fixtures."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import VALID
from triaxis import diff as diff_module
from triaxis.cli import app

runner = CliRunner()
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}
CLAIMS = Path("records/claims/harbour-2020")


def git(repo: Path, *args: str) -> str:
    env = {**GIT_ENV, "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def edit(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two commits: the fixture records, then one verdict changed, one claim withdrawn and one added."""
    root = tmp_path / "repo"
    shutil.copytree(VALID / "records", root / "records")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "records")
    git(root, "commit", "-q", "-m", "first")
    git(root, "tag", "v1.0.0")
    claims = root / CLAIMS
    edit(claims / "harbour-2020-c001.json", verdict="refuted", modified="2024-05-01")
    edit(
        claims / "harbour-2020-c002.json",
        withdrawn={"on": "2024-05-01", "reason": "Restates c003.", "replaced_by": "harbour-2020-c003"},
        modified="2024-05-01",
    )
    added = json.loads((claims / "harbour-2020-c003.json").read_text(encoding="utf-8"))
    added["id"] = "harbour-2020-c004"
    (claims / "harbour-2020-c004.json").write_text(json.dumps(added, indent=2) + "\n", encoding="utf-8")
    edit(claims / "harbour-2020-c003.json", justification="Reworded.", doubts="Some.")
    git(root, "add", "records")
    git(root, "commit", "-q", "-m", "second")
    return root


def verdicts_of(records: Path) -> dict[str, str]:
    return {p.stem: json.loads(p.read_text())["verdict"] for p in sorted((records / "claims").rglob("*.json"))}


def test_text_listing_between_two_commits(repo: Path) -> None:
    first, second = git(repo, "rev-parse", "v1.0.0"), git(repo, "rev-parse", "HEAD")
    verdicts = verdicts_of(repo / "records")
    assert verdicts["harbour-2020-c001"] == "refuted"  # was supported in the fixtures
    result = runner.invoke(app, ["diff", "v1.0.0", "HEAD", "--records", str(repo / "records")])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Records: v1.0.0 ({first[:7]}) → HEAD ({second[:7]})\n"
        "\n"
        "Claims added (1):\n"
        f"  harbour-2020-c004  {verdicts['harbour-2020-c003']}\n"
        "\n"
        "Claims withdrawn (1):\n"
        f"  harbour-2020-c002  {verdicts['harbour-2020-c002']} (replaced by harbour-2020-c003)\n"
        "\n"
        "Verdicts changed (1):\n"
        "  harbour-2020-c001  supported → refuted\n"
        "\n"
        "Other fields changed (1):\n"
        "  harbour-2020-c003  doubts, justification\n"
        "\n"
        "Totals                v1.0.0    HEAD  change\n"
        "claims released            2       1      -1\n"
        "  supported                1       0      -1\n"
        "  refuted                  1       1       0\n"
        "  misleading               0       0       0\n"
        "  not_enough_evidence      0       0       0\n"
        "drafts                     1       2      +1\n"
        "withdrawn                  0       1      +1\n"
        "articles                   1       1       0\n"
    )


def test_fixture_verdicts_are_what_the_listing_assumes() -> None:
    # The expected output above is written for these fixture labels; if the fixtures change, so must it.
    assert verdicts_of(VALID / "records") == {
        "harbour-2020-c001": "supported",
        "harbour-2020-c002": "refuted",
        "harbour-2020-c003": "not_enough_evidence",
    }


def test_json_listing(repo: Path) -> None:
    result = runner.invoke(app, ["diff", "v1.0.0", "HEAD", "--records", str(repo / "records"), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["from"] == {"revision": "v1.0.0", "commit": git(repo, "rev-parse", "v1.0.0")}
    assert report["claims"] == {
        "added": [{"id": "harbour-2020-c004", "verdict": "not_enough_evidence"}],
        "removed": [],
        "withdrawn": [
            {
                "id": "harbour-2020-c002",
                "on": "2024-05-01",
                "reason": "Restates c003.",
                "replaced_by": "harbour-2020-c003",
            }
        ],
        "reinstated": [],
        "verdict_changed": [{"id": "harbour-2020-c001", "from": "supported", "to": "refuted"}],
        "fields_changed": [{"id": "harbour-2020-c003", "fields": ["doubts", "justification"]}],
    }
    assert report["articles"] == {"added": [], "removed": [], "changed": []}
    assert report["totals"]["to"] == {
        "claims": 1,
        "verdicts": {"supported": 0, "refuted": 1, "misleading": 0, "not_enough_evidence": 0},
        "drafts": 2,
        "withdrawn": 1,
        "articles": 1,
    }


def test_working_tree_is_compared_when_the_second_revision_is_omitted(repo: Path) -> None:
    records = repo / "records"
    clean = runner.invoke(app, ["diff", "HEAD", "--records", str(records)])
    assert clean.exit_code == 0
    assert "→ working tree\n\nNo record changes.\n" in clean.stdout
    edit(repo / CLAIMS / "harbour-2020-c001.json", verdict="misleading")  # not committed
    (records / "articles" / "harbour-2020.json").write_text(
        (records / "articles" / "harbour-2020.json").read_text().replace('"notes": "', '"notes": "Edited. '),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["diff", "HEAD", "--records", str(records)])
    assert result.exit_code == 0
    assert "Verdicts changed (1):\n  harbour-2020-c001  refuted → misleading\n" in result.stdout
    assert "Articles changed (1):\n  harbour-2020  notes\n" in result.stdout
    assert "Other fields changed" not in result.stdout  # `modified` alone is bookkeeping, not a change


def test_deleted_claim_is_flagged_and_fails(repo: Path) -> None:
    (repo / CLAIMS / "harbour-2020-c003.json").unlink()
    result = runner.invoke(app, ["diff", "HEAD", "--records", str(repo / "records")])
    assert result.exit_code == 1
    assert "Claims REMOVED (claims must be withdrawn, never deleted) (1):\n  harbour-2020-c003" in result.stdout


def test_unreadable_record_is_one_located_line(repo: Path) -> None:
    (repo / CLAIMS / "harbour-2020-c001.json").write_text("{ truncated", encoding="utf-8")
    result = runner.invoke(app, ["diff", "HEAD", "--records", str(repo / "records")])
    assert result.exit_code == 1
    problem = [line for line in result.stderr.splitlines() if line]
    assert len(problem) == 1
    assert problem[0].startswith(f"{(repo / 'records').as_posix()}/claims/harbour-2020/harbour-2020-c001.json: ")


@pytest.mark.parametrize("rev", ["no-such-tag", "--output=x", "HEAD~5"])
def test_unknown_revision_is_bad_usage(repo: Path, rev: str) -> None:
    result = runner.invoke(app, ["diff", "--records", str(repo / "records"), "--", rev, "HEAD"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert rev in result.stderr and "Traceback" not in result.output


def test_records_outside_a_git_repository(tmp_path: Path) -> None:
    shutil.copytree(VALID / "records", tmp_path / "records")
    result = runner.invoke(app, ["diff", "HEAD", "--records", str(tmp_path / "records")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{tmp_path / 'records'}: not inside a git repository"


def test_changelog_draft(repo: Path) -> None:
    result = runner.invoke(app, ["diff", "v1.0.0", "HEAD", "--records", str(repo / "records"), "--changelog"])
    assert result.exit_code == 0
    assert result.stdout == (
        "## [Unreleased]\n\n"
        "### Added\n\n- 1 draft claim(s) awaiting review, not counted in the release.\n\n"
        "### Changed\n\n- harbour-2020-c001: verdict supported → refuted.\n"
        "- harbour-2020-c003: doubts, justification corrected.\n\n"
        "### Withdrawn\n\n- harbour-2020-c002 (refuted; replaced by harbour-2020-c003): Restates c003.\n\n"
        "Totals: 1 claim from 1 article: 0 supported, 1 refuted, 0 misleading, 0 not_enough_evidence; 1 withdrawn.\n"
    )


def test_a_draft_reviewed_since_is_added_to_the_release(repo: Path) -> None:
    path = repo / CLAIMS / "harbour-2020-c003.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["review"]["status"] = "reviewed"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["diff", "HEAD", "--records", str(repo / "records"), "--changelog"])
    assert "### Added\n\n- 1 claim: 1 not_enough_evidence.\n\n" in result.stdout
    assert "0 supported, 1 refuted, 0 misleading, 1 not_enough_evidence; 1 withdrawn." in result.stdout


def test_blobs_are_read_by_one_git_process(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(5, 60):  # more claims must not mean more processes
        shutil.copy(repo / CLAIMS / "harbour-2020-c003.json", repo / CLAIMS / f"harbour-2020-c{number:03d}.json")
    git(repo, "add", "records")
    git(repo, "commit", "-q", "-m", "many")
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(args: list[str], *a: object, **k: object) -> subprocess.Popen:
        started.append(args)
        return real_popen(args, *a, **k)  # type: ignore[call-overload]

    monkeypatch.setattr(diff_module.subprocess, "Popen", popen)  # subprocess.run starts processes through Popen
    old, new = diff_module.snapshots(repo / "records", "v1.0.0", "HEAD")
    assert (len(old.claims), len(new.claims)) == (3, 59)
    assert [args[1] for args in started] == ["rev-parse", "rev-parse", "rev-parse", "ls-tree", "ls-tree", "cat-file"]
