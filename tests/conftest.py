"""Shared paths and helpers for the tests: a small valid record tree and its defective variants."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
VALID = FIXTURES / "valid"
FAILING = FIXTURES / "failing"
REPO = TESTS.parent
SHARED_SOURCES = REPO.parent / "shared" / "sources"
# The day every test takes as today, unless it sets its own: far enough ahead that no record added
# later is "in the future", and fixed, so that no test depends on the day it runs.
TEST_TODAY = "2099-12-31"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test (and every ``triaxis`` it starts) runs on ``TEST_TODAY``; ``monkeypatch.setenv`` changes it."""
    monkeypatch.setenv("TRIAXIS_TODAY", TEST_TODAY)
    return TEST_TODAY


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """A writable copy of the valid fixture records."""
    target = tmp_path / "records"
    shutil.copytree(VALID / "records", target)
    return target


def overlay(records: Path, defect: str) -> Path:
    """Apply one failing fixture (files replacing or joining the valid ones) to a records copy."""
    shutil.copytree(FAILING / defect, records, dirs_exist_ok=True)
    return records


@pytest.fixture
def real_records(tmp_path: Path) -> Path:
    """A writable copy of the repository's own records, for defects made from real claims."""
    target = tmp_path / "records"
    shutil.copytree(REPO / "records", target)
    return target
