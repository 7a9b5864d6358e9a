"""Bad input, catalogued: every kind of broken file, made from real claims, is reported with its code at its line.

The catalogue (``tests/catalogue.py``) is the README's "Bad input" table; tests here hold the
two to each other, and hold the codes the checker can emit to the README's table of codes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Literal

import pytest
from typer.testing import CliRunner

from catalogue import CASES, Case, assert_located, line_of, load
from conftest import REPO, SHARED_SOURCES, TESTS
from triaxis import record_checks
from triaxis.cli import app
from triaxis.models import RECORD_MODELS, Claim
from triaxis.problems import Problem
from triaxis.records import ParseError, parse_record, source_positions
from triaxis.schema_check import compiled_is_valid, explaining_validator
from triaxis.validate import validate

runner = CliRunner()
README = REPO / "README.md"


def sample_claims() -> list[str]:
    """One claim of each of three articles that has evidence and a second pass, as paths inside records/."""
    chosen = []
    for folder in sorted((REPO / "records" / "claims").iterdir())[:3]:
        for path in sorted(folder.glob("*.json")):
            data = load(path)
            if data["evidence"] and data["review"]["second_pass"] and data["doubts"] is not None:
                chosen.append(path.relative_to(REPO / "records").as_posix())
                break
    return chosen


SAMPLES = sample_claims()


def sources_for(case: Case) -> Path | None:
    if case.needs_sources and not SHARED_SOURCES.is_dir():
        pytest.skip("article texts not present beside the repository")
    return SHARED_SOURCES if SHARED_SOURCES.is_dir() else None


def test_the_samples_come_from_three_articles() -> None:
    assert len({Path(s).parent for s in SAMPLES}) == 3


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_real_claim_is_reported_at_its_line(case: Case, sample: str, real_records: Path) -> None:
    sources = sources_for(case)
    target, line = case.apply(real_records, real_records / sample)
    outcome = validate([target], real_records, sources)
    found = [(p.code, p.line) for p in outcome.problems if p.path == target.as_posix()]
    assert (case.code, line) in found, outcome.problems
    if case.says:
        assert any(case.says in p.message for p in outcome.problems if (p.code, p.line) == (case.code, line))
    assert {p.path for p in outcome.problems} == {target.as_posix()}
    assert_located(outcome.problems)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_validators_agree_on_the_catalogue(case: Case, real_records: Path) -> None:
    """jsonschema-rs decides alone, so it must agree with jsonschema; what the schema accepts the models accept."""
    target, _line = case.apply(real_records, real_records / SAMPLES[0])
    kind = "article" if target.parent.name == "articles" else "claim"
    if not target.is_file():
        return  # a FIFO: reading it would wait for a writer
    try:
        data = parse_record(target.read_bytes())
    except (ParseError, OSError):
        return  # nothing to hold to the schema
    explained = not list(explaining_validator(kind).iter_errors(data))
    assert compiled_is_valid(kind, data) in (explained, None)
    if explained:
        RECORD_MODELS[kind].model_validate(data)
        RECORD_MODELS[kind].model_validate_json(target.read_bytes())


def test_the_whole_catalogue_at_once_is_reported_file_by_file(real_records: Path) -> None:
    """One tree holding every kind of broken file (each made from a different claim), checked by the CLI."""
    every = sorted((real_records / "claims").rglob("*.json"))
    claims = every[:: len(every) // len(CASES)]
    assert len(claims) >= len(CASES)
    touched: set[Path] = set()
    expected: dict[Path, tuple[str, int]] = {}
    for case, claim in zip(CASES, claims[: len(CASES)], strict=True):
        if case.apply.__name__.startswith("article") or (case.needs_sources and not SHARED_SOURCES.is_dir()):
            continue  # article cases change what other claims are checked against
        target, line = case.apply(real_records, claim)
        assert target not in touched
        touched.add(target)
        expected[target] = (case.code, line)
    arguments = ["validate", "--records", str(real_records), "--format", "json"]
    if SHARED_SOURCES.is_dir():
        arguments += ["--sources", str(SHARED_SOURCES)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    problems = [Problem(**p) for p in json.loads(result.output)["problems"]]
    assert_located(problems)
    for target, (code, line) in expected.items():
        assert (code, line) in {(p.code, p.line) for p in problems if p.path == target.as_posix()}, target


def test_text_output_is_one_located_line_per_problem(real_records: Path) -> None:
    for case, sample in zip(CASES[:5], SAMPLES * 2, strict=False):
        case.apply(real_records, real_records / sample)
    result = runner.invoke(app, ["validate", "--records", str(real_records)])
    assert result.exit_code == 1
    *lines, summary = result.output.strip().splitlines()
    assert lines and "problem(s)" in summary
    assert all(re.match(r"^\S.*:\d+:\d+: TX\d{3} ", line) for line in lines), lines


def test_serial_and_parallel_validation_agree(real_records: Path) -> None:
    for case, claim in zip(CASES, sorted((real_records / "claims").rglob("*.json"))[::7], strict=False):
        if not case.apply.__name__.startswith("article"):
            case.apply(real_records, claim)
    serial = validate([real_records], real_records, workers=1)
    parallel = validate([real_records], real_records, workers=2)
    assert serial.problems == parallel.problems  # same problems in the same order, whichever process found them
    assert len(serial.problems) > len(CASES) // 2
    assert {"TX202", "TX270"} <= {p.code for p in parallel.problems}  # from the checks run here and in the other thread
    assert [f.display for f in serial.files] == [f.display for f in parallel.files]
    assert [c.facts for c in serial.corpus.claims] == [c.facts for c in parallel.corpus.claims]


def test_a_checker_defect_in_one_file_is_contained(real_records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = real_records / SAMPLES[0]

    def explode(file, data, context):  # type: ignore[no-untyped-def]
        if file.name == target.name:
            raise RuntimeError("boom")
        return iter(())

    monkeypatch.setitem(record_checks.RECORD_CHECKS, "TX999", ("a broken check", explode))
    record_checks._distinct_checks.cache_clear()
    try:
        outcome = validate([real_records], real_records)
    finally:
        record_checks._distinct_checks.cache_clear()
    assert [(p.path, p.code) for p in outcome.problems] == [(target.as_posix(), "TX129")]
    assert "RuntimeError: boom" in outcome.problems[0].message
    assert len(outcome.corpus.claims) > 250


def test_checking_one_file_reports_the_same_as_checking_all(real_records: Path) -> None:
    target, _line = CASES[[c.name for c in CASES].index("related link not returned")].apply(
        real_records, real_records / SAMPLES[0]
    )
    alone = validate([target], real_records)
    everything = validate([real_records], real_records)
    assert alone.problems == [p for p in everything.problems if p.path == target.as_posix()]
    assert alone.problems


@pytest.mark.parametrize("path", sorted((REPO / "records").rglob("*.json"))[::10], ids=lambda p: p.name)
def test_positions_point_at_the_values(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    data = json.loads(text)
    positions = source_positions(text)
    assert len(positions) > 20
    for where, ((line, col), key) in positions.items():
        value = data
        for part in where.split("/")[1:]:
            value = value[int(part)] if isinstance(value, list) else value[part.replace("~1", "/").replace("~0", "~")]
        rest = lines[line - 1][col - 1 :]
        expected = {dict: "{", list: "["}.get(type(value), json.dumps(value, ensure_ascii=False)[:20])
        assert rest.startswith(expected), (where, rest)
        if key is not None:
            assert lines[key[0] - 1][key[1] - 1 :].startswith(json.dumps(where.rsplit("/", 1)[1]))


# --- the README ------------------------------------------------------------------------------


def readme_table(heading: str) -> list[list[str]]:
    """The rows (cells) of the first table after a README heading."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows[1:]


def test_readme_bad_input_table_is_the_catalogue() -> None:
    assert readme_table("### Bad input") == [[case.name, case.code] for case in CASES]


def codes_in_source() -> set[str]:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "scripts" / "triaxis").glob("*.py"))
    return set(re.findall(r'"(TX\d{3})"', source))


def test_every_code_the_checker_can_emit_is_in_the_readme() -> None:
    documented = {row[0] for row in readme_table("## Validation")}
    assert codes_in_source() - documented == set()


def test_every_documented_code_is_produced_by_a_test() -> None:
    documented = {row[0] for row in readme_table("## Validation")}
    produced = {case.code for case in CASES} | {"TX129"}  # TX129: test_a_checker_defect_in_one_file_is_contained
    other_tests = "\n".join(
        p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py") if p.name != Path(__file__).name
    )
    assert {code for code in documented - produced if code not in other_tests} == set()


def test_no_record_of_the_repository_is_reported(tmp_path: Path) -> None:
    shutil.copytree(REPO / "records", tmp_path / "records")
    assert validate([tmp_path / "records"], tmp_path / "records").problems == []


def test_a_record_the_models_reject_is_reported_not_raised(real_records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the models ever be stricter than the schema, a command that builds them (fmt, the contribution
    commands) reports the record, located, and leaves it out."""

    class Stricter(Claim):
        verdict: Literal["supported"]  # type: ignore[assignment]

    monkeypatch.setitem(RECORD_MODELS, "claim", Stricter)
    target = real_records / SAMPLES[0]
    outcome = validate([real_records], real_records, models=True)
    assert load(target)["verdict"] != "supported"
    located = [(p.code, p.line) for p in outcome.problems if p.path == target.as_posix()]
    assert located == [("TX200", line_of(target.read_text(), '"verdict"'))]
    assert all(c.file.path != target for c in outcome.corpus.claims)
    assert all(c.model.verdict == "supported" for c in outcome.corpus.claims)
