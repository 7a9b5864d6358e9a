"""Descriptive statistics of the dataset, shared by ``triaxis stats`` and the dataset card.

The tables are computed once as plain rows and rendered twice (rich in the terminal, Markdown in
the card), so the two never disagree. They describe the released claims: every claim that is not
withdrawn, drafts included, as in the build. Charts are PNG files that must come out byte-identical
on every build, so they are drawn with matplotlib's default style, a fixed size and resolution, and
no software or date metadata.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from triaxis.models import SPLITS, VERDICTS, Article, Claim

TOP_PUBLISHERS = 10
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


def live_claims(claims: Sequence[Claim]) -> list[Claim]:
    return [c for c in claims if c.withdrawn is None]


def tables(articles: Sequence[Article], claims: Sequence[Claim], top: int = TOP_PUBLISHERS) -> list[StatTable]:
    """Every statistics table, in the order the terminal and the card show them."""
    live = live_claims(claims)
    total = len(live)
    article_ids = sorted({a.id for a in articles} | {c.article_id for c in live})
    per_article = Counter(c.article_id for c in live)
    verdict_article = Counter((c.article_id, c.verdict) for c in live)
    verdicts = Counter(c.verdict for c in live)
    evidence_counts = Counter(len(c.evidence) for c in live)
    split_verdict = Counter((c.split, c.verdict) for c in live)
    splits = Counter(c.split for c in live)
    publisher_items: Counter[str] = Counter()
    publisher_claims: Counter[str] = Counter()
    for claim in live:
        publisher_items.update(e.publisher for e in claim.evidence)
        publisher_claims.update({e.publisher for e in claim.evidence})
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
                for t, n in sorted(Counter(c.claim_type for c in live).items(), key=lambda kv: (-kv[1], kv[0]))
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


def card_markdown(articles: list[Article], claims: list[Claim]) -> str:
    """The statistics tables as Markdown, each under a level-3 heading; no top heading and no chart links."""
    return "\n\n".join(f"### {t.title}\n\n{markdown_table(t)}" for t in tables(articles, claims)) + "\n"


def _save(figure: Figure, path: Path) -> Path:
    FigureCanvasAgg(figure)
    figure.savefig(path, format="png", dpi=CHART_DPI, metadata=PNG_METADATA)
    return path


def _verdict_chart(live: list[Claim]) -> Figure:
    counts = Counter(c.verdict for c in live)
    figure = Figure(figsize=CHART_SIZE, layout="constrained")
    axes = figure.add_subplot()
    bars = axes.bar(list(VERDICTS), [counts[v] for v in VERDICTS], color=[VERDICT_COLOURS[v] for v in VERDICTS])
    axes.bar_label(bars)
    axes.margins(y=0.1)
    axes.set_ylabel("claims")
    axes.set_title(f"Verdicts ({len(live)} claims)")
    return figure


def _verdict_by_article_chart(articles: Sequence[Article], live: list[Claim]) -> Figure:
    article_ids = sorted({a.id for a in articles} | {c.article_id for c in live})
    counts = Counter((c.article_id, c.verdict) for c in live)
    figure = Figure(figsize=CHART_SIZE, layout="constrained")
    axes = figure.add_subplot()
    left = [0] * len(article_ids)
    for verdict in VERDICTS:
        widths = [counts[a, verdict] for a in article_ids]
        axes.barh(article_ids, widths, left=left, label=verdict, color=VERDICT_COLOURS[verdict])
        left = [x + w for x, w in zip(left, widths, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("claims")
    axes.set_title("Verdicts per article")
    figure.legend(loc="outside lower center", ncols=len(VERDICTS), fontsize="small")
    return figure


def _evidence_chart(live: list[Claim]) -> Figure:
    counts = Counter(len(c.evidence) for c in live)
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


def write_charts(articles: list[Article], claims: list[Claim], out_dir: Path) -> list[Path]:
    """Write the PNG charts (named in CHART_FILES, verdict distribution first) and return their paths."""
    live = live_claims(claims)
    out_dir.mkdir(parents=True, exist_ok=True)
    with matplotlib.style.context("default"):
        figures = [_verdict_chart(live), _verdict_by_article_chart(articles, live), _evidence_chart(live)]
        return [_save(figure, out_dir / name) for figure, name in zip(figures, CHART_FILES, strict=True)]
