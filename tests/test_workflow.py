"""The GitHub Actions workflow and the pre-commit hooks run the checks they must, with options that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import REPO
from triaxis.cli import app

WORKFLOW = REPO / ".github/workflows/checks.yml"
PRE_COMMIT = REPO / ".pre-commit-config.yaml"
runner = CliRunner()


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps() -> list[dict[str, Any]]:
    jobs = load(WORKFLOW)["jobs"]
    assert len(jobs) == 1
    return next(iter(jobs.values()))["steps"]


def commands() -> list[str]:
    """Every command line of every `run` step, in order."""
    return [line.strip() for step in steps() for line in str(step.get("run", "")).splitlines() if line.strip()]


def step_running(fragment: str) -> dict[str, Any]:
    matching = [s for s in steps() if fragment in str(s.get("run", ""))]
    assert matching, f"no step runs {fragment!r}"
    return matching[0]


def test_runs_on_pull_requests_and_pushes() -> None:
    workflow = load(WORKFLOW)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"pull_request", "push"} <= set(triggers)


def test_checks_out_full_history_and_sets_up_python_311() -> None:
    uses = {s["uses"].split("@")[0]: s for s in steps() if "uses" in s}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert str(uses["actions/setup-python"]["with"]["python-version"]) == "3.11"
    names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps()]
    assert names.index("actions/checkout") < names.index("actions/setup-python") < names.index("pip install '.[test]'")


@pytest.mark.parametrize(
    "command",
    [
        "pip install '.[test]'",
        "triaxis schema --check",
        "triaxis fmt --check",
        "triaxis validate --format github",
        "pytest -q",
        "triaxis build",
        "python -c \"import datasets; datasets.load_dataset('build/dataset', 'claims')\"",
    ],
)
def test_runs_every_required_check(command: str) -> None:
    assert any(c.startswith(command) for c in commands()), commands()


def test_pull_requests_validate_the_changed_records_against_the_base_branch() -> None:
    step = step_running("--changed-since")
    assert step["if"] == "github.event_name == 'pull_request'"
    assert step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert '--changed-since "origin/$BASE_REF"' in step["run"] and "--format github" in step["run"]
    full = [
        s for s in steps() if str(s.get("run", "")).strip() in {"triaxis validate", "triaxis validate --format github"}
    ]
    assert {s["if"] for s in full} == {"github.event_name == 'pull_request'", "github.event_name != 'pull_request'"}
    assert step_running("python -c").get("if") is None  # the build is loaded on every event


def test_install_comes_before_the_checks_and_the_build_after_the_tests() -> None:
    order = commands()
    first = {fragment: next(i for i, c in enumerate(order) if c.startswith(fragment)) for fragment in
             ("pip install", "triaxis schema", "triaxis validate", "pytest", "triaxis build", "python -c")}  # fmt: skip
    assert first["pip install"] < first["triaxis schema"] < first["triaxis validate"] < first["pytest"]
    assert first["pytest"] < first["triaxis build"] < first["python -c"]


def triaxis_commands(lines: list[str]) -> list[list[str]]:
    return [shlex.split(line)[1:] for line in lines if line.startswith("triaxis ")]


def assert_options_exist(arguments: list[str]) -> None:
    """The command and each --option it uses are in the command's own help, so a renamed option fails here."""
    command = [a for a in arguments if not a.startswith("-")][:1]
    result = runner.invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    for option in (a.split("=")[0] for a in arguments if a.startswith("--")):
        assert re.search(rf"{re.escape(option)}\b", result.output), f"{option} is not an option of {command}"


def test_every_triaxis_command_in_the_workflow_exists_with_its_options() -> None:
    used = triaxis_commands(commands())
    assert len(used) >= 5
    for arguments in used:
        assert_options_exist(arguments)


def hooks() -> list[dict[str, Any]]:
    config = load(PRE_COMMIT)
    assert [r["repo"] for r in config["repos"]] == ["local"]
    return config["repos"][0]["hooks"]


def test_pre_commit_formats_then_validates_record_files() -> None:
    entries = [h["entry"] for h in hooks()]
    assert entries == ["triaxis fmt", "triaxis validate"]
    for hook in hooks():
        assert hook["language"] == "system" and hook.get("pass_filenames", True)
        pattern = re.compile(hook["files"])
        assert pattern.search("records/claims/haq-2015/haq-2015-c001.json")
        assert pattern.search("records/articles/haq-2015.json")
        assert not pattern.search("README.md") and not pattern.search("schema/claim.schema.json")
    for arguments in triaxis_commands(entries):
        assert_options_exist(arguments)
