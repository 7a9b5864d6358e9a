"""The command line: exit codes, output formats, and no tracebacks for mistakes a user can make."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import VALID, overlay
from triaxis.cli import app

runner = CliRunner()
SOURCES = str(VALID / "sources")


def test_validate_passes_on_valid_records(records: Path) -> None:
    result = runner.invoke(app, ["validate", "--records", str(records), "--sources", SOURCES])
    assert result.exit_code == 0
    assert "0 problem(s)" in result.output


def test_validate_text_format_is_located(records: Path) -> None:
    overlay(records, "unknown-verdict")
    result = runner.invoke(app, ["validate", "--records", str(records)])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{records.as_posix()}/claims/harbour-2020/harbour-2020-c001.json:27:14: TX200 verdict:")


def test_validate_github_format(records: Path) -> None:
    overlay(records, "duplicate-evidence-url")
    result = runner.invoke(app, ["validate", "--records", str(records), "--format", "github"])
    assert result.exit_code == 1
    assert "::error file=" in result.output and ",line=43," in result.output and "title=TX231" in result.output


def test_validate_json_format(records: Path) -> None:
    overlay(records, "future-date")
    result = runner.invoke(app, ["validate", "--records", str(records), "--format", "json"])
    report = json.loads(result.output)
    assert [p["code"] for p in report["problems"]] == ["TX241"]


def test_missing_paths_and_sources_are_one_line_errors(records: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.json"), "--records", str(records)])
    assert result.exit_code == 2 and "no such file" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["validate", "--records", str(records), "--sources", str(tmp_path / "none")])
    assert result.exit_code == 2 and "sources folder not found" in result.output


def test_schema_check_command(tmp_path: Path) -> None:
    assert runner.invoke(app, ["schema", "--dir", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["schema", "--check", "--dir", str(tmp_path)]).exit_code == 0
    (tmp_path / "article.schema.json").write_text("{}")
    assert runner.invoke(app, ["schema", "--check", "--dir", str(tmp_path)]).exit_code == 1
