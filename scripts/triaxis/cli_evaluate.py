"""Benchmark commands: scoring predictions, label crosswalks, exports, baselines and statistics."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from triaxis.cli_common import QuietOption, RecordsOption, err, out, valid_records, valid_tables
from triaxis.labels import LabelSpace

if TYPE_CHECKING:
    from triaxis.evaluate import Report

app = typer.Typer(rich_markup_mode=None)


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


class Config(str, Enum):
    claims = "claims"


class SplitName(str, Enum):
    train = "train"
    validation = "validation"
    test = "test"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    claimreview = "claimreview"


LabelsOption = Annotated[LabelSpace, typer.Option("--labels", help="Label space: native, fever or averitec.")]
FormatOption = Annotated[ReportFormat, typer.Option("--format", help="text or json.")]


def _usage_error(message: str) -> typer.Exit:
    err.print(message, markup=False)
    return typer.Exit(2)


def _write_error(exc: OSError) -> typer.Exit:
    err.print(f"{exc.filename}: cannot write: {exc.strerror}", markup=False)
    return typer.Exit(1)


def _parse_ks(text: str) -> list[int]:
    try:
        ks = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        ks = []
    if not ks or ks[0] < 1:
        raise _usage_error(f"--k {text}: expected positive whole numbers separated by commas, e.g. 1,5")
    return ks


def _figure(value: float | int | None) -> str:
    return "–" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)


def _print_report(report: Report) -> None:
    scores = report.scores
    out.print(f"split {report.split}, labels {report.space.value}: {report.gold_claims} gold claim(s)")
    out.print(f"accuracy {scores.accuracy:.4f}   macro-F1 {scores.macro_f1:.4f}")
    per_label = Table(title="Per label")
    for column in ("label", "precision", "recall", "F1", "support"):
        per_label.add_column(column, justify="left" if column == "label" else "right", overflow="fold")
    for label, fig in scores.per_label.items():
        per_label.add_row(Text(label), *(_figure(fig[k]) for k in ("precision", "recall", "f1", "support")))
    out.print(per_label)
    confusion = Table(title="Confusion (rows: gold, columns: predicted)")
    confusion.add_column("gold", overflow="fold")
    for label in scores.confusion_predicted:
        confusion.add_column(Text(label), justify="right", overflow="fold")
    for label, row in zip(scores.confusion_labels, scores.confusion, strict=True):
        confusion.add_row(Text(label), *(str(n) for n in row))
    out.print(confusion)
    if report.evidence is not None:
        recall = "   ".join(f"recall@{k} {v:.4f}" for k, v in report.evidence.recall_at.items())
        out.print(f"evidence over {report.evidence.claims} claim(s) with gold evidence: {recall}")


@app.command("evaluate")
def evaluate_command(
    predictions: Annotated[
        Path,
        typer.Argument(
            metavar="PREDICTIONS",
            help="JSON Lines file (or - for standard input): one object per claim with id, verdict, evidence_urls.",
        ),
    ],
    records: RecordsOption = Path("records"),
    config: Annotated[Config, typer.Option("--config", help="Dataset config the gold comes from.")] = Config.claims,
    split: Annotated[SplitName, typer.Option("--split", help="Split to score against.")] = SplitName.test,
    labels: LabelsOption = LabelSpace.native,
    k: Annotated[str, typer.Option("--k", help="Cut-offs for evidence recall@k, separated by commas.")] = "1,5",
    output_format: FormatOption = ReportFormat.text,
) -> None:
    """Score verdict predictions (and ranked evidence URLs) against the gold labels of one split."""
    from triaxis.evaluate import (  # heavy: scikit-learn
        PredictionsFileError,
        evaluate,
        gold_for,
        read_input,
        read_predictions,
    )

    ks = _parse_ks(k)
    try:
        data, display = read_input(predictions)
    except PredictionsFileError as exc:
        raise _usage_error(str(exc)) from None
    gold = gold_for(valid_records(records)[1], split.value, labels)
    if not gold.labels:
        err.print(f"{records}: no scored claims in the {split.value} split with a {labels.value} label", markup=False)
        raise typer.Exit(1)
    try:
        parsed = read_predictions(display, gold, data)
    except PredictionsFileError as exc:
        raise _usage_error(str(exc)) from None
    if parsed.problems:
        summary = f"{len(parsed.problems)} problem(s) in {display}; nothing scored"
        if output_format is ReportFormat.json:  # machines read stdout: the report says why nothing was scored
            print(json.dumps({"scored": False, "problems": parsed.problems, "summary": summary}, indent=2))
        else:
            for problem in parsed.problems:
                err.print(problem)
            err.print(summary)
        raise typer.Exit(1)
    report = evaluate(gold, parsed, ks)
    if report.without_equivalent:
        err.print(
            f"note: {report.without_equivalent} gold claim(s) of the {split.value} split have no "
            f"{labels.value} label and are left out",
            markup=False,
        )
    if report.ignored_predictions:
        err.print(f"note: {report.ignored_predictions} prediction(s) for unscored claims ignored", markup=False)
    if report.missing:
        err.print(
            f"warning: {report.missing} of {report.gold_claims} gold claim(s) have no prediction; counted as wrong",
            markup=False,
        )
    if output_format is ReportFormat.json:
        print(json.dumps({"config": config.value, **report.as_dict()}, indent=2, ensure_ascii=False))
    else:
        _print_report(report)


@app.command("export")
def export_command(
    export_format: Annotated[ExportFormat, typer.Argument(help="jsonl (claims with mapped labels) or claimreview.")] = (
        ExportFormat.jsonl
    ),
    labels: LabelsOption = LabelSpace.native,
    output: Annotated[Path, typer.Option("--out", help="Folder to write into.")] = Path("build/export"),
    records: RecordsOption = Path("records"),
    review_url: Annotated[
        str | None,
        typer.Option(
            "--review-url",
            help="claimreview only: URL of each claim's published fact-check page, with {id} for the claim id.",
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Write the scored claims as JSON Lines per split in a label space, or as schema.org ClaimReview objects."""
    from triaxis.export import select, write_claimreview, write_jsonl

    if export_format is ExportFormat.claimreview and labels is not LabelSpace.native:
        raise _usage_error("--labels applies to the jsonl export; ClaimReview has its own rating scale")
    if review_url is not None:
        if export_format is not ExportFormat.claimreview:
            raise _usage_error("--review-url applies to the claimreview export only")
        if "{id}" not in review_url or not review_url.startswith(("https://", "http://")):
            raise _usage_error(f"--review-url {review_url}: expected an http(s) URL containing {{id}}")
        try:
            review_url.format(id="x")
        except (KeyError, IndexError, ValueError):
            raise _usage_error(f"--review-url {review_url}: only {{id}} may appear in braces") from None
    articles, claims = valid_records(records)
    selection = select(claims, labels)
    if quiet:
        pass
    elif selection.not_scored:
        out.print(f"{selection.not_scored} draft or withdrawn claim(s) left out")
    if selection.without_equivalent and not quiet:
        out.print(f"{selection.without_equivalent} claim(s) without a {labels.value} label left out")
    try:
        if export_format is ExportFormat.claimreview:
            written = [write_claimreview(articles, selection, output / "claimreview.jsonl", review_url)]
        else:
            written = write_jsonl(articles, selection, output / labels.value)
    except OSError as exc:
        raise _write_error(exc) from None
    if quiet:
        return
    for path in written:
        out.print(f"wrote {path}")
    out.print(f"{len(selection.claims)} claim(s) exported")


@app.command("baselines")
def baselines_command(
    records: RecordsOption = Path("records"), output_format: FormatOption = ReportFormat.text
) -> None:
    """Majority-class and claim-only (TF-IDF + logistic regression) baselines: accuracy and macro-F1 per split."""
    from triaxis import baselines as baseline_runs  # heavy: scikit-learn

    results = baseline_runs.run(valid_tables(records)[1])
    if output_format is ReportFormat.json:
        print(json.dumps(results.as_dict(), indent=2))
        return
    table = Table(title="Baselines (accuracy / macro-F1, native labels)")
    table.add_column("baseline")
    for split in ("train", "validation", "test"):
        table.add_column(split, justify="right")
    for baseline in baseline_runs.baselines_list(results):
        table.add_row(
            baseline.name, *(baseline_runs.split_cell(baseline.scores, s) for s in ("train", "validation", "test"))
        )
    out.print(table)
    for baseline in baseline_runs.baselines_list(results):
        out.print(
            f"{baseline.name}: {baseline.description}" + (f" ({baseline.note})" if baseline.note else ""), markup=False
        )
    out.print(baseline_runs.leakage_sentence(results).replace("**", ""), markup=False)


@app.command("stats")
def stats_command(
    records: RecordsOption = Path("records"),
    plot: Annotated[Path | None, typer.Option("--plot", help="Also write PNG charts into this folder.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many evidence publishers to list.")] = 10,
    include_drafts: Annotated[
        bool, typer.Option("--include-drafts", help="Count draft claims too, as a build with --include-drafts does.")
    ] = False,
    output_format: FormatOption = ReportFormat.text,
) -> None:
    """Tables of the claims a build releases: per article, verdict × article, claim types, evidence, publishers, splits."""
    from triaxis.build import select_claims
    from triaxis.stats import LiveClaims, tables, write_charts  # heavy: matplotlib

    articles, table = valid_tables(records)
    selection = select_claims(table, include_drafts)
    released = set(selection.claims["article_id"].unique().to_pylist())
    articles = [a for a in articles if a.id in released]  # as a build releases them
    claims = LiveClaims.of(selection.claims)
    stat_tables = tables(articles, claims, top)
    left_out = {"drafts": selection.drafts_left_out, "withdrawn": selection.withdrawn}
    if output_format is ReportFormat.json:
        report = {
            "claims": len(claims),
            "drafts_included": selection.drafts_included,
            "left_out": left_out,
            "tables": [{"title": t.title, "headers": t.headers, "rows": t.rows} for t in stat_tables],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for stat in stat_tables:
            rendered = Table(title=Text(stat.title))
            for number, header in enumerate(stat.headers):
                rendered.add_column(Text(header), justify="left" if number == 0 else "right", no_wrap=True)
            for row in stat.rows:
                rendered.add_row(*(Text(cell) for cell in row))
            out.print(rendered)
        counted = f"{len(claims)} claim(s) counted, as a build releases them"
        if selection.drafts_included:
            counted += f", {selection.drafts_included} draft(s) included"
        notes = [f"{n} {what} left out" for what, n in left_out.items() if n]
        out.print(counted + (f"; {', '.join(notes)}" if notes else ""))
    if plot is not None:
        try:
            charts = write_charts(articles, claims, plot)
        except OSError as exc:
            raise _write_error(exc) from None
        for path in charts:
            (err if output_format is ReportFormat.json else out).print(f"wrote {path}")
