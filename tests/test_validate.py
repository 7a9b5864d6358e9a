"""Validation: the valid fixture passes, and every failing fixture is reported with its code at its place."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import tempfile
import threading
import weakref
from pathlib import Path

import pytest

from conftest import FAILING, REPO, SHARED_SOURCES, VALID, overlay
from triaxis.cli_common import loaded_tables
from triaxis.record_checks import string_values, text_clean
from triaxis.records import RecordFile, discover, prefetch
from triaxis.table import records_table
from triaxis.validate import validate

TODAY = dt.date(2026, 11, 23)
SOURCES = VALID / "sources"
C1 = "claims/harbour-2020/harbour-2020-c001.json"

# defect -> (expected code, file it must be reported in, line it must be reported at)
EXPECTED: dict[str, tuple[str, str, int]] = {
    "truncated-json": ("TX100", C1, 40),
    "trailing-comma": ("TX100", C1, 77),
    "invalid-utf8": ("TX101", C1, 10),
    "byte-order-mark": ("TX102", C1, 1),
    "duplicate-key": ("TX103", C1, 28),
    "nan-value": ("TX104", C1, 7),
    "empty-file": ("TX105", C1, 1),
    "merge-conflict-markers": ("TX106", C1, 1),
    "top-level-array": ("TX108", C1, 1),
    "unknown-field": ("TX200", C1, 78),
    "missing-field": ("TX200", C1, 1),
    "wrong-type": ("TX200", C1, 7),
    "unknown-verdict": ("TX200", C1, 27),
    "absurdly-long-string": ("TX200", C1, 10),
    "javascript-url": ("TX232", C1, 32),
    "id-differs-from-file-name": ("TX201", "claims/harbour-2020/harbour-2020-c009.json", 3),
    "file-name-with-spaces": ("TX112", "claims/harbour-2020/Harbour 2020 C004.json", 1),
    "claim-in-wrong-folder": ("TX203", C1, 4),
    "unknown-article": ("TX210", "claims/nowhere-2020/harbour-2020-c003.json", 4),
    "unknown-related-claim": ("TX211", C1, 45),
    "one-way-related-link": ("TX212", "claims/harbour-2020/harbour-2020-c003.json", 32),
    "article-text-not-found": ("TX220", "articles/harbour-2020.json", 20),
    "span-length-mismatch": ("TX221", C1, 6),
    "wrong-span-offsets": ("TX222", C1, 5),
    "quote-altered-by-one-character": ("TX222", C1, 5),
    "supported-without-supporting-evidence": ("TX230", C1, 27),
    "refuted-without-refuting-evidence": ("TX230", "claims/harbour-2020/harbour-2020-c002.json", 27),
    "misleading-without-evidence": ("TX230", "claims/harbour-2020/harbour-2020-c003.json", 27),
    "duplicate-evidence-url": ("TX231", C1, 43),
    "url-without-host": ("TX232", C1, 32),
    "impossible-date": ("TX240", C1, 36),
    "date-precision-mismatch": ("TX240", C1, 36),
    "future-date": ("TX241", C1, 75),
    "author-claim-after-article": ("TX242", C1, 18),
    "evidence-after-review": ("TX243", C1, 36),
    "related-claims-in-different-splits": ("TX250", "claims/harbour-2020/harbour-2020-c002.json", 77),
    "unknown-country-code": ("TX251", C1, 26),
    "text-not-nfc": ("TX252", C1, 28),
    "control-character": ("TX252", C1, 28),
    "final-verdict-changed-without-adjudication-note": ("TX233", C1, 73),
}


def test_every_failing_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in FAILING.iterdir()) == sorted(EXPECTED)


def test_valid_fixture_passes() -> None:
    outcome = validate([VALID / "records"], VALID / "records", SOURCES, TODAY)
    assert outcome.problems == []
    assert len(outcome.corpus.claims) == 3


@pytest.mark.parametrize("defect", sorted(EXPECTED))
def test_failing_fixture_is_reported_at_its_place(defect: str, records: Path) -> None:
    code, relative, line = EXPECTED[defect]
    overlay(records, defect)
    outcome = validate([records], records, SOURCES, TODAY)
    wanted = (records / relative).as_posix()
    located = [(p.code, p.line) for p in outcome.problems if p.path == wanted]
    assert (code, line) in located, outcome.problems
    assert all(p.line >= 1 and p.col >= 1 for p in outcome.problems)


def test_all_problems_are_reported_not_just_the_first(records: Path) -> None:
    overlay(records, "unknown-country-code")
    overlay(records, "misleading-without-evidence")
    outcome = validate([records], records, SOURCES, TODAY)
    assert {p.code for p in outcome.problems} == {"TX251", "TX230"}


def test_only_requested_paths_are_reported_but_references_resolve(records: Path) -> None:
    overlay(records, "misleading-without-evidence")
    one_file = records / C1
    outcome = validate([one_file], records, SOURCES, TODAY)
    assert outcome.problems == []
    assert [f.path for f in outcome.files] == [one_file]


def test_quote_checks_are_skipped_without_sources(records: Path) -> None:
    overlay(records, "quote-altered-by-one-character")
    assert validate([records], records, None, TODAY).problems == []


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="article texts not present beside the repository")
def test_repository_records_pass_with_article_texts() -> None:
    outcome = validate([REPO / "records"], REPO / "records", SHARED_SOURCES)
    assert outcome.problems == []
    assert len(outcome.corpus.articles) == 5
    assert len(outcome.corpus.claims) > 250


def test_repository_records_pass_without_article_texts() -> None:
    outcome = validate([REPO / "records"], REPO / "records")
    assert outcome.problems == []


# Texts whose escapes or composing characters the byte-level shortcut of TX252 must not misread:
# (text, whether it is clean). json.dumps writes \n, \t, \r, \b, \f, \" and \\ as short escapes.
ESCAPED_TEXTS = [
    ("line\nbreak and\ttab", True),
    ('a "quoted" word and a back\\slash', True),
    ("escaped newline before a tilde: \n\u0303", True),  # n + tilde would compose; newline + tilde does not
    ('quote before an acute: "\u0301', True),
    ("carriage\rreturn", False),
    ("back\bspace", False),
    ("form\ffeed", False),
    ("newline\nthen Cafe\u0301", False),
    ("caf\u00e9 with \\u in it", True),
]


@pytest.mark.parametrize(("text", "clean"), ESCAPED_TEXTS)
def test_text_check_reads_escapes_as_the_parsed_strings(text: str, clean: bool, records: Path) -> None:
    path = records / "claims/harbour-2020/harbour-2020-c001.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["doubts"] = text
    raw = json.dumps(data, ensure_ascii=False, indent=2).encode()
    found = list(text_clean(RecordFile(path, "c001.json", "claim", raw), json.loads(raw), None))  # type: ignore[arg-type]
    assert [p.code for p in found] == ([] if clean else ["TX252"])
    assert not found or found[0].line == raw[: raw.index(b'"doubts"')].count(b"\n") + 1
    assert any(value == text for _path, value in string_values(json.loads(raw)))


def test_bytes_are_kept_only_for_models_and_read_again_otherwise(records: Path) -> None:
    kept = validate([records], records, None, TODAY, models=True).corpus.claims
    lazy = validate([records], records, None, TODAY).corpus.claims
    assert kept and [c.file._raw for c in kept] == [Path(c.file.path).read_bytes() for c in kept]
    assert all(c.file._raw is None for c in lazy)
    assert [c.file.raw for c in lazy] == [c.file.raw for c in kept]
    assert [c.model for c in lazy] == [c.model for c in kept]


def test_nothing_keeps_a_validation_run_alive_once_its_caller_lets_go(records: Path) -> None:
    """A build lets go of the records' bytes and facts before it writes; no module may hold on to them."""
    outcome = validate([records], records, None, TODAY, claims_table=True)
    assert outcome.corpus.memo  # the restatement comparison was shared through the corpus
    corpus = weakref.ref(outcome.corpus)
    del outcome
    gc.collect()
    assert corpus() is None


@pytest.mark.parametrize("workers", [1, 2])
def test_the_claims_table_is_read_by_the_workers_in_the_order_of_the_claims(
    records: Path, workers: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker reads its chunk's claims into a table; joined, they equal one read of every claim's file."""
    scratch = tmp_path / "scratch"  # where the workers leave their tables for the main process
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    broken = records / "claims/harbour-2020/harbour-2020-c002.json"
    broken.write_text(broken.read_text(encoding="utf-8").replace('"verdict"', '"verdikt"', 1), encoding="utf-8")
    outcome = validate([records], records, None, TODAY, workers=workers, claims_table=True)
    claims = outcome.corpus.claims
    assert "harbour-2020-c002" not in {c.file.stem for c in claims}, "a claim that does not fit the schema is left out"
    expected = records_table(Path(c.file.path).read_bytes() for c in claims)
    assert outcome.claims_table is not None and outcome.claims_table.equals(expected)
    assert outcome.claims_table["id"].to_pylist() == [c.file.stem for c in claims]
    located = {p.path for p in outcome.problems}  # (bytes read again to place a problem)
    assert all(c.file._raw is None for c in claims if c.file.display not in located), "the bytes are not kept as well"
    assert loaded_tables(outcome)[1] is outcome.claims_table
    assert validate([records], records, None, TODAY, workers=workers).claims_table is None
    assert list(scratch.iterdir()) == [], "the tables' files are gone, their folder too"
    made: list[str] = []
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: made.append("folder") or str(scratch))
    validate([records], records, None, TODAY, workers=workers)
    assert made == [], "a validation that asks for no table makes no folder for one"


def test_a_run_without_the_claims_table_reads_it_from_the_files(records: Path) -> None:
    outcome = validate([records], records, None, TODAY)
    _articles, table = loaded_tables(outcome)
    assert table.equals(validate([records], records, None, TODAY, claims_table=True).claims_table)


def test_models_and_the_claims_table_are_not_asked_for_together(records: Path) -> None:
    with pytest.raises(ValueError, match="cannot be combined"):
        validate([records], records, None, TODAY, models=True, claims_table=True)


def test_prefetching_skips_what_it_cannot_open_and_never_waits_on_a_pipe(tmp_path: Path) -> None:
    regular, pipe, folder = tmp_path / "a.json", tmp_path / "pipe.json", tmp_path / "folder"
    regular.write_text("{}", encoding="utf-8")
    os.mkfifo(pipe)  # opened without O_NONBLOCK, a pipe with no writer would block here for ever
    folder.mkdir()
    done = threading.Event()
    thread = threading.Thread(
        target=lambda: (prefetch([str(tmp_path / "missing.json"), str(pipe), str(folder), str(regular)]), done.set()),
        daemon=True,
    )
    thread.start()
    thread.join(timeout=10)
    assert done.is_set()


def test_discover_finds_each_record_file_once_in_order(records: Path) -> None:
    claims = records / "claims" / "harbour-2020"
    (claims / "c009.JSON").write_text("{}")  # a mistyped name inside a record folder: kept, to be reported
    (claims / ".draft.json").write_text("{}")  # hidden: skipped
    (records / "notes.txt").write_text("")  # not .json outside a record folder: skipped
    (records / "extra.json").write_text("{}")  # .json anywhere: kept
    found = discover([records])
    assert found == sorted(found) and len(found) == len(set(found))
    names = {Path(p).name for p in found}
    assert {"c009.JSON", "extra.json", "harbour-2020-c003.json"} <= names
    assert not {".draft.json", "notes.txt"} & names
    one = str(claims / "harbour-2020-c003.json")
    assert discover([records, claims, Path(one)]) == found  # overlapping paths: still each file once
    assert discover([Path(one)]) == [os.path.realpath(one)]
