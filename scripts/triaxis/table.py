"""Validated records as one Arrow table per kind, nested as in the JSON.

The build, the statistics, the baselines and the agreement figures read claims from this table
rather than from pydantic models: turning 200,000 record files into models takes longer than
everything else a build does, while Arrow's JSON reader turns their bytes into columns in C++, on
every core. The Arrow schema is derived from the models, so it cannot drift from them; the reader
is given it explicitly and told to reject any field it does not know.
"""

from __future__ import annotations

import os
import types
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pyarrow as pa
import pyarrow.json as pj
from pydantic import BaseModel

from triaxis.models import RECORD_MODELS, Claim

# Arrow's JSON reader parses blocks of this many bytes, one per thread.
BLOCK_BYTES = 1 << 22


class TableError(Exception):
    """A type in the models that has no Arrow counterpart here (a defect, caught by the tests)."""


def arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type that holds a model field's JSON values."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return arrow_type(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        if len(options) != 1:
            raise TableError(f"no Arrow type for the union {annotation!r}")
        return arrow_type(options[0])
    if origin is Literal:
        if not all(isinstance(v, str) for v in get_args(annotation)):
            raise TableError(f"no Arrow type for {annotation!r}")
        return pa.string()
    if origin is list:
        return pa.list_(arrow_type(get_args(annotation)[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(model_fields(annotation))
    if annotation is str:
        return pa.string()
    if annotation is int:
        return pa.int64()
    raise TableError(f"no Arrow type for {annotation!r}")


def model_fields(model: type[BaseModel]) -> list[pa.Field]:
    return [pa.field(name, arrow_type(info.annotation)) for name, info in model.model_fields.items()]


RECORD_SCHEMAS: dict[str, pa.Schema] = {kind: pa.schema(model_fields(m)) for kind, m in RECORD_MODELS.items()}


def records_table(raws: Iterable[bytes], kind: str = "claim") -> pa.Table:
    """One row per record file's bytes (records that passed validation), columns as in the records.

    The pretty-printed files are read as they are, one after another: the reader is told that an
    object may span lines. Turning each file into one line first copied every byte twice more,
    which at 200,000 claims took longer than the reading itself.
    """
    data = b"\n".join(raws)
    schema = RECORD_SCHEMAS[kind]
    if not data or data.isspace():  # (not strip(): that would copy hundreds of megabytes to ask)
        return schema.empty_table()
    return pj.read_json(
        pa.BufferReader(data),
        read_options=pj.ReadOptions(block_size=BLOCK_BYTES),
        parse_options=pj.ParseOptions(
            explicit_schema=schema, unexpected_field_behavior="error", newlines_in_values=True
        ),
    )


def joined_tables(tables: Sequence[pa.Table], kind: str = "claim") -> pa.Table:
    """Tables of one kind's records, one after another, without copying them (an empty table if none)."""
    return pa.concat_tables(tables) if tables else RECORD_SCHEMAS[kind].empty_table()


def write_table_file(table: pa.Table, path: str) -> None:
    """``table`` in Arrow's IPC file format, which ``mapped_table`` maps into memory without reading it."""
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def mapped_table(path: str) -> pa.Table:
    """The table in an IPC file, its columns backed by the mapped file; the file's name is removed at once.

    The columns stay readable until the table is freed, with nothing copied: the pages are those
    the writer left in the page cache.
    """
    table = pa.ipc.open_file(pa.memory_map(path)).read_all()
    os.unlink(path)
    return table


def claims_table(claims: Sequence[Claim] | pa.Table) -> pa.Table:
    """The claims as a table; models (as tests and small tools hold them) are converted through their JSON."""
    if isinstance(claims, pa.Table):
        return claims
    return records_table((c.model_dump_json().encode("utf-8") for c in claims), "claim")
