"""Problems found in record files, and the three ways of printing them.

Every problem a user can cause ends up as one of these, so that each is one located
line (``path:line:col: CODE message``) and never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

OutputFormat = Literal["text", "json", "github"]


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem. Lines and columns are 1-based, as editors show them."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def as_text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"

    def as_github(self) -> str:
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line},col={self.col},title={self.code}::{message}"


def render(problems: list[Problem], output_format: OutputFormat, checked_files: int) -> str:
    """Render problems with a summary, sorted by place so that output is stable."""
    ordered = sorted(problems)
    summary = f"{len(ordered)} problem(s) in {len({p.path for p in ordered})} of {checked_files} file(s)"
    if output_format == "json":
        return json.dumps(
            {"files": checked_files, "problems": [asdict(p) for p in ordered]}, ensure_ascii=False, indent=2
        )
    if output_format == "github":
        return "\n".join([p.as_github() for p in ordered] + [summary])
    return "\n".join([p.as_text() for p in ordered] + [summary])
