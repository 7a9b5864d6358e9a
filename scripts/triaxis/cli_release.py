"""Release commands: comparing revisions of the records, and publishing a release to the Hub."""

from __future__ import annotations

import json
from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from triaxis import __version__
from triaxis.cli_common import (
    QuietOption,
    RecordsOption,
    SourcesOption,
    check_sources,
    err,
    loaded_tables,
    out,
    progress_shown,
    require_dataset,
    status_shown,
)
from triaxis.problems import errors, render
from triaxis.validate import validate

app = typer.Typer(rich_markup_mode=None)


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
    from triaxis.diff import DiffError, compare, render_changelog, render_text, snapshots

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


@app.command("publish")
def publish_command(
    repo_id: Annotated[
        str | None,
        typer.Option(
            "--repo-id",
            metavar="ORG/NAME",
            help="Hub dataset repository (default: the one named in pyproject.toml under [tool.triaxis]).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Build and list what would be uploaded; contact nothing.")
    ] = False,
    private: Annotated[bool, typer.Option("--private", help="Create the repository as private.")] = False,
    records: RecordsOption = Path("records"),
    sources: SourcesOption = None,
    quiet: QuietOption = False,
) -> None:
    """Release the dataset on the Hugging Face Hub: validate, build, check it loads, upload in one commit, tag v<version>.

    The token comes from HF_TOKEN or the stored login (`hf auth login`) and is never printed.
    """
    from triaxis.publish import (  # heavy: huggingface_hub, datasets
        PublishError,
        built_release,
        check_repo_id,
        check_version,
        masked,
        project_settings,
        resolve_token,
        upload,
    )

    token: str | None = None
    try:
        require_dataset(records)
        check_sources(sources)
        settings = project_settings(records)
        repo = check_repo_id(repo_id or settings.get("hub-repo-id"))
        check_version(__version__, settings.get("version"), records)
        if not dry_run:
            token = resolve_token()
        with progress_shown("checking records", quiet) as progress:
            outcome = validate([records], records, sources, claims_table=True, progress=progress)
        if errors(outcome.problems):
            print(render(outcome.problems, "text", len(outcome.files)))
            err.print("publish stopped: fix the problems above first")
            raise typer.Exit(1)
        articles, claims = loaded_tables(outcome)
        del outcome  # the records' facts: a large build needs the memory for what it writes
        with ExitStack() as built:
            with status_shown("building the release", quiet):
                release = built.enter_context(built_release(articles, claims, records, repo, __version__, private))
            if dry_run:
                print(release.describe())
                print("dry run: nothing was sent")
                return
            if not quiet:
                out.print(f"uploading {len(release.files)} files to {repo} ...")
            with status_shown(f"uploading to {repo}", quiet):
                commit = upload(release, token or "")
        out.print(f"released {release.tag}: https://huggingface.co/datasets/{repo} at commit {commit}")
    except PublishError as exc:
        err.print(masked(str(exc), token), markup=False)
        raise typer.Exit(exc.exit_code) from None
