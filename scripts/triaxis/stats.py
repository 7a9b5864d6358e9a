"""Descriptive statistics of the dataset, shared by ``triaxis stats`` and the dataset card.

The tables are computed once as plain rows and rendered twice (rich in the terminal, Markdown in
the card), so the two never disagree. They describe the claims a build releases (``triaxis.totals``):
the reviewed claims that are not withdrawn, and the drafts too only where the build includes them. Charts are PNG files that must come out byte-identical
on every build, so they are drawn with matplotlib's default style, a fixed size and resolution, and
no software or date metadata.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.style
import pyarrow as pa
import pyarrow.compute as pc
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from triaxis.columns import live
from triaxis.models import SPLITS, VERDICTS, Article, Claim
from triaxis.table import claims_table

TOP_PUBLISHERS = 10
# The per-article chart shows at most this many articles (those with the most claims): more bars are unreadable.
TOP_ARTICLES = 30
CHART_SIZE = (7.0, 4.0)
CHART_DPI = 100
PNG_METADATA: dict[str, str | None] = {"Software": None}
VERDICT_COLOURS = {
    "supported": "#4c8c4a",
    "refuted": "#b5473a",
    "misleading": "#d19a2a",
    "not_enough_evidence": "#8a8a8a",
}


@dataclass(frozen=True)
class StatTable:
    """One table: a title, column headers, and rows of cells already formatted as text."""

    title: str
    headers: list[str]
    rows: list[list[str]]


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "–"


@dataclass(frozen=True)
class LiveClaims:
    """What the statistics and charts count of the claims that are not withdrawn.

    Counted once from the claims table, grouped by Arrow: as Python lists and ``Counter`` over them,
    200,000 claims took most of a second.
    """

    total: int
    article_verdict: Counter[tuple[str, str]]
    split_verdict: Counter[tuple[str, str]]
    claim_types: Counter[str]
    evidence_counts: Counter[int]  # claims by their number of evidence items
    publisher_items: Counter[str]  # evidence items by publisher
    publisher_claims: Counter[str]  # claims citing each publisher at least once

    @classmethod
    def of(cls, claims: Sequence[Claim] | pa.Table) -> LiveClaims:
        table = live(claims_table(claims))
        evidence = table["evidence"].combine_chunks()
        publishers = pa.table(
            {"claim": evidence.value_parent_indices(), "publisher": evidence.flatten().field("publisher")}
        )
        return cls(
            total=table.num_rows,
            article_verdict=_counted(table.select(["article_id", "verdict"])),
            split_verdict=_counted(table.select(["split", "verdict"])),
            claim_types=_counted(table.select(["claim_type"])),
            evidence_counts=_counted(pa.table({"items": pc.list_value_length(evidence)})),
            publisher_items=_counted(publishers.select(["publisher"])),
            publisher_claims=_counted(publishers.group_by(["claim", "publisher"]).aggregate([]).select(["publisher"])),
        )

    def __len__(self) -> int:
        return self.total

    @property
    def articles(self) -> Counter[str]:
        return _marginal(self.article_verdict, 0)

    @property
    def verdicts(self) -> Counter[str]:
        return _marginal(self.article_verdict, 1)

    @property
    def splits(self) -> Counter[str]:
        return _marginal(self.split_verdict, 0)


def _counted(table: pa.Table) -> Counter:
    """How many rows have each combination of the table's values (each value, for one column)."""
    names = table.column_names
    grouped = table.group_by(names, use_threads=False).aggregate([([], "count_all")])
    values = [grouped[name].to_pylist() for name in names]
    keys = values[0] if len(names) == 1 else list(zip(*values, strict=True))
    return Counter(dict(zip(keys, grouped["count_all"].to_pylist(), strict=True)))


def _marginal(pairs: Counter[tuple[str, str]], side: int) -> Counter[str]:
    totals: Counter[str] = Counter()
    for pair, count in pairs.items():
        totals[pair[side]] += count
    return totals


def tables(
    articles: Sequence[Article], claims: Sequence[Claim] | pa.Table | LiveClaims, top: int = TOP_PUBLISHERS
) -> list[StatTable]:
    """Every statistics table, in the order the terminal and the card show them."""
    live = claims if isinstance(claims, LiveClaims) else LiveClaims.of(claims)
    total = len(live)
    per_article = live.articles
    article_ids = sorted({a.id for a in articles} | set(per_article))
    verdict_article = live.article_verdict
    verdicts = live.verdicts
    evidence_counts = live.evidence_counts
    split_verdict = live.split_verdict
    splits = live.splits
    publisher_items = live.publisher_items
    publisher_claims = live.publisher_claims
    evidence_total = sum(publisher_items.values())
    top_publishers = sorted(publisher_items, key=lambda p: (-publisher_items[p], p))[:top]
    return [
        StatTable(
            "Claims per article",
            ["article", "claims", "share"],
            [[a, str(per_article[a]), _share(per_article[a], total)] for a in article_ids]
            + [["total", str(total), _share(total, total)]],
        ),
        StatTable(
            "Verdict × article",
            ["article", *VERDICTS, "total"],
            [[a, *(str(verdict_article[a, v]) for v in VERDICTS), str(per_article[a])] for a in article_ids]
            + [["total", *(str(verdicts[v]) for v in VERDICTS), str(total)]],
        ),
        StatTable(
            "Claim types",
            ["claim type", "claims", "share"],
            [
                [t, str(n), _share(n, total)]
                for t, n in sorted(live.claim_types.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        ),
        StatTable(
            "Evidence per claim",
            ["evidence items", "claims", "share"],
            [[str(k), str(evidence_counts[k]), _share(evidence_counts[k], total)] for k in sorted(evidence_counts)]
            + [["mean", f"{evidence_total / total:.2f}" if total else "–", ""]],
        ),
        StatTable(
            f"Evidence publishers (top {top} of {len(publisher_items)})",
            ["publisher", "evidence items", "claims citing it"],
            [[p, str(publisher_items[p]), str(publisher_claims[p])] for p in top_publishers],
        ),
        StatTable(
            "Claims per split",
            ["split", *VERDICTS, "total", "share"],
            [
                [s, *(str(split_verdict[s, v]) for v in VERDICTS), str(splits[s]), _share(splits[s], total)]
                for s in SPLITS
            ],
        ),
    ]


def markdown_table(table: StatTable) -> str:
    # Imported here because the card module imports this one to build its statistics section.
    from triaxis.card import escape_markdown

    lines = [
        "| " + " | ".join(escape_markdown(h) for h in table.headers) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(table.headers))) + "|",
    ]
    lines += ["| " + " | ".join(escape_markdown(cell) or " " for cell in row) + " |" for row in table.rows]
    return "\n".join(lines)


def card_markdown(articles: list[Article], claims: Sequence[Claim] | pa.Table | LiveClaims) -> str:
    """The statistics tables as Markdown, each under a level-3 heading; no top heading and no chart links."""
    return "\n\n".join(f"### {t.title}\n\n{markdown_table(t)}" for t in tables(articles, claims)) + "\n"


def _save(figure: Figure, path: Path) -> Path:
    FigureCanvasAgg(figure)
    figure.savefig(path, format="png", dpi=CHART_DPI, metadata=PNG_METADATA)
    return path


def _verdict_chart(live: LiveClaims) -> Figure:
    counts = live.verdicts
    figure = Figure(figsize=CHART_SIZE, layout="constrained")
    axes = figure.add_subplot()
    bars = axes.bar(list(VERDICTS), [counts[v] for v in VERDICTS], color=[VERDICT_COLOURS[v] for v in VERDICTS])
    axes.bar_label(bars)
    axes.margins(y=0.1)
    axes.set_ylabel("claims")
    axes.set_title(f"Verdicts ({len(live)} claims)")
    return figure


def _verdict_by_article_chart(articles: Sequence[Article], live: LiveClaims) -> Figure:
    per_article = live.articles
    every = sorted({a.id for a in articles} | set(per_article))
    article_ids = sorted(sorted(every, key=lambda a: -per_article[a])[:TOP_ARTICLES])
    counts = live.article_verdict
    figure = Figure(figsize=CHART_SIZE, layout="constrained")
    axes = figure.add_subplot()
    left = [0] * len(article_ids)
    for verdict in VERDICTS:
        widths = [counts[a, verdict] for a in article_ids]
        axes.barh(article_ids, widths, left=left, label=verdict, color=VERDICT_COLOURS[verdict])
        left = [x + w for x, w in zip(left, widths, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("claims")
    shown = "" if len(article_ids) == len(every) else f" (the {len(article_ids)} of {len(every)} with most claims)"
    axes.set_title(f"Verdicts per article{shown}")
    figure.legend(loc="outside lower center", ncols=len(VERDICTS), fontsize="small")
    return figure


def _evidence_chart(live: LiveClaims) -> Figure:
    counts = live.evidence_counts
    sizes = list(range(max(counts, default=0) + 1))
    figure = Figure(figsize=CHART_SIZE, layout="constrained")
    axes = figure.add_subplot()
    axes.bar(sizes, [counts[k] for k in sizes], color="#4a6fa5")
    axes.set_xticks(sizes)
    axes.set_xlabel("evidence items per claim")
    axes.set_ylabel("claims")
    axes.set_title("Evidence per claim")
    return figure


CHART_FILES = ("verdicts.png", "verdicts_by_article.png", "evidence_per_claim.png")


def write_charts(articles: list[Article], claims: Sequence[Claim] | pa.Table | LiveClaims, out_dir: Path) -> list[Path]:
    """Write the PNG charts (named in CHART_FILES, verdict distribution first) and return their paths."""
    live = claims if isinstance(claims, LiveClaims) else LiveClaims.of(claims)
    out_dir.mkdir(parents=True, exist_ok=True)
    with matplotlib.style.context("default"):
        figures = [_verdict_chart(live), _verdict_by_article_chart(articles, live), _evidence_chart(live)]
        return [_save(figure, out_dir / name) for figure, name in zip(figures, CHART_FILES, strict=True)]
