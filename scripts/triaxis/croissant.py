"""Croissant metadata (``croissant.json``) for a build, written and validated with ``mlcroissant``.

Dataset catalogues read Croissant to learn what files a dataset has and what their columns mean.
Here it is derived from the parquet files just written and the declared features: one FileObject
per parquet file (with its SHA-256), one FileSet and one RecordSet per config, one Field per
column (nested fields as sub-fields) described with the card's field documentation, and the
split read from each file's name. ``mlcroissant`` is an optional extra (``triaxis[croissant]``);
without it the build leaves the file out and says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import warnings
from pathlib import Path
from typing import Any

from datasets import ClassLabel, Features, List, Value

from triaxis.dataset import CONFIG_DOCS, CONFIGS, FEATURES, FIELD_DOCS
from triaxis.models import VERDICTS
from triaxis.project import Citation, hub_url

CROISSANT = "croissant.json"
PARQUET = "application/x-parquet"
CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"
SPLIT_FROM_PATH = r"^(?:.*/)?([^/]+)\.parquet$"
_DATA_TYPES = {"date32": "DATE", "string": "TEXT", "int32": "INTEGER", "int64": "INTEGER", "bool": "BOOL"}


class CroissantError(Exception):
    """mlcroissant found problems in the metadata; the message lists them."""


def available() -> bool:
    return importlib.util.find_spec("mlcroissant") is not None


def licence_url(spdx: str) -> str:
    """The licence's page in the SPDX list, which names it unambiguously."""
    return f"https://spdx.org/licenses/{spdx}.html"


def _data_type(mlc: Any, feature: object) -> Any:
    if isinstance(feature, ClassLabel):
        return mlc.DataType.INTEGER
    if isinstance(feature, Value) and feature.dtype in _DATA_TYPES:
        return getattr(mlc.DataType, _DATA_TYPES[feature.dtype])
    raise CroissantError(f"no Croissant data type for feature {feature}")


def _fields(mlc: Any, ctx: Any, config: str, features: Features) -> list[Any]:
    def source(column: str, json_path: str | None = None) -> Any:
        transforms = [mlc.Transform(ctx=ctx, json_path=json_path)] if json_path else []
        return mlc.Source(
            ctx=ctx,
            file_set=f"{config}-parquet",
            extract=mlc.Extract(ctx=ctx, column=column),
            transforms=transforms,
        )

    def describe(name: str, feature: object) -> str:
        text = FIELD_DOCS[config][name]
        if isinstance(feature, ClassLabel):
            text += " (" + ", ".join(f"{i} = {label}" for i, label in enumerate(feature.names)) + ")"
        return text

    fields = []
    for name, feature in features.items():
        inner = feature.feature if isinstance(feature, List) else feature
        array = {"is_array": True, "array_shape": "-1"} if isinstance(feature, List) else {}
        if isinstance(inner, dict):
            sub_fields = [
                mlc.Field(
                    ctx=ctx,
                    id=f"{config}/{name}/{sub}",
                    name=sub,
                    description=describe(f"{name}.{sub}", sub_feature),
                    data_types=[_data_type(mlc, sub_feature)],
                    source=source(name, sub),
                )
                for sub, sub_feature in inner.items()
            ]
            fields.append(
                mlc.Field(
                    ctx=ctx,
                    id=f"{config}/{name}",
                    name=name,
                    description=describe(name, feature),
                    source=source(name),
                    sub_fields=sub_fields,
                    **array,
                )
            )
            continue
        fields.append(
            mlc.Field(
                ctx=ctx,
                id=f"{config}/{name}",
                name=name,
                description=describe(name, feature),
                data_types=[_data_type(mlc, inner)],
                source=source(name),
                **array,
            )
        )
    fields.append(
        mlc.Field(
            ctx=ctx,
            id=f"{config}/split",
            name="split",
            description="the split the row belongs to, from the name of its parquet file",
            data_types=[mlc.DataType.TEXT],
            source=mlc.Source(
                ctx=ctx,
                file_set=f"{config}-parquet",
                extract=mlc.Extract(ctx=ctx, file_property="filepath"),
                transforms=[mlc.Transform(ctx=ctx, regex=SPLIT_FROM_PATH)],
            ),
        )
    )
    return fields


def croissant_jsonld(folder: Path, citation: Citation | None, repo_id: str | None) -> dict[str, Any]:
    """The Croissant JSON-LD of the dataset folder ``folder`` (its parquet files must be written)."""
    import mlcroissant as mlc

    ctx = mlc.Context(conforms_to=CROISSANT_VERSION)
    distribution: list[Any] = []
    record_sets: list[Any] = []
    for config in CONFIGS:
        files = sorted((folder / config).glob("*.parquet"))
        if not files:
            continue
        for path in files:
            name = path.relative_to(folder).as_posix()
            distribution.append(
                mlc.FileObject(
                    ctx=ctx,
                    id=name,
                    name=name,
                    content_url=name,
                    content_size=f"{path.stat().st_size} B",
                    encoding_formats=[PARQUET],
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                )
            )
        distribution.append(
            mlc.FileSet(
                ctx=ctx,
                id=f"{config}-parquet",
                name=f"{config}-parquet",
                description=f"the {config} config's parquet files, one per split",
                encoding_formats=[PARQUET],
                includes=[f"{config}/*.parquet"],
            )
        )
        record_sets.append(
            mlc.RecordSet(
                ctx=ctx,
                id=config,
                name=config,
                description=CONFIG_DOCS[config],
                key=[f"{config}/id"] if "id" in FEATURES[config] else None,
                fields=_fields(mlc, ctx, config, FEATURES[config]),
            )
        )
    metadata = mlc.Metadata(
        ctx=ctx,
        name="TriAxis",
        description=citation.abstract if citation else CONFIG_DOCS["claims"],
        url=hub_url(repo_id) if repo_id else None,
        version=citation.version if citation else None,
        license=[licence_url(citation.license)] if citation else None,
        cite_as=citation.bibtex() if citation else None,
        date_published=dt.datetime.fromisoformat(citation.date_released) if citation else None,
        creators=[mlc.Organization(ctx=ctx, name=name) for name in citation.authors] if citation else [],
        keywords=["fact-checking", "claim verification", "evidence retrieval", *VERDICTS],
        in_language=["en"],
        distribution=distribution,
        record_sets=record_sets,
    )
    problems = metadata.issues.errors
    if problems:
        raise CroissantError("; ".join(sorted(problems)))
    return metadata.to_json()


def validate_croissant(path: Path, warnings_too: bool = True) -> list[str]:
    """Load ``path`` with mlcroissant as a catalogue would; return its errors (and warnings)."""
    import mlcroissant as mlc

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's, about its own internals
            dataset = mlc.Dataset(jsonld=path)
    except mlc.ValidationError as exc:  # its message lists the errors, then the warnings
        found, section = [], "errors"
        for line in str(exc).splitlines():
            if "warning(s)" in line:
                section = "warnings"
            elif line.strip().startswith("-") and (section == "errors" or warnings_too):
                found.append(line.strip().removeprefix("-").strip())
        return found
    issues = dataset.metadata.issues
    return sorted(issues.errors) + (sorted(issues.warnings) if warnings_too else [])


def write_croissant(folder: Path, citation: Citation | None, repo_id: str | None) -> Path | None:
    """Write and validate ``croissant.json`` in ``folder``; None when mlcroissant is not installed."""
    if not available():
        return None
    path = folder / CROISSANT
    jsonld = croissant_jsonld(folder, citation, repo_id)
    path.write_text(json.dumps(jsonld, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    problems = validate_croissant(path, warnings_too=False)  # a missing recommended property is no failure
    if problems:
        raise CroissantError(f"{path}: " + "; ".join(problems))
    return path
