"""The claims table: every record's values, nested as in its file, read by Arrow's JSON reader."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from conftest import REPO
from triaxis.models import RECORD_MODELS, Claim
from triaxis.table import RECORD_SCHEMAS, TableError, arrow_type, claims_table, records_table

REAL_CLAIMS = sorted((REPO / "records" / "claims").rglob("*.json"))


def test_every_real_record_reads_back_value_for_value() -> None:
    raws = [p.read_bytes() for p in REAL_CLAIMS]
    table = records_table(raws)
    assert table.num_rows == len(raws) > 300
    assert table.to_pylist() == [json.loads(raw) for raw in raws]


def test_articles_read_back_too() -> None:
    raws = [p.read_bytes() for p in sorted((REPO / "records" / "articles").glob("*.json"))]
    assert records_table(raws, "article").to_pylist() == [json.loads(raw) for raw in raws]


def test_the_schema_has_every_model_field_in_order() -> None:
    for kind, model in RECORD_MODELS.items():
        assert RECORD_SCHEMAS[kind].names == list(model.model_fields)
    review = RECORD_SCHEMAS["claim"].field("review").type
    assert [f.name for f in review] == list(Claim.model_fields["review"].annotation.model_fields)  # type: ignore[union-attr]


def test_crlf_files_and_models_give_the_same_table() -> None:
    raws = [p.read_bytes() for p in REAL_CLAIMS[:20]]
    crlf = records_table(raw.replace(b"\n", b"\r\n") for raw in raws)
    models = claims_table([Claim.model_validate_json(raw) for raw in raws])
    no_final_newline = records_table(raw.rstrip(b"\n") for raw in raws)
    assert crlf.equals(records_table(raws)) and models.equals(crlf) and no_final_newline.equals(crlf)


def test_a_field_the_models_do_not_know_is_an_error() -> None:
    data = json.loads(REAL_CLAIMS[0].read_bytes())
    data["rating"] = "true"
    with pytest.raises(pa.ArrowInvalid):
        records_table([json.dumps(data).encode()])


def test_no_records_give_an_empty_table_with_the_schema() -> None:
    assert records_table([]).schema == RECORD_SCHEMAS["claim"]
    assert records_table([]).num_rows == 0


def test_a_type_without_an_arrow_counterpart_is_named() -> None:
    with pytest.raises(TableError, match="float"):
        arrow_type(float)
    with pytest.raises(TableError, match="union"):
        arrow_type(int | str)
