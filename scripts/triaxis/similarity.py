"""Duplicate and near-duplicate restatements, so that the same claim is not recorded twice.

Two claims whose restatements (the ``claim`` field) have the same words once case, spacing and
punctuation are ignored are an error (TX270): one record per claim. Two whose sets of words
overlap by at least ``NEAR_THRESHOLD`` (Jaccard similarity) get a warning (TX271) that names the
other claim, so that a reviewer decides whether they are the same claim. Claims linked through
``related`` state the same or a conflicting fact on purpose and are not flagged (an identical
restatement in the same article still is); withdrawn claims are left out.

The threshold comes from the records: among the first 318 claims the closest pair that is not
linked shares 67% of its words (two different forecasts in one article), while the only pair above
70% is a linked conflicting version of the same fact.

Finding close pairs must stay fast for hundreds of thousands of claims, so it never compares
all pairs: prefix filtering (Bayardo et al., "Scaling up all pairs similarity search", 2007)
orders each claim's words from rarest to commonest; two word sets with Jaccard similarity at least
t must share a word among the first ``|x| - ceil(t·|x|) + 1`` of each, and k words among the first
``|x| - ceil(t·|x|) + k`` as long as they must share k in all. Only pairs that share two such words
are compared (in the 200,000-claim benchmark, 23 times fewer than those sharing one), and both the candidate
search and the comparison are sparse-matrix products.
The words themselves (``triaxis.wording``) are hashed by the validation workers as they read each
claim, so this module only compares. In a large validation the close-pair search is handed to a
helper process (``Corpus.helper``) before the cross-record checks start, and runs beside them.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import BrokenExecutor, Future
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from triaxis.checks import ClaimFacts, Corpus, Loaded, check, group_numbers, preparation
from triaxis.problems import Problem
from triaxis.wording import words

__all__ = [
    "NEAR_THRESHOLD",
    "close_pairs",
    "close_restatements",
    "duplicate_restatements",
    "hand_to_helper",
    "import_for_helper",
    "words",
]

NEAR_THRESHOLD = 0.7
MAX_NAMED = 5
_BLOCK = 20_000  # later documents compared at a time
_PREFIX_SHARED = 2  # words a candidate pair must share in its prefixes (fewer if it needs fewer in all)
HASHED_FROM = 500_000  # words (about 20,000 claims): from here they are numbered by hashing, not sorting


def _ranked_sets(hashes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Each text's distinct words as ranks, rarest first: (row of each entry, word rank, vocabulary size).

    ``rows`` must not decrease (each text's words together). Entries come sorted by row, then rank.
    Words are told apart by their 64-bit hash, which for any realistic vocabulary never collides.
    """
    ids, size = _numbered(hashes)
    rank = np.empty(size, dtype=np.int64)
    rank[np.argsort(np.bincount(ids, minlength=size), kind="stable")] = np.arange(size)
    # Plain integers, so an unstable sort gives the same result, several times faster than a stable one.
    keys = np.sort(rows.astype(np.int64) * size + rank[ids])
    distinct = np.concatenate(([True], keys[1:] != keys[:-1])) if len(keys) else np.zeros(0, dtype=bool)
    # The row is the major key and rows did not decrease, so each entry kept its row.
    rows = rows[distinct].astype(np.int64, copy=False)
    return rows, keys[distinct] - rows * size, size


def _numbered(hashes: np.ndarray) -> tuple[np.ndarray, int]:
    """Each hash's number among the distinct hashes, in order of first appearance, and how many there are.

    Numbers follow first appearance so that the words of neighbouring claims get near numbers: the
    sparse products then run several times faster. Many words are numbered by pandas' hash table,
    five times faster than sorting (0.08 s against 0.45 s for 3.9 million words); fewer by sorting,
    which then costs less than importing pandas (0.15–0.35 s) would.
    """
    if len(hashes) >= HASHED_FROM:
        import pandas as pd

        codes, distinct = pd.factorize(hashes)
        return codes.astype(np.int64, copy=False), max(len(distinct), 1)
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.int64), 1
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    by_appearance = np.empty(len(starts), dtype=np.int64)
    by_appearance[np.argsort(order[starts], kind="stable")] = np.arange(len(starts))
    ids = np.empty(len(hashes), dtype=np.int64)
    ids[order] = np.repeat(by_appearance, np.diff(np.append(starts, len(hashes))))
    return ids, len(starts)


def _union_bits(ranks: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """A 256-bit fingerprint of each word set; the bits of two sets' union never outnumber the words of their union.

    ``ranks`` holds each set's words in turn, ``sizes`` how many each has.
    """
    bits = (ranks * 0x9E3779B1) & 255
    shifted = np.left_shift(np.uint64(1), (bits & 63).astype(np.uint64))
    fingerprint = np.zeros((len(sizes), 4), dtype=np.uint64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    filled = sizes > 0
    for word in range(4):  # (a reduction over each set's run: ten times faster than np.bitwise_or.at)
        part = np.where(bits >> 6 == word, shifted, np.uint64(0))
        fingerprint[filled, word] = np.bitwise_or.reduceat(part, starts[filled]) if len(part) else 0
    return fingerprint


def _prefix_pairs(data: np.ndarray, earlier: np.ndarray, needed: np.ndarray) -> np.ndarray:
    """The candidate entries whose count of shared prefix words reaches what their earlier document needs.

    ``needed`` never decreases with the document's number (it grows with size, and documents are
    numbered by size), so the few documents that need fewer words are the first ones: comparing
    numbers finds them without looking ``needed`` up for each of tens of millions of entries.
    """
    enough = data >= _PREFIX_SHARED
    for fewer in range(1, _PREFIX_SHARED):
        below = int(np.searchsorted(needed, fewer, side="right"))
        if below:
            enough |= (data >= fewer) & (earlier < below)
    return np.flatnonzero(enough)


def close_pairs(documents: Sequence[Sequence[str]], threshold: float = NEAR_THRESHOLD) -> list[tuple[int, int, float]]:
    """Every pair ``(i, j, similarity)`` with ``i < j`` whose word sets have Jaccard similarity ≥ ``threshold``."""
    hashes = np.fromiter((hash(w) for d in documents for w in d), dtype=np.int64)
    rows = np.repeat(np.arange(len(documents), dtype=np.int64), [len(d) for d in documents])
    return _close_pairs(hashes, rows, len(documents), threshold)


def _close_pairs(hashes: np.ndarray, rows: np.ndarray, count: int, threshold: float) -> list[tuple[int, int, float]]:
    rows, ranks, vocabulary = _ranked_sets(hashes, rows)
    if count < 2 or len(ranks) == 0:
        return []
    sizes = np.bincount(rows, minlength=count)
    # Documents are numbered from smallest to largest, and a pair is found from its later member only.
    # That member probes with the prefix its own size needs; the earlier one is found through the shorter
    # prefix that suffices against any document at least as large (Bayardo et al.'s indexing prefix).
    # Both prefixes are one word longer than the least that works, so that a pair must share two of
    # their words (or as many as it must share in all, if that is one): far fewer candidates.
    by_size = np.argsort(sizes, kind="stable")
    # Each document's entries moved to its new number, still rarest first: the matrices are then
    # built from runs that are already in order, with nothing to sort.
    old_starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    sizes = sizes[by_size]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    ranks = ranks[np.arange(len(ranks)) + np.repeat(old_starts[by_size] - starts, sizes)]
    position = np.arange(len(ranks)) - np.repeat(starts, sizes)
    least_shared = np.ceil(2 * threshold / (1 + threshold) * sizes - 1e-9).astype(np.int64)
    probe = sizes - np.ceil(threshold * sizes - 1e-9).astype(np.int64) + _PREFIX_SHARED
    index = sizes - least_shared + _PREFIX_SHARED
    needed = np.minimum(_PREFIX_SHARED, np.maximum(least_shared, 1))

    def matrix(lengths: np.ndarray | None = None) -> sparse.csr_matrix:
        """Each document's first ``lengths`` words (all of them without), one row per document."""
        kept = sizes if lengths is None else np.minimum(lengths, sizes)
        indices = ranks if lengths is None else ranks[position < np.repeat(lengths, sizes)]
        indptr = np.concatenate(([0], np.cumsum(kept)))
        values = np.ones(len(indices), dtype=np.int32)
        return sparse.csr_matrix((values, indices, indptr), shape=(count, vocabulary))

    probes, indexed = matrix(probe), matrix(index)
    fingerprint, words_of = _union_bits(ranks, sizes), matrix()
    found: list[tuple[int, int, float]] = []
    # Later documents in blocks, each against the earlier ones only: half the products of all
    # against all, in arrays small enough to stay in memory the process already has.
    for start in range(0, count, _BLOCK):
        end = min(start + _BLOCK, count)
        shared_prefix = (probes[start:end] @ indexed[:end].T).tocsr()
        # Most candidates share too few prefix words: drop them before working out their rows.
        enough = _prefix_pairs(shared_prefix.data, shared_prefix.indices, needed)
        later = start + np.searchsorted(shared_prefix.indptr, enough, side="right") - 1
        earlier = shared_prefix.indices[enough]
        i, j = later[earlier < later], earlier[earlier < later]
        plausible = sizes[j] >= threshold * sizes[i] - 1e-9
        i, j = i[plausible], j[plausible]
        union_at_least = np.bitwise_count(fingerprint[i] | fingerprint[j]).sum(axis=1, dtype=np.int64)
        possible = sizes[i] + sizes[j] - union_at_least >= threshold * union_at_least - 1e-9
        i, j = i[possible], j[possible]
        shared = np.asarray(words_of[i].multiply(words_of[j]).sum(axis=1)).ravel()
        similarity = shared / (sizes[i] + sizes[j] - shared)
        hit = similarity >= threshold - 1e-9
        first, second = by_size[i[hit]], by_size[j[hit]]
        found.extend(
            zip(
                np.minimum(first, second).tolist(),
                np.maximum(first, second).tolist(),
                similarity[hit].tolist(),
                strict=True,
            )
        )
    return sorted(found)


def import_for_helper() -> None:
    """Import what the comparison of many words needs, in a helper process before it is handed the work."""
    import pandas  # noqa: F401


def _counted_close_pairs(hashes: np.ndarray, lengths: np.ndarray) -> list[tuple[int, int, float]]:
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    return _close_pairs(hashes, rows, len(lengths), NEAR_THRESHOLD)


def _close_pairs_in_file(path: str) -> list[tuple[int, int, float]]:
    """The helper process's task: the close pairs of the word hashes left in ``path``."""
    with open(path, "rb") as handle:
        lengths, hashes = np.load(handle), np.load(handle)
    return _counted_close_pairs(hashes, lengths)


@dataclass
class _Restatements:
    """What the comparison reads of a corpus: the claims not withdrawn, their facts and their word hashes."""

    items: list[Loaded]
    facts: list[ClaimFacts]
    sequences: list[bytes]
    hashes: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, corpus: Corpus) -> _Restatements:
        # Facts, not models: building 200,000 models only to read restatements and links costs seconds.
        items = [c for c in corpus.claims if c.facts.withdrawn is None]
        facts: list[ClaimFacts] = [c.facts for c in items]  # type: ignore[misc]
        # Each restatement's word hashes, computed by the worker that read the claim.
        sequences = [f.words for f in facts]
        hashes = np.frombuffer(b"".join(sequences), dtype=np.int64)
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences)) // hashes.itemsize
        return cls(items, facts, sequences, hashes, lengths)

    def close_pairs(self) -> list[tuple[int, int, float]]:
        return _counted_close_pairs(self.hashes, self.lengths)


@dataclass
class _Handed:
    """A close-pair search handed to the helper process: the file that holds its input, and its result to come."""

    restatements: _Restatements
    path: str
    future: Future

    def result(self) -> list[tuple[int, int, float]]:
        """The helper's answer, or worked out here if the helper failed; the input file is removed either way."""
        try:
            return self.future.result()
        except BrokenExecutor:
            return self.restatements.close_pairs()
        finally:
            os.unlink(self.path)


_HANDED = f"{__name__}.handed"


@preparation
def hand_to_helper(corpus: Corpus) -> None:
    """Start the close-pair search in the helper process, if there is one, before the other checks run.

    It then goes on beside them while this process finds the exact duplicates. The hashes go
    through a file, which the helper reads at once: through the pipe they went in thousands of
    pieces, each waiting for this process's other thread to let go of the interpreter.
    """
    if corpus.helper is None or _HANDED in corpus.memo:
        return
    restatements = _Restatements.of(corpus)
    descriptor, path = tempfile.mkstemp(prefix="triaxis-words-", suffix=".npy")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            np.save(handle, restatements.lengths)
            np.save(handle, restatements.hashes)
        future = corpus.helper.submit(_close_pairs_in_file, path)
    except Exception:  # (no room for the file, or a helper that has died: _analyse does the work itself)
        os.unlink(path)
        return
    corpus.memo[_HANDED] = _Handed(restatements, path, future)


@dataclass
class _Analysis:
    """The restatement comparison of one corpus, shared by the two checks."""

    items: list[Loaded]
    exact: dict[int, list[int]]
    close: dict[int, list[tuple[int, float]]]


def _analyse(corpus: Corpus) -> _Analysis:
    if isinstance(done := corpus.memo.get(__name__), _Analysis):
        return done
    handed: _Handed | None = corpus.memo.pop(_HANDED, None)
    restatements = _Restatements.of(corpus) if handed is None else handed.restatements
    items, models, sequences = restatements.items, restatements.facts, restatements.sequences
    group = group_numbers(models)

    def linked(i: int, j: int) -> bool:
        return bool(group[i] == group[j])

    by_text: dict[bytes, list[int]] = defaultdict(list)
    for index, sequence in enumerate(sequences):
        if sequence:
            by_text[sequence].append(index)
    exact: dict[int, list[int]] = defaultdict(list)
    for members in by_text.values():
        if len(members) < 2:
            continue
        for i in members:
            for j in members:
                same_article = models[i].article_id == models[j].article_id
                if i != j and (same_article or not linked(i, j)):
                    exact[i].append(j)
    close: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for i, j, similarity in restatements.close_pairs() if handed is None else handed.result():
        if sequences[i] == sequences[j] or linked(i, j):
            continue
        close[i].append((j, similarity))
        close[j].append((i, similarity))
    analysis = _Analysis(items, exact, close)
    corpus.memo[__name__] = analysis  # for the other check; it goes with the corpus
    return analysis


def _named(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_NAMED])
    return shown + (f" and {len(ids) - MAX_NAMED} more" if len(ids) > MAX_NAMED else "")


@check("TX270", "no two claims have the same restatement")
def duplicate_restatements(corpus: Corpus) -> Iterator[Problem]:
    analysis = _analyse(corpus)
    for index, others in sorted(analysis.exact.items()):
        ids = sorted(analysis.items[o].facts.id for o in others)
        yield analysis.items[index].file.problem(
            "/claim",
            "TX270",
            f"same restatement as {_named(ids)} (ignoring case, spacing and punctuation): one record per claim",
        )


@check("TX271", "restatements are not very close to another claim's")
def close_restatements(corpus: Corpus) -> Iterator[Problem]:
    analysis = _analyse(corpus)
    for index, others in sorted(analysis.close.items()):
        ranked = sorted(others, key=lambda o: (-o[1], analysis.items[o[0]].facts.id))
        named = [f"{analysis.items[o].facts.id} ({math.floor(s * 100)}% of words shared)" for o, s in ranked]
        problem = analysis.items[index].file.problem(
            "/claim",
            "TX271",
            f"restatement very close to {_named(named)}: if it is the same claim keep one record; "
            "if it is the same fact in another article, link them in related",
        )
        yield replace(problem, severity="warning")
