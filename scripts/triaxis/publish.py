"""Publishing a release of the dataset to the Hugging Face Hub: one commit, then its version tag.

A release is all or nothing. The build is made and loaded back before anything is sent; every file
goes up in a single commit (``create_commit``, which checks the card's YAML with the Hub first and
never splits an upload into several commits, as ``upload_folder`` may with hf_xet installed); data
files left from an earlier release are deleted in that same commit; and the tag ``v<version>`` is
made last, on that commit, so a failure on the way leaves no release tagged. A version is released
once: if its tag exists, nothing is sent.

The token is resolved by huggingface_hub (``HF_TOKEN``, else the stored login) and is handed only to
the client; it is masked out of every message, should a server ever echo it.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triaxis.build import BuildError, write_dataset
from triaxis.croissant import CroissantError
from triaxis.models import Article, Claim

if TYPE_CHECKING:
    import pyarrow as pa

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Files an earlier release may have left that this one must not keep: data and charts. huggingface_hub
# matches these with fnmatch, where "*" also crosses "/", so "*.parquet" covers "claims/train.parquet".
STALE_PATTERNS = ("*.parquet", "*.arrow", "*.jsonl", "*.png", "*.svg")
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")
CHANGELOG = "CHANGELOG.md"


class PublishError(Exception):
    """A one-line reason to stop, with the exit code: 2 for bad usage, 1 for a failed release."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class UploadFile:
    """One file of the build as it will sit in the Hub repository."""

    path: str
    local: Path
    size: int
    sha256: str


@dataclass(frozen=True)
class Release:
    """What one ``publish`` sends: the files, where, and under which version."""

    repo_id: str
    version: str
    private: bool
    files: list[UploadFile]

    @property
    def commit_message(self) -> str:
        return f"Release {self.version}"

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    def describe(self) -> str:
        """The dry-run listing: repository, commit message, tag, then ``sha256  size  path`` per file."""
        visibility = "private" if self.private else "public"
        lines = [
            f"repository  {self.repo_id} (dataset; created {visibility} if missing)",
            f"commit      {self.commit_message}",
            f"tag         {self.tag}",
            f"delete      files matching {', '.join(STALE_PATTERNS)} that this release does not upload",
            f"upload      {len(self.files)} files, {sum(f.size for f in self.files)} bytes:",
        ]
        lines += [f"{f.sha256}  {f.size:>10}  {f.path}" for f in self.files]
        return "\n".join(lines)


# ---------------------------------------------------------------------------- settings and checks


def project_settings(records: Path) -> dict[str, Any]:
    """``[project]`` version and ``[tool.triaxis]`` of the pyproject.toml beside the records folder, if any."""
    path = records.resolve().parent / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PublishError(f"{path}: cannot be read ({exc})") from None
    return {"version": data.get("project", {}).get("version"), **data.get("tool", {}).get("triaxis", {})}


def check_repo_id(repo_id: str | None) -> str:
    if not repo_id:
        raise PublishError("no repository: pass --repo-id ORG/NAME or set [tool.triaxis] hub-repo-id", 2)
    if not REPO_ID.match(repo_id) or ".." in repo_id or "--" in repo_id:
        raise PublishError(f"{repo_id}: not a repository id of the form ORG/NAME", 2)
    return repo_id


def check_version(version: str, declared: str | None, records: Path) -> None:
    """The installed package, pyproject.toml and the changelog must all name the version being released."""
    if declared is not None and declared != version:
        raise PublishError(
            f"pyproject.toml declares {declared} but the installed package is {version}; reinstall it (pip install -e .)"
        )
    changelog = records / CHANGELOG
    if changelog.is_file() and f"## [{version}]" not in changelog.read_text(encoding="utf-8"):
        raise PublishError(f"{changelog}: no entry for {version}; add one before releasing it")


def resolve_token() -> str:
    """The token huggingface_hub would use (HF_TOKEN, else the stored login); exit 2 without one."""
    from huggingface_hub import get_token

    try:
        token = get_token()
    except Exception as exc:  # e.g. a failed OIDC exchange: any failure here is "no usable token"
        raise PublishError(f"no usable Hugging Face token ({type(exc).__name__})", 2) from None
    if not token:
        raise PublishError("no Hugging Face token: set HF_TOKEN or log in with `hf auth login`", 2)
    return token


# ---------------------------------------------------------------------------- building


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_files(folder: Path) -> list[UploadFile]:
    """Every file under ``folder``, sorted by its path in the repository."""
    paths = sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix())
    return [UploadFile(p.relative_to(folder).as_posix(), p, p.stat().st_size, sha256_of(p)) for p in paths]


def verify_loads(folder: Path, counts: dict[str, dict[str, int]]) -> None:
    """Load every config of the build with ``datasets`` and compare its split sizes with what was written."""
    from datasets import load_dataset
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()
    with tempfile.TemporaryDirectory(prefix="triaxis-verify-") as cache:
        for config, expected in counts.items():
            try:
                loaded = load_dataset(str(folder), config, cache_dir=cache)
            except Exception as exc:  # whatever datasets raises, the build is unusable
                raise PublishError(f"{folder}: config {config} does not load ({_first_line(exc)})") from None
            found = {split: loaded[split].num_rows for split in loaded}
            if found != expected:
                raise PublishError(f"{folder}: config {config} loads as {found}, expected {expected}")


@contextmanager
def built_release(
    articles: list[Article],
    claims: Sequence[Claim] | pa.Table,
    records: Path,
    repo_id: str,
    version: str,
    private: bool,
) -> Iterator[Release]:
    """Build into a temporary folder, check it loads, and yield the release; the folder goes afterwards."""
    with tempfile.TemporaryDirectory(prefix="triaxis-release-") as temporary:
        folder = Path(temporary) / "dataset"
        try:
            summary = write_dataset(articles, claims, folder, records=records)
        except (BuildError, CroissantError) as exc:
            raise PublishError(f"build failed: {_first_line(exc)}") from None
        except OSError as exc:
            raise PublishError(f"build failed: {exc.filename or folder}: {exc.strerror}") from None
        verify_loads(folder, summary.counts)
        yield Release(repo_id=repo_id, version=version, private=private, files=folder_files(folder))


# ---------------------------------------------------------------------------- uploading


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _hub_error(exc: Exception, repo_id: str, step: str) -> PublishError:
    from huggingface_hub.errors import HfHubHTTPError

    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        detail = exc.server_message or _first_line(exc)
        return PublishError(f"{repo_id}: the Hub refused to {step} (HTTP {exc.response.status_code}: {detail})")
    return PublishError(f"{repo_id}: could not {step} ({type(exc).__name__}: {_first_line(exc)})")


def upload(release: Release, token: str, endpoint: str | None = None) -> str:
    """Create the repository if needed, commit every file at once, tag the commit; return the commit id."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
    from huggingface_hub.utils import filter_repo_objects

    api = HfApi(endpoint=endpoint, token=token)
    repo_id, kind = release.repo_id, "dataset"
    step = "create the repository"
    try:
        api.create_repo(repo_id, repo_type=kind, private=release.private or None, exist_ok=True)
        step = "list the repository's tags"
        refs = api.list_repo_refs(repo_id, repo_type=kind)
        if release.tag in {tag.name for tag in refs.tags}:
            raise PublishError(f"{repo_id}: {release.tag} is already released; raise the version to publish again")
        head = next((b.target_commit for b in refs.branches if b.name == "main"), None)
        step = "list the repository's files"
        remote = api.list_repo_files(repo_id, repo_type=kind, revision=head) if head else []
        uploading = {f.path for f in release.files}
        stale = [p for p in filter_repo_objects(remote, allow_patterns=list(STALE_PATTERNS)) if p not in uploading]
        operations: list[Any] = [CommitOperationDelete(path_in_repo=p) for p in sorted(stale)]
        operations += [CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(f.local)) for f in release.files]
        step = "commit the release"
        commit = api.create_commit(
            repo_id,
            operations,
            commit_message=release.commit_message,
            repo_type=kind,
            parent_commit=head,
        )
        step = f"tag commit {commit.oid} as {release.tag} (the files are committed: run publish again to tag it)"
        api.create_tag(
            repo_id, tag=release.tag, tag_message=release.commit_message, revision=commit.oid, repo_type=kind
        )
    except PublishError:
        raise
    except Exception as exc:  # HTTP refusals, connection failures, invalid card metadata: one line each
        raise _hub_error(exc, repo_id, step) from None
    return commit.oid


def masked(message: str, token: str | None) -> str:
    """The message with the token replaced, in case a server or library ever echoes it."""
    return message.replace(token, "***") if token else message
