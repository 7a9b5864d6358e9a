"""The official scorer: exact scores, the label crosswalks, URL normalization, and malformed prediction files."""

from __future__ import annotations

import functools
import json
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import REPO, VALID
from triaxis import cli_evaluate
from triaxis.cli import app as triaxis_app
from triaxis.cli_common import valid_records
from triaxis.evaluate import MISSING, evaluate, gold_for, normalize_url, read_predictions
from triaxis.labels import CROSSWALKS, LABELS, LabelSpace, crosswalk_markdown, map_verdict, scored_claims
from triaxis.models import VERDICTS, Claim

runner = CliRunner()
RECORDS = REPO / "records"


def run(*args: str) -> Any:
    return runner.invoke(cli_evaluate.app, list(args))


def write_lines(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def synthetic_records(tmp_path: Path, verdicts: list[str], split: str = "test") -> Path:
    """A valid records tree with one reviewed claim per verdict given, ids c001…, in one split.

    Each claim has two evidence URLs, https://example.org/<n>/a and /b, so evidence recall can be
    worked out by hand.
    """
    target = tmp_path / "synthetic"
    shutil.copytree(VALID / "records" / "articles", target / "articles")
    template = json.loads((VALID / "records/claims/harbour-2020/harbour-2020-c001.json").read_text(encoding="utf-8"))
    folder = target / "claims" / "harbour-2020"
    folder.mkdir(parents=True)
    stance = {"supported": "supports", "refuted": "refutes", "misleading": "context", "not_enough_evidence": "context"}
    for number, verdict in enumerate(verdicts, start=1):
        claim = json.loads(json.dumps(template))
        claim["id"] = f"harbour-2020-c{number:03d}"
        claim["claim"] = f"Synthetic claim number {number}."
        claim["verdict"] = claim["review"]["first_pass_verdict"] = verdict
        claim["review"]["second_pass"]["verdict"] = verdict
        evidence = [
            {**template["evidence"][0], "url": f"https://example.org/{number}/{suffix}", "stance": stance[verdict]}
            for suffix in ("a", "b")
        ]
        claim["evidence"] = claim["review"]["second_pass"]["evidence"] = evidence
        claim["related"] = []
        claim["split"] = split
        (folder / f"{claim['id']}.json").write_text(json.dumps(claim, indent=2) + "\n", encoding="utf-8")
    assert len(valid_records(target)[1]) == len(verdicts)
    return target


@functools.cache
def real_claims() -> list[Claim]:
    return valid_records(RECORDS)[1]


def gold_file(tmp_path: Path, split: str, space: LabelSpace) -> Path:
    rows = []
    for claim in scored_claims(real_claims()):
        label = map_verdict(claim.verdict, space)
        if claim.split == split and label is not None:
            rows.append({"id": claim.id, "verdict": label, "evidence_urls": [e.url for e in claim.evidence]})
    return write_lines(tmp_path / f"gold-{split}-{space.value}.jsonl", rows)


# --- crosswalks -------------------------------------------------------------------------------


def test_crosswalks_cover_every_verdict_with_a_label_of_their_space() -> None:
    for space, mapping in CROSSWALKS.items():
        assert set(mapping) == set(VERDICTS)
        assert {label for label in mapping.values() if label} <= set(LABELS[space])
    assert map_verdict("misleading", LabelSpace.fever) is None
    assert map_verdict("misleading", LabelSpace.averitec) == "Conflicting Evidence/Cherrypicking"


def test_readme_crosswalk_table_matches_the_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert crosswalk_markdown() in readme


# --- gold predictions -------------------------------------------------------------------------


@pytest.mark.parametrize("space", list(LabelSpace))
@pytest.mark.parametrize("split", ["train", "validation", "test"])
def test_gold_predictions_score_exactly_one(tmp_path: Path, space: LabelSpace, split: str) -> None:
    predictions = gold_file(tmp_path, split, space)
    result = run(
        "evaluate", str(predictions), "--records", str(RECORDS), "--split", split, "--labels", space.value,
        "--k", "1,20", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["accuracy"] == 1.0 and report["macro_f1"] == 1.0
    assert report["missing_predictions_counted_wrong"] == 0
    assert all(fig["f1"] == 1.0 for fig in report["per_label"].values() if fig["support"])
    matrix = report["confusion"]["matrix"]
    assert sum(matrix[i][i] for i in range(len(matrix))) == report["gold_claims"]
    assert report["evidence"]["recall_at"]["20"] == 1.0


def test_fever_leaves_out_misleading_gold_and_says_how_many(tmp_path: Path) -> None:
    claims = real_claims()
    misleading = sum(1 for c in scored_claims(claims) if c.split == "test" and c.verdict == "misleading")
    assert misleading > 0
    result = run("evaluate", str(gold_file(tmp_path, "test", LabelSpace.fever)), "--labels", "fever",
                 "--records", str(RECORDS), "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["gold_without_equivalent_left_out"] == misleading
    assert f"note: {misleading} gold claim(s) of the test split have no fever label and are left out" in result.stderr


# --- hand-calculated scores --------------------------------------------------------------------

HAND_GOLD = ["supported"] * 5 + ["refuted"] * 2 + ["misleading"] * 2 + ["not_enough_evidence"]
#            c001 … c005          c006 c007         c008 c009           c010
HAND_PREDICTIONS = {
    "harbour-2020-c001": "supported",
    "harbour-2020-c002": "supported",
    "harbour-2020-c003": "supported",
    "harbour-2020-c004": "supported",
    "harbour-2020-c005": "refuted",
    "harbour-2020-c006": "refuted",
    "harbour-2020-c007": "supported",
    "harbour-2020-c008": "supported",
    # c009 (misleading) has no prediction: it counts as wrong.
    "harbour-2020-c010": "misleading",
}


def test_hand_built_wrong_predictions_score_what_hand_calculation_gives(tmp_path: Path) -> None:
    """Worked by hand, rows gold, columns predicted (S, R, M, N, missing):

        S: 4 1 0 0 0      supported   TP 4, FP 2 (c007, c008), FN 1 → P 4/6, R 4/5, F1 2·4/(2·4+2+1) = 8/11
        R: 1 1 0 0 0      refuted     TP 1, FP 1 (c005), FN 1       → P 1/2, R 1/2, F1 2/(2+1+1) = 1/2
        M: 1 0 0 0 1      misleading  TP 0, FP 1 (c010), FN 2       → P 0,   R 0,   F1 0
        N: 0 0 1 0 0      n_e_e       TP 0, FP 0, FN 1              → P undefined (null), R 0, F1 0

    Accuracy: 5 right of 10 = 1/2. Macro-F1 over the four labels present: (8/11 + 1/2 + 0 + 0) / 4 = 27/88.
    """
    records = synthetic_records(tmp_path, HAND_GOLD)
    predictions = write_lines(tmp_path / "p.jsonl", [{"id": i, "verdict": v} for i, v in HAND_PREDICTIONS.items()])
    result = run("evaluate", str(predictions), "--records", str(records), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["accuracy"] == 0.5
    assert report["macro_f1"] == round(float(Fraction(27, 88)), 4)
    assert report["per_label"] == {
        "supported": {"precision": 0.6667, "recall": 0.8, "f1": round(8 / 11, 4), "support": 5},
        "refuted": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2},
        "misleading": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2},
        "not_enough_evidence": {"precision": None, "recall": 0.0, "f1": 0.0, "support": 1},
    }
    assert report["confusion"] == {
        "gold": list(VERDICTS),
        "predicted": [*VERDICTS, MISSING],
        "matrix": [[4, 1, 0, 0, 0], [1, 1, 0, 0, 0], [1, 0, 0, 0, 1], [0, 0, 1, 0, 0]],
    }
    assert report["missing_predictions_counted_wrong"] == 1
    assert "warning: 1 of 10 gold claim(s) have no prediction; counted as wrong" in result.stderr
    assert report["evidence"] is None

    # The unrounded figures are exact too.
    claims = valid_records(records)[1]
    gold = gold_for(claims, "test", LabelSpace.native)
    scores = evaluate(gold, read_predictions(predictions, gold), [1]).scores
    assert scores.accuracy == float(Fraction(1, 2))
    assert scores.macro_f1 == pytest.approx(float(Fraction(27, 88)), abs=1e-15)
    assert scores.per_label["supported"]["f1"] == pytest.approx(float(Fraction(8, 11)), abs=1e-15)


def test_hand_built_predictions_in_fever_labels(tmp_path: Path) -> None:
    """FEVER view of the same gold: the two misleading claims are left out, eight remain.

    Predictions (FEVER labels): c001–c004 SUPPORTS, c005 REFUTES, c006 REFUTES, c007 SUPPORTS,
    c010 NOT ENOUGH INFO; c008 gets a prediction that is ignored (its gold has no FEVER label).
        SUPPORTS        TP 4, FP 1 (c007), FN 1 → F1 8/10 = 4/5
        REFUTES         TP 1, FP 1 (c005), FN 1 → F1 2/4 = 1/2
        NOT ENOUGH INFO TP 1, FP 0, FN 0        → F1 1
    Accuracy 6/8 = 3/4; macro-F1 (4/5 + 1/2 + 1) / 3 = 23/30.
    """
    records = synthetic_records(tmp_path, HAND_GOLD)
    fever = {
        "supported": "SUPPORTS",
        "refuted": "REFUTES",
        "misleading": "SUPPORTS",
        "not_enough_evidence": "NOT ENOUGH INFO",
    }
    rows = [{"id": i, "verdict": fever[v]} for i, v in HAND_PREDICTIONS.items()]
    rows[-1]["verdict"] = "NOT ENOUGH INFO"
    predictions = write_lines(tmp_path / "fever.jsonl", rows)
    result = run("evaluate", str(predictions), "--records", str(records), "--labels", "fever", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["gold_claims"], report["gold_without_equivalent_left_out"]) == (8, 2)
    assert report["predictions_ignored"] == 1 and report["missing_predictions_counted_wrong"] == 0
    assert report["accuracy"] == 0.75
    assert report["macro_f1"] == round(float(Fraction(23, 30)), 4)
    assert report["confusion"]["matrix"] == [[4, 1, 0], [1, 1, 0], [0, 0, 1]]


def test_evidence_recall_at_k_by_hand_with_normalized_urls(tmp_path: Path) -> None:
    """Three claims, gold URLs {<n>/a, <n>/b} each.

    c001 ranks [<1>/a written differently, unrelated, <1>/b]: @1 = 1/2, @2 = 1/2, @3 = 2/2
    c002 ranks [<2>/b, <2>/b again (a duplicate, counted once), <2>/a]: @1 = 1/2, @2 = 2/2, @3 = 2/2
    c003 gives no URLs:                                          @1 = @2 = @3 = 0
    Mean: @1 = (1/2 + 1/2 + 0) / 3 = 1/3; @2 = (1/2 + 1 + 0) / 3 = 1/2; @3 = (1 + 1 + 0) / 3 = 2/3.
    """
    records = synthetic_records(tmp_path, ["supported"] * 3)
    rows = [
        {"id": "harbour-2020-c001", "verdict": "supported",
         "evidence_urls": ["HTTPS://Example.ORG:443/1/a/?utm_source=x#top", "https://example.org/other", "https://example.org/1/b"]},
        {"id": "harbour-2020-c002", "verdict": "supported",
         "evidence_urls": ["https://example.org/2/b", "https://example.org/2/b/", "https://example.org/2/a"]},
        {"id": "harbour-2020-c003", "verdict": "supported"},
    ]  # fmt: skip
    predictions = write_lines(tmp_path / "e.jsonl", rows)
    result = run("evaluate", str(predictions), "--records", str(records), "--k", "1,2,3", "--format", "json")
    assert result.exit_code == 0, result.output
    evidence = json.loads(result.stdout)["evidence"]
    assert evidence["claims"] == 3
    assert evidence["recall_at"] == {"1": round(1 / 3, 4), "2": 0.5, "3": round(2 / 3, 4)}


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("HTTPS://Example.COM/Path/", "https://example.com/Path"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&id=3&UTM_medium=y", "https://example.com/a?id=3"),
        ("https://example.com/", "https://example.com"),
        ("http://example.com/a", "http://example.com/a"),
    ],
)
def test_normalize_url(url: str, normal: str) -> None:
    assert normalize_url(url) == normal


# --- malformed prediction files ------------------------------------------------------------------


def test_every_problem_in_a_malformed_file_is_one_located_line(tmp_path: Path) -> None:
    records = synthetic_records(tmp_path, ["supported", "refuted"], split="test")
    lines: list[dict[str, Any] | str] = [
        {"id": "harbour-2020-c001", "verdict": "supported"},  # 1 fine
        "{not json",  # 2
        "[1, 2]",  # 3
        {"verdict": "supported"},  # 4
        {"id": "harbour-2020-c002"},  # 5
        {"id": "harbour-2020-c002", "verdict": "true"},  # 6
        {"id": "harbour-2020-c999", "verdict": "supported"},  # 7
        {"id": "harbour-2020-c001", "verdict": "refuted"},  # 8
        {"id": 7, "verdict": "supported"},  # 9
        {"id": "harbour-2020-c002", "verdict": "refuted", "evidence_url": ["https://example.org"]},  # 10
        {"id": "harbour-2020-c002", "verdict": "refuted", "evidence_urls": "https://example.org"},  # 11
        '{"id": "harbour-2020-c002", "id": "harbour-2020-c001", "verdict": "refuted"}',  # 12
        "",  # 13: blank lines are allowed
    ]
    predictions = write_lines(tmp_path / "bad.jsonl", lines)
    with predictions.open("ab") as handle:
        handle.write(b'{"id": "harbour-2020-c002", "verdict": "\xff"}\n')  # 14
    result = run("evaluate", str(predictions), "--records", str(records))
    assert result.exit_code == 1
    name = predictions.as_posix()
    expected = [
        f"{name}:2: invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        f"{name}:3: a prediction must be a JSON object with id and verdict",
        f"{name}:4: missing field id",
        f"{name}:5: missing field verdict",
        f'{name}:6: unknown label "true" for --labels native (expected one of {", ".join(VERDICTS)})',
        f"{name}:7: unknown id harbour-2020-c999: no such claim in the records",
        f"{name}:8: duplicate id harbour-2020-c001 (first on line 1)",
        f"{name}:9: id must be a string",
        f"{name}:10: unknown field evidence_url (expected id, verdict, evidence_urls)",
        f"{name}:11: evidence_urls must be a list of strings, best first",
        f"{name}:12: invalid JSON: duplicate key id",
        f"{name}:14: not UTF-8 (invalid start byte at byte 41)",
        f"12 problem(s) in {name}; nothing scored",
    ]
    assert result.stderr.splitlines() == expected
    assert result.stdout == "" and "Traceback" not in result.output


def test_an_id_of_another_split_is_an_error_that_names_the_split(tmp_path: Path) -> None:
    claims = real_claims()
    train_id = next(c.id for c in claims if c.split == "train")
    predictions = write_lines(tmp_path / "p.jsonl", [{"id": train_id, "verdict": "supported"}])
    result = run("evaluate", str(predictions), "--records", str(RECORDS))
    assert result.exit_code == 1
    assert f"{predictions.as_posix()}:1: id {train_id} belongs to the train split, not test" in result.stderr


def test_labels_of_another_space_are_one_line_naming_it(tmp_path: Path) -> None:
    records = synthetic_records(tmp_path, ["supported", "refuted", "supported"])
    rows = [
        {"id": f"harbour-2020-c00{n}", "verdict": v} for n, v in ((1, "supported"), (2, "refuted"), (3, "supported"))
    ]
    predictions = write_lines(tmp_path / "p.jsonl", rows)
    result = run("evaluate", str(predictions), "--records", str(records), "--labels", "fever")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{predictions.as_posix()}:1: 3 lines, from line 1, give native labels, but --labels fever expects "
        "SUPPORTS, REFUTES, NOT ENOUGH INFO; score them with --labels native",
        f"1 problem(s) in {predictions.as_posix()}; nothing scored",
    ]


def test_a_label_of_no_space_is_named_on_its_line(tmp_path: Path) -> None:
    records = synthetic_records(tmp_path, ["supported"])
    predictions = write_lines(tmp_path / "p.jsonl", [{"id": "harbour-2020-c001", "verdict": "true"}])
    result = run("evaluate", str(predictions), "--records", str(records), "--labels", "fever")
    assert result.exit_code == 1
    assert (
        'unknown label "true" for --labels fever (expected one of SUPPORTS, REFUTES, NOT ENOUGH INFO)' in result.stderr
    )


def test_predictions_from_standard_input(tmp_path: Path) -> None:
    records = synthetic_records(tmp_path, ["supported"])
    line = json.dumps({"id": "harbour-2020-c001", "verdict": "supported"}) + "\n"
    result = runner.invoke(
        cli_evaluate.app, ["evaluate", "-", "--records", str(records), "--format", "json"], input=line
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accuracy"] == 1.0


@pytest.mark.parametrize("kind", ["folder", "binary"])
def test_a_folder_or_a_binary_file_is_one_line(tmp_path: Path, kind: str) -> None:
    records = synthetic_records(tmp_path, ["supported"])
    target = tmp_path / "predictions"
    if kind == "folder":
        target.mkdir()
        expected = "is a folder"
    else:
        target.write_bytes(bytes(range(256)) * 200)
        expected = "not a text file"
    result = run("evaluate", str(target), "--records", str(records))
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1 and expected in result.stderr


def test_json_format_reports_problems_on_stdout(tmp_path: Path) -> None:
    records = synthetic_records(tmp_path, ["supported"])
    predictions = write_lines(tmp_path / "p.jsonl", [{"id": "harbour-2020-c001"}])
    result = run("evaluate", str(predictions), "--records", str(records), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["scored"] is False and report["problems"] == [f"{predictions.as_posix()}:1: missing field verdict"]


def test_drafts_are_not_gold_and_their_predictions_are_ignored(records: Path, tmp_path: Path) -> None:
    # The fixture tree: c001 supported and c002 refuted are reviewed; c003 is a draft.
    rows = [
        {"id": "harbour-2020-c001", "verdict": "supported"},
        {"id": "harbour-2020-c002", "verdict": "refuted"},
        {"id": "harbour-2020-c003", "verdict": "refuted"},
    ]
    result = run(
        "evaluate", str(write_lines(tmp_path / "p.jsonl", rows)), "--records", str(records), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["gold_claims"], report["predictions_ignored"], report["accuracy"]) == (2, 1, 1.0)


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = run("evaluate", str(tmp_path / "none.jsonl"), "--records", str(RECORDS))
    assert missing.exit_code == 2 and "none.jsonl: no such file" in missing.output
    predictions = write_lines(tmp_path / "p.jsonl", [])
    for bad in ("0", "a,b", ""):
        result = run("evaluate", str(predictions), "--records", str(RECORDS), "--k", bad)
        assert result.exit_code == 2 and "--k" in result.output and "Traceback" not in result.output
    assert run("evaluate", str(predictions), "--labels", "liar").exit_code == 2


def test_the_scorer_never_changes_its_inputs(tmp_path: Path) -> None:
    records = synthetic_records(tmp_path, HAND_GOLD)
    predictions = write_lines(tmp_path / "p.jsonl", [{"id": i, "verdict": v} for i, v in HAND_PREDICTIONS.items()])
    files = [predictions, *sorted(records.rglob("*.json"))]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    for output_format in ("text", "json"):
        result = run("evaluate", str(predictions), "--records", str(records), "--format", output_format)
        assert result.exit_code == 0, result.output
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.jsonl", "synthetic"]


def test_text_report_through_the_triaxis_command(tmp_path: Path) -> None:
    predictions = gold_file(tmp_path, "test", LabelSpace.averitec)
    result = runner.invoke(
        triaxis_app, ["evaluate", str(predictions), "--labels", "averitec", "--records", str(RECORDS)]
    )
    assert result.exit_code == 0, result.output
    assert "accuracy 1.0000   macro-F1 1.0000" in result.stdout
    assert "Conflicting Evidence/Cherrypicking" in result.stdout
    assert "recall@1" in result.stdout and "recall@5" in result.stdout
