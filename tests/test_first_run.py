"""A newcomer's first ten minutes: empty paths, bracketed names, CLI conventions, helpful errors, small truths."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import typer
from typer.testing import CliRunner

from conftest import REPO, VALID
from test_contribute import claim_file, edit
from triaxis import __version__
from triaxis.cli import app
from triaxis.cli_common import err, out
from triaxis.validate import validate

runner = CliRunner()
SOURCES = VALID / "sources"


def invoke(*arguments: str) -> Any:
    return runner.invoke(app, list(arguments))


def triaxis(*arguments: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The command as a shell runs it, its output going to pipes (not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "triaxis", *arguments], capture_output=True, text=True, cwd=cwd, check=False
    )


# ---------------------------------------------------------------------------- no silent empty results


def test_validate_of_a_folder_without_records_is_an_error(tmp_path: Path, records: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = invoke("validate", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert (
        result.output.strip()
        == f"{tmp_path / 'empty'}: no record files here (articles/<id>.json, claims/<article-id>/<id>.json)"
    )
    (records / "claims" / "nothing-2020").mkdir()
    result = invoke("validate", str(records / "claims" / "nothing-2020"), "--records", str(records))
    assert result.exit_code == 2 and "nothing-2020: no record files here" in result.output


def test_build_of_an_empty_records_folder_keeps_the_previous_build(tmp_path: Path, records: Path) -> None:
    out_dir = tmp_path / "dataset"
    assert invoke("build", "--records", str(records), "--out", str(out_dir)).exit_code == 0
    manifest = (out_dir / "MANIFEST.sha256").read_bytes()
    (tmp_path / "empty").mkdir()
    result = invoke("build", "--records", str(tmp_path / "empty"), "--out", str(out_dir))
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "no article records" in result.output
    shutil.rmtree(records / "claims")
    (records / "claims").mkdir()
    result = invoke("build", "--records", str(records), "--out", str(out_dir))
    assert result.exit_code == 2 and "no claim records" in result.output
    assert (out_dir / "MANIFEST.sha256").read_bytes() == manifest


def test_a_build_with_only_drafts_releases_nothing_and_says_so(tmp_path: Path, records: Path) -> None:
    for path in (records / "claims" / "harbour-2020").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["review"].update(status="draft", reviewed_on=None)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    result = invoke("build", "--records", str(records), "--out", str(tmp_path / "dataset"))
    assert result.exit_code == 1 and "no claims to release: all 3 are drafts" in result.output
    assert not (tmp_path / "dataset").exists()


# ---------------------------------------------------------------------------- text in square brackets


def test_consoles_print_brackets_and_colons_as_they_are() -> None:
    for console in (out, err):
        with console.capture() as captured:
            console.print("pip install 'triaxis[croissant]' :smile: [bold]records[old][/bold]")
        assert captured.get().strip() == "pip install 'triaxis[croissant]' :smile: [bold]records[old][/bold]"


def test_bracketed_paths_survive_every_command_that_echoes_them(tmp_path: Path) -> None:
    project = tmp_path / "p[1]"
    shutil.copytree(VALID, project)
    records, sources = project / "records", project / "sources"
    result = invoke("validate", str(tmp_path / "records[old]"))
    assert result.exit_code == 2 and f"{tmp_path / 'records[old]'}: no such file or folder" in result.output
    result = invoke("build", "--records", str(records), "--out", str(tmp_path / "build[v2]"))
    assert result.exit_code == 0, result.output
    assert f'load_dataset("{(tmp_path / "build[v2]").as_posix()}")' in result.output
    assert f"TriAxis dataset in {tmp_path / 'build[v2]'}" in result.output
    result = invoke("export", "--records", str(records), "--out", str(tmp_path / "export[x]"))
    assert f"wrote {tmp_path / 'export[x]' / 'native'}" in result.output
    result = invoke("stats", "--records", str(records), "--plot", str(tmp_path / "charts[a]"))
    assert f"wrote {tmp_path / 'charts[a]' / 'verdicts.png'}" in result.output
    quote = "A second pier is planned for 2023."
    result = invoke(
        "new",
        "claim",
        "--article",
        "harbour-2020",
        "--quote",
        quote,
        "--sources",
        str(sources),
        "--records",
        str(records),
    )
    assert (
        result.exit_code == 0
        and f"wrote {(records / 'claims/harbour-2020/harbour-2020-c004.json').as_posix()}" in result.output
    )
    assert f"--records {records.as_posix()}" in result.output
    new = records / "claims/harbour-2020/harbour-2020-c004.json"
    new.write_text(new.read_text(encoding="utf-8").replace('\n  "id"', '\n    "id"', 1), encoding="utf-8")
    result = invoke("fmt", str(new), "--records", str(records))
    assert f"formatted {new}" in result.output


def test_help_shows_bracketed_text() -> None:
    assert "[tool.triaxis]" in invoke("publish", "--help").output


# ---------------------------------------------------------------------------- CLI conventions


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))  # type: ignore[arg-type]


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.output == f"triaxis {__version__}\n"


def test_shell_completion_is_offered() -> None:
    assert "--install-completion" in invoke("--help").output


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_every_option_has_help_and_no_word_is_broken(path: tuple[str, ...]) -> None:
    command = dict(COMMANDS)[path]
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"triaxis {' '.join(path)} {param.opts[0]} has no help text"
    result = runner.invoke(app, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0
    broken = [line for line in result.output.splitlines() if re.search(r"[a-z]-$", line)]
    assert broken == [], f"words broken at a hyphen in `triaxis {' '.join(path)} --help`"


def test_tables_in_a_pipe_keep_words_whole() -> None:
    result = triaxis("stats")
    assert result.returncode == 0 and result.stderr == ""
    rows = [line for line in result.stdout.splitlines() if "indianexpress-2022" in line]
    assert rows and all("not_enough_evidence" in result.stdout for _ in rows)
    assert "┃ not_enough_evidence ┃" in result.stdout


def test_no_progress_in_a_pipe_and_nothing_with_quiet() -> None:
    result = triaxis("validate")
    assert result.returncode == 0 and result.stderr == "" and result.stdout.startswith("0 problem(s)")
    result = triaxis("validate", "--quiet")
    assert result.returncode == 0 and result.stdout == result.stderr == ""


def test_json_for_stats_and_agreement() -> None:
    stats = json.loads(invoke("stats", "--format", "json").stdout)
    assert stats["claims"] == sum(int(row[1]) for row in stats["tables"][0]["rows"][:-1])
    agreement = json.loads(invoke("agreement", "--format", "json").stdout)
    assert agreement["pairs"] == stats["claims"] and 0 <= agreement["cohen_kappa"] <= 1


# ---------------------------------------------------------------------------- helpful errors


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"verdict": "suported"}, "did you mean 'supported'?"),
        ({"claim_type": "evnt"}, "did you mean 'event'?"),
        ({"countries": ["pak"]}, "did you mean 'PAK' (Pakistan)?"),
        ({"countries": ["PAKISTAN"]}, "did you mean 'PAK' (Pakistan)?"),
        ({"countries": ["RUSS"]}, "did you mean 'RUS'?"),
        ({"article_id": "harbour-202", "id": "harbour-202-c001"}, "did you mean 'harbour-2020'?"),
    ],
)
def test_validation_says_what_was_probably_meant(records: Path, change: dict[str, Any], expected: str) -> None:
    path = claim_file(records, 1)
    edit(path, change)
    assert any(expected in p.message for p in validate([records], records).problems)


def test_new_claim_says_what_was_probably_meant(records: Path) -> None:
    result = invoke("new", "claim", "--article", "harbour-202", "--records", str(records))
    assert result.exit_code == 2 and "no such article record; did you mean 'harbour-2020'?" in result.output
    result = invoke("new", "claim", "--article", "harbour-2020", "--verdict", "suported", "--records", str(records))
    assert result.exit_code == 2 and "did you mean 'supported'?" in result.output


def test_a_quote_with_collapsed_spaces_is_found_and_recorded_as_the_article_has_it(records: Path) -> None:
    copied = "new ferry pier Written for the TriAxis"  # a browser collapses the blank line of the title
    result = invoke(
        "new",
        "claim",
        "--article",
        "harbour-2020",
        "--quote",
        copied,
        "--sources",
        str(SOURCES),
        "--records",
        str(records),
    )
    assert result.exit_code == 0, result.output
    assert "note: the article's spacing differs from the quote's at 37" in result.output
    data = json.loads((records / "claims/harbour-2020/harbour-2020-c004.json").read_text(encoding="utf-8"))
    text = (SOURCES / "harbour-2020.txt").read_text(encoding="utf-8")
    assert (
        data["quote"]
        == text[data["span"]["start"] : data["span"]["end"]]
        == "new ferry pier\n\nWritten for the TriAxis"
    )


def test_a_review_inconsistency_names_the_field_to_change(records: Path) -> None:
    path = claim_file(records, 1)
    edit(path, {"review.second_pass": None, "verdict": "refuted"})
    messages = [p.message for p in validate([path], records).problems if p.code == "TX233"]
    assert any(
        "set verdict to review.first_pass_verdict ('supported'), or add review.second_pass" in m for m in messages
    )
    assert any("fill in review.second_pass, or set review.status to draft" in m for m in messages)


# ---------------------------------------------------------------------------- small truths


def test_licences_sit_beside_the_code() -> None:
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    data = (REPO / "LICENSE-DATA").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in data and "Section 8" in data
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "MIT"' in pyproject and 'license-files = ["LICENSE", "LICENSE-DATA"]' in pyproject


def test_issue_and_pull_request_templates() -> None:
    templates = {p.name: p.read_text(encoding="utf-8") for p in (REPO / ".github/ISSUE_TEMPLATE").glob("*.md")}
    assert {"claim-correction.md", "new-claim.md"} <= set(templates)
    assert all(text.startswith("---\nname: ") for text in templates.values())
    assert (REPO / ".github/pull_request_template.md").is_file()


def test_readme_diff_examples_name_revisions_that_exist() -> None:
    tags = subprocess.run(["git", "tag"], capture_output=True, text=True, cwd=REPO, check=False).stdout.split()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for revision in re.findall(r"^triaxis diff (\S+)", readme, re.MULTILINE):
        assert not revision.startswith("v") or revision in tags, f"README: `triaxis diff {revision}`: no such tag"


def test_setuptools_builds_outside_the_dataset_folder() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    base = re.search(r'^\[tool\.distutils\.build\]\nbuild-base = "([^"]+)"', pyproject, re.MULTILINE)
    assert base is not None and not base[1].startswith("build")
    assert f"{base[1]}/" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
