"""Writing the dataset folder: parquet files per config and split, and the card.

The output depends only on the records, so identical input gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from datasets import Dataset
from datasets.utils.logging import disable_progress_bar

from triaxis.card import render_card
from triaxis.dataset import FEATURES, rows_by_split
from triaxis.models import Article, Claim


@dataclass
class BuildSummary:
    out: Path
    counts: dict[str, dict[str, int]]
    withdrawn: int


def write_dataset(articles: list[Article], claims: list[Claim], out: Path) -> BuildSummary:
    """Write every config's parquet files and README.md into ``out``."""
    disable_progress_bar()
    tables = rows_by_split(articles, claims)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, dict[str, int]] = {}
    for config, splits in tables.items():
        (out / config).mkdir(exist_ok=True)
        for stale in (out / config).glob("*.parquet"):
            if stale.stem not in splits:
                stale.unlink()
        for split, rows in splits.items():
            Dataset.from_list(rows, features=FEATURES[config]).to_parquet(str(out / config / f"{split}.parquet"))
            counts.setdefault(config, {})[split] = len(rows)
    (out / "README.md").write_text(render_card(articles, claims, tables), encoding="utf-8")
    return BuildSummary(out=out, counts=counts, withdrawn=sum(1 for c in claims if c.withdrawn))
