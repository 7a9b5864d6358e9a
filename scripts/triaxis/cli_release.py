"""Release commands: comparing revisions of the records, and publishing a release to the Hub."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from triaxis.cli_common import RecordsOption, err
from triaxis.diff import DiffError, compare, render_changelog, render_text, snapshots

app = typer.Typer()


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("diff")
def diff_command(
    old_rev: Annotated[str, typer.Argument(metavar="REV1", help="The older git revision (commit, tag, branch).")],
    new_rev: Annotated[
        str | None,
        typer.Argument(metavar="[REV2]", help="The newer revision; omit it to compare with the working tree."),
    ] = None,
    records: RecordsOption = Path("records"),
    output_format: Annotated[DiffFormat, typer.Option("--format", help="text or json.")] = DiffFormat.text,
    changelog: Annotated[
        bool, typer.Option("--changelog", help="Print a draft CHANGELOG entry for the changes instead.")
    ] = False,
) -> None:
    """List claims added, withdrawn, removed or relabelled, and articles changed, between two revisions.

    Exit 1 if a claim or article file was deleted (records are withdrawn, never deleted) or cannot be read.
    """
    try:
        old, new = snapshots(records, old_rev, new_rev)
    except DiffError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None
    diff = compare(old, new)
    if changelog:
        print(render_changelog(diff))
    elif output_format is DiffFormat.json:
        print(json.dumps(diff.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(render_text(diff))
    for problem in old.problems + new.problems:
        err.print(problem, markup=False)
    raise typer.Exit(1 if diff.claims_removed or diff.articles_removed or old.problems or new.problems else 0)
