"""The ``triaxis`` command: validate, format, generate schemas and build the dataset.

Further command groups live in their own ``cli_*`` modules and are merged into this app at the end.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor, wait
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from triaxis import __version__, clock
from triaxis.canonical import canonical_text
from triaxis.changes import ChangesError, changed_record_files
from triaxis.cli_common import (
    Format,
    QuietOption,
    RecordsOption,
    SourcesOption,
    check_sources,
    err,
    loaded_tables,
    out,
    progress_shown,
    require_dataset,
    require_paths,
    require_records,
    status_shown,
    valid_records,
    valid_tables,
)
from triaxis.problems import errors, render
from triaxis.schema import drifted_schemas, write_schemas
from triaxis.validate import check_across, check_files, validate

app = typer.Typer(
    help="Tools for the TriAxis fact-check dataset.",
    no_args_is_help=True,
    # Plain click help: rich markup would eat bracketed text such as [tool.triaxis] and break choice lists.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(show: bool) -> None:
    if show:
        out.print(f"triaxis {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def main_options(
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help=f"The date to take as today (for dates in the future and the dates commands stamp); "
            f"also set by {clock.TODAY_VARIABLE}.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Tools for the TriAxis fact-check dataset."""
    try:
        clock.set_today(None if today is None else clock.parse_day(today, "--today"))
        clock.today()
    except clock.ClockError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None


@app.command("validate")
def validate_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders to check (default: the records folder).")
    ] = None,
    records: RecordsOption = Path("records"),
    sources: SourcesOption = None,
    output_format: Annotated[Format, typer.Option("--format", help="text, json, or github annotations.")] = Format.text,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REV",
            help="Instead of PATHS: the record files changed since git revision REV, and those their changes affect.",
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Check record files against the schema and every semantic rule; exit 1 on any error (warnings do not fail)."""
    targets = paths or [records]
    require_paths(targets)
    check_sources(sources)
    if changed_since is None:
        require_records(targets)
    else:
        if paths:
            err.print("give PATHS or --changed-since, not both")
            raise typer.Exit(2)
        try:
            targets = changed_record_files(changed_since, records)
        except ChangesError as exc:
            err.print(str(exc), markup=False)
            raise typer.Exit(2) from None
    with progress_shown("checking records", quiet) as progress:
        outcome = validate(targets, records, sources, progress=progress)
    report = render(
        outcome.problems, output_format.value, len(outcome.files), quiet and output_format is not Format.json
    )
    if report:
        print(report)
    raise typer.Exit(1 if errors(outcome.problems) else 0)


@app.command("schema")
def schema_command(
    check: Annotated[bool, typer.Option("--check", help="Fail if the files differ from the models.")] = False,
    directory: Annotated[Path, typer.Option("--dir", help="Where the schema files live.")] = Path("schema"),
) -> None:
    """Write the JSON Schema files generated from the models (or check them)."""
    if check:
        drifted = drifted_schemas(directory)
        for path in drifted:
            err.print(f"{path}: differs from the models; run `triaxis schema`")
        raise typer.Exit(1 if drifted else 0)
    for path in write_schemas(directory):
        out.print(f"wrote {path}")


@app.command("fmt")
def fmt_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: the records folder).")] = None,
    records: RecordsOption = Path("records"),
    check: Annotated[bool, typer.Option("--check", help="Only report files that are not canonical.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Rewrite record files in canonical form (model key order, 2-space indent, NFC, final newline)."""
    targets = paths or [records]
    require_paths(targets)
    require_records(targets)
    outcome = validate(targets, records, models=True)
    loaded = {item.file.display: item for item in outcome.corpus.articles + outcome.corpus.claims}
    changed = 0
    failed = False
    for record in outcome.files:
        item = loaded.get(record.display)
        if item is None:
            failed = True
            err.print(f"{record.display}:1:1: TX260 cannot format a file that does not parse or fit the schema")
            continue
        wanted = canonical_text(item.model)
        if record.path.read_bytes() != wanted.encode("utf-8"):
            changed += 1
            if check:
                err.print(f"{record.display}:1:1: TX260 not in canonical form; run `triaxis fmt`")
            else:
                record.path.write_text(wanted, encoding="utf-8", newline="\n")
                if not quiet:
                    out.print(f"formatted {record.display}")
    raise typer.Exit(1 if failed or (check and changed) else 0)


def _import_build_libraries() -> None:
    """Import what the build needs (datasets, pyarrow, scikit-learn, matplotlib, mlcroissant): seconds that
    cost nothing while validation's workers check the files and this process waits for them."""
    import triaxis.build  # noqa: F401

    if find_spec("mlcroissant") is not None:  # the croissant extra
        import mlcroissant  # noqa: F401


@app.command("build")
def build_command(
    output: Annotated[Path, typer.Option("--out", help="Dataset folder to write.")] = Path("build/dataset"),
    records: RecordsOption = Path("records"),
    sources: SourcesOption = None,
    include_drafts: Annotated[
        bool, typer.Option("--include-drafts", help="Also publish claims whose review is still a draft.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Validate, then write the Hugging Face dataset folder (parquet, card, charts, croissant.json, manifest).

    The folder is replaced only when the new build is complete; load_dataset reads it offline.
    """
    require_dataset(records)
    check_sources(sources)
    with progress_shown("checking records", quiet) as progress:
        checked = check_files(
            [records], records, sources, claims_table=True, meanwhile=_import_build_libraries, progress=progress
        )
    from triaxis.build import MANIFEST, BuildError, StagedBuild
    from triaxis.croissant import CroissantError

    stopped: BaseException | None = None
    staged: StagedBuild | None = None
    if not errors(checked.reported()):
        try:
            staged = StagedBuild(*loaded_tables(checked), output, records=records, include_drafts=include_drafts)
        except (BuildError, OSError) as exc:
            stopped = exc
    # The parquet tables are written while the cross-record checks run, and thrown away if those fail.
    with ThreadPoolExecutor(max_workers=1) as pool:
        tables = pool.submit(staged.write_tables) if staged else None
        try:
            outcome = check_across(checked)
        except BaseException:
            if tables is not None and staged is not None:
                wait([tables])
                staged.abandon()
            raise
        if tables is not None and (failure := tables.exception()) is not None:
            stopped, staged = failure, None  # (write_tables removed what it had written)
    del checked  # the records' facts: a large build needs the memory for what it writes
    if outcome.problems:
        print(render(outcome.problems, "text", len(outcome.files)))
    if errors(outcome.problems):
        if staged is not None:
            staged.abandon()
        err.print("build stopped: fix the problems above first")
        raise typer.Exit(1)
    del outcome
    try:
        if stopped is not None:
            raise stopped
        assert staged is not None
        with status_shown("writing the dataset", quiet):
            summary = staged.finish()
    except (BuildError, CroissantError) as exc:
        err.print(f"build stopped: {exc}", markup=False)
        raise typer.Exit(1) from None
    except OSError as exc:
        err.print(f"build stopped: {exc.filename or output}: {exc.strerror}", markup=False)
        raise typer.Exit(1) from None
    if quiet:
        return
    table = Table(title=Text(f"TriAxis dataset in {summary.out}"))
    table.add_column("config")
    for split in ("train", "validation", "test"):
        table.add_column(split, justify="right")
    for config, counts in summary.counts.items():
        table.add_row(config, *(str(counts.get(s, "")) for s in ("train", "validation", "test")))
    out.print(table)
    if summary.drafts_left_out:
        out.print(f"{summary.drafts_left_out} draft claim(s) left out (add --include-drafts to publish them)")
    if summary.drafts_included:
        out.print(f"{summary.drafts_included} draft claim(s) included")
    if summary.withdrawn:
        out.print(f"{summary.withdrawn} withdrawn claim(s) left out")
    if summary.croissant is None:
        out.print("croissant.json not written: install the croissant extra (pip install 'triaxis[croissant]')")
    out.print(f"{len(summary.files)} files, SHA-256 of each in {summary.out / MANIFEST}")
    out.print(f'load it with: datasets.load_dataset("{summary.out.as_posix()}")  # configs: claims, evidence, articles')


@app.command("agreement")
def agreement_command(
    records: RecordsOption = Path("records"),
    output_format: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Agreement between the first and the blind second pass: raw, Cohen's kappa, per label, confusion."""
    from triaxis.agreement import compute, markdown  # heavy: scikit-learn

    figures = compute(valid_tables(records)[1])
    if output_format is Format.json:
        print(json.dumps(figures.as_dict(), indent=2))
    else:
        out.print(markdown(figures))


@app.command("groups")
def groups_command(
    records: RecordsOption = Path("records"),
    disagreeing: Annotated[
        bool,
        typer.Option("--disagreeing", help="Only groups whose members differ in verdict or give conflicting versions."),
    ] = False,
    output_format: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """List groups of claims (across articles) about the same fact, linked through `related`."""
    from triaxis.groups import fact_groups

    groups = fact_groups(valid_records(records)[1], disagreeing)
    if output_format is Format.json:
        print(json.dumps([g.as_dict() for g in groups], indent=2, ensure_ascii=False))
        return
    for number, group in enumerate(groups, start=1):
        flags = [
            f
            for f, on in (
                ("verdicts differ", len(group.verdicts) > 1),
                ("conflicting versions", group.conflicting_links),
            )
            if on
        ]
        out.print(f"group {number}: {len(group.members)} claims" + (f" ({', '.join(flags)})" if flags else ""))
        for claim in group.members:
            out.print(f"  {claim.id} [{claim.verdict}] {claim.claim}", markup=False)
    out.print(f"{len(groups)} group(s)")


def _merge_command_groups() -> None:
    """Commands defined in the other ``cli_*`` modules appear at the top level of ``triaxis``."""
    from triaxis import cli_contribute, cli_evaluate, cli_release

    for module in (cli_release, cli_contribute, cli_evaluate):
        app.add_typer(module.app)


_merge_command_groups()


def main() -> None:
    app()
