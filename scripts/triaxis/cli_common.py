"""What every ``triaxis`` command module shares: consoles, common options and record loading.

Kept apart from ``cli.py`` so that each group of commands can live in a module of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from triaxis.models import Article, Claim
from triaxis.problems import errors, render
from triaxis.validate import FilesChecked, Outcome, validate

if TYPE_CHECKING:
    import pyarrow as pa


def _console(stderr: bool = False) -> Console:
    """A console that prints text as it is: paths, ids and quotes hold brackets and colons that rich
    markup and emoji codes would eat (``records[old]``, ``'triaxis[croissant]'``).

    Off a terminal (a pipe, a CI log) lines are not cut at 80 columns, so tables keep words whole.
    """
    console = Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False, emoji=False)
    if not console.is_terminal:
        console.width = PIPE_WIDTH
    return console


PIPE_WIDTH = 400
out = _console()
err = _console(stderr=True)

QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems and errors.")]
RecordsOption = Annotated[Path, typer.Option("--records", help="Folder holding articles/ and claims/.")]
SourcesOption = Annotated[
    Path | None,
    typer.Option("--sources", help="Folder with the article texts; enables the quote and fingerprint checks."),
]


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"


@contextmanager
def progress_shown(description: str, quiet: bool = False) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while a long step runs, on a terminal only (none in pipes, logs or with --quiet).

    Yields the callback that moves it (files done, files in all), or None when nothing is shown.
    """
    if quiet or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@contextmanager
def status_shown(description: str, quiet: bool = False) -> Iterator[None]:
    """A spinner on stderr while a step of unknown length runs, on a terminal only."""
    if quiet or not err.is_terminal:
        yield
        return
    with err.status(description):
        yield


def check_sources(sources: Path | None) -> None:
    """Exit 2 with a one-line message when --sources names no folder."""
    if sources is not None and not sources.is_dir():
        err.print(f"{sources}: sources folder not found", markup=False)
        raise typer.Exit(2)


def require_paths(paths: list[Path]) -> None:
    """Exit 2 naming every path that does not exist, rather than failing later with a traceback."""
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        err.print(f"{path}: no such file or folder", markup=False)
    if missing:
        raise typer.Exit(2)


def require_records(paths: list[Path]) -> None:
    """Exit 2 naming every path that holds no record file: a mistyped path must not pass as "0 problems"."""
    from triaxis.records import discover

    empty = [p for p in paths if not discover([p])]
    for path in empty:
        err.print(f"{path}: no record files here (articles/<id>.json, claims/<article-id>/<id>.json)", markup=False)
    if empty:
        raise typer.Exit(2)


def require_dataset(records: Path) -> None:
    """Exit 2 unless ``records`` holds article and claim files: a command over the whole dataset needs both."""
    from triaxis.records import ARTICLES_DIR, CLAIMS_DIR, discover

    require_paths([records])
    for folder, what in ((ARTICLES_DIR, "article"), (CLAIMS_DIR, "claim")):
        if not (records / folder).is_dir() or not discover([records / folder]):
            err.print(
                f"{records}: no {what} records in {(records / folder).as_posix()}/; is this the records folder?",
                markup=False,
            )
            raise typer.Exit(2)


def loaded_models(outcome: Outcome) -> tuple[list[Article], list[Claim]]:
    """The articles and claims that parsed and fit the schema."""
    articles = [a.model for a in outcome.corpus.articles if isinstance(a.model, Article)]
    claims = [c.model for c in outcome.corpus.claims if isinstance(c.model, Claim)]
    return articles, claims


def loaded_tables(outcome: Outcome | FilesChecked) -> tuple[list[Article], pa.Table]:
    """The article models and the claims table (``triaxis.table``) of the records that fit the schema.

    Claims come as a table, not as models: a few hundred articles make models in no time, hundreds
    of thousands of claims do not. A run asked for it (``claims_table``) has the table already;
    otherwise it is read from the claims' files.
    """
    from triaxis.table import records_table  # heavy: pyarrow

    articles = [a.model for a in outcome.corpus.articles if isinstance(a.model, Article)]
    if outcome.claims_table is not None:
        return articles, outcome.claims_table
    return articles, records_table(claim.file.raw for claim in outcome.corpus.claims)


def _checked(records: Path, sources: Path | None, models: bool) -> Outcome:
    """Every record validated; the located problems printed, and exit 1 if any is an error.

    Warnings (near-duplicate restatements, for example) are printed but do not stop the command.
    """
    require_dataset(records)
    check_sources(sources)
    outcome = validate([records], records, sources, models=models, claims_table=not models)
    if outcome.problems:  # on stderr, so that --format json output stays parseable
        err.print(render(outcome.problems, "text", len(outcome.files)), markup=False)
    if errors(outcome.problems):
        raise typer.Exit(1)
    return outcome


def valid_records(records: Path, sources: Path | None = None) -> tuple[list[Article], list[Claim]]:
    """All records of a folder as models, or the located problems and exit 1 if any record has an error."""
    return loaded_models(_checked(records, sources, models=True))


def valid_tables(records: Path, sources: Path | None = None) -> tuple[list[Article], pa.Table]:
    """All records of a folder as article models and a claims table, or the problems and exit 1."""
    return loaded_tables(_checked(records, sources, models=False))
