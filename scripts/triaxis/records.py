"""Finding record files and reading them strictly, with the position of every value.

The standard ``json`` module accepts things a contributor should be told about
(duplicate keys silently keep the last value, NaN, a byte-order mark), and it forgets
where values sit. Here each file is parsed strictly and mapped with ``json_source_map``
so that every later check can point at the offending line and column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from json_source_map import calculate as source_map

from triaxis.problems import Problem

RecordKind = Literal["article", "claim"]
ARTICLES_DIR = "articles"
CLAIMS_DIR = "claims"


class ParseError(Exception):
    """Raised inside parsing with a code, message and position."""

    def __init__(self, code: str, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.col = code, message, line, col


@dataclass
class RecordFile:
    """A parsed record file: its data, kind and a map from JSON pointer to (line, col)."""

    path: Path
    display: str
    kind: RecordKind | None
    text: str = ""
    data: Any = None
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    def locate(self, pointer: str) -> tuple[int, int]:
        """Return the 1-based line and column of the value at ``pointer``, or of its nearest parent."""
        while pointer not in self.positions and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return self.positions.get(pointer, (1, 1))

    def problem(self, pointer: str, code: str, message: str) -> Problem:
        line, col = self.locate(pointer)
        return Problem(self.display, line, col, code, message)


def pointer(*parts: str | int) -> str:
    """Build an RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def record_kind(path: Path) -> RecordKind | None:
    """The kind of record a path holds, from where it sits: ``articles/<id>.json`` or ``claims/<article>/<id>.json``."""
    if path.parent.name == ARTICLES_DIR:
        return "article"
    if path.parent.parent.name == CLAIMS_DIR:
        return "claim"
    return None


def discover(paths: list[Path]) -> list[Path]:
    """All ``*.json`` files under the given files and folders, sorted, each once."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*.json") if p.is_file())
        else:
            found.add(path)
    return sorted(found)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ParseError("TX103", f"duplicate key {key!r}: the standard parser would silently keep the last one")
        seen[key] = value
    return seen


def _reject_constant(name: str) -> Any:
    raise ParseError("TX104", f"{name} is not valid JSON; write a number or null")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def parse_text(raw: bytes) -> tuple[str, Any, dict[str, tuple[int, int]]]:
    """Decode and parse one record file strictly; raise ParseError with a position on any defect."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ParseError("TX102", "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = _position(prefix, len(prefix))
        raise ParseError("TX101", f"invalid UTF-8 at byte {exc.start}", line, col) from None
    if not text.strip():
        raise ParseError("TX105", "file is empty")
    for marker in ("<<<<<<< ", "=======\n", ">>>>>>> "):
        index = text.find(marker)
        if index >= 0 and (index == 0 or text[index - 1] == "\n"):
            line, col = _position(text, index)
            raise ParseError("TX106", "git merge-conflict marker; resolve the conflict first", line, col)
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ParseError("TX100", f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise ParseError("TX107", "JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ParseError("TX108", f"a record must be a JSON object, not {type(data).__name__}")
    try:
        entries = source_map(text)
    except RecursionError:
        raise ParseError("TX107", "JSON nested too deeply") from None
    positions = {key: (e.value_start.line + 1, e.value_start.column + 1) for key, e in entries.items()}
    return text, data, positions


def read_record(path: Path, display: str) -> tuple[RecordFile, Problem | None]:
    """Read and parse one file; a problem instead of an exception when it cannot be parsed."""
    record = RecordFile(path=path, display=display, kind=record_kind(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return record, Problem(display, 1, 1, "TX109", f"cannot read file: {exc.strerror}")
    try:
        record.text, record.data, record.positions = parse_text(raw)
    except ParseError as exc:
        return record, Problem(display, exc.line, exc.col, exc.code, exc.message)
    return record, None
