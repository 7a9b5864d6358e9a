"""Writing the dataset folder: parquet files per config and split, charts, card, Croissant metadata, manifest.

The output depends only on the records and the project files, so identical input gives
byte-identical files. It is written into a temporary folder beside the target and swapped in
only when complete: an interrupted build leaves the previous one as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from datasets import Dataset, DatasetInfo
from datasets.utils.logging import disable_progress_bar

from triaxis import baselines, stats
from triaxis.card import CardInputs, render_card
from triaxis.columns import field as nested
from triaxis.columns import live, tables_by_split
from triaxis.croissant import write_croissant
from triaxis.dataset import FEATURES
from triaxis.models import Article, Claim
from triaxis.table import claims_table

MANIFEST = "MANIFEST.sha256"
# From this many published claims the baselines are fitted in a separate process, beside the rest of the build.
PARALLEL_BASELINES_FROM = 10_000
IMAGES = "images"


class BuildError(Exception):
    """The build cannot write where it was asked to, or has nothing to release; the message says which."""


def check_output(out: Path, records: Path | None) -> None:
    """Refuse an output folder whose replacement would destroy something that is not a build."""
    target = out.resolve()
    if records is not None and (target == records.resolve() or target in records.resolve().parents):
        raise BuildError(f"{out}: the output folder would replace the records; choose another --out")
    if target.exists() and not target.is_dir():
        raise BuildError(f"{out}: exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        looks_built = (target / MANIFEST).is_file() or (
            (target / "README.md").is_file() and (target / "claims").is_dir()
        )
        if not looks_built:
            raise BuildError(f"{out}: not empty and not a previous build; choose an empty or new --out")


@dataclass
class Selection:
    """The claims a build publishes (a claims table), and what it left out."""

    claims: pa.Table
    drafts_left_out: int = 0
    drafts_included: int = 0
    withdrawn: int = 0


@dataclass
class BuildSummary:
    out: Path
    counts: dict[str, dict[str, int]]
    withdrawn: int
    drafts_left_out: int = 0
    drafts_included: int = 0
    croissant: Path | None = None
    files: list[str] = field(default_factory=list)


def select_claims(claims: Sequence[Claim] | pa.Table, include_drafts: bool = False) -> Selection:
    """Withdrawn claims are always dropped; drafts only when not asked for. Published claims come in id order."""
    table = claims_table(claims)
    kept = live(table)
    draft = pc.equal(nested(kept["review"], "status"), "draft")
    drafts = pc.sum(draft).as_py() or 0
    return Selection(
        # (filtering copies every column, which takes seconds at 200,000 claims: only when there is a draft)
        claims=kept if include_drafts or not drafts else kept.filter(pc.invert(draft)),
        drafts_left_out=0 if include_drafts else drafts,
        drafts_included=drafts if include_drafts else 0,
        withdrawn=table.num_rows - kept.num_rows,
    )


def write_parquet(table: pa.Table, config: str, path: Path) -> int:
    """Parquet written by datasets' own writer (the layout load_dataset expects), from a ready Arrow table.

    Returns the table's size in memory, which the card declares as the split's ``num_bytes``.
    """
    # A fixed fingerprint: datasets would otherwise hash the whole table to make one, which it never uses here.
    Dataset(table, info=DatasetInfo(features=FEATURES[config]), fingerprint=f"triaxis-{config}").to_parquet(str(path))
    return table.nbytes


def write_manifest(folder: Path) -> list[str]:
    """SHA-256 of every file, in ``sha256sum`` format so ``sha256sum -c MANIFEST.sha256`` checks a copy."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    lines = [f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}" for name in files]
    (folder / MANIFEST).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return [*files, MANIFEST]


def _staging_folder(out: Path) -> Path:
    """A fresh folder beside ``out``, on the same file system so the final rename is atomic."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # Left by a build that was killed (builds of one folder are not meant to run at the same time):
    # a previous build retired just before the swap is put back, unfinished folders are removed.
    retired = sorted(out.parent.glob(f".{out.name}.old-*"))
    if retired and not out.exists():
        retired.pop().rename(out)
    for stale in [*out.parent.glob(f".{out.name}.tmp-*"), *retired]:
        shutil.rmtree(stale, ignore_errors=True)
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    staging.mkdir()
    return staging


def _swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` by the finished ``staging`` folder; the old build is removed only afterwards."""
    if not out.exists():
        staging.rename(out)
        return
    retired = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(retired, ignore_errors=True)
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)


# The claims table of the baselines' process, set while it is forked: it inherits the table instead
# of receiving it pickled through a pipe (at 200,000 claims, 240 MB copied twice and a second of
# the main process's time).
_inherited: pa.Table | None = None


def _inherited_baselines() -> str:
    assert _inherited is not None, "called only in the process forked by _baselines_started"
    return baselines.card_markdown(_inherited)


def _baselines_started(claims: pa.Table) -> Callable[[], str]:
    """The baselines' card section, fitted in a forked process while the build writes everything else.

    They are the slowest part of a large build and need nothing the rest produces; small builds and
    systems without ``fork`` fit them in this process. Either way the result is the same text.
    """
    global _inherited
    if claims.num_rows < PARALLEL_BASELINES_FROM or "fork" not in get_all_start_methods():
        return lambda: baselines.card_markdown(claims)
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
    _inherited = claims
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: the child uses none of them
            future = pool.submit(_inherited_baselines)  # the child is forked here, with the table
    finally:
        _inherited = None

    def result() -> str:
        with pool:
            return future.result()

    return result


@dataclass
class _Tables:
    counts: dict[str, dict[str, int]]
    split_bytes: dict[str, dict[str, int]]
    download_bytes: dict[str, int]


class StagedBuild:
    """A build being written into a staging folder beside ``out``: ``finish`` swaps it in, ``abandon`` removes it.

    The parquet tables need only the claims table, so ``write_tables`` may run in a thread while the
    records' cross-record checks are still going (``triaxis build`` does); everything else waits for
    ``finish``. A step that fails removes the staging folder, leaving the previous build as it was.
    """

    def __init__(
        self,
        articles: list[Article],
        claims: Sequence[Claim] | pa.Table,
        out: Path,
        *,
        records: Path | None = None,
        include_drafts: bool = False,
    ) -> None:
        check_output(out, records)
        disable_progress_bar()
        self.articles, self.out, self.records = articles, out, records
        self.selection = select_claims(claims, include_drafts)
        if not articles or not self.selection.claims.num_rows:
            raise BuildError(_nothing_to_release(articles, self.selection))
        # A release holds the articles its claims come from: an article whose claims are all drafts waits too.
        released = set(self.selection.claims["article_id"].unique().to_pylist())
        self.articles = [a for a in articles if a.id in released]
        self.staging = _staging_folder(out)
        self._tables: _Tables | None = None

    def write_tables(self) -> None:
        """Every config's parquet files, one per split."""
        with self._abandoned_on_failure():
            tables = tables_by_split(self.articles, self.selection.claims)
            counts: dict[str, dict[str, int]] = {}
            split_bytes: dict[str, dict[str, int]] = {}
            for config, splits in tables.items():
                (self.staging / config).mkdir()
                for split, rows in splits.items():
                    split_bytes.setdefault(config, {})[split] = write_parquet(
                        rows, config, self.staging / config / f"{split}.parquet"
                    )
                    counts.setdefault(config, {})[split] = len(rows)
            download_bytes = {
                config: sum(p.stat().st_size for p in (self.staging / config).glob("*.parquet")) for config in tables
            }
            self._tables = _Tables(counts, split_bytes, download_bytes)

    def finish(self) -> BuildSummary:
        """Charts, card, Croissant metadata and manifest written (the tables too, if not yet), then swapped in."""
        with self._abandoned_on_failure():
            staging, selection = self.staging, self.selection
            baselines_markdown = _baselines_started(selection.claims)
            if self._tables is None:
                self.write_tables()
            assert self._tables is not None
            live_claims = stats.LiveClaims.of(selection.claims)
            charts = stats.write_charts(self.articles, live_claims, staging / IMAGES)
            inputs = CardInputs.read(
                self.records,
                counts=self._tables.counts,
                split_bytes=self._tables.split_bytes,
                download_bytes=self._tables.download_bytes,
                charts=[p.relative_to(staging).as_posix() for p in charts],
                drafts_left_out=selection.drafts_left_out,
                drafts_included=selection.drafts_included,
                withdrawn=selection.withdrawn,
                stats_markdown=stats.card_markdown(self.articles, live_claims),
                baselines_markdown=baselines_markdown(),
            )
            (staging / "README.md").write_text(render_card(self.articles, selection.claims, inputs), encoding="utf-8")
            croissant = write_croissant(staging, inputs.citation, inputs.repo_id)
            files = write_manifest(staging)
            _swap_in(staging, self.out)
        return BuildSummary(
            out=self.out,
            counts=self._tables.counts,
            withdrawn=selection.withdrawn,
            drafts_left_out=selection.drafts_left_out,
            drafts_included=selection.drafts_included,
            croissant=self.out / croissant.name if croissant else None,
            files=files,
        )

    def abandon(self) -> None:
        """Remove what was written; the previous build stays as it was."""
        shutil.rmtree(self.staging, ignore_errors=True)

    @contextmanager
    def _abandoned_on_failure(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            self.abandon()
            raise


def _nothing_to_release(articles: list[Article], selection: Selection) -> str:
    """Why a build would be empty: an empty dataset must never replace a good one."""
    if not articles:
        return "no article records to build from"
    if selection.drafts_left_out:
        return f"no claims to release: all {selection.drafts_left_out} are drafts (--include-drafts builds them)"
    return "no claims to release" + (f": all {selection.withdrawn} are withdrawn" if selection.withdrawn else "")


def write_dataset(
    articles: list[Article],
    claims: Sequence[Claim] | pa.Table,
    out: Path,
    *,
    records: Path | None = None,
    include_drafts: bool = False,
) -> BuildSummary:
    """Write every config's parquet files, charts, README.md, croissant.json and the manifest into ``out``.

    ``records`` is the records folder the claims came from; the guidelines and changelog beside the
    claims, and the CITATION.cff and pyproject.toml beside that folder, feed the card.
    """
    return StagedBuild(articles, claims, out, records=records, include_drafts=include_drafts).finish()
