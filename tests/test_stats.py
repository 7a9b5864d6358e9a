"""Statistics: tables that add up to the records, escaped Markdown for the card, byte-identical charts."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from conftest import REPO
from triaxis.cli import app
from triaxis.cli_common import valid_records
from triaxis.models import SPLITS, VERDICTS, Article, Claim, Withdrawal
from triaxis.stats import (
    CHART_FILES,
    TOP_ARTICLES,
    LiveClaims,
    StatTable,
    _verdict_by_article_chart,
    card_markdown,
    tables,
    write_charts,
)

runner = CliRunner()
RECORDS = REPO / "records"


@functools.cache
def real_records() -> tuple[list[Article], list[Claim]]:
    return valid_records(RECORDS)


def by_title(found: list[StatTable]) -> dict[str, StatTable]:
    return {t.title.split(" (")[0]: t for t in found}


def test_tables_add_up_to_the_released_claims() -> None:
    articles, claims = real_records()
    live = [c for c in claims if c.withdrawn is None]
    found = by_title(tables(articles, claims))
    assert list(found) == [
        "Claims per article",
        "Verdict × article",
        "Claim types",
        "Evidence per claim",
        "Evidence publishers",
        "Claims per split",
    ]
    per_article = {row[0]: int(row[1]) for row in found["Claims per article"].rows}
    assert per_article.pop("total") == len(live)
    assert per_article == Counter(c.article_id for c in live)

    matrix = found["Verdict × article"]
    assert matrix.headers == ["article", *VERDICTS, "total"]
    total_row = matrix.rows[-1]
    assert total_row == ["total", *(str(sum(c.verdict == v for c in live)) for v in VERDICTS), str(len(live))]
    for row in matrix.rows[:-1]:
        assert sum(int(x) for x in row[1:-1]) == int(row[-1]) == per_article[row[0]]

    assert {r[0]: int(r[1]) for r in found["Claim types"].rows} == Counter(c.claim_type for c in live)
    evidence_rows = found["Evidence per claim"].rows
    assert {int(r[0]): int(r[1]) for r in evidence_rows[:-1]} == Counter(len(c.evidence) for c in live)
    assert evidence_rows[-1][:2] == ["mean", f"{sum(len(c.evidence) for c in live) / len(live):.2f}"]

    publishers = found["Evidence publishers"].rows
    counts = Counter(e.publisher for c in live for e in c.evidence)
    assert len(publishers) == 10
    assert [int(r[1]) for r in publishers] == sorted((n for n in counts.values()), reverse=True)[:10]

    splits = found["Claims per split"]
    assert [r[0] for r in splits.rows] == list(SPLITS)
    assert [int(r[-2]) for r in splits.rows] == [sum(c.split == s for c in live) for s in SPLITS]


def test_withdrawn_claims_are_not_counted(records: Path) -> None:
    articles, claims = valid_records(records)
    withdrawn = [claims[0].model_copy(update={"withdrawn": Withdrawal(on="2026-11-02", reason="x", replaced_by=None)})]
    before = by_title(tables(articles, claims))["Claims per article"].rows
    after = by_title(tables(articles, withdrawn + claims[1:]))["Claims per article"].rows
    assert before[-1] == ["total", "3", "100.0%"] and after[-1] == ["total", "2", "100.0%"]


def test_card_markdown_escapes_text_from_records(records: Path) -> None:
    articles, claims = valid_records(records)
    evil = "Evil | *publisher* <b>"
    index, first = next((i, c) for i, c in enumerate(claims) if c.evidence)
    claims[index] = first.model_copy(update={"evidence": [first.evidence[0].model_copy(update={"publisher": evil})]})
    text = card_markdown(articles, claims)
    assert evil not in text
    assert r"Evil \| \*publisher\* \<b\>" in text
    publisher_table = text.split("### Evidence publishers")[1].split("###")[0]
    cells = [len(re.findall(r"(?<!\\)\|", line)) for line in publisher_table.splitlines() if line.startswith("|")]
    assert cells == [4] * len(cells), "an escaped pipe must not add a column"
    assert text.startswith("### Claims per article\n")
    assert "](" not in text, "the statistics section links nothing itself"


def test_charts_are_byte_identical_pngs_without_software_metadata(tmp_path: Path) -> None:
    articles, claims = real_records()
    first = write_charts(articles, claims, tmp_path / "a")
    second = write_charts(articles, claims, tmp_path / "b")
    assert [p.name for p in first] == list(CHART_FILES) and CHART_FILES[0] == "verdicts.png"
    for one, other in zip(first, second, strict=True):
        data = one.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert data == other.read_bytes()
        assert b"Software" not in data and b"matplotlib" not in data.lower()


def test_stats_command_prints_tables_and_writes_charts(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--records", str(RECORDS), "--plot", str(tmp_path), "--top", "3"])
    assert result.exit_code == 0, result.output
    for title in ("Claims per article", "Verdict × article", "Claim types", "Evidence per claim", "Claims per split"):
        assert title in result.stdout
    assert "Evidence publishers (top 3 of" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(CHART_FILES)


def test_per_article_chart_keeps_the_articles_with_most_claims() -> None:
    articles = [f"article-{n:02d}" for n in range(40)]
    # article-00 has 1 claim, article-39 has 40: the chart keeps article-10 … article-39.
    article_id = [a for n, a in enumerate(articles) for _ in range(n + 1)]
    verdicts = [VERDICTS[n % len(VERDICTS)] for n in range(len(article_id))]
    live = LiveClaims(
        total=len(article_id),
        article_verdict=Counter(zip(article_id, verdicts, strict=True)),
        split_verdict=Counter(("train", v) for v in verdicts),
        claim_types=Counter({"event": len(article_id)}),
        evidence_counts=Counter({0: len(article_id)}),
        publisher_items=Counter(),
        publisher_claims=Counter(),
    )
    figure = _verdict_by_article_chart([], live)
    axes = figure.axes[0]
    shown = [label.get_text() for label in axes.get_yticklabels()]
    assert shown == articles[40 - TOP_ARTICLES :]
    assert axes.get_title() == f"Verdicts per article (the {TOP_ARTICLES} of 40 with most claims)"
    few = _verdict_by_article_chart([], replace(live, article_verdict=Counter(("article-00", v) for v in verdicts)))
    assert few.axes[0].get_title() == "Verdicts per article"
