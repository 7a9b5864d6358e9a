"""`triaxis publish` through the real huggingface_hub client against a stand-in of the Hub on 127.0.0.1.

The stand-in answers the routes the client calls for a release (repos/create, refs, tree,
validate-yaml, preupload, commit, tag), keeps the repository's files and tags in memory, and records
every request, so the tests can assert what a release sends, in which order, and what a failure leaves.
It also answers the client's own unauthenticated, best-effort lookup of agent-harnesses (made at most
once a process to fill its user-agent header), which the assertions leave aside.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import huggingface_hub.constants
import pytest
import yaml
from typer.testing import CliRunner, Result

from conftest import REPO, VALID
from triaxis import __version__
from triaxis.cli import app

runner = CliRunner()
FAKE_TOKEN = "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0123456789"
REPO_ID = "triaxis-test/triaxis"
RELEASE_CALLS = [
    ("POST", "create"),
    ("GET", "refs"),
    ("GET", "tree"),
    ("POST", "validate-yaml"),
    ("POST", "preupload"),
    ("POST", "commit"),
    ("POST", "tag"),
]
ROUTES = {
    "agent-harnesses": re.compile(r"^/api/agent-harnesses$"),
    "create": re.compile(r"^/api/repos/create$"),
    "validate-yaml": re.compile(r"^/api/validate-yaml$"),
    "refs": re.compile(r"^/api/datasets/(?P<repo>[^/]+/[^/]+)/refs$"),
    "tree": re.compile(r"^/api/datasets/(?P<repo>[^/]+/[^/]+)/tree/(?P<rev>[^/]+)$"),
    "preupload": re.compile(r"^/api/datasets/(?P<repo>[^/]+/[^/]+)/preupload/(?P<rev>[^/]+)$"),
    "commit": re.compile(r"^/api/datasets/(?P<repo>[^/]+/[^/]+)/commit/(?P<rev>[^/]+)$"),
    "tag": re.compile(r"^/api/datasets/(?P<repo>[^/]+/[^/]+)/tag/(?P<rev>[^/]+)$"),
}


@dataclass
class Hub:
    """The state of the stand-in: one dataset repository, and what was asked of it."""

    url: str = ""
    exists: bool = False
    files: dict[str, bytes] = field(default_factory=dict)
    head: str = "0" * 40
    tags: dict[str, str] = field(default_factory=dict)
    fail: dict[str, int] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    authorizations: set[str] = field(default_factory=set)
    commits: list[dict[str, Any]] = field(default_factory=list)
    private: list[Any] = field(default_factory=list)

    @property
    def calls(self) -> list[tuple[str, str]]:
        """The requests of the release itself."""
        return [r for r in self.requests if r[1] != "agent-harnesses"]

    def seed(self, files: dict[str, bytes]) -> None:
        """A repository as an earlier release left it."""
        self.exists, self.files, self.head = True, dict(files), "1" * 40


class StandInHandler(BaseHTTPRequestHandler):
    hub: Hub  # set on the subclass made for each server

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().strip(), 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        hub, path = self.hub, urlsplit(self.path).path
        body = self._body() if method == "POST" else b""
        name, match = next(((n, m) for n, r in ROUTES.items() if (m := r.match(path))), ("unexpected", None))
        hub.requests.append((method, name if match else f"unexpected {path}"))
        if match is None:
            return self._reply(404, {"error": f"no route {method} {path}"})
        if name == "agent-harnesses":
            return self._reply(200, {"standardEnvVars": [], "harnesses": {}})
        hub.authorizations.add(self.headers.get("Authorization", ""))
        if self.headers.get("Authorization") != f"Bearer {FAKE_TOKEN}":
            return self._reply(401, {"error": "Invalid credentials"})
        if name in hub.fail:
            return self._reply(hub.fail[name], {"error": f"the stand-in fails {name} on purpose"})
        if "repo" in match.groupdict() and (match["repo"] != REPO_ID or not hub.exists):
            return self._reply(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
        getattr(self, f"_{name.replace('-', '_')}")(json.loads(body) if name != "commit" and body else body)

    def _create(self, payload: dict[str, Any]) -> None:
        assert f"{payload['organization']}/{payload['name']}" == REPO_ID and payload["type"] == "dataset"
        self.hub.private.append(payload.get("visibility"))
        if self.hub.exists:
            return self._reply(409, {"error": "You already created this dataset repo", "url": self._repo_url()})
        self.hub.exists, self.hub.files = True, {".gitattributes": b"*.parquet filter=lfs\n"}
        self.hub.head = "1" * 40
        self._reply(200, {"url": self._repo_url(), "name": REPO_ID})

    def _repo_url(self) -> str:
        return f"{self.hub.url}/datasets/{REPO_ID}"

    def _refs(self, _: Any) -> None:
        def ref(kind: str, name: str, target: str) -> dict[str, str]:
            return {"name": name, "ref": f"refs/{kind}/{name}", "targetCommit": target}

        self._reply(
            200,
            {
                "branches": [ref("heads", "main", self.hub.head)],
                "converts": [],
                "tags": [ref("tags", t, c) for t, c in self.hub.tags.items()],
            },
        )

    def _tree(self, _: Any) -> None:
        listing = [
            {"type": "file", "path": p, "size": len(c), "oid": "0" * 40} for p, c in sorted(self.hub.files.items())
        ]
        self._reply(200, listing)

    def _validate_yaml(self, payload: dict[str, Any]) -> None:
        content = payload["content"]
        front = content.split("---\n")[1] if content.startswith("---\n") else ""
        try:
            metadata = yaml.safe_load(front)
        except yaml.YAMLError as exc:
            return self._reply(400, {"errors": [{"message": str(exc)}], "warnings": []})
        if not isinstance(metadata, dict):
            return self._reply(400, {"errors": [{"message": "no YAML metadata"}], "warnings": []})
        self._reply(200, {"errors": [], "warnings": []})

    def _preupload(self, payload: dict[str, Any]) -> None:
        files = [
            {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": None} for f in payload["files"]
        ]
        self._reply(200, {"files": files, "commitOid": self.hub.head})

    def _commit(self, body: bytes) -> None:
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        header = next(line["value"] for line in lines if line["key"] == "header")
        if header.get("parentCommit") not in (None, self.hub.head):
            return self._reply(412, {"error": "A commit has happened since. Please refresh and try again."})
        added = {
            line["value"]["path"]: base64.b64decode(line["value"]["content"]) for line in lines if line["key"] == "file"
        }
        deleted = [line["value"]["path"] for line in lines if line["key"] == "deletedFile"]
        for path in deleted:
            del self.hub.files[path]
        self.hub.files.update(added)
        self.hub.head = hashlib.sha1(body).hexdigest()
        commit = {"header": header, "added": added, "deleted": deleted, "oid": self.hub.head}
        self.hub.commits.append(commit)
        self._reply(
            200,
            {"commitUrl": f"{self.hub.url}/datasets/{REPO_ID}/commit/{self.hub.head}", "commitOid": self.hub.head},
        )

    def _tag(self, payload: dict[str, Any]) -> None:
        revision = self.path.rsplit("/", 1)[1]
        if payload["tag"] in self.hub.tags:
            return self._reply(409, {"error": "Tag already exists"})
        assert revision == self.hub.head, "the tag must name the release commit"
        self.hub.tags[payload["tag"]] = revision
        self._reply(200, {})


@pytest.fixture
def hub() -> Iterator[Hub]:
    state = Hub()
    handler = type("Handler", (StandInHandler,), {"hub": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """Fixture records in a project folder with a changelog entry for the package version."""
    target = tmp_path / "project" / "records"
    shutil.copytree(VALID / "records", target)
    (target / "CHANGELOG.md").write_text(f"# Changelog\n\n## [{__version__}] - 2026-01-01\n", encoding="utf-8")
    return target


@pytest.fixture
def client(hub: Hub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Hub:
    """The in-process client points at the stand-in and holds only the fake token."""
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", hub.url)
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "no-stored-token"))
    # Where recent clients cache the registry they fetch from the endpoint; not the user's real cache.
    monkeypatch.setattr(
        huggingface_hub.constants, "AGENT_HARNESSES_PATH", str(tmp_path / "agent-harnesses.json"), raising=False
    )
    monkeypatch.setenv("HF_TOKEN", FAKE_TOKEN)
    monkeypatch.delenv("HF_OIDC_RESOURCE", raising=False)
    # A workflow may run the suite offline (HF_HUB_OFFLINE=1, read once at import); the stand-in Hub is local.
    for variable in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    return hub


def publish(records: Path, *args: str) -> Result:
    return runner.invoke(app, ["publish", "--repo-id", REPO_ID, "--records", str(records), *args])


def listing(output: str) -> dict[str, tuple[int, str]]:
    """path → (size, sha256) from the dry-run lines ``sha256  size  path``."""
    rows = re.findall(r"^([0-9a-f]{64}) +(\d+)  (\S+)$", output, re.MULTILINE)
    return {path: (int(size), sha) for sha, size, path in rows}


def test_dry_run_lists_the_upload_and_contacts_nothing(client: Hub, records: Path) -> None:
    result = publish(records, "--dry-run")
    assert result.exit_code == 0, result.output
    assert client.calls == []
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        f"repository  {REPO_ID} (dataset; created public if missing)",
        f"commit      Release {__version__}",
        f"tag         v{__version__}",
    ]
    files = listing(result.stdout)
    assert {"README.md", "claims/test.parquet", "evidence/test.parquet", "articles/train.parquet"} <= files.keys()
    assert any(path.endswith(".png") for path in files)
    assert f"upload      {len(files)} files, {sum(size for size, _ in files.values())} bytes:" in lines
    assert lines[-1] == "dry run: nothing was sent"


def test_release_is_one_commit_then_its_tag(client: Hub, records: Path) -> None:
    client.seed(
        {
            ".gitattributes": b"*.parquet filter=lfs\n",
            "README.md": b"---\nlicense: cc-by-4.0\n---\nold card\n",
            "claims/old_split.parquet": b"stale data",
            "images/old_chart.png": b"stale chart",
            "NOTES.txt": b"kept: not a data file",
        }
    )
    planned = listing(publish(records, "--dry-run").stdout)
    result = publish(records)
    assert result.exit_code == 0, result.output
    assert client.calls == RELEASE_CALLS, client.calls
    assert client.authorizations == {f"Bearer {FAKE_TOKEN}"}
    assert FAKE_TOKEN not in result.output
    (commit,) = client.commits
    assert commit["header"]["summary"] == f"Release {__version__}"
    assert commit["header"]["parentCommit"] == "1" * 40
    assert sorted(commit["deleted"]) == ["claims/old_split.parquet", "images/old_chart.png"]
    received = {path: (len(data), hashlib.sha256(data).hexdigest()) for path, data in commit["added"].items()}
    assert received == planned
    assert client.tags == {f"v{__version__}": commit["oid"]}
    assert set(client.files) == {".gitattributes", "NOTES.txt", *planned}
    assert f"released v{__version__}" in result.stdout and commit["oid"] in result.stdout


def test_a_released_version_is_refused_before_uploading(client: Hub, records: Path) -> None:
    assert publish(records).exit_code == 0
    client.requests.clear()
    again = publish(records)
    assert again.exit_code == 1
    assert again.stderr.strip() == f"{REPO_ID}: v{__version__} is already released; raise the version to publish again"
    assert client.calls == RELEASE_CALLS[:2]  # no file was sent
    assert len(client.commits) == 1


def test_private_repository(client: Hub, records: Path) -> None:
    assert publish(records, "--private").exit_code == 0
    assert client.private == ["private"]


@pytest.mark.parametrize(("failing", "status"), [("commit", 500), ("preupload", 403), ("validate-yaml", 400)])
def test_a_failure_midway_leaves_no_release_tagged(client: Hub, records: Path, failing: str, status: int) -> None:
    client.fail[failing] = status
    result = publish(records)
    assert result.exit_code == 1
    assert client.tags == {} and client.commits == []
    assert ("POST", "tag") not in client.calls
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in result.output
    assert message.startswith(f"{REPO_ID}: ")
    assert FAKE_TOKEN not in result.output


def test_commit_failure_message(client: Hub, records: Path) -> None:
    client.fail["commit"] = 500
    result = publish(records)
    assert result.stderr.strip() == (
        f"{REPO_ID}: the Hub refused to commit the release (HTTP 500: the stand-in fails commit on purpose)"
    )


def test_tag_failure_says_the_files_are_committed(client: Hub, records: Path) -> None:
    client.fail["tag"] = 503
    result = publish(records)
    assert result.exit_code == 1 and client.tags == {}
    oid = client.commits[0]["oid"]
    assert result.stderr.strip() == (
        f"{REPO_ID}: the Hub refused to tag commit {oid} as v{__version__} "
        "(the files are committed: run publish again to tag it) (HTTP 503: the stand-in fails tag on purpose)"
    )


def test_unreachable_hub_is_one_line(client: Hub, records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")  # discard port: refused
    result = publish(records)
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert message.startswith(f"{REPO_ID}: could not create the repository (")


def test_no_token_is_bad_usage(client: Hub, records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    result = publish(records)
    assert result.exit_code == 2
    assert result.stderr.strip() == "no Hugging Face token: set HF_TOKEN or log in with `hf auth login`"
    assert client.calls == []


def test_bad_repo_id_and_missing_changelog_entry(client: Hub, records: Path) -> None:
    bad = runner.invoke(app, ["publish", "--repo-id", "no-slash", "--records", str(records), "--dry-run"])
    assert bad.exit_code == 2 and bad.stderr.strip() == "no-slash: not a repository id of the form ORG/NAME"
    (records / "CHANGELOG.md").write_text("# Changelog\n\n## [0.0.1] - 2026-01-01\n", encoding="utf-8")
    stale = publish(records, "--dry-run")
    assert stale.exit_code == 1
    assert (
        stale.stderr.strip() == f"{records / 'CHANGELOG.md'}: no entry for {__version__}; add one before releasing it"
    )
    assert client.calls == []


def test_default_repository_comes_from_pyproject(client: Hub, records: Path) -> None:
    (records.parent / "pyproject.toml").write_text(
        f'[project]\nversion = "{__version__}"\n\n[tool.triaxis]\nhub-repo-id = "{REPO_ID}"\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["publish", "--records", str(records), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"repository  {REPO_ID} ")
    (records.parent / "pyproject.toml").write_text('[project]\nversion = "0.0.1"\n', encoding="utf-8")
    result = runner.invoke(app, ["publish", "--records", str(records), "--dry-run"])
    assert result.exit_code == 2
    assert "--repo-id" in result.stderr
    mismatch = publish(records, "--dry-run")  # pyproject.toml raised or lowered without reinstalling
    assert mismatch.exit_code == 1
    assert mismatch.stderr.strip() == (
        f"pyproject.toml declares 0.0.1 but the installed package is {__version__}; reinstall it (pip install -e .)"
    )


def test_release_through_hf_endpoint_in_a_fresh_process(hub: Hub, records: Path, tmp_path: Path) -> None:
    """The command as a user runs it: HF_ENDPOINT and HF_TOKEN in the environment, nothing patched."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    home = tmp_path / "hf-home"
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("HF_", "HUGGING_FACE", "TRIAXIS"))
    }
    environment.update(HF_ENDPOINT=hub.url, HF_TOKEN=FAKE_TOKEN, HF_HOME=str(home), TMPDIR=str(temporary))
    command = [sys.executable, "-m", "triaxis", "publish", "--repo-id", REPO_ID, "--records", str(records)]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert hub.calls == RELEASE_CALLS
    assert hub.tags == {f"v{__version__}": hub.commits[0]["oid"]}
    assert FAKE_TOKEN not in done.stdout + done.stderr
    for path in [*tmp_path.rglob("*")]:  # nothing written anywhere holds the token
        if path.is_file():
            assert FAKE_TOKEN.encode() not in path.read_bytes(), path
