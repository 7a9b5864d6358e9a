"""Problems found in record files, and the three ways of printing them.

Every problem a user can cause ends up as one of these, so that each is one located
line (``path:line:col: CODE message``) and never a traceback. Most problems are errors,
which fail validation; a warning (such as a restatement very close to another claim's) is
shown the same way, for a reviewer to judge, but does not fail it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

OutputFormat = Literal["text", "json", "github"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem. Lines and columns are 1-based, as editors show them."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = "error"

    def as_text(self) -> str:
        marker = " warning:" if self.severity == "warning" else ""
        return f"{self.path}:{self.line}:{self.col}: {self.code}{marker} {self.message}"

    def as_github(self) -> str:
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.severity} file={self.path},line={self.line},col={self.col},title={self.code}::{message}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that fail validation (warnings left out)."""
    return [p for p in problems if p.severity == "error"]


def summary(problems: list[Problem], checked_files: int) -> str:
    """One line: how many problems, how many of them errors and warnings, in how many files."""
    failing = len(errors(problems))
    return (
        f"{len(problems)} problem(s) ({failing} error(s), {len(problems) - failing} warning(s)) "
        f"in {len({p.path for p in problems})} of {checked_files} file(s)"
    )


def render(problems: list[Problem], output_format: OutputFormat, checked_files: int, quiet: bool = False) -> str:
    """Render problems with a summary, sorted by place so that output is stable (``quiet``: text lines, no summary)."""
    ordered = sorted(problems)
    if output_format == "json":
        failing = len(errors(ordered))
        report = {
            "files": checked_files,
            "errors": failing,
            "warnings": len(ordered) - failing,
            "problems": [asdict(p) for p in ordered],
        }
        return json.dumps(report, ensure_ascii=False, indent=2)
    last = [] if quiet else [summary(ordered, checked_files)]
    if output_format == "github":
        return "\n".join([p.as_github() for p in ordered] + last)
    return "\n".join([p.as_text() for p in ordered] + last)
