"""Reference baselines for claim verification, shared by ``triaxis baselines`` and the dataset card.

Two baselines bound what a real system must beat: the majority verdict of the training split, and
a claim-only classifier (TF-IDF of the restated claim, logistic regression) that never sees any
evidence. If reading the claim alone scores well above the majority class, the verdict leaks through
the wording (annotation artefacts), and the card says so.

The builds must be byte-identical, so everything here is deterministic: no random state is drawn,
and the training subsample for very large datasets is chosen by the SHA-256 of claim ids.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from triaxis.columns import field as nested
from triaxis.evaluate import score
from triaxis.models import SPLITS, VERDICTS, Claim
from triaxis.table import claims_table

C_GRID = (0.01, 0.1, 1.0, 10.0, 100.0)
"""Inverse regularisation strengths tried; the best validation macro-F1 wins, ties to the smaller C."""
MAX_TRAINING_CLAIMS = 5_000
"""Above this many training claims, the classifier is trained on the ones whose id hashes lowest."""
MAX_SCORED_CLAIMS = 10_000
"""Above this many claims in validation or test, both baselines are scored on the ones whose id hashes lowest.

Ten thousand claims put a score within about one point of the whole split's, and vectorizing every claim
of a split of a large dataset would make the baselines the slowest part of its build.
"""
LEAKAGE_MARGIN = 0.15
"""Test macro-F1 of the claim-only baseline above majority by more than this triggers the warning."""


@dataclass(frozen=True)
class SplitScore:
    claims: int
    accuracy: float
    macro_f1: float


@dataclass
class Baseline:
    name: str
    description: str
    scores: dict[str, SplitScore] = field(default_factory=dict)
    note: str | None = None


@dataclass
class Baselines:
    majority: Baseline
    claim_only: Baseline

    def as_dict(self) -> dict[str, Any]:
        return {
            b.name: {
                "description": b.description,
                "note": b.note,
                "scores": {
                    split: {"claims": s.claims, "accuracy": round(s.accuracy, 4), "macro_f1": round(s.macro_f1, 4)}
                    for split, s in b.scores.items()
                },
            }
            for b in (self.majority, self.claim_only)
        }

    def leakage_gap(self) -> float | None:
        """Test macro-F1 of the claim-only baseline minus that of the majority class, if both exist."""
        ours, theirs = self.claim_only.scores.get("test"), self.majority.scores.get("test")
        return None if ours is None or theirs is None else ours.macro_f1 - theirs.macro_f1


class Scored(NamedTuple):
    """What the baselines read of a scored claim (reviewed, not withdrawn)."""

    id: str
    claim: str
    verdict: str
    split: str


def _scored_table(claims: Sequence[Claim] | pa.Table) -> pa.Table:
    """The id, restatement, verdict and split of the scored claims, in the claims' order.

    The four columns are selected before the rows are filtered: filtering first copied every column
    of the claims table, evidence and all (a quarter of a second at 200,000 claims).
    """
    table = claims_table(claims)
    keep = pc.and_(pc.is_null(table["withdrawn"]), pc.equal(nested(table["review"], "status"), "reviewed"))
    return table.select(list(Scored._fields)).filter(keep)


def _listed(table: pa.Table) -> list[Scored]:
    return list(map(Scored._make, zip(*(table[n].to_pylist() for n in Scored._fields), strict=True)))


def _in_id_order(table: pa.Table) -> pa.Table:
    return table.take(pc.sort_indices(table["id"]))


def scored(claims: Sequence[Claim] | pa.Table) -> list[Scored]:
    """The scored claims in id order, as ``triaxis.labels.scored_claims`` selects them, read from the claims table."""
    return _listed(_in_id_order(_scored_table(claims)))


def _lowest_hashes(table: pa.Table, count: int) -> pa.Table:
    """The ``count`` rows whose ids hash lowest (SHA-256), in order of their hashes."""
    digests = [hashlib.sha256(i.encode("utf-8")).digest() for i in table["id"].to_pylist()]
    # (digests sort as their hexadecimal forms do; distinct ids never share one)
    return table.take(pa.array(sorted(range(len(digests)), key=digests.__getitem__)[:count], type=pa.int64()))


def _split_scores(gold: dict[str, list[str]], predict: Any) -> dict[str, SplitScore]:
    scores: dict[str, SplitScore] = {}
    for split, verdicts in gold.items():
        if not verdicts:
            continue
        figures = score(verdicts, list(predict(split)), VERDICTS)
        scores[split] = SplitScore(len(verdicts), figures.accuracy, figures.macro_f1)
    return scores


def _majority(gold: dict[str, list[str]]) -> Baseline:
    baseline = Baseline("majority", "the most frequent verdict of the training split, for every claim")
    counts = Counter(gold["train"])
    if not counts:
        baseline.note = "not computed: the training split is empty"
        return baseline
    top = max(VERDICTS, key=lambda v: (counts[v], -VERDICTS.index(v)))
    baseline.description += f" (`{top}`)"
    baseline.scores = _split_scores(gold, lambda split: [top] * len(gold[split]))
    return baseline


def _claim_only(train: list[Scored], train_count: int, evaluated: dict[str, list[Scored]]) -> Baseline:
    """``train``: the training claims it learns from, in hash order; ``train_count``: how many the split has."""
    baseline = Baseline(
        "claim_only",
        "TF-IDF of the restated claim (words and word pairs) and logistic regression with balanced class "
        "weights, trained on train with C chosen on validation macro-F1; no evidence is seen",
    )
    if len({c.verdict for c in train}) < 2:
        baseline.note = "not computed: the training split has fewer than two verdicts"
        return baseline
    notes = []
    if train_count > len(train):
        notes.append(
            f"trained on the {len(train)} training claims whose ids hash lowest (SHA-256); its train score is on those"
        )
    # The vocabulary and weights come from the training claims only; each split is vectorized once.
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=20_000)
    features = {"train": vectorizer.fit_transform([c.claim for c in train])}
    gold = {"train": [c.verdict for c in train]}
    for split in ("validation", "test"):
        if evaluated[split]:
            features[split] = vectorizer.transform([c.claim for c in evaluated[split]])
            gold[split] = [c.verdict for c in evaluated[split]]

    def fitted(c: float) -> LogisticRegression:
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=0)
        return model.fit(features["train"], gold["train"])

    if "validation" in features:
        models = {c: fitted(c) for c in C_GRID}
        tuned = {
            c: score(gold["validation"], m.predict(features["validation"]), VERDICTS).macro_f1
            for c, m in models.items()
        }
        best = max(C_GRID, key=lambda c: (tuned[c], -c))
        model = models[best]
    else:
        best = 1.0
        notes.append("no validation split, so C was not tuned")
        model = fitted(best)
    notes.insert(0, f"C = {best:g}")
    for split, matrix in features.items():
        figures = score(gold[split], model.predict(matrix), VERDICTS)
        baseline.scores[split] = SplitScore(len(gold[split]), figures.accuracy, figures.macro_f1)
    baseline.scores = {split: baseline.scores[split] for split in SPLITS if split in baseline.scores}
    baseline.note = "; ".join(notes)
    return baseline


def run(claims: Sequence[Claim] | pa.Table) -> Baselines:
    """Both baselines on the scored claims, in native labels, per split.

    Only the claims a baseline reads one by one become Python objects: the training sample and the
    (sampled) validation and test claims. Of the rest of the training split only the verdicts are read.
    """
    table = _scored_table(claims)
    parts = {split: table.filter(pc.equal(table["split"], split)) for split in SPLITS}
    sampled = []
    for split in ("validation", "test"):
        if parts[split].num_rows > MAX_SCORED_CLAIMS:
            sampled.append(f"{MAX_SCORED_CLAIMS:,} of its {parts[split].num_rows:,} {split} claims")
            parts[split] = _lowest_hashes(parts[split], MAX_SCORED_CLAIMS)
        else:
            parts[split] = _in_id_order(parts[split])
    evaluated = {split: _listed(parts[split]) for split in ("validation", "test")}
    gold = {"train": parts["train"]["verdict"].to_pylist()} | {
        split: [c.verdict for c in claims] for split, claims in evaluated.items()
    }
    train = _listed(_lowest_hashes(parts["train"], MAX_TRAINING_CLAIMS))
    # One BLAS thread: on a shared machine extra threads slow these small fits tenfold, and a
    # single thread sums in a fixed order, which keeps the figures identical from run to run.
    with threadpool_limits(limits=1):
        results = Baselines(_majority(gold), _claim_only(train, parts["train"].num_rows, evaluated))
    if sampled:
        note = f"scored on the {' and '.join(sampled)} whose ids hash lowest (SHA-256)"
        for baseline in baselines_list(results):
            baseline.note = note if baseline.note is None else f"{baseline.note}; {note}"
    return results


def split_cell(scores: dict[str, SplitScore], split: str) -> str:
    s = scores.get(split)
    return "–" if s is None else f"{s.accuracy:.3f} / {s.macro_f1:.3f}"


def leakage_sentence(baselines: Baselines) -> str:
    gap = baselines.leakage_gap()
    if gap is None:
        return "The leakage check (claim-only against majority on test) could not be made."
    if gap > LEAKAGE_MARGIN:
        return (
            f"**Warning:** the claim-only baseline beats the majority class on test by {gap:.3f} macro-F1 without "
            "seeing any evidence. The verdict may leak through the wording of the claims (annotation artefacts); "
            "compare systems against this baseline, not only against the majority class."
        )
    return (
        f"The claim-only baseline is {gap:+.3f} macro-F1 from the majority class on test (a warning is given above "
        f"{LEAKAGE_MARGIN:.2f}), so the wording of a claim alone does not give its verdict away; the splits are "
        "small, so these figures are rough."
    )


def card_markdown(claims: Sequence[Claim] | pa.Table) -> str:
    """Markdown for the card: what each baseline is, a table of accuracy / macro-F1 per split, the leakage check.

    It carries no heading of its own, so the card places it under its own.
    """
    baselines = run(claims)
    header = "| baseline | " + " | ".join(SPLITS) + " |\n|---|" + "---|" * len(SPLITS)
    rows = [
        f"| `{b.name}` | " + " | ".join(split_cell(b.scores, s) for s in SPLITS) + " |"
        for b in baselines_list(baselines)
    ]
    described = "\n".join(
        f"- `{b.name}`: {b.description}" + (f" ({b.note})" if b.note else "") + "." for b in baselines_list(baselines)
    )
    return (
        "Accuracy / macro-F1 over the four verdicts, computed by `triaxis baselines` with the official scorer "
        "(reviewed, non-withdrawn claims).\n\n"
        f"{header}\n" + "\n".join(rows) + f"\n\n{described}\n\n{leakage_sentence(baselines)}\n"
    )


def baselines_list(baselines: Baselines) -> list[Baseline]:
    return [baselines.majority, baselines.claim_only]
