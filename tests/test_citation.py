"""CITATION.cff: valid against the CFF schema, and in step with pyproject.toml and the package."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

import triaxis
from conftest import REPO
from triaxis.project import ProjectFileError, citation, hub_repo_id, hub_url, pyproject, read_citation

CFF = REPO / "CITATION.cff"
RECORDS = REPO / "records"


def _check_cff(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with the CFF schema it vendors, so no network is needed."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.citation-file-format", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_citation_file_fits_the_cff_schema() -> None:
    result = _check_cff(CFF)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cff_schema_check_rejects_a_broken_file(tmp_path: Path) -> None:
    data = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    del data["authors"]
    data["type"] = "database"
    broken = tmp_path / "CITATION.cff"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = _check_cff(broken)
    assert result.returncode == 1
    assert "authors" in result.stdout + result.stderr


def test_citation_describes_the_dataset() -> None:
    data = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    assert data["type"] == "dataset"
    assert data["license"] == "CC-BY-4.0"
    assert date.fromisoformat(str(data["date-released"])).isoformat() == str(data["date-released"])


def test_one_version_everywhere() -> None:
    declared = pyproject(RECORDS)["project"]["version"]
    assert citation(RECORDS).version == declared
    assert triaxis.__version__ == declared, "the installed metadata is stale: reinstall with pip install -e ."


def test_repository_is_the_hub_repo_of_pyproject() -> None:
    assert citation(RECORDS).repository == hub_url(hub_repo_id(RECORDS))


def test_bibtex_is_derived_from_the_cff(tmp_path: Path) -> None:
    data = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    data["title"] = "R&D: 100% of {claims} #1"
    data["authors"] = [{"given-names": "Ada", "family-names": "Lovelace"}, {"name": "Lab_X"}]
    data["version"] = "2.3.4"
    changed = tmp_path / "CITATION.cff"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    entry = read_citation(changed).bibtex()
    assert entry.startswith("@misc{rd") and entry.rstrip().endswith("}")
    assert r"title = {{R\&D: 100\% of \{claims\} \#1}}" in entry
    assert r"author = {{Ada Lovelace} and {Lab\_X}}" in entry
    assert "version = {2.3.4}" in entry and f"url = {{{data['repository']}}}" in entry


def test_missing_citation_fields_are_named(tmp_path: Path) -> None:
    partial = tmp_path / "CITATION.cff"
    partial.write_text("cff-version: 1.2.0\ntitle: T\nauthors:\n  - name: A\n", encoding="utf-8")
    with pytest.raises(ProjectFileError, match=r"CITATION.cff: missing version, date-released, license"):
        read_citation(partial)
