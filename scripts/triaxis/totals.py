"""What a release counts, defined once for ``stats``, ``diff``, the CHANGELOG check and the card.

A release publishes the reviewed claims that are not withdrawn, and the articles they come from.
Drafts (claims still waiting for their review) and withdrawn claims are counted apart, so that a
contributor's new draft, or a new article whose claims are drafts, does not change a release's
totals until a maintainer reviews them. The CHANGELOG states the released figures only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from triaxis.models import VERDICTS

REVIEWED = "reviewed"
_TOTALS_LINE = re.compile(
    r"^Totals: (?P<claims>\d+) claims? from (?P<articles>\d+) articles?: (?P<verdicts>[^;.]+)"
    r"(?:; (?P<withdrawn>\d+) withdrawn)?\.$",
    re.MULTILINE,
)


def release_state(withdrawn: object, status: object) -> str:
    """``withdrawn``, ``draft`` or ``released``: where a claim stands for the next release."""
    if withdrawn is not None:
        return "withdrawn"
    return "released" if status == REVIEWED else "draft"


def article_of(claim_id: str) -> str:
    """The article id a claim id starts with (``haq-2015-c001`` → ``haq-2015``)."""
    return claim_id.rsplit("-c", 1)[0]


def totals(claims: Iterable[tuple[Any, Any, Any, str]]) -> dict[str, Any]:
    """Totals of (verdict, withdrawn, review status, claim id) rows: released claims by verdict and the
    articles they come from; drafts and withdrawn claims apart."""
    states: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    articles: set[str] = set()
    for verdict, withdrawn, status, claim_id in claims:
        state = release_state(withdrawn, status)
        states[state] += 1
        if state == "released":
            verdicts[verdict] += 1
            articles.add(article_of(claim_id))
    return {
        "claims": states["released"],
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
        "drafts": states["draft"],
        "withdrawn": states["withdrawn"],
        "articles": len(articles),
    }


def released_figures(figures: dict[str, Any]) -> dict[str, Any]:
    """What a release holds, without the drafts waiting for review: what the CHANGELOG states."""
    return {key: value for key, value in figures.items() if key != "drafts"}


def record_totals(records: Path) -> dict[str, Any]:
    """The totals of the claim files under ``records`` as they are on disk (drafts and withdrawn apart)."""
    claims = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((records / "claims").glob("*/*.json"))]
    return totals(
        (c.get("verdict"), c.get("withdrawn"), (c.get("review") or {}).get("status"), c["id"]) for c in claims
    )


def totals_line(figures: dict[str, Any]) -> str:
    """The CHANGELOG's totals sentence (``parse_totals_line`` reads it back)."""
    verdicts = ", ".join(f"{figures['verdicts'][v]} {v}" for v in VERDICTS)
    articles = f"{figures['articles']} article" + ("" if figures["articles"] == 1 else "s")
    claims = f"{figures['claims']} claim" + ("" if figures["claims"] == 1 else "s")
    line = f"Totals: {claims} from {articles}: {verdicts}"
    if figures.get("withdrawn"):
        line += f"; {figures['withdrawn']} withdrawn"
    return line + "."


def parse_totals_line(text: str) -> dict[str, Any] | None:
    """The figures of the first totals sentence in ``text``, or None if it has none."""
    match = _TOTALS_LINE.search(text)
    if match is None:
        return None
    verdicts = {v: int(n) for n, v in re.findall(r"(\d+) ([a-z_]+)", match["verdicts"])}
    return {
        "claims": int(match["claims"]),
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS} if set(verdicts) <= set(VERDICTS) else verdicts,
        "withdrawn": int(match["withdrawn"] or 0),
        "articles": int(match["articles"]),
    }
