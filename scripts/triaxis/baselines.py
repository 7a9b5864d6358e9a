"""Reference baselines for the claim-verification task, shared by ``triaxis baselines`` and the card.

Placeholder contract (filled in by the baselines work): the card calls ``card_markdown``.
"""

from __future__ import annotations

from triaxis.models import Claim


def card_markdown(claims: list[Claim]) -> str:
    """Markdown section with baseline scores for the card (empty until implemented)."""
    return ""
