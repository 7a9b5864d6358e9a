"""The models are the source of truth: the schema files must match them, and they must reject bad records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from conftest import REPO, VALID
from triaxis.models import SCHEMA_VERSION, Article, Claim
from triaxis.schema import drifted_schemas, schema_for, write_schemas

CLAIM = VALID / "records/claims/harbour-2020/harbour-2020-c001.json"


def test_committed_schema_files_match_the_models() -> None:
    assert drifted_schemas(REPO / "schema") == []


def test_schema_drift_is_detected(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    assert drifted_schemas(tmp_path) == []
    path = tmp_path / "claim.schema.json"
    data = json.loads(path.read_text())
    data["properties"].pop("verdict")
    path.write_text(json.dumps(data))
    assert drifted_schemas(tmp_path) == [path]


def test_schema_is_2020_12_with_versioned_id() -> None:
    schema = schema_for("claim")
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(SCHEMA_VERSION)
    assert schema["additionalProperties"] is False


def test_valid_fixture_loads_into_the_models() -> None:
    claim = Claim.model_validate_json(CLAIM.read_text())
    assert claim.verdict == "supported"
    assert claim.span.end - claim.span.start == len(claim.quote)
    article = Article.model_validate_json((VALID / "records/articles/harbour-2020.json").read_text())
    assert article.source_file.length > 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("colour", "blue"), ("verdict", "true"), ("schema_version", "0.9.0"), ("countries", ["pk"])],
)
def test_models_reject_bad_values(field: str, value: object) -> None:
    data = json.loads(CLAIM.read_text())
    data[field] = value
    with pytest.raises(ValidationError):
        Claim.model_validate(data)


def test_schema_and_model_agree_on_the_fixture() -> None:
    data = json.loads(CLAIM.read_text())
    assert list(Draft202012Validator(schema_for("claim")).iter_errors(data)) == []
    data.pop("review")
    assert list(Draft202012Validator(schema_for("claim")).iter_errors(data))
