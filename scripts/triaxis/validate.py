"""Validation of record files: strict parsing, the JSON Schema, then the semantic checks.

All problems in all files are collected, so a contributor fixes everything in one round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from pydantic import ValidationError

from triaxis.checks import CHECKS, Corpus, Loaded, load_texts
from triaxis.models import RECORD_MODELS
from triaxis.problems import Problem
from triaxis.records import RecordFile, discover, pointer, read_record
from triaxis.schema import schema_for

MAX_MESSAGE = 160


@dataclass
class Outcome:
    """What a validation run found, over which files."""

    problems: list[Problem]
    files: list[RecordFile]
    corpus: Corpus


@cache
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(schema_for(kind))


def _short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def schema_problems(record: RecordFile) -> list[Problem]:
    """JSON Schema errors, located at the value they are about."""
    assert record.kind is not None
    problems = []
    for error in _validator(record.kind).iter_errors(record.data):
        where = pointer(*error.absolute_path)
        field = "/".join(str(p) for p in error.absolute_path) or "record"
        problems.append(record.problem(where, "TX200", _short(f"{field}: {error.message}")))
    return problems


def load(record: RecordFile) -> tuple[Loaded | None, list[Problem]]:
    """Schema-check one parsed record and build its model."""
    if record.kind is None:
        return None, [
            record.problem(
                "",
                "TX110",
                "not a record location: use records/articles/<id>.json or records/claims/<article-id>/<id>.json",
            )
        ]
    problems = schema_problems(record)
    if problems:
        return None, problems
    try:
        model = RECORD_MODELS[record.kind].model_validate(record.data)
    except ValidationError as exc:
        return None, [
            record.problem(pointer(*e["loc"]), "TX200", _short(f"{'/'.join(map(str, e['loc']))}: {e['msg']}"))
            for e in exc.errors()
        ]
    return Loaded(record, model), []  # type: ignore[arg-type]


def validate(
    paths: list[Path],
    records_root: Path,
    sources: Path | None = None,
    today: dt.date | None = None,
) -> Outcome:
    """Validate ``paths`` in the context of every record under ``records_root``.

    Records outside ``paths`` are read too, so references resolve, but only problems in
    ``paths`` are reported.
    """
    wanted = {p.resolve() for p in discover(paths)}
    context = {p.resolve() for p in discover([records_root])} if records_root.is_dir() else set()
    corpus = Corpus(texts=load_texts(sources) if sources else None, today=today or dt.date.today())
    problems: list[Problem] = []
    files: list[RecordFile] = []
    for path in sorted(wanted | context):
        record, parse_problem = read_record(path, _display(path))
        if path in wanted:
            files.append(record)
        if parse_problem:
            problems.append(parse_problem)
            continue
        loaded, load_problems = load(record)
        problems.extend(load_problems)
        if loaded:
            (corpus.articles if record.kind == "article" else corpus.claims).append(loaded)
    for _title, run in CHECKS.values():
        problems.extend(run(corpus))
    shown = {f.display for f in files}
    return Outcome([p for p in problems if p.path in shown], files, corpus)
