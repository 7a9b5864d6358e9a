"""Validation of record files: strict parsing, the JSON Schema, then the semantic checks.

All problems in all files are collected, so a contributor fixes everything in one round.

Each file is checked on its own first (read, parse, schema, one-record rules); that part runs
in worker processes over chunks of files when there are many, and yields per file its problems
and the few facts the cross-record checks need (for the build, also each chunk's claims as an
Arrow table). Those checks then run once over all records. Files outside the requested paths
are read as context only: parsed and held to the schema (a record that does not fit it is left
out of the cross-record checks, whether requested or not), but never checked on their own or
located, so that checking one changed file in a large tree costs little more than reading the
tree.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from triaxis import clock, similarity
from triaxis.checks import (
    CHECKS,
    FACTS,
    PLAIN_FACTS,
    PREPARATIONS,
    Corpus,
    Loaded,
    PlainFacts,
    load_texts,
)
from triaxis.models import RECORD_MODELS
from triaxis.problems import Problem
from triaxis.record_checks import Context, country_codes, run_record_checks
from triaxis.records import (
    ParseError,
    RecordFile,
    check_top_level,
    discover,
    kind_of,
    name_problem,
    parse_record,
    pointer,
    prefetch,
    read_raw,
)
from triaxis.schema_check import schema_issues

if TYPE_CHECKING:
    import pyarrow as pa

# Below this many files a worker pool costs more than it saves.
PARALLEL_FROM = 2000
# From this many files the cross-record checks get a helper process (``_helper_started``).
HELPER_FROM = 20_000
CHUNK = 1000
INTERNAL_ERROR = "TX129"
# Told (files checked, files in all) as chunks finish: the CLI draws a progress bar with it on a terminal.
Progress = Callable[[int, int], None]

# (path, display, reported, keep the bytes) in; (raw bytes if kept and the record fits the schema,
# problems, facts) out.
Job = tuple[str, str, bool, bool]
Located = tuple[int, int, str, str]
Result = tuple[bytes | None, list[Located], PlainFacts | None]
# The results of a chunk of jobs, in their order, and (when asked for) the chunk's claims table.
Chunk = tuple[list[Result], "pa.Table | None"]


@dataclass
class Outcome:
    """What a validation run found, over which files."""

    problems: list[Problem]
    files: list[RecordFile]
    corpus: Corpus
    claims_table: pa.Table | None = None


def _located(problem: Problem) -> Located:
    return problem.line, problem.col, problem.code, problem.message


def check_file(job: Job, context: Context, keep_claim: bool = False) -> Result:
    """Everything one file can be checked for on its own; never raises.

    The bytes come back if the job keeps them, or with ``keep_claim`` if the record is a claim.
    """
    path, display, reported, keep = job
    parts = tuple(path.split(os.sep))
    problems: list[Located] = []
    try:
        if reported and (why := name_problem(parts[-1])):
            problems.append((1, 1, "TX112", why))
        raw = read_raw(path)
        data = parse_record(raw)
        check_top_level(data)
        kind = kind_of(parts)
        record = RecordFile(path, display, kind, raw, reported)
        if kind is None:
            where = "use records/articles/<id>.json or records/claims/<article-id>/<id>.json"
            problems.append((1, 1, "TX110", f"not a record location: {where}"))
            return None, problems, None
        issues = schema_issues(kind, data)
        if issues:
            for issue in issues:
                line, col = record.locate(issue.pointer, issue.at_key)
                problems.append((line, col, issue.code, issue.message))
            return None, problems, None
        if reported:
            problems.extend(_located(p) for p in run_record_checks(record, data, context))
        return raw if keep or (keep_claim and kind == "claim") else None, problems, PLAIN_FACTS[kind](data)
    except ParseError as exc:
        problems.append((exc.line, exc.col, exc.code, exc.message))
    except Exception as exc:  # a defect of the checker must still not stop the others, nor show a traceback
        problems.append((1, 1, INTERNAL_ERROR, f"could not check this file ({type(exc).__name__}: {exc})"[:200]))
    return None, problems, None


def check_chunk(jobs: list[Job], context: Context, table: bool = False) -> Chunk:
    """The results of ``jobs``; with ``table`` also the claims table of those claims that fit the schema.

    A worker that has just parsed a chunk of claims turns their bytes into Arrow columns itself, in
    parallel with the others: the bytes need not be sent to the main process, joined and read
    there again, which at 200,000 claims took longer than everything the build does after.
    """
    prefetch(job[0] for job in jobs)
    with _gc_paused():
        results = [check_file(job, context, table) for job in jobs]
    if not table:
        return results, None
    from triaxis.table import records_table  # imported before the workers are forked

    claims = records_table(
        raw
        for (path, *_job), (raw, _problems, facts) in zip(jobs, results, strict=True)
        if raw is not None and facts is not None and kind_of(tuple(path.split(os.sep))) == "claim"
    )
    return [
        (raw if job[3] else None, problems, facts) for job, (raw, problems, facts) in zip(jobs, results, strict=True)
    ], claims


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Records make no reference cycles; collecting while hundreds of thousands of them pile up costs minutes.

    Before collection resumes, what was made meanwhile is moved out of its reach (``gc.freeze``):
    otherwise the first collection after would walk millions of objects, all of them live.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


def _workers(count: int, requested: int | None) -> int:
    if requested is not None:
        return max(requested, 1)
    if count < PARALLEL_FROM or "fork" not in get_all_start_methods():
        return 1
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)


# The jobs of a parallel run, set before the worker processes are forked: they inherit the list
# and receive only index ranges, instead of every path being pickled through a pipe.
_shared: tuple[list[Job], Context, str | None] | None = None


def _check_range(bounds: tuple[int, int]) -> tuple[list[Result], str | None]:
    """A worker's chunk; its claims table, if asked for, is left in a file in the shared folder."""
    assert _shared is not None
    jobs, context, folder = _shared
    results, table = check_chunk(jobs[bounds[0] : bounds[1]], context, folder is not None)
    if table is None or folder is None:
        return results, None
    from triaxis.table import write_table_file

    path = os.path.join(folder, f"{bounds[0]}.arrow")
    write_table_file(table, path)
    return results, path


def _chunks(
    jobs: list[Job], context: Context, workers: int, table: bool, meanwhile: Callable[[], object] | None
) -> Iterator[Chunk]:
    """The chunks' results in order, checked by ``workers`` forked processes when more than one.

    A worker's claims table comes back as a file the main process maps into memory: sent through
    the result pipe, 200 tables of megabytes each kept the workers waiting on the main process.
    """
    global _shared
    if workers <= 1 or len(jobs) <= 1:
        if meanwhile is not None:
            meanwhile()
        yield check_chunk(jobs, context, table)
        return
    size = max(1, min(CHUNK, -(-len(jobs) // (workers * 4))))
    bounds = [(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]
    # (a plain validation, which asks for no tables, makes no folder)
    with tempfile.TemporaryDirectory(prefix="triaxis-tables-") if table else nullcontext() as folder:
        _shared = (jobs, context, folder)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: the workers use none
                pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"))
                chunks = pool.map(_check_range, bounds)
            if meanwhile is not None:  # the workers are forked by now, so nothing it starts is copied into them
                meanwhile()
            with pool:
                for results, path in chunks:
                    yield results, _mapped(path) if path is not None else None
        finally:
            _shared = None


def _mapped(path: str) -> pa.Table:
    from triaxis.table import mapped_table  # (imported already when tables are asked for)

    return mapped_table(path)


def _results(
    chunks: Iterator[Chunk], tables: list[pa.Table], progress: Progress | None = None, total: int = 0
) -> Iterator[Result]:
    """The chunks' results one by one; their claims tables, where there are any, put in ``tables``.

    ``progress`` hears how many of the ``total`` files are checked, chunk by chunk.
    """
    done = 0
    for results, table in chunks:
        if table is not None:
            tables.append(table)
        done += len(results)
        if progress is not None:
            progress(done, total)
        yield from results


def _cross_record_problems(corpus: Corpus) -> list[Problem]:
    """Every cross-record problem, in the order of the checks.

    What the checks hand to the helper process (``PREPARATIONS``) starts first and goes on while the
    others run. They run one after the other: in threads they only waited on each other for the
    interpreter (measured slower at 200,000 claims).
    """
    for prepare in PREPARATIONS:
        prepare(corpus)
    return [problem for _title, check in CHECKS.values() for problem in check(corpus)]


def _display(path: str, cwd: str) -> str:
    return path[len(cwd) + 1 :] if path.startswith(cwd + os.sep) else path


def _model_problems(record: RecordFile, error: ValidationError) -> list[Problem]:
    """A pydantic rejection of a record the schema accepted (tests hold the two to agree; this keeps it exact)."""
    return [
        record.problem(pointer(*e["loc"]), "TX200", f"{'/'.join(map(str, e['loc'])) or 'record'}: {e['msg']}"[:160])
        for e in error.errors()
    ]


def validate(
    paths: list[Path],
    records_root: Path,
    sources: Path | None = None,
    today: dt.date | None = None,
    workers: int | None = None,
    models: bool = False,
    claims_table: bool = False,
    meanwhile: Callable[[], object] | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Validate ``paths`` in the context of every record under ``records_root``.

    Records outside ``paths`` are read too, so references resolve, but only problems in
    ``paths`` are reported. ``workers`` processes check files in parallel (default: one per
    core when there are many files). No check needs a record's pydantic model, so models are built
    on first use (``Loaded.model``); with ``models`` those of the requested records are built here
    and a record the models reject is reported (tests hold the schema and the models to agree).
    ``claims_table`` adds to the outcome the claims that fit the schema as one Arrow table
    (``triaxis.table``), in the order of ``corpus.claims``: the workers read it as they go, for
    the build and the commands that read every claim. It cannot be combined with ``models``, whose
    rejections would leave claims out of the corpus but not out of the table. The bytes of a file
    are kept only with ``models``; otherwise a file is read again if something asks for them.
    ``meanwhile`` is called once while the workers check the files, when this process would otherwise
    only wait for them: the build imports its libraries then.
    """
    return check_across(
        check_files(paths, records_root, sources, today, workers, models, claims_table, meanwhile, progress)
    )


@dataclass
class FilesChecked:
    """A run whose files have each been checked, before the cross-record checks.

    The build starts writing its tables from here while the cross-record checks run: they need
    the records' facts, the build only the claims table.
    """

    problems: list[Problem]
    files: list[RecordFile]
    corpus: Corpus
    claims_table: pa.Table | None

    def reported(self) -> list[Problem]:
        """The problems found so far in the files asked for (context files are never reported)."""
        shown = {f.display for f in self.files}
        return [p for p in self.problems if p.path in shown]


def check_files(
    paths: list[Path],
    records_root: Path,
    sources: Path | None = None,
    today: dt.date | None = None,
    workers: int | None = None,
    models: bool = False,
    claims_table: bool = False,
    meanwhile: Callable[[], object] | None = None,
    progress: Progress | None = None,
) -> FilesChecked:
    """The first part of ``validate``: every file read, parsed and checked on its own."""
    if models and claims_table:
        raise ValueError("validate: models and claims_table cannot be combined")
    if claims_table:
        import triaxis.table  # noqa: F401  (pyarrow, imported once here before the workers are forked)
    context = Context(today or clock.today())
    country_codes()  # loaded once here, not in every worker
    texts = load_texts(sources) if sources else None
    requested = discover(paths)
    wanted = set(requested)
    same = [os.path.realpath(p) for p in paths] == [os.path.realpath(records_root)]
    every = requested if same else sorted(wanted.union(discover([records_root]) if records_root.is_dir() else ()))
    cwd = os.path.realpath(os.getcwd())
    jobs: list[Job] = [(path, _display(path, cwd), path in wanted, models) for path in every]
    pool_size = _workers(len(jobs), workers)
    corpus = Corpus(texts=texts, today=context.today, helper=_helper_started(len(jobs), pool_size))
    try:
        return _checked_files(jobs, corpus, context, pool_size, claims_table, models, meanwhile, progress)
    except BaseException:
        _helper_stopped(corpus)
        raise


def _checked_files(
    jobs: list[Job],
    corpus: Corpus,
    context: Context,
    pool_size: int,
    claims_table: bool,
    models: bool,
    meanwhile: Callable[[], object] | None,
    progress: Progress | None = None,
) -> FilesChecked:
    if claims_table:
        from triaxis.table import joined_tables
    problems: list[Problem] = []
    files: list[RecordFile] = []
    tables: list[pa.Table] = []
    with _gc_paused():
        for (path, display, reported, _keep), (raw, located, facts) in zip(
            jobs,
            _results(_chunks(jobs, context, pool_size, claims_table, meanwhile), tables, progress, len(jobs)),
            strict=True,
        ):
            if located:
                problems.extend(Problem(display, *place) for place in located)
            kind = kind_of(tuple(path.split(os.sep)))
            record = RecordFile(path, display, kind, raw, reported)
            if reported:
                files.append(record)
            if facts is None or kind is None:
                continue
            model = None
            if models and reported:  # a context record's model is built only if a check asks for it
                try:
                    model = RECORD_MODELS[kind].model_validate_json(raw)  # type: ignore[arg-type]
                except ValidationError as error:
                    problems.extend(_model_problems(record, error))
                    continue
            loaded = Loaded(record, model, FACTS[kind](facts))  # type: ignore[arg-type]
            (corpus.claims if kind == "claim" else corpus.articles).append(loaded)
    return FilesChecked(problems, files, corpus, joined_tables(tables) if claims_table else None)


def _helper_started(files: int, pool_size: int) -> Executor | None:
    """A process for the cross-record checks to hand work to (``Corpus.helper``), in a large parallel run.

    After the files are checked, the cross-record checks would keep one core busy and leave the
    other idle. The helper is forked now, while this process is small: forked later, from the
    process that holds every record's facts, it would make both copy the pages either touches.
    """
    if pool_size <= 1 or files < HELPER_FROM:
        return None
    helper = ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: the helper uses none of them
        helper.submit(similarity.import_for_helper)  # forked here; it imports meanwhile what it will need
    return helper


def _helper_stopped(corpus: Corpus) -> None:
    if corpus.helper is not None:
        corpus.helper.shutdown(cancel_futures=True)
        corpus.helper = None


def check_across(checked: FilesChecked) -> Outcome:
    """The second part of ``validate``: the cross-record checks, then the outcome of the whole run."""
    try:
        with _gc_paused():
            checked.problems.extend(_cross_record_problems(checked.corpus))
    finally:
        _helper_stopped(checked.corpus)
    return Outcome(checked.reported(), checked.files, checked.corpus, checked.claims_table)
