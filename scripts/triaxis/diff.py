"""Record-level changes between two git revisions of the records (or a revision and the working tree).

A release note has to say which claims were added, withdrawn or relabelled; a line diff of JSON files
does not say that. Blobs are read through one ``git cat-file --batch`` process, a blob that is the same
at both revisions is parsed once, and a record is kept in full only when its file differs between the
two sides; all others are reduced to their verdict and withdrawal, which the totals need. So comparing
revisions of a large dataset stays quick and small in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from triaxis.models import VERDICTS
from triaxis.totals import release_state, released_figures, totals, totals_line

# Bookkeeping that changes with every edit; reporting it would make every change look alike.
IGNORED_FIELDS = frozenset({"modified"})
WORKTREE_LABEL = "working tree"


class DiffError(Exception):
    """A usage problem (no repository, unknown revision) reported as one line, exit 2."""


@dataclass(frozen=True)
class RecordSummary:
    """What a comparison needs of one record; ``data`` is kept only when the other side's file differs."""

    id: str
    oid: str
    verdict: str | None
    withdrawn: dict[str, Any] | None
    data: dict[str, Any] | None = None
    status: str | None = None


class Entry(NamedTuple):
    """One record file at one revision: its git blob id, path under the records folder, role and id."""

    oid: str
    path: str
    role: str
    id: str


@dataclass
class Snapshot:
    """The claim and article records at one revision."""

    name: str
    commit: str | None = None
    claims: dict[str, RecordSummary] = field(default_factory=dict)
    articles: dict[str, RecordSummary] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.commit[:7]})" if self.commit else self.name

    def totals(self) -> dict[str, Any]:
        """What a release at this revision would count (``triaxis.totals``)."""
        return totals((c.verdict, c.withdrawn, c.status, c.id) for c in self.claims.values())


@dataclass
class RecordDiff:
    """Every record-level change from one snapshot to another, each list sorted by id."""

    old: Snapshot
    new: Snapshot
    claims_added: list[RecordSummary] = field(default_factory=list)
    claims_removed: list[RecordSummary] = field(default_factory=list)
    claims_withdrawn: list[RecordSummary] = field(default_factory=list)
    claims_reinstated: list[RecordSummary] = field(default_factory=list)
    verdicts_changed: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    fields_changed: list[tuple[str, list[str]]] = field(default_factory=list)
    articles_added: list[str] = field(default_factory=list)
    articles_removed: list[str] = field(default_factory=list)
    articles_changed: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.claims_added,
                self.claims_removed,
                self.claims_withdrawn,
                self.claims_reinstated,
                self.verdicts_changed,
                self.fields_changed,
                self.articles_added,
                self.articles_removed,
                self.articles_changed,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": {"revision": self.old.name, "commit": self.old.commit},
            "to": {"revision": self.new.name, "commit": self.new.commit},
            "claims": {
                "added": [{"id": c.id, "verdict": c.verdict} for c in self.claims_added],
                "removed": [{"id": c.id, "verdict": c.verdict} for c in self.claims_removed],
                "withdrawn": [{"id": c.id, **(c.withdrawn or {})} for c in self.claims_withdrawn],
                "reinstated": [{"id": c.id, "verdict": c.verdict} for c in self.claims_reinstated],
                "verdict_changed": [{"id": i, "from": a, "to": b} for i, a, b in self.verdicts_changed],
                "fields_changed": [{"id": i, "fields": f} for i, f in self.fields_changed],
            },
            "articles": {
                "added": self.articles_added,
                "removed": self.articles_removed,
                "changed": [{"id": i, "fields": f} for i, f in self.articles_changed],
            },
            "totals": {"from": self.old.totals(), "to": self.new.totals()},
            "problems": self.old.problems + self.new.problems,
        }


# ---------------------------------------------------------------------------- reading records


def entry_for(path: str, oid: str) -> Entry | None:
    """The entry for ``claims/<article>/<id>.json`` or ``articles/<id>.json`` (relative to the records folder)."""
    if not path.endswith(".json"):
        return None
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "claims":
        return Entry(oid, path, "claim", parts[2][: -len(".json")])
    if len(parts) == 2 and parts[0] == "articles":
        return Entry(oid, path, "article", parts[1][: -len(".json")])
    return None


def blob_oid(content: bytes) -> str:
    """The git blob id of some content, so an unchanged working-tree file is matched with its committed blob."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


class _Parsed:
    """Parse results keyed by blob id, so that a blob shared by both sides is parsed once."""

    def __init__(self, keep_whole: set[str]) -> None:
        self.keep_whole = keep_whole
        self.by_oid: dict[str, RecordSummary | str] = {}

    def add(self, oid: str, content: bytes) -> None:
        if oid in self.by_oid:
            return
        try:
            data = json.loads(content)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            self.by_oid[oid] = f"cannot be read as a record ({str(exc).splitlines()[0]})"
            return
        verdict, withdrawn, review = data.get("verdict"), data.get("withdrawn"), data.get("review")
        status = review.get("status") if isinstance(review, dict) else None
        self.by_oid[oid] = RecordSummary(
            id="",
            oid=oid,
            verdict=verdict if isinstance(verdict, str) else None,
            withdrawn=withdrawn if isinstance(withdrawn, dict) else None,
            data=data if oid in self.keep_whole else None,
            status=status if isinstance(status, str) else None,
        )

    def fill(self, snapshot: Snapshot, entries: Iterable[Entry], prefix: str) -> None:
        for entry in entries:
            summary = self.by_oid[entry.oid]
            if isinstance(summary, str):
                snapshot.problems.append(f"{prefix}{entry.path}: {summary}")
                continue
            target = snapshot.claims if entry.role == "claim" else snapshot.articles
            target[entry.id] = RecordSummary(
                entry.id, entry.oid, summary.verdict, summary.withdrawn, summary.data, summary.status
            )


def _git(args: list[str], cwd: Path) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise DiffError("git is not installed or not on PATH") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(message[-1] if message else f"git {args[0]} failed")
    return result.stdout.decode("utf-8", "surrogateescape")


class Repository:
    """The git repository holding a records folder, and the folder's path inside it."""

    def __init__(self, records: Path) -> None:
        if not records.is_dir():
            raise DiffError(f"{records}: no such folder")
        try:
            root = _git(["rev-parse", "--show-toplevel"], records).strip()
        except DiffError:
            raise DiffError(f"{records}: not inside a git repository") from None
        self.root = Path(root)
        self.records = records.resolve().relative_to(self.root.resolve()).as_posix()

    def commit(self, rev: str) -> str:
        """The commit a revision names; DiffError if it names none."""
        if rev.startswith("-"):
            raise DiffError(f"{rev}: not a revision")
        try:
            return _git(
                ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], self.root
            ).strip()
        except DiffError:
            raise DiffError(f"{rev}: no such revision in {self.root}") from None

    def tree(self, commit: str) -> list[Entry]:
        """Every record file at a commit."""
        listing = _git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", self.records], self.root)
        strip = 0 if self.records == "." else len(self.records) + 1
        entries = []
        for line in filter(None, listing.split("\0")):
            meta, path = line.split("\t", 1)
            _mode, kind, oid = meta.split()
            if kind == "blob" and (entry := entry_for(path[strip:], oid)):
                entries.append(entry)
        return entries

    def read_blobs(self, oids: list[str]) -> Iterator[tuple[str, bytes]]:
        """Content of many blobs through a single ``git cat-file --batch`` process."""
        process = subprocess.Popen(
            ["git", "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert process.stdin is not None and process.stdout is not None

        def feed() -> None:
            try:
                process.stdin.write("".join(f"{oid}\n" for oid in oids).encode())  # type: ignore[union-attr]
                process.stdin.close()  # type: ignore[union-attr]
            except BrokenPipeError:  # git stopped early; the reader reports why
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            for oid in oids:
                header = process.stdout.readline().split()
                if len(header) != 3:
                    raise DiffError(f"git cat-file could not read blob {oid}")
                content = process.stdout.read(int(header[2]))
                process.stdout.read(1)  # the newline after each blob
                yield oid, content
        finally:
            process.stdout.close()  # first, so that git and the writer stop if reading ended early
            writer.join()
            process.wait()


def _record_files(records: Path) -> Iterator[tuple[str, str]]:
    """(path relative to the records folder, absolute path) of the files that may be records."""
    for folder, depth in (("articles", 0), ("claims", 1)):
        stack = [(os.path.join(records, folder), folder, depth)]
        while stack:
            absolute, relative, left = stack.pop()
            try:
                items = list(os.scandir(absolute))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for item in items:
                if left and item.is_dir():
                    stack.append((item.path, f"{relative}/{item.name}", left - 1))
                elif not left and item.name.endswith(".json") and item.is_file():
                    yield f"{relative}/{item.name}", item.path


def worktree_entries(records: Path, committed: set[str]) -> tuple[list[Entry], dict[str, bytes]]:
    """Record files on disk, and the content of those whose blob is not among the ``committed`` ones."""
    entries, contents = [], {}
    for relative, absolute in _record_files(records):
        entry = entry_for(relative, "")
        if entry is None:
            continue
        with open(absolute, "rb") as handle:
            content = handle.read()
        oid = blob_oid(content)
        entries.append(entry._replace(oid=oid))
        if oid not in committed:
            contents[oid] = content
    return entries, contents


def _differing_blobs(old: list[Entry], new: list[Entry]) -> set[str]:
    """Blob ids of records present on both sides with different content: only these are kept whole."""
    before = {(e.role, e.id): e.oid for e in old}
    differing = set()
    for entry in new:
        oid = before.get((entry.role, entry.id))
        if oid is not None and oid != entry.oid:
            differing.update((oid, entry.oid))
    return differing


def snapshots(records: Path, old_rev: str, new_rev: str | None) -> tuple[Snapshot, Snapshot]:
    """The records at ``old_rev`` and at ``new_rev`` (None: the working tree under ``records``)."""
    repo = Repository(records)
    old_commit = repo.commit(old_rev)
    new_commit = repo.commit(new_rev) if new_rev is not None else None
    old_entries = repo.tree(old_commit)
    if new_commit is not None:
        new_entries, on_disk = repo.tree(new_commit), {}
    else:
        new_entries, on_disk = worktree_entries(records, {e.oid for e in old_entries})
    parsed = _Parsed(_differing_blobs(old_entries, new_entries))
    for oid, content in on_disk.items():
        parsed.add(oid, content)
    from_git = list(dict.fromkeys(e.oid for e in old_entries + new_entries if e.oid not in on_disk))
    for oid, content in repo.read_blobs(from_git):
        parsed.add(oid, content)
    old = Snapshot(old_rev, old_commit)
    parsed.fill(old, old_entries, f"{old_rev}:{repo.records}/")
    new = Snapshot(new_rev, new_commit) if new_rev is not None else Snapshot(WORKTREE_LABEL)
    parsed.fill(new, new_entries, f"{new_rev}:{repo.records}/" if new_rev is not None else f"{records.as_posix()}/")
    return old, new


# ---------------------------------------------------------------------------- comparing


def changed_fields(old: RecordSummary, new: RecordSummary, reported: Iterable[str] = ()) -> list[str]:
    """Top-level fields whose value differs, apart from bookkeeping and those reported elsewhere."""
    if old.oid == new.oid:
        return []
    before, after = old.data or {}, new.data or {}
    skip = IGNORED_FIELDS | set(reported)
    return [k for k in sorted((before.keys() | after.keys()) - skip) if before.get(k) != after.get(k)]


def compare(old: Snapshot, new: Snapshot) -> RecordDiff:
    """Classify every claim and article change between two snapshots."""
    diff = RecordDiff(old=old, new=new)
    for claim_id in sorted(old.claims.keys() | new.claims.keys()):
        before, after = old.claims.get(claim_id), new.claims.get(claim_id)
        if before is None and after is not None:
            diff.claims_added.append(after)
            continue
        if after is None and before is not None:
            diff.claims_removed.append(before)
            continue
        assert before is not None and after is not None
        if before.oid == after.oid:
            continue
        reported = ["verdict"]
        if before.withdrawn is None and after.withdrawn is not None:
            diff.claims_withdrawn.append(after)
            reported.append("withdrawn")
        elif before.withdrawn is not None and after.withdrawn is None:
            diff.claims_reinstated.append(after)
            reported.append("withdrawn")
        if before.verdict != after.verdict:
            diff.verdicts_changed.append((claim_id, before.verdict, after.verdict))
        if fields := changed_fields(before, after, reported):
            diff.fields_changed.append((claim_id, fields))
    diff.articles_added = sorted(new.articles.keys() - old.articles.keys())
    diff.articles_removed = sorted(old.articles.keys() - new.articles.keys())
    for article_id in sorted(old.articles.keys() & new.articles.keys()):
        if fields := changed_fields(old.articles[article_id], new.articles[article_id]):
            diff.articles_changed.append((article_id, fields))
    return diff


# ---------------------------------------------------------------------------- rendering


def _verdict_counts(claims: Iterable[RecordSummary]) -> str:
    counts = Counter(c.verdict for c in claims)
    return ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts.get(v))


def _replacement(claim: RecordSummary) -> str:
    replaced = (claim.withdrawn or {}).get("replaced_by")
    return f"replaced by {replaced}" if replaced else ""


def render_text(diff: RecordDiff) -> str:
    """A human-readable listing: one section per kind of change, then totals side by side."""
    lines = [f"Records: {diff.old.label} → {diff.new.label}", ""]

    def section(title: str, rows: list[str]) -> None:
        if rows:
            lines.append(f"{title} ({len(rows)}):")
            lines.extend(f"  {row}" for row in rows)
            lines.append("")

    section("Claims added", [f"{c.id}  {c.verdict}" for c in diff.claims_added])
    section(
        "Claims REMOVED (claims must be withdrawn, never deleted)",
        [f"{c.id}  {c.verdict}" for c in diff.claims_removed],
    )
    section(
        "Claims withdrawn",
        [f"{c.id}  {c.verdict}" + (f" ({_replacement(c)})" if _replacement(c) else "") for c in diff.claims_withdrawn],
    )
    section("Claims reinstated", [f"{c.id}  {c.verdict}" for c in diff.claims_reinstated])
    section("Verdicts changed", [f"{i}  {a} → {b}" for i, a, b in diff.verdicts_changed])
    section("Other fields changed", [f"{i}  {', '.join(f)}" for i, f in diff.fields_changed])
    section("Articles added", diff.articles_added)
    section("Articles REMOVED", diff.articles_removed)
    section("Articles changed", [f"{i}  {', '.join(f)}" for i, f in diff.articles_changed])
    if diff.empty:
        lines.extend(["No record changes.", ""])

    before, after = diff.old.totals(), diff.new.totals()
    rows = [("claims released", before["claims"], after["claims"])]
    rows += [(f"  {v}", before["verdicts"][v], after["verdicts"][v]) for v in VERDICTS]
    rows += [
        ("drafts", before["drafts"], after["drafts"]),
        ("withdrawn", before["withdrawn"], after["withdrawn"]),
        ("articles", before["articles"], after["articles"]),
    ]
    left, right = diff.old.name, diff.new.name
    width_a, width_b = max(len(left), 6), max(len(right), 6)
    lines.append(f"{'Totals':<22}{left:>{width_a}}  {right:>{width_b}}  {'change':>6}")
    for name, a, b in rows:
        change = f"{b - a:+d}" if b != a else "0"
        lines.append(f"{name:<22}{a:>{width_a}}  {b:>{width_b}}  {change:>6}")
    return "\n".join(lines)


def render_changelog(diff: RecordDiff, heading: str = "[Unreleased]") -> str:
    """A draft CHANGELOG entry (Keep a Changelog sections) for the changes in ``diff``; edit before committing."""
    added, changed, withdrawn = [], [], []
    # Added to the release: claims that are released now and were not before (new, or drafts since reviewed).
    released_now = [
        c
        for c in diff.new.claims.values()
        if release_state(c.withdrawn, c.status) == "released"
        and ((before := diff.old.claims.get(c.id)) is None or release_state(before.withdrawn, before.status) == "draft")
    ]
    if released_now:
        count = len(released_now)
        added.append(f"{count} claim{'s' if count != 1 else ''}: {_verdict_counts(released_now)}.")
    drafts = [c for c in diff.claims_added if release_state(c.withdrawn, c.status) == "draft"]
    if drafts:
        added.append(f"{len(drafts)} draft claim(s) awaiting review, not counted in the release.")
    added += [f"Article {a}." for a in diff.articles_added]
    changed += [f"{i}: verdict {a} → {b}." for i, a, b in diff.verdicts_changed]
    changed += [f"{i}: {', '.join(f)} corrected." for i, f in diff.fields_changed]
    changed += [f"{c.id}: reinstated ({c.verdict})." for c in diff.claims_reinstated]
    changed += [f"Article {i}: {', '.join(f)} corrected." for i, f in diff.articles_changed]
    for claim in diff.claims_withdrawn:
        reason = (claim.withdrawn or {}).get("reason", "").strip()
        note = "; ".join(filter(None, (str(claim.verdict), _replacement(claim))))
        withdrawn.append(f"{claim.id} ({note}): {reason}")
    lines = [f"## {heading}", ""]
    for title, items in (("Added", added), ("Changed", changed), ("Withdrawn", withdrawn)):
        lines += [f"### {title}", "", *(f"- {item}" for item in items or ["None."]), ""]
    lines.append(totals_line(released_figures(diff.new.totals())))
    return "\n".join(lines)
