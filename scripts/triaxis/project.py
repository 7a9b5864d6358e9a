"""Project metadata kept in one place each: pyproject.toml (version, Hub repository) and CITATION.cff.

The card, Croissant metadata and release tools read these files instead of repeating their values,
so a new version or repository is typed once. Both files sit at the top of the repository, beside
``records/``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
HUB_DATASETS = "https://huggingface.co/datasets/"


class ProjectFileError(Exception):
    """A project metadata file is missing or malformed; the message names the file."""


def project_file(name: str, records: Path | None = None) -> Path | None:
    """The project file ``name``: beside the records folder, else in the working directory (a checkout
    where the tools run), else in the source tree of an editable install of this package."""
    candidates = ([records.resolve().parent / name] if records else []) + [Path.cwd() / name, PACKAGE_ROOT / name]
    return next((path for path in candidates if path.is_file()), None)


def pyproject(records: Path | None = None) -> dict[str, Any]:
    path = project_file("pyproject.toml", records)
    if path is None:
        raise ProjectFileError("pyproject.toml: not found beside the records or the package")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProjectFileError(f"{path}: {exc}") from None


def hub_repo_id(records: Path | None = None) -> str:
    """The dataset's repository on the Hub, from ``[tool.triaxis] hub-repo-id``."""
    value = pyproject(records).get("tool", {}).get("triaxis", {}).get("hub-repo-id")
    if not isinstance(value, str) or not re.fullmatch(r"[\w.-]+/[\w.-]+", value):
        raise ProjectFileError("pyproject.toml: [tool.triaxis] hub-repo-id must be set to ORG/NAME")
    return value


def hub_url(repo_id: str) -> str:
    return HUB_DATASETS + repo_id


@dataclass(frozen=True)
class Citation:
    """The fields of CITATION.cff that the card and Croissant metadata reuse."""

    title: str
    authors: tuple[str, ...]
    version: str
    date_released: str
    license: str
    repository: str
    abstract: str

    @property
    def year(self) -> str:
        return self.date_released[:4]

    def bibtex(self) -> str:
        """A BibTeX entry derived from the CFF fields; organisations are braced so BibTeX keeps them whole."""
        key = re.sub(r"[^a-z0-9]", "", self.title.split(":")[0].lower()) + self.year
        authors = " and ".join("{" + _bibtex_escape(name) + "}" for name in self.authors)
        fields = {
            "title": "{" + _bibtex_escape(self.title) + "}",
            "author": authors,
            "year": self.year,
            "version": _bibtex_escape(self.version),
            "url": self.repository,
            "note": "Dataset, licence " + _bibtex_escape(self.license),
        }
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
        return f"@misc{{{key},\n{body}\n}}"


def _bibtex_escape(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def _author_name(entry: Any) -> str:
    if not isinstance(entry, dict):
        raise ProjectFileError("CITATION.cff: every author must be a mapping")
    if "name" in entry:
        return str(entry["name"])
    parts = [entry.get("given-names"), entry.get("name-particle"), entry.get("family-names"), entry.get("name-suffix")]
    name = " ".join(str(p) for p in parts if p)
    if not name:
        raise ProjectFileError("CITATION.cff: an author has neither name nor family-names")
    return name


def read_citation(path: Path) -> Citation:
    """Parse CITATION.cff; a missing required field is one error naming the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProjectFileError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise ProjectFileError(f"{path}: not a YAML mapping")
    required = ("title", "authors", "version", "date-released", "license", "repository", "abstract")
    missing = [name for name in required if not data.get(name)]
    if missing:
        raise ProjectFileError(f"{path}: missing {', '.join(missing)}")
    return Citation(
        title=str(data["title"]),
        authors=tuple(_author_name(a) for a in data["authors"]),
        version=str(data["version"]),
        # YAML reads an unquoted date as a date object; str() gives ISO 8601 either way.
        date_released=str(data["date-released"]),
        license=str(data["license"]),
        repository=str(data["repository"]),
        abstract=re.sub(r"\s+", " ", str(data["abstract"])).strip(),
    )


def citation(records: Path | None = None) -> Citation:
    path = project_file("CITATION.cff", records)
    if path is None:
        raise ProjectFileError("CITATION.cff: not found beside the records or the package")
    return read_citation(path)
