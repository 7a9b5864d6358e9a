"""Descriptive statistics of the dataset, shared by ``triaxis stats`` and the dataset card.

Placeholder contract (filled in by the statistics work): the card calls these two functions.
"""

from __future__ import annotations

from pathlib import Path

from triaxis.models import Article, Claim


def card_markdown(articles: list[Article], claims: list[Claim]) -> str:
    """Markdown statistics tables for the card (empty until implemented)."""
    return ""


def write_charts(articles: list[Article], claims: list[Claim], out_dir: Path) -> list[Path]:
    """Write PNG charts into ``out_dir`` and return their paths (none until implemented)."""
    return []
