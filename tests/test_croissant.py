"""croissant.json of a build: valid for mlcroissant, and describing exactly the files and columns written."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import triaxis
from conftest import REPO
from triaxis import baselines
from triaxis.build import write_dataset
from triaxis.croissant import CROISSANT, validate_croissant
from triaxis.dataset import CONFIGS, FEATURES
from triaxis.models import Article, Claim
from triaxis.project import citation

mlc = pytest.importorskip("mlcroissant")


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("croissant") / "dataset"
    records = REPO / "records"
    articles = [Article.model_validate_json(p.read_text()) for p in (records / "articles").glob("*.json")]
    claims = [Claim.model_validate_json(p.read_text()) for p in (records / "claims").rglob("*.json")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(baselines, "card_markdown", lambda claims: "")
        write_dataset(articles, claims, out, records=records)
    yield out


def _jsonld(build: Path) -> dict:
    return json.loads((build / CROISSANT).read_text())


def test_mlcroissant_finds_no_problem(build: Path) -> None:
    assert validate_croissant(build / CROISSANT) == []


def test_metadata_matches_the_project(build: Path) -> None:
    data = _jsonld(build)
    cff = citation(REPO / "records")
    assert data["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert data["version"] == triaxis.__version__ == cff.version
    assert data["datePublished"].startswith(cff.date_released)
    assert data["url"] == cff.repository and data["citeAs"] == cff.bibtex()
    assert data["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert not {"dateCreated", "dateModified"} & data.keys()


def test_every_parquet_file_is_described_with_its_sha256(build: Path) -> None:
    files = {d["contentUrl"]: d for d in _jsonld(build)["distribution"] if d["@type"] == "cr:FileObject"}
    on_disk = sorted(p.relative_to(build).as_posix() for p in build.rglob("*.parquet"))
    assert sorted(files) == on_disk
    for name, entry in files.items():
        assert entry["sha256"] == hashlib.sha256((build / name).read_bytes()).hexdigest()
        assert entry["encodingFormat"] == "application/x-parquet"
    file_sets = {d["@id"]: d["includes"] for d in _jsonld(build)["distribution"] if d["@type"] == "cr:FileSet"}
    assert file_sets == {f"{config}-parquet": f"{config}/*.parquet" for config in CONFIGS}


def test_one_record_set_per_config_with_a_field_per_column(build: Path) -> None:
    record_sets = {r["@id"]: r for r in _jsonld(build)["recordSet"]}
    assert list(record_sets) == list(CONFIGS)
    for config, record_set in record_sets.items():
        names = [f["name"] for f in record_set["field"]]
        assert names == [*FEATURES[config], "split"]
        types = {f["name"]: f.get("dataType") for f in record_set["field"]}
        assert types["split"] == "sc:Text"
    claims = {f["name"]: f for f in record_sets["claims"]["field"]}
    assert claims["claim_date"]["dataType"] == "sc:Date" and claims["span_start"]["dataType"] == "sc:Integer"
    assert claims["countries"]["cr:isArray"] is True
    assert [s["name"] for s in claims["evidence"]["subField"]] == list(FEATURES["claims"]["evidence"].feature)


@pytest.mark.filterwarnings("ignore:The inplace keyword", "ignore::DeprecationWarning")
def test_records_read_through_croissant_equal_the_parquet_rows(build: Path) -> None:
    dataset = mlc.Dataset(jsonld=build / CROISSANT)
    read = list(dataset.records("claims"))
    expected = {
        row["id"]: (split, row)
        for split_file in sorted((build / "claims").glob("*.parquet"))
        for split in [split_file.stem]
        for row in pq.read_table(split_file).to_pylist()
    }
    assert len(read) == len(expected)
    for record in read:
        split, row = expected[record["claims/id"].decode()]
        assert record["claims/split"].decode() == split
        assert record["claims/verdict"] == row["verdict"]
        assert [e["claims/evidence/url"].decode() for e in record["claims/evidence"]] == [
            e["url"] for e in row["evidence"]
        ]


def test_a_broken_description_is_reported(build: Path, tmp_path: Path) -> None:
    data = _jsonld(build)
    data["recordSet"][0]["field"][0]["source"]["fileSet"]["@id"] = "no-such-file-set"
    broken = tmp_path / CROISSANT
    broken.write_text(json.dumps(data))
    problems = validate_croissant(broken)
    assert len(problems) == 1 and "no-such-file-set" in problems[0]
