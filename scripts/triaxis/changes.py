"""The record files a change touches, so that a pull request is validated in seconds.

A contribution is usually one new claim file. Validating it needs the whole tree as context (ids,
links, duplicates), but only some files can have new problems: the files changed since the base
revision, and the files whose cross-record checks they affect, which are exactly the files that
mention the id of a changed or deleted record (links through ``related`` and ``replaced_by``, a
claim's ``article_id``, a duplicate ``id``). ``git grep`` finds those without parsing anything.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


class ChangesError(Exception):
    """The revision or repository cannot be used; the message is one line for the user."""


def _git(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ChangesError(f"cannot run git: {exc.strerror}") from None


def _lines(output: str) -> list[str]:
    return [line for line in output.split("\0") if line]


def changed_record_files(revision: str, records: Path) -> list[Path]:
    """Record files (.json under ``records``) added or modified since ``revision``, untracked ones included,
    and the files that mention the id of any record changed or deleted since then."""
    folder = records.resolve()
    top_level = _git(["rev-parse", "--show-toplevel"], folder)
    if top_level.returncode != 0:
        raise ChangesError(f"{records}: not in a git repository, so --changed-since cannot be used")
    top = Path(top_level.stdout.strip())
    if _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], top).returncode != 0:
        raise ChangesError(f"{revision}: not a git revision (a commit, branch or tag) in {top}")
    merge_base = _git(["merge-base", revision, "HEAD"], top)
    base = merge_base.stdout.strip() if merge_base.returncode == 0 else revision
    if not folder.is_relative_to(top):
        raise ChangesError(f"{records}: not inside the git repository at {top}")
    scope = folder.relative_to(top).as_posix() if folder != top else "."
    diff = _git(["diff", "--name-only", "--no-renames", "-z", base, "--", scope], top)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--", scope], top)
    for result in (diff, untracked):
        if result.returncode != 0:
            raise ChangesError(f"git failed: {(result.stderr.strip().splitlines() or ['no message'])[0]}")
    changed = {top / name for name in _lines(diff.stdout) + _lines(untracked.stdout) if name.endswith(".json")}
    ids = sorted({path.stem for path in changed})
    return sorted({p for p in changed if p.is_file()} | set(_mentioning(ids, top, scope)))


def _mentioning(ids: list[str], top: Path, scope: str) -> list[Path]:
    """Record files under ``scope`` that contain any of ``ids`` as a JSON string."""
    if not ids:
        return []
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as patterns:
        patterns.write("".join(f'"{record_id}"\n' for record_id in ids))
    try:
        found = _git(["grep", "-l", "-z", "-F", "--untracked", "-f", patterns.name, "--", f"{scope}/*.json"], top)
    finally:
        Path(patterns.name).unlink()
    if found.returncode not in (0, 1):  # 1: nothing found
        raise ChangesError(f"git grep failed: {(found.stderr.strip().splitlines() or ['no message'])[0]}")
    return [top / name for name in _lines(found.stdout)]
