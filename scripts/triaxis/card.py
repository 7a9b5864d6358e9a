"""The dataset card (README.md of the build), rendered with huggingface_hub.

Everything in it is derived from the records and the features, so the card cannot
disagree with the data. Text taken from records is escaped before it reaches Markdown.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from datasets import DatasetInfo, Features, SplitDict, SplitInfo
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard, DatasetCardData

from triaxis import __version__
from triaxis.agreement import compute, markdown
from triaxis.dataset import CONFIGS, FEATURES, FIELD_DOCS
from triaxis.models import SPLITS, VERDICTS, Article, Claim

LICENSE = "cc-by-4.0"
PRETTY_NAME = "TriAxis: fact-checked claims on the Russia–Pakistan–China alignment"


def escape_markdown(text: str) -> str:
    """Make record text inert inside a Markdown table cell."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~])", r"\\\1", text)


def size_category(count: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if count < limit:
            return label
    return "n>1M"


def card_data(tables: dict[str, dict[str, list[dict[str, Any]]]]) -> DatasetCardData:
    """YAML metadata: configs with their files, and each config's features and split sizes."""
    claims_total = sum(len(rows) for rows in tables.get("claims", {}).values())
    data = DatasetCardData(
        license=LICENSE,
        language=["en"],
        pretty_name=PRETTY_NAME,
        task_categories=["text-classification"],
        task_ids=["fact-checking"],
        size_categories=[size_category(claims_total)],
        annotations_creators=["expert-generated"],
        source_datasets=["original"],
        configs=[
            {
                "config_name": config,
                "default": config == "claims",
                "data_files": [{"split": s, "path": f"{config}/{s}.parquet"} for s in tables[config]],
            }
            for config in CONFIGS
            if config in tables
        ],
    )
    infos = DatasetInfosDict()
    for config, rows_by_split in tables.items():
        splits = SplitDict()
        for split, rows in rows_by_split.items():
            splits.add(SplitInfo(name=split, num_examples=len(rows)))
        infos[config] = DatasetInfo(features=FEATURES[config], splits=splits, config_name=config)
    infos.to_dataset_card_data(data)
    return data


def _feature_lines(features: Features) -> str:
    return "\n".join(f"- `{name}`: {feature}" for name, feature in features.items())


def card_body(articles: list[Article], claims: list[Claim], tables: dict[str, dict[str, list[dict[str, Any]]]]) -> str:
    live = [c for c in claims if c.withdrawn is None]
    per_article = Counter(c.article_id for c in live)
    verdicts = Counter(c.verdict for c in live)
    article_rows = "\n".join(
        f"| `{a.id}` | {escape_markdown(a.title)} | {escape_markdown(a.publisher)} | {a.published.date} | {per_article[a.id]} |"
        for a in sorted(articles, key=lambda a: a.id)
    )
    verdict_rows = "\n".join(f"| `{v}` | {verdicts[v]} |" for v in VERDICTS)
    split_rows = "\n".join(
        f"| {s} | {len(tables.get('claims', {}).get(s, []))} | {len(tables.get('evidence', {}).get(s, []))} |"
        for s in SPLITS
    )
    structure = "\n\n".join(
        f"### `{config}`\n\n{FIELD_DOCS[config]}.\n\n{_feature_lines(FEATURES[config])}" for config in CONFIGS
    )
    return f"""
# {PRETTY_NAME}

TriAxis is a fact-checking dataset: every checkable factual claim in five English-language
articles (2012–2022) on relations between Russia, Pakistan and China, quoted verbatim with its
character span, restated so that it stands alone, attributed to its claimant, dated, and given a
verdict (`supported`, `refuted`, `misleading`, `not_enough_evidence`) with a justification and
dated evidence links. Version {__version__}; {len(live)} claims from {len(articles)} articles.

## Loading

```python
from datasets import load_dataset

claims = load_dataset("path/to/this/folder")              # default config: claims
evidence = load_dataset("path/to/this/folder", "evidence")
articles = load_dataset("path/to/this/folder", "articles")
```

## Articles

| id | title | publisher | published | claims |
|---|---|---|---|---|
{article_rows}

## Verdicts

| verdict | claims |
|---|---|
{verdict_rows}

## Splits

Each claim's split is stored in its record; claims linked as the same or conflicting fact share a
split, and new claims never move old ones.

| split | claims | evidence rows |
|---|---|---|
{split_rows}

## Agreement

{markdown(compute(claims))}

## Structure

Dates of reduced precision are stored as their first day, with the precision (`day`, `month`,
`year`) in the column beside them.

{structure}

## Licence

The annotations (restatements, verdicts, justifications, evidence summaries and metadata) are
released under CC BY 4.0. The `quote` fields are short verbatim excerpts from copyrighted articles,
included for verification and research; the article texts themselves are not redistributed, and
each article is identified by the SHA-256 of its text file.
"""


def render_card(
    articles: list[Article], claims: list[Claim], tables: dict[str, dict[str, list[dict[str, Any]]]]
) -> str:
    card = DatasetCard.from_template(
        card_data(tables),
        template_str="---\n{{ card_data }}\n---\n{{ body }}",
        body=card_body(articles, claims, tables),
    )
    return str(card.content).rstrip("\n") + "\n"
