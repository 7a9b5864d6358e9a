"""records/CHANGELOG.md cannot drift: its newest version is the package version and its totals are the records'."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

import triaxis
from conftest import REPO
from triaxis.totals import parse_totals_line, record_totals, released_figures, totals_line

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CHANGELOG = REPO / "records" / "CHANGELOG.md"
HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\S+))?$", re.MULTILINE)
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def entries(text: str) -> list[tuple[str, str | None, str]]:
    """(name, date, body) of each entry, newest first."""
    found = list(HEADING.finditer(text))
    ends = [m.start() for m in found[1:]] + [len(text)]
    return [(m["name"], m["date"], text[m.end() : end]) for m, end in zip(found, ends, strict=True)]


def stated_totals(text: str) -> dict[str, object]:
    """The totals line of the newest entry that has one (the Unreleased entry, if present, else the newest release)."""
    for _name, _date, body in entries(text):
        if (figures := parse_totals_line(body)) is not None:
            return figures
    raise AssertionError("no entry has a totals line")


def released(text: str) -> list[tuple[str, str | None, str]]:
    return [e for e in entries(text) if e[0] != "Unreleased"]


def test_newest_version_is_the_package_version() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    newest = released(text)[0][0]
    assert newest == pyproject["project"]["version"] == triaxis.__version__


def test_totals_are_the_records_totals() -> None:
    stated = stated_totals(CHANGELOG.read_text(encoding="utf-8"))
    released = released_figures(record_totals(REPO / "records"))
    assert stated == released, (
        "the newest totals in records/CHANGELOG.md are not what a release of the records would hold; "
        f"maintainers: update the Unreleased entry (`triaxis diff <last release> --changelog` drafts it): {totals_line(released)}"
    )


def test_a_contributed_draft_leaves_the_totals_alone(real_records: Path) -> None:
    # CONTRIBUTING's path: a new claim enters as a draft and is not released until reviewed.
    before = record_totals(real_records)
    draft = json.loads(next((real_records / "claims").glob("*/*.json")).read_text(encoding="utf-8"))
    draft["review"]["status"] = "draft"
    folder = real_records / "claims" / draft["article_id"]
    (folder / f"{draft['article_id']}-c999.json").write_text(json.dumps(draft), encoding="utf-8")
    after = record_totals(real_records)
    assert after == {**before, "drafts": before["drafts"] + 1}
    assert released_figures(after) == released_figures(before)


def test_drift_is_detected(records: Path) -> None:
    # The fixture records (3 claims) against the real changelog's totals: the comparison must notice.
    assert stated_totals(CHANGELOG.read_text(encoding="utf-8")) != released_figures(record_totals(records))
    text = CHANGELOG.read_text(encoding="utf-8")
    for before, after in (
        (" 33 refuted,", " 34 refuted,"),
        (" not_enough_evidence.\n", " not_enough_evidence; 1 withdrawn.\n"),
    ):
        totals = next(line for line in text.splitlines() if line.startswith("Totals: "))
        tampered = text.replace(totals, totals.replace(before.strip("\n"), after.strip("\n")))
        assert tampered != text
        assert stated_totals(tampered) != released_figures(record_totals(REPO / "records"))


def test_first_release_counts() -> None:
    first = released(CHANGELOG.read_text(encoding="utf-8"))[-1]
    assert first[0] == "1.0.0"
    assert stated_totals(f"## [{first[0]}]{first[2]}") == {
        "claims": 318,
        "articles": 5,
        "verdicts": {"supported": 234, "refuted": 33, "misleading": 26, "not_enough_evidence": 25},
        "withdrawn": 0,
    }


def test_entries_are_well_formed() -> None:
    text = CHANGELOG.read_text(encoding="utf-8")
    names = [name for name, _, _ in entries(text)]
    assert "Unreleased" not in names[1:], "only the top entry may be Unreleased"
    versions, dates = [], []
    for name, day, body in released(text):
        assert SEMVER.match(name), f"{name}: not a semantic version"
        assert day is not None, f"{name}: no release date"
        dates.append(date.fromisoformat(day))
        versions.append(tuple(int(part) for part in name.split(".")))
        for section in ("### Added", "### Changed", "### Withdrawn"):
            assert section in body, f"{name}: no {section} section"
        assert f"[{name}]: https://huggingface.co/datasets/" in text, f"{name}: no link to the release"
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert dates == sorted(dates, reverse=True)


def test_release_date_is_the_citation_date() -> None:
    citation = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    match = re.search(r'^date-released: "?(\d{4}-\d{2}-\d{2})"?$', citation, re.MULTILINE)
    if match is None:
        pytest.skip("CITATION.cff has no release date")
    assert released(CHANGELOG.read_text(encoding="utf-8"))[0][1] == match[1]
