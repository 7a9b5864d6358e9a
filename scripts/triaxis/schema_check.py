"""Checking a parsed record against its JSON Schema: a compiled validator decides, jsonschema explains.

``jsonschema-rs`` (Rust) answers valid or not several times faster than the pure-Python
``jsonschema``, which matters at hundreds of thousands of records. Only a record it rejects is
walked again by ``jsonschema``, whose errors carry the path of each offending value and are
turned here into one short message each. Both read the same schema file; a test holds them
(and the pydantic models the schema comes from) to the same answer.

JSON Schema patterns are ECMA-262 regexes, where ``$`` matches only at the very end; Python's
``$`` also matches before a final newline, so the explaining validator reads ``$`` as ``\\Z``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError, validators

from triaxis.models import (
    CLAIM_ID_PATTERN,
    COUNTRY_PATTERN,
    ISO_DATE_PATTERN,
    LANGUAGE_PATTERN,
    PARTIAL_DATE_PATTERN,
    SHA256_PATTERN,
    SLUG_PATTERN,
    URL_PATTERN,
)
from triaxis.records import pointer
from triaxis.schema import schema_for
from triaxis.suggest import closest, country_hint

SCHEMA_CODE = "TX200"
# A value that breaks one of these patterns gets the code of the rule it belongs to, so that
# every URL problem is TX232, every date problem TX240 and every country problem TX251.
PATTERN_RULES: dict[str, tuple[str, str]] = {
    URL_PATTERN: ("TX232", "an http(s) URL without spaces or control characters"),
    ISO_DATE_PATTERN: ("TX240", "an ISO 8601 date YYYY-MM-DD"),
    PARTIAL_DATE_PATTERN: ("TX240", "an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD"),
    COUNTRY_PATTERN: ("TX251", "an ISO 3166-1 alpha-3 code such as PAK"),
    SLUG_PATTERN: (SCHEMA_CODE, "an id of lower-case letters, digits and single hyphens"),
    CLAIM_ID_PATTERN: (SCHEMA_CODE, "a claim id <article-id>-cNNN"),
    SHA256_PATTERN: (SCHEMA_CODE, "64 lower-case hexadecimal digits"),
    LANGUAGE_PATTERN: (SCHEMA_CODE, "a language code such as en or en-GB"),
}
JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


@dataclass(frozen=True)
class SchemaIssue:
    """One schema violation: where (a JSON pointer; ``at_key`` for a key that should not be there), code, message."""

    pointer: str
    code: str
    message: str
    at_key: bool = False


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


ExplainingValidator = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


@cache
def compiled_validator(kind: str) -> Any:
    return jsonschema_rs.validator_for(schema_for(kind))


@cache
def explaining_validator(kind: str) -> Any:
    return ExplainingValidator(schema_for(kind))


def compiled_is_valid(kind: str, data: Any) -> bool | None:
    """The compiled validator's answer; None when it cannot take the value (it then defers to jsonschema)."""
    try:
        return bool(compiled_validator(kind).is_valid(data))
    except Exception:  # e.g. a string jsonschema-rs cannot encode
        return None


def schema_issues(kind: str, data: Any) -> list[SchemaIssue]:
    """Every schema violation of one parsed record; empty when it is valid."""
    verdict = compiled_is_valid(kind, data)
    if verdict:
        return []
    issues = [issue for error in explaining_validator(kind).iter_errors(data) for issue in _explain(error)]
    if not issues and verdict is False:
        # The two validators should never disagree (a test holds them to it); if they do, the
        # stricter answer stands and the compiled validator's own words explain it.
        issues = [
            SchemaIssue(pointer(*e.instance_path), SCHEMA_CODE, _short(f"{_field(e.instance_path)}: {e.message}"))
            for e in compiled_validator(kind).iter_errors(data)
        ]
    return issues


def _field(path: Any) -> str:
    return "/".join(str(p) for p in path) or "record"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value(instance: Any) -> str:
    if isinstance(instance, str):
        return repr(instance) if len(instance) <= 60 else repr(instance[:57]) + "…"
    if isinstance(instance, (dict, list)):
        return JSON_TYPES[type(instance)]
    return repr(instance)


def _type_name(instance: Any) -> str:
    if isinstance(instance, bool) or instance is None or isinstance(instance, (dict, list, str)):
        return JSON_TYPES[type(instance)]
    return "an integer" if isinstance(instance, int) else "a number"


def _expected(types: str | list[str]) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(names)


def _branch_types(branches: list[dict[str, Any]]) -> list[str]:
    names = []
    for branch in branches:
        if "$ref" in branch:
            names.append("object")
        elif "type" in branch:
            names.append(branch["type"] if isinstance(branch["type"], str) else "/".join(branch["type"]))
    return names


def _explain(error: ValidationError) -> Iterator[SchemaIssue]:
    """One or more short, located issues for one jsonschema error."""
    path = list(error.absolute_path)
    where = _field(path)
    keyword, value, instance = error.validator, error.validator_value, error.instance
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        for key in instance:
            if key not in known:
                yield SchemaIssue(pointer(*path, key), SCHEMA_CODE, _short(f"{where}: unknown field {key!r}"), True)
        return
    if keyword == "anyOf" and error.context:
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        fitting = [
            errors
            for errors in branches.values()
            if not any(e.validator == "type" and not e.relative_path for e in errors)
        ]
        if len(fitting) == 1:
            for sub in fitting[0]:
                yield from _explain(sub)
            return
        message = f"{where}: expected {' or '.join(_branch_types(value))}, not {_type_name(instance)}"
    elif keyword == "required":
        message = f"{where}: missing field {error.message.removesuffix(' is a required property')}"
    elif keyword == "type":
        message = f"{where}: expected {_expected(value)}, not {_type_name(instance)}"
    elif keyword == "enum":
        allowed = ", ".join(map(repr, value))
        meant = closest(instance, (str(v) for v in value))
        message = (
            f"{where}: {_value(instance)} is not allowed; did you mean {meant!r}? (one of {allowed})"
            if meant
            else f"{where}: {_value(instance)} is not one of {allowed}"
        )
    elif keyword == "const":
        message = f"{where}: must be {value!r}, not {_value(instance)}"
    elif keyword == "maxLength":
        message = f"{where}: {len(instance):,} characters, at most {value:,} allowed"
    elif keyword == "minLength":
        message = f"{where}: must not be empty"
    elif keyword == "maxItems":
        message = f"{where}: {len(instance):,} items, at most {value:,} allowed"
    elif keyword in ("minimum", "maximum"):
        message = (
            f"{where}: {instance!r} is {'below the minimum' if keyword == 'minimum' else 'above the maximum'} {value}"
        )
    elif keyword == "pattern":
        code, meaning = PATTERN_RULES.get(value, (SCHEMA_CODE, f"text matching {value}"))
        hint = country_hint(instance) if value == COUNTRY_PATTERN else ""
        yield SchemaIssue(pointer(*path), code, _short(f"{where}: {_value(instance)} is not {meaning}{hint}"))
        return
    else:
        message = f"{where}: {error.message}"
    yield SchemaIssue(pointer(*path), SCHEMA_CODE, _short(message))
