"""Finding record files and reading them strictly, with the position of every problem.

The standard ``json`` module accepts things a contributor should be told about
(duplicate keys silently keep the last value, NaN, a byte-order mark) and it is slow on
hundreds of thousands of files. Files are parsed with ``jiter`` (Rust), which rejects all
of those; only when a file fails is it looked at more closely, to name the defect and
place it at a line and column. Positions of values, needed only to report a problem, are
worked out on first use by one pass of a tokenizing regex over the (valid) text: a tenth
of the time ``json_source_map`` takes, which matters when many files have problems.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import jiter

from triaxis.problems import Problem

RecordKind = Literal["article", "claim"]
ARTICLES_DIR = "articles"
CLAIMS_DIR = "claims"
RECORD_SUFFIX = ".json"
# A claim record is a few kilobytes; a megabyte is far beyond any real record and keeps a
# stray binary or generated file from being read into memory whole.
MAX_FILE_BYTES = 1_000_000
RECORD_FILE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.json")

Position = tuple[int, int]


class ParseError(Exception):
    """A file that cannot be read as a record, with its code and position."""

    def __init__(self, code: str, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.col = code, message, max(line, 1), max(col, 1)


class RecordFile:
    """One record file: where it is, its bytes, and (on demand) where each value sits in it.

    ``reported`` is false for files read only as context for cross-record checks: their
    problems are dropped, so they are never located. The path is kept as a string and made a
    ``Path`` only when asked for: at 200,000 files the ``Path`` objects alone cost a second.
    """

    __slots__ = ("_location", "_path", "_positions", "_raw", "display", "kind", "reported")

    def __init__(
        self, path: Path | str, display: str, kind: RecordKind | None, raw: bytes | None = b"", reported: bool = True
    ) -> None:
        self._location = os.fspath(path)
        self._path = path if isinstance(path, Path) else None
        self.display, self.kind, self._raw, self.reported = display, kind, raw, reported
        self._positions: dict[str, tuple[Position, Position | None]] | None = None

    @property
    def raw(self) -> bytes:
        """The file's bytes; with ``raw=None`` read when first asked for (empty if the file can no longer be read).

        Validation passes None for a record whose bytes it did not keep: at 200,000 records, sending
        every file's bytes back from the workers costs more time and memory than reading again the
        few files a cross-record problem must be located in.
        """
        if self._raw is None:
            try:
                self._raw = read_raw(self._location)
            except ParseError:
                self._raw = b""
        return self._raw

    @raw.setter
    def raw(self, raw: bytes) -> None:
        self._raw = raw

    def release(self) -> None:
        """Let go of the bytes held; they are read from the file again if asked for."""
        self._raw = None

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = Path(self._location)
        return self._path

    @property
    def name(self) -> str:
        """The file name, such as ``haq-2015-c001.json``."""
        return os.path.basename(self._location)

    @property
    def stem(self) -> str:
        return os.path.splitext(self.name)[0]

    @property
    def folder(self) -> str:
        """The name of the folder the file is in."""
        return os.path.basename(os.path.dirname(self._location))

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", errors="replace")

    @property
    def data(self) -> Any:
        """The parsed JSON (the file is parsed again: only cross-record checks' rare reports need it)."""
        return parse_record(self.raw)

    @property
    def positions(self) -> dict[str, Position]:
        """JSON pointer -> 1-based (line, column) of every value."""
        return {key: value for key, (value, _name) in self._map().items()}

    @positions.setter
    def positions(self, positions: dict[str, Position]) -> None:
        self._positions = {key: (value, None) for key, value in positions.items()}

    def _map(self) -> dict[str, tuple[Position, Position | None]]:
        if self._positions is None:
            self._positions = source_positions(self.text)
        return self._positions

    def locate(self, pointer: str, key: bool = False) -> Position:
        """The 1-based line and column of the value at ``pointer`` (of its key with ``key``), or of its nearest parent."""
        positions = self._map()
        if key and pointer in positions and positions[pointer][1] is not None:
            return positions[pointer][1]  # type: ignore[return-value]
        while pointer not in positions and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return positions[pointer][0] if pointer in positions else (1, 1)

    def problem(self, pointer: str, code: str, message: str, key: bool = False) -> Problem:
        line, col = self.locate(pointer, key) if self.reported else (1, 1)
        return Problem(self.display, line, col, code, message)


def pointer(*parts: str | int) -> str:
    """Build an RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def kind_of(parts: tuple[str, ...]) -> RecordKind | None:
    """The kind of record a path holds, from where it sits: ``articles/<id>.json`` or ``claims/<article>/<id>.json``."""
    if len(parts) >= 2 and parts[-2] == ARTICLES_DIR:
        return "article"
    if len(parts) >= 3 and parts[-3] == CLAIMS_DIR:
        return "claim"
    return None


def record_kind(path: Path) -> RecordKind | None:
    return kind_of(path.parts)


def name_problem(name: str) -> str | None:
    """Why a record file's name is not allowed, or None: names are ids, in lower case, without spaces."""
    if RECORD_FILE_NAME.fullmatch(name):
        return None
    if not name.endswith(RECORD_SUFFIX):
        return f"file name {name!r} does not end in .json, so it is not a record; rename or remove it"
    return f"file name {name!r} must be the record id: lower-case letters, digits and single hyphens, then .json"


def _is_record_folder(parts: tuple[str, ...]) -> bool:
    return (len(parts) >= 1 and parts[-1] == ARTICLES_DIR) or (len(parts) >= 2 and parts[-2] == CLAIMS_DIR)


def discover(paths: list[Path]) -> list[str]:
    """Absolute, resolved paths of the record files under the given files and folders, sorted, each once.

    In a folder, every ``*.json`` file is a record; so is any other file inside an
    ``articles/`` or ``claims/<article>/`` folder (a mistyped name such as ``c001.JSON``
    must be reported, not skipped). Hidden files are skipped.
    """
    found: list[str] = []
    for path in paths:
        real = os.path.realpath(path)
        if not os.path.isdir(real):
            found.append(real)
            continue
        for folder, _dirs, names in os.walk(real):
            prefix = folder if folder.endswith(os.sep) else folder + os.sep
            # (one comprehension per folder: at 200,000 files, half the time of a loop adding to a set)
            if _is_record_folder(tuple(folder.split(os.sep))):
                found += [prefix + name for name in names if not name.startswith(".")]
            else:
                found += [prefix + name for name in names if name.endswith(RECORD_SUFFIX) and not name.startswith(".")]
    # One folder's walk names each file once; several paths may overlap.
    return sorted(set(found) if len(paths) > 1 else found)


def read_raw(path: str) -> bytes:
    """The bytes of a file, refusing what is not a regular file or is larger than ``MAX_FILE_BYTES``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ParseError("TX109", f"cannot read file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ParseError("TX109", "cannot read file: not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ParseError(
                "TX111", f"file is {info.st_size:,} bytes; a record file may be at most {MAX_FILE_BYTES:,}"
            )
        # One read of the size fstat gives, plus a byte: a short read of a regular file is its end.
        chunks = [os.read(fd, info.st_size + 1)]
        size = len(chunks[0])
        while size > info.st_size:  # the file grew meanwhile: read on to its end, within the limit
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise ParseError("TX111", f"file is over {MAX_FILE_BYTES:,} bytes, the most a record file may have")
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        raise ParseError("TX109", f"cannot read file: {exc.strerror}") from None
    finally:
        os.close(fd)


def prefetch(paths: Iterable[str]) -> None:
    """Ask the kernel to read the files into the page cache, without waiting for the disk.

    Read one after another, files that are not cached cost a disk round trip each: at 200,000
    claims that was most of a worker's time, because page cache left untouched is reclaimed
    (on some machines within half a minute). Announced together (``POSIX_FADV_WILLNEED``), their
    reads are queued at once, and by the time each file is read it is mostly cached. Only a hint:
    a file that cannot be opened is skipped here and reported when it is read.
    """
    if not hasattr(os, "posix_fadvise"):
        return
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:  # e.g. a pipe
            pass
        finally:
            os.close(fd)


def parse_record(raw: bytes) -> Any:
    """Parse one record file strictly; ParseError, with the defect named and placed, on anything wrong."""
    try:
        return jiter.from_json(raw, allow_inf_nan=False, catch_duplicate_keys=True, cache_mode="keys")
    except Exception as exc:  # jiter raises ValueError; anything else is diagnosed the same way
        raise diagnose(raw, str(exc)) from None


def check_top_level(data: Any) -> None:
    if not isinstance(data, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(data), "a number")
        raise ParseError("TX108", f"a record must be a JSON object, not {kind}")


def read_record(path: Path, display: str) -> tuple[RecordFile, Problem | None]:
    """Read and parse one file on its own; a located problem instead of an exception when it cannot be parsed."""
    record = RecordFile(path, display, record_kind(path))
    try:
        record.raw = read_raw(os.fspath(path))
        check_top_level(parse_record(record.raw))
    except ParseError as exc:
        return record, Problem(display, exc.line, exc.col, exc.code, exc.message)
    return record, None


def parse_text(raw: bytes) -> tuple[str, Any, dict[str, Position]]:
    """Text, data and value positions of one record file's bytes; ParseError on any defect."""
    data = parse_record(raw)
    check_top_level(data)
    text = raw.decode("utf-8")
    return text, data, {key: value for key, (value, _name) in source_positions(text).items()}


_JITER_PLACE = re.compile(r" at line (\d+) column (\d+)$")
_MERGE_MARKER = re.compile(rb"^(?:<<<<<<<|\|\|\|\|\|\|\||=======|>>>>>>>)(?: |\r?$)", re.MULTILINE)
_RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NON_FINITE = re.compile(r"-?(?:NaN|Infinity)")


def _line_col(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _offset(raw: bytes, line: int, byte_col: int) -> int:
    """The byte offset of jiter's 1-based line and byte column."""
    start = 0
    for _ in range(line - 1):
        found = raw.find(b"\n", start)
        if found < 0:
            break
        start = found + 1
    return min(start + max(byte_col - 1, 0), len(raw))


def _place(raw: bytes, offset: int) -> Position:
    """Line and column, in code points as editors count them, of a byte offset."""
    return _line_col(
        raw[:offset].decode("utf-8", errors="replace"), len(raw[:offset].decode("utf-8", errors="replace"))
    )


def _key_start(text: str, offset: int) -> int:
    """Where the key sits whose colon is at or just before ``offset`` (jiter points past it)."""
    colon = text.rfind(":", 0, offset + 1)
    index = text.rfind('"', 0, colon) - 1
    while index >= 0:
        if text[index] == '"':
            backslashes = len(text[:index]) - len(text[:index].rstrip("\\"))
            if backslashes % 2 == 0:
                return index
        index -= 1
    return offset


def diagnose(raw: bytes, parser_message: str) -> ParseError:
    """Name and place the defect of a file the parser rejected."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return ParseError("TX102", "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ParseError("TX101", "file is UTF-16; save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _place(raw, exc.start)
        return ParseError("TX101", f"invalid UTF-8 at byte {exc.start}", line, col)
    if not text.strip():
        return ParseError("TX105", "file is empty")
    marker = _MERGE_MARKER.search(raw)
    if marker:
        line, col = _place(raw, marker.start())
        return ParseError("TX106", "git merge-conflict marker; resolve the conflict first", line, col)
    place = _JITER_PLACE.search(parser_message)
    message = parser_message[: place.start()] if place else parser_message
    offset = _offset(raw, int(place.group(1)), int(place.group(2))) if place else 0
    control = _RAW_CONTROL.search(raw, 0, offset + 1)
    if control:
        line, col = _place(raw, control.start())
        char = raw[control.start()]
        return ParseError("TX113", f"control character U+{char:04X} in the file; remove it", line, col)
    char_offset = len(raw[:offset].decode("utf-8", errors="replace"))
    line, col = _line_col(text, char_offset)
    if message.startswith("Detected duplicate key"):
        key = message.removeprefix("Detected duplicate key ")
        line, col = _line_col(text, _key_start(text, char_offset))
        return ParseError(
            "TX103", f"duplicate key {key}: the standard parser would silently keep the last one", line, col
        )
    if "recursion limit" in message:
        return ParseError("TX107", "JSON nested too deeply", line, col)
    if "number out of range" in message:
        return ParseError("TX104", "number out of range; write a number a double can hold", line, col)
    for start in (max(char_offset - 1, 0), char_offset):
        if _NON_FINITE.match(text, start):
            line, col = _line_col(text, start)
            return ParseError("TX104", "NaN and Infinity are not valid JSON; write a number or null", line, col)
    if message == "trailing comma":
        comma = len(text[:char_offset].rstrip()) - 1
        if comma >= 0 and text[comma] == ",":
            line, col = _line_col(text, comma)
    return ParseError("TX100", f"invalid JSON: {_slip(text, char_offset) or message}", line, col)


_CURLY_QUOTES = "“”„‟‘’‚‛«»"


def _slip(text: str, offset: int) -> str | None:
    """The common hand-editing slip at ``offset``, named, where the parser would only say what it expected."""
    here = text[offset : offset + 2]
    if here.startswith(("//", "/*")):
        return "a comment; JSON has no comments, so remove it (notes belong in a field such as doubts or notes)"
    if here[:1] and here[0] in _CURLY_QUOTES:
        return f'curly quote {here[0]} where JSON needs a straight double quote ("); an editor or a word processor typed it'
    if here.startswith(",") and text[:offset].rstrip().endswith(","):
        return "two commas in a row; remove one"
    return None


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


def source_positions(text: str) -> dict[str, tuple[Position, Position | None]]:
    """JSON pointer -> (position of the value, position of its key or None) for every value of a JSON text.

    Positions are 1-based lines and columns in code points. Iterative, so depth costs no
    recursion; on text that is not valid JSON it returns what it found before going astray.
    """
    found: dict[str, tuple[Position, Position | None]] = {}
    # one frame per open container: [its pointer, is it an object, next array index, pending key, key position]
    stack: list[list[Any]] = []
    line, line_start, scanned = 1, 0, 0
    try:
        for match in _TOKEN.finditer(text):
            token, offset = match.group(), match.start()
            first = token[0]
            if first in ",:":
                continue
            if first in "}]":
                stack.pop()
                continue
            newlines = text.count("\n", scanned, offset)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", scanned, offset) + 1
            scanned = offset
            here = (line, offset - line_start + 1)
            top = stack[-1] if stack else None
            if top is not None and top[1] and top[3] is None:
                top[3], top[4] = jiter.from_json(token.encode("utf-8")), here
                continue
            key_place = None
            if top is None:
                where = ""
            elif top[1]:
                where, key_place = top[0] + pointer(top[3]), top[4]
                top[3] = None
            else:
                where = f"{top[0]}/{top[2]}"
                top[2] += 1
            found[where] = (here, key_place)
            if first in "{[":
                stack.append([where, first == "{", 0, None, None])
    except Exception:  # not valid JSON after all: keep the positions found so far
        pass
    return found
