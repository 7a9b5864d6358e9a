"""Benchmark of the duplicate and near-duplicate checks (TX270, TX271) on a large synthetic dataset.

The synthetic claims are the real restatements with words replaced by draws from a Zipf-shaped
vocabulary (real words plus invented ones, so the vocabulary grows with the dataset as real text
does), a random number added, plus planted exact and near duplicates to show they are all found.

    python scripts/bench_similarity.py [--claims 200000] [--records records]
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections import Counter
from pathlib import Path

from triaxis.checks import Corpus, Loaded
from triaxis.models import Claim
from triaxis.records import RecordFile
from triaxis.similarity import close_restatements, duplicate_restatements, words
from triaxis.validate import validate

PLANTED_EXACT = 500
PLANTED_NEAR = 2000


def synthetic_texts(real: list[str], count: int, rng: random.Random) -> tuple[list[str], list[tuple[int, int]]]:
    """The texts, and the planted (original, copy) pairs: exact copies first, then near ones."""
    frequency = Counter(w for text in real for w in words(text))
    vocabulary = [w for w, _ in frequency.most_common()] + [f"w{n}" for n in range(150_000)]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
    texts = []
    for _ in range(count - PLANTED_EXACT - PLANTED_NEAR):
        template = rng.choice(real).split()
        replaced = rng.choices(vocabulary, cum_weights=cumulative, k=len(template))
        mixed = [new if rng.random() < 0.5 else old for old, new in zip(template, replaced, strict=True)]
        mixed.insert(rng.randrange(len(mixed) + 1), f"name{rng.randrange(100_000)}")
        texts.append(" ".join([*mixed, str(rng.randrange(1, 10_000))]))
    originals = rng.sample(range(len(texts)), PLANTED_EXACT + PLANTED_NEAR)
    planted = []
    for number, original in enumerate(originals):
        near = number >= PLANTED_EXACT
        # an exact copy differs in case and punctuation; a near one has one word more (similar, not equal)
        planted.append((original, len(texts)))
        texts.append(texts[original] + " indeed" if near else texts[original].upper() + "!")
    return texts, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--records", type=Path, default=Path("records"))
    options = parser.parse_args()
    rng = random.Random(7)
    outcome = validate([options.records], options.records)
    real = [c for c in outcome.corpus.claims if isinstance(c.model, Claim)]
    texts, planted = synthetic_texts([c.model.claim for c in real], options.claims, rng)  # type: ignore[union-attr]
    started = time.perf_counter()
    corpus = Corpus()
    for number, text in enumerate(texts):
        source = real[number % len(real)]
        model = source.model.model_copy(update={"id": f"bench-c{number:06d}", "claim": text, "related": []})
        record = RecordFile(path=Path(f"bench-c{number:06d}.json"), display=f"bench-c{number:06d}.json", kind="claim")
        record.positions = source.file.positions
        corpus.claims.append(Loaded(record, model))
    print(f"built {len(texts)} synthetic claims in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    exact = {p.path: p.message for p in duplicate_restatements(corpus)}
    close = {p.path: p.message for p in close_restatements(corpus)}
    elapsed = time.perf_counter() - started
    for name, found, pairs in (
        ("TX270 exact", exact, planted[:PLANTED_EXACT]),
        ("TX271 near", close, planted[PLANTED_EXACT:]),
    ):
        named = sum(f"bench-c{original:06d}" in found.get(f"bench-c{copy:06d}.json", "") for original, copy in pairs)
        print(f"{name} duplicates: {named} of {len(pairs)} planted pairs named; {len(found)} claim(s) flagged in all")
    print(f"both checks on {len(texts)} claims: {elapsed:.2f} s")


if __name__ == "__main__":
    main()
