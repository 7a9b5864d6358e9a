"""Today is an input: every date-sensitive path gives the same answer on any day the clock is set to."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, VALID
from test_contribute import claim_file, edit, second_pass
from test_new import QUOTE, fill_in
from triaxis import clock
from triaxis.cli import app
from triaxis.validate import validate

runner = CliRunner()
SOURCES = VALID / "sources"
# The day the first release was cut, and a day years ahead of any day this suite was written on.
CLOCKS = ["2026-11-23", "2031-07-01"]
NEW_CLAIM = ("--quote", QUOTE, "--sources", str(SOURCES), "--annotator", "ana")


def invoke(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, list(arguments))
    return result.exit_code, result.output


@pytest.mark.parametrize("day", CLOCKS)
def test_contribution_paths_stamp_and_accept_the_set_day(
    records: Path, monkeypatch: pytest.MonkeyPatch, day: str
) -> None:
    monkeypatch.setenv(clock.TODAY_VARIABLE, day)
    text = str(SOURCES / "harbour-2020.txt")
    code, output = invoke(
        "new", "article", "harbour-2021", "--text", text, "--published", "2021-05-02", "--records", str(records)
    )
    assert code == 0, output
    article = json.loads((records / "articles/harbour-2021.json").read_text(encoding="utf-8"))
    assert article["modified"] == day
    assert {p.code for p in validate([records / "articles/harbour-2021.json"], records, SOURCES).problems} == {"TX272"}

    code, output = invoke("new", "claim", "--article", "harbour-2020", *NEW_CLAIM, "--records", str(records))
    assert code == 0, output
    new = claim_file(records, 4)
    fill_in(new)
    assert validate([new], records, SOURCES).problems == []
    assert json.loads(new.read_text(encoding="utf-8"))["modified"] == day

    edit(claim_file(records, 3), {"review.second_pass": second_pass()})
    code, output = invoke("review", "harbour-2020-c003", "--by", "maintainer-m", "--records", str(records))
    assert code == 0 and f"reviewed on {day}" in output, output
    code, output = invoke("withdraw", "harbour-2020-c004", "--reason", "Recorded twice.", "--records", str(records))
    assert code == 0 and f"withdrawn on {day}" in output, output
    assert {p.code for p in validate([records], records, SOURCES).problems} == {"TX272"}  # the new article's blanks


@pytest.mark.parametrize("day", CLOCKS)
def test_the_future_starts_the_day_after_the_set_day(records: Path, monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    monkeypatch.setenv(clock.TODAY_VARIABLE, day)
    path = claim_file(records, 1)
    tomorrow = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    edit(path, {"modified": day})
    assert [p.code for p in validate([path], records).problems] == []
    edit(path, {"modified": tomorrow})
    assert [p.code for p in validate([path], records).problems] == ["TX241"]
    # the option says the same as the variable, and wins over it
    monkeypatch.setenv(clock.TODAY_VARIABLE, tomorrow)
    assert invoke("--today", day, "validate", str(path), "--records", str(records))[0] == 1
    assert invoke("validate", str(path), "--records", str(records))[0] == 0


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", "2026-1-5", "2026-11"])
def test_a_day_that_is_not_real_is_one_line(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    code, output = invoke("--today", value, "validate", "--records", str(VALID / "records"))
    assert code == 2 and output.strip() == f"--today {value!r}: expected a real day as YYYY-MM-DD, e.g. 2026-03-01"
    monkeypatch.setenv(clock.TODAY_VARIABLE, value)
    code, output = invoke("validate", "--records", str(VALID / "records"))
    assert code == 2 and output.strip().startswith(f"TRIAXIS_TODAY {value!r}: expected a real day")


def test_without_a_set_day_the_system_date_is_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.TODAY_VARIABLE)
    assert clock.today() == dt.date.today()
    environment = {k: v for k, v in os.environ.items() if k != clock.TODAY_VARIABLE}
    result = subprocess.run(
        [sys.executable, "-m", "triaxis", "validate", "--records", str(REPO / "records")],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
