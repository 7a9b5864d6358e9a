"""Duplicate restatements are errors (TX270), very close ones warnings (TX271) naming the other claim."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import REPO
from triaxis import similarity
from triaxis import validate as validation
from triaxis.cli import app
from triaxis.problems import Problem, errors, render
from triaxis.similarity import NEAR_THRESHOLD, close_pairs, words
from triaxis.validate import Outcome, check_across, check_files, validate
from triaxis.wording import word_hashes

TODAY = dt.date(2026, 11, 23)
FOLDER = "claims/harbour-2020"


def add_claim(
    records: Path, claim_id: str, restatement: str, base: str = "harbour-2020-c003", **changes: object
) -> Path:
    """A copy of a fixture claim under a new id, with a new restatement (and any other field changed)."""
    data = json.loads((records / FOLDER / f"{base}.json").read_text(encoding="utf-8"))
    data.update(id=claim_id, claim=restatement, **changes)
    folder = records / "claims" / str(data["article_id"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{claim_id}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def found(records: Path, code: str) -> list[Problem]:
    return [p for p in validate([records], records, None, TODAY).problems if p.code == code]


def link(records: Path, path: str, other: str) -> None:
    file = records / path
    data = json.loads(file.read_text())
    data["related"] = [{"id": other, "relation": "same_fact"}]
    file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def second_article(records: Path) -> None:
    article = json.loads((records / "articles/harbour-2020.json").read_text())
    article["id"] = "harbour-2021"
    (records / "articles/harbour-2021.json").write_text(json.dumps(article, indent=2) + "\n")


def test_words_ignore_case_spacing_and_punctuation() -> None:
    assert words("Eastmere's  new PIER, opened (2020).") == words("eastmere s new pier opened 2020")


def test_the_facts_of_a_claim_carry_the_hashes_of_its_words() -> None:
    records = REPO / "records"
    for workers in (1, 2):
        claims = validate([records], records, workers=workers).corpus.claims
        assert len(claims) > 300
        assert all(unpacked(c.facts.words) == [hash(w) for w in words(c.facts.claim)] for c in claims)
    expected = ["eastmere", "s", "first", "pier", "3", "march"]
    assert unpacked(word_hashes("Eastmere's ﬁrst PIER, 3 March!")) == list(map(hash, expected))
    assert word_hashes("…") == b""


def unpacked(packed: bytes) -> list[int]:
    return np.frombuffer(packed, dtype=np.int64).tolist()


def brute_force(documents: list[list[str]], threshold: float) -> list[tuple[int, int]]:
    sets = [set(d) for d in documents]
    return [
        (i, j)
        for i, j in itertools.combinations(range(len(sets)), 2)
        if sets[i] and sets[j] and len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= threshold
    ]


@pytest.mark.parametrize("threshold", [0.3, 0.45, 0.5, NEAR_THRESHOLD, 0.9])
def test_close_pairs_finds_exactly_what_comparing_all_pairs_finds(threshold: float) -> None:
    documents = [words(json.loads(p.read_text())["claim"]) for p in sorted((REPO / "records/claims").rglob("*.json"))]
    fast = [(i, j) for i, j, _ in close_pairs(documents, threshold)]
    assert fast == brute_force(documents, threshold)
    assert threshold > 0.5 or len(fast) > 5  # the low thresholds really exercise the candidate search


@pytest.mark.parametrize("threshold", [0.3, 0.5, NEAR_THRESHOLD, 0.9, 1.0])
def test_close_pairs_is_exact_for_short_documents_across_blocks(
    threshold: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One- and two-word documents need fewer shared prefix words than the rest; blocks must not lose pairs."""
    monkeypatch.setattr(similarity, "_BLOCK", 7)
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(12)]
    documents = [rng.sample(vocabulary, rng.randint(1, 6)) for _ in range(150)]
    fast = [(i, j) for i, j, _ in close_pairs(documents, threshold)]
    assert fast == brute_force(documents, threshold)
    assert len(fast) > 20


@pytest.mark.parametrize("hashed", [False, True], ids=["sorted", "hashed"])
def test_words_are_numbered_in_order_of_first_appearance(hashed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(similarity, "HASHED_FROM", 0 if hashed else 10**9)
    rng = np.random.default_rng(3)
    hashes = rng.integers(-(2**63), 2**63 - 1, size=50, dtype=np.int64)[rng.integers(0, 50, size=2000)]
    first_seen: dict[int, int] = {}
    expected = [first_seen.setdefault(int(h), len(first_seen)) for h in hashes]
    numbers, count = similarity._numbered(hashes)
    assert numbers.dtype == np.int64 and numbers.tolist() == expected and count == len(first_seen)
    empty, size = similarity._numbered(np.zeros(0, dtype=np.int64))
    assert len(empty) == 0 and size == 1  # (a vocabulary of one keeps the sparse matrices' shapes valid)


def test_close_pairs_handles_empty_and_single_documents() -> None:
    assert close_pairs([]) == [] and close_pairs([["a"]]) == [] and close_pairs([[], []]) == []
    assert close_pairs([["a", "b"], [], ["b", "a"]]) == [(0, 2, 1.0)]


def test_exact_duplicate_is_an_error_in_both_files(records: Path) -> None:
    add_claim(
        records,
        "harbour-2020-c004",
        "EASTMERE'S mayor Ana Lind said the new ferry pier would carry 500,000 passengers a year",
    )
    problems = found(records, "TX270")
    assert {(Path(p.path).name, p.severity) for p in problems} == {
        ("harbour-2020-c003.json", "error"),
        ("harbour-2020-c004.json", "error"),
    }
    new = next(p for p in problems if p.path.endswith("c004.json"))
    assert "harbour-2020-c003" in new.message and new.line == 10  # the line of "claim"


def test_near_duplicate_is_a_warning_naming_the_other_claim(records: Path) -> None:
    add_claim(
        records,
        "harbour-2020-c004",
        "Mayor Ana Lind of Eastmere said the new ferry pier would carry 500,000 passengers each year.",
    )
    problems = validate([records], records, None, TODAY).problems
    assert errors(problems) == []
    warnings = [p for p in problems if p.code == "TX271"]
    assert {Path(p.path).name for p in warnings} == {"harbour-2020-c003.json", "harbour-2020-c004.json"}
    assert all(p.severity == "warning" for p in warnings)
    assert "harbour-2020-c003 (" in next(p.message for p in warnings if p.path.endswith("c004.json"))
    text = render(warnings, "text", 4)
    assert "TX271 warning: restatement very close to" in text
    assert "2 problem(s) (0 error(s), 2 warning(s))" in text
    assert render(warnings, "github", 4).startswith("::warning file=")
    assert {p["severity"] for p in json.loads(render(warnings, "json", 4))["problems"]} == {"warning"}


def test_a_different_claim_about_the_same_pier_is_not_flagged(records: Path) -> None:
    add_claim(records, "harbour-2020-c004", "Eastmere plans to build a second ferry pier in 2023.")
    assert found(records, "TX271") == [] and found(records, "TX270") == []


def test_claims_linked_through_related_are_not_warned(records: Path) -> None:
    add_claim(
        records,
        "harbour-2020-c004",
        "Mayor Ana Lind of Eastmere said the new ferry pier would carry 500,000 passengers each year.",
    )
    link(records, f"{FOLDER}/harbour-2020-c004.json", "harbour-2020-c003")
    link(records, f"{FOLDER}/harbour-2020-c003.json", "harbour-2020-c004")
    assert found(records, "TX271") == [] and found(records, "TX212") == []


def test_identical_restatements_of_one_fact_in_two_linked_articles_are_allowed(records: Path) -> None:
    second_article(records)
    restatement = "Eastmere's mayor Ana Lind said the new ferry pier would carry 500,000 passengers a year."
    add_claim(records, "harbour-2021-c001", restatement, article_id="harbour-2021")
    assert found(records, "TX270") != []  # not linked: a duplicate
    link(records, "claims/harbour-2021/harbour-2021-c001.json", "harbour-2020-c003")
    link(records, f"{FOLDER}/harbour-2020-c003.json", "harbour-2021-c001")
    assert found(records, "TX270") == [] and found(records, "TX271") == []


def test_identical_restatements_in_one_article_are_an_error_even_when_linked(records: Path) -> None:
    restatement = "Eastmere's mayor Ana Lind said the new ferry pier would carry 500,000 passengers a year."
    add_claim(records, "harbour-2020-c004", restatement)
    link(records, f"{FOLDER}/harbour-2020-c004.json", "harbour-2020-c003")
    link(records, f"{FOLDER}/harbour-2020-c003.json", "harbour-2020-c004")
    assert len(found(records, "TX270")) == 2


def test_withdrawn_claims_are_not_compared(records: Path) -> None:
    withdrawn = {"on": "2026-11-20", "reason": "Recorded twice.", "replaced_by": "harbour-2020-c003"}
    add_claim(
        records,
        "harbour-2020-c004",
        "Eastmere's mayor Ana Lind said the new ferry pier would carry 500,000 passengers a year.",
        withdrawn=withdrawn,
    )
    assert found(records, "TX270") == []


def test_repository_records_have_no_duplicate_or_unlinked_close_restatements() -> None:
    outcome = validate([REPO / "records"], REPO / "records")
    assert [p for p in outcome.problems if p.code in {"TX270", "TX271"}] == []
    ids = [c.model.id for c in outcome.corpus.claims]
    documents = [words(c.model.claim) for c in outcome.corpus.claims]
    above = {(ids[i], ids[j]) for i, j, _ in close_pairs(documents)}
    assert ("indianexpress-2022-c026", "malik-2017-c006") in above  # close, but linked as conflicting versions


def test_validate_passes_with_warnings_and_fails_with_the_duplicate(records: Path) -> None:
    runner = CliRunner()
    path = add_claim(
        records,
        "harbour-2020-c004",
        "Mayor Ana Lind of Eastmere said the new ferry pier would carry 500,000 passengers each year.",
    )
    result = runner.invoke(app, ["validate", "--records", str(records), "--format", "github"])
    assert result.exit_code == 0 and result.output.count("::warning file=") == 2 and "::error" not in result.output
    add_claim(
        records,
        "harbour-2020-c004",
        "Eastmere's mayor Ana Lind said the new ferry pier would carry 500,000 passengers a year.",
    )
    result = runner.invoke(app, ["validate", str(path), "--records", str(records)])
    assert result.exit_code == 1 and "TX270 same restatement as harbour-2020-c003" in result.output


def near_and_exact_duplicates(records: Path) -> None:
    add_claim(
        records,
        "harbour-2020-c004",
        "Mayor Ana Lind of Eastmere said the new ferry pier would carry 500,000 passengers each year.",
    )
    add_claim(
        records,
        "harbour-2020-c005",
        "EASTMERE'S mayor Ana Lind said the new ferry pier would carry 500,000 passengers a year",
    )


def restatement_problems(outcome: Outcome) -> list[Problem]:
    return [p for p in outcome.problems if p.code in {"TX270", "TX271"}]


def test_the_helper_process_finds_the_close_pairs_and_the_same_problems(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    near_and_exact_duplicates(records)
    alone = restatement_problems(validate([records], records, None, TODAY, workers=1))
    assert {p.code for p in alone} == {"TX270", "TX271"}
    monkeypatch.setattr(validation, "HELPER_FROM", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    checked = check_files([records], records, None, TODAY, workers=2)
    assert checked.corpus.helper is not None  # forked already, with the comparison as it is here

    def not_here(*_args: object) -> None:
        raise AssertionError("the close pairs were sought in this process, not in the helper")

    monkeypatch.setattr(similarity, "_counted_close_pairs", not_here)
    outcome = check_across(checked)
    assert restatement_problems(outcome) == alone
    assert outcome.corpus.helper is None  # shut down after the checks
    assert list(tmp_path.glob("triaxis-words-*")) == []  # the file that carried the hashes is gone


class BrokenHelper(Executor):
    """A helper process that died: what it was handed fails with BrokenProcessPool."""

    def submit(self, fn: Callable[..., object], /, *args: object, **kwargs: object) -> Future:
        future: Future = Future()
        future.set_exception(BrokenProcessPool("the helper died"))
        return future


class StoppedHelper(Executor):
    def submit(self, fn: Callable[..., object], /, *args: object, **kwargs: object) -> Future:
        raise RuntimeError("cannot schedule new futures after shutdown")


@pytest.mark.parametrize("helper", [BrokenHelper, StoppedHelper])
def test_a_helper_that_fails_leaves_the_comparison_to_this_process(
    helper: type[Executor], records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    near_and_exact_duplicates(records)
    alone = restatement_problems(validate([records], records, None, TODAY, workers=1))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    checked = check_files([records], records, None, TODAY, workers=1)
    checked.corpus.helper = helper()
    assert restatement_problems(check_across(checked)) == alone
    assert list(tmp_path.glob("triaxis-words-*")) == []


def test_only_large_parallel_runs_get_a_helper_process() -> None:
    assert validation._helper_started(validation.HELPER_FROM - 1, 2) is None
    assert validation._helper_started(validation.HELPER_FROM, 1) is None
    helper = validation._helper_started(validation.HELPER_FROM, 2)
    assert helper is not None
    helper.shutdown()
