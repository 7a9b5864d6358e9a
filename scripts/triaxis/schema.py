"""JSON Schema files generated from the pydantic models.

The files in ``schema/`` are what contributors' editors and other languages use; they
are never edited by hand, and ``triaxis schema --check`` fails when they drift.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from triaxis.models import RECORD_MODELS, SCHEMA_VERSION

DRAFT = "https://json-schema.org/draft/2020-12/schema"


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, with the dialect stated so validators need not guess."""

    def generate(self, schema: Any, mode: Any = "validation") -> dict[str, Any]:
        result = super().generate(schema, mode=mode)
        return {"$schema": DRAFT, **result}


@cache
def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one record kind, with a versioned ``$id``."""
    model = RECORD_MODELS[kind]
    body = model.model_json_schema(schema_generator=_Generator)
    return {
        "$schema": body.pop("$schema"),
        "$id": f"urn:triaxis:schema:{kind}:{SCHEMA_VERSION}",
        "version": SCHEMA_VERSION,
        **body,
    }


def schema_text(kind: str) -> str:
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"


def schema_path(directory: Path, kind: str) -> Path:
    return directory / f"{kind}.schema.json"


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema file; return those whose content changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    for kind in RECORD_MODELS:
        path = schema_path(directory, kind)
        text = schema_text(kind)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def drifted_schemas(directory: Path) -> list[Path]:
    """Schema files that are missing or differ from what the models generate."""
    return [
        schema_path(directory, kind)
        for kind in RECORD_MODELS
        if not schema_path(directory, kind).exists()
        or schema_path(directory, kind).read_text(encoding="utf-8") != schema_text(kind)
    ]
