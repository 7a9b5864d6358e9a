"""Fuzzing: real records mutated at random, byte by byte and value by value, never crash validation.

Whatever the mutation, ``validate`` either passes the file or reports problems located in it
(line and column at least 1 and inside the text), never raises, and never falls back to the
internal-error code. On mutated values that still parse, the compiled validator, the explaining
validator and the pydantic models give the same verdict. Runs are derandomized so that CI sees
the same examples every time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from catalogue import assert_located
from conftest import REPO
from triaxis.models import RECORD_MODELS
from triaxis.schema_check import compiled_is_valid, explaining_validator
from triaxis.validate import validate

FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


def _small_tree(target: Path) -> list[Path]:
    """Every article and the first two unlinked claims of each: real records that pass, quick to validate."""
    shutil.copytree(REPO / "records" / "articles", target / "articles")
    chosen = [*sorted((target / "articles").glob("*.json"))]
    for folder in sorted((REPO / "records" / "claims").iterdir()):
        unlinked = [p for p in sorted(folder.glob("*.json")) if not json.loads(p.read_text())["related"]][:2]
        (target / "claims" / folder.name).mkdir(parents=True)
        for path in unlinked:
            chosen.append(Path(shutil.copy(path, target / "claims" / folder.name / path.name)))
    return chosen


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("fuzz") / "records"
    return root, _small_tree(root)


INTERESTING = [
    b",",
    b"}",
    b"]",
    b"{",
    b'"',
    b":",
    b"\x00",
    b"\x1b",
    b"\xff",
    b"\xef\xbb\xbf",
    b"NaN",
    b"-Infinity",
    b"1e999",
    b"\\u0000",
    b"\\ud800",
    b"e\xcc\x81",
    b"\xe2\x80\xae",
    b"\n<<<<<<< HEAD\n",
    b"\n=======\n",
    b"[" * 300,
    b'"id": "x",',
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
odd_text = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["Cafe\u0301", "\u202eevil", "\u0000", "a\u0085b", "\ufeff", "\u2028", "\U0001f600", " "]),
    st.integers(min_value=5_000, max_value=200_000).map(lambda n: "x" * n),
)


@st.composite
def byte_mutation(draw: st.DrawFn, raw: bytes) -> bytes:
    """Truncate, insert, delete, flip or repeat bytes of a file."""
    size = len(raw)
    at = draw(st.integers(0, size))
    kind = draw(st.sampled_from(["truncate", "insert", "insert", "delete", "flip", "repeat"]))
    if kind == "truncate":
        return raw[:at]
    if kind == "insert":
        inserted = draw(st.sampled_from(INTERESTING) | st.binary(min_size=1, max_size=6))
        return raw[:at] + inserted + raw[at:]
    end = draw(st.integers(at, min(size, at + 40)))
    if kind == "delete":
        return raw[:at] + raw[end:]
    if kind == "repeat":
        return raw[:end] + raw[at:end] + raw[end:]
    flipped = bytearray(raw)
    for index in draw(st.lists(st.integers(0, max(size - 1, 0)), min_size=1, max_size=4)):
        if flipped:
            flipped[index] ^= 1 << draw(st.integers(0, 7))
    return bytes(flipped)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _places(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _places(inner, (*path, index))
    return found


def _values_by_key() -> dict[str, list[Any]]:
    """Every value the real records hold under each key: borrowed ones keep a record well-typed but inconsistent."""
    pool: dict[str, list[Any]] = {}

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if inner not in pool.setdefault(key, []):
                    pool[key].append(inner)
                collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    for path in sorted((REPO / "records").rglob("*.json")):
        collect(json.loads(path.read_text(encoding="utf-8")))
    return pool


BORROWED = _values_by_key()


def _swap_type(value: Any) -> Any:
    swaps = {str: 7, int: "7", float: "7.5", bool: 1, type(None): "null", list: {}, dict: []}
    return swaps[type(value)]


@st.composite
def structure_mutation(draw: st.DrawFn, data: dict[str, Any]) -> Any:
    """Borrow (from another record), delete, replace, retype, deepen or stretch one value, or add a field."""
    data = json.loads(json.dumps(data))
    places = _places(data)
    path = draw(st.sampled_from(places[1:]))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    kind = draw(st.sampled_from(["borrow", "borrow", "borrow", "delete", "replace", "swap", "deepen", "text", "add"]))
    same_type = [v for v in BORROWED.get(key, []) if type(v) is type(parent[key])] if isinstance(key, str) else []
    if kind == "borrow" and same_type:
        parent[key] = draw(st.sampled_from(same_type))
    elif kind == "delete":
        del parent[key]
    elif kind == "replace":
        parent[key] = draw(json_values)
    elif kind == "swap":
        parent[key] = _swap_type(parent[key])
    elif kind == "deepen":
        for _ in range(draw(st.integers(1, 400))):
            parent[key] = [parent[key]]
    elif kind == "text":
        parent[key] = draw(odd_text)
    elif isinstance(parent, dict):
        parent[draw(st.text(max_size=12))] = draw(json_values)
    else:
        parent.append(draw(json_values))
    return data


def _encode(data: Any, ascii_only: bool) -> bytes:
    try:
        return (json.dumps(data, indent=2, ensure_ascii=ascii_only) + "\n").encode("utf-8", errors="surrogatepass")
    except RecursionError:
        return b"[" * 100_000


def _check(root: Path, target: Path, raw: bytes) -> None:
    original = target.read_bytes()
    target.write_bytes(raw)
    try:
        outcome = validate([target], root)
        assert {p.path for p in outcome.problems} <= {target.as_posix()}
        assert_located(outcome.problems)
    finally:
        target.write_bytes(original)


def test_the_fuzzed_records_pass_unmutated(tree: tuple[Path, list[Path]]) -> None:
    root, files = tree
    assert len(files) >= 12
    assert validate([root], root).problems == []


@FUZZ
@given(data=st.data())
def test_byte_mutations_never_crash(tree: tuple[Path, list[Path]], data: st.DataObject) -> None:
    root, files = tree
    target = data.draw(st.sampled_from(files))
    _check(root, target, data.draw(byte_mutation(target.read_bytes())))


@FUZZ
@given(data=st.data())
def test_structure_mutations_never_crash(tree: tuple[Path, list[Path]], data: st.DataObject) -> None:
    root, files = tree
    target = data.draw(st.sampled_from(files))
    mutated = data.draw(structure_mutation(json.loads(target.read_text(encoding="utf-8"))))
    _check(root, target, _encode(mutated, data.draw(st.booleans())))


def _pydantic_accepts(kind: str, value: Any) -> bool:
    try:
        RECORD_MODELS[kind].model_validate(value)
        RECORD_MODELS[kind].model_validate_json(json.dumps(value))
    except ValidationError:
        return False
    return True


@settings(FUZZ, max_examples=200)
@given(data=st.data())
def test_compiled_and_explaining_validators_and_models_agree(
    tree: tuple[Path, list[Path]], data: st.DataObject
) -> None:
    """The compiled validator decides alone, so it must agree with the explaining one; and whatever
    the schema accepts the models must accept, since models are built later without checking again.
    (The models are laxer only where pydantic coerces what the schema forbids, such as ``"5"`` for 5.)"""
    _root, files = tree
    target = data.draw(st.sampled_from(files))
    kind = "article" if target.parent.name == "articles" else "claim"
    mutated = data.draw(structure_mutation(json.loads(target.read_text(encoding="utf-8"))))
    compiled = compiled_is_valid(kind, mutated)
    explained = not any(True for _ in explaining_validator(kind).iter_errors(mutated))
    assert compiled in (explained, None)
    if explained:
        assert _pydantic_accepts(kind, mutated)
