"""The canonical form of a record file, so that diffs show content and never formatting.

Canonical means: the model's key order, 2-space indent, UTF-8 without escapes, every
string in Unicode NFC, and one trailing newline.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from triaxis.models import Article, Claim


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: _nfc(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_nfc(inner) for inner in value]
    return value


def canonical_text(model: Article | Claim) -> str:
    """The exact text a record file must have."""
    return json.dumps(_nfc(model.model_dump(mode="json")), indent=2, ensure_ascii=False) + "\n"
