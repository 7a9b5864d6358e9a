"""The official scorer: verdict accuracy, macro-F1, per-label figures, confusion, and evidence recall@k.

Everyone who reports a TriAxis score should compute it the same way, so the rules live here once:

- Gold is the scored claims (reviewed, not withdrawn) of one split, with their labels mapped into
  the chosen label space; gold claims whose verdict has no equivalent there are left out and counted.
- Every problem in a predictions file is reported as ``file:line: message``, all of them, and
  nothing is scored until the file is clean.
- A gold claim without a prediction counts as wrong (it is predicted as ``MISSING``, which is no
  label) and the report says how many there were.
- Macro-F1 averages over the labels that occur in the gold or the predictions, so a label that a
  split simply lacks neither helps nor hurts; per-label figures that would divide by zero are null.
- The scorer only reads its inputs.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from triaxis.labels import LABELS, LabelSpace, map_verdict, scored_claims
from triaxis.models import Claim

MISSING = "MISSING"
"""The prediction given to a gold claim that the file does not mention; it matches no label."""

PREDICTION_FIELDS = ("id", "verdict", "evidence_urls")
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str) -> str:
    """The form in which two addresses of the same page compare equal.

    Lower-cases the scheme and host, drops the default port, the fragment and ``utm_*`` tracking
    parameters (other query parameters keep their order), and a trailing slash of the path.
    Anything else, including http against https and ``www.``, is kept as it is.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (userinfo + "@" if userinfo else "") + host
    if port is not None and DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_")]
    )
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), query, ""))


@dataclass(frozen=True)
class Gold:
    """The gold labels of one split in one label space, and what was left out of it."""

    split: str
    space: LabelSpace
    labels: dict[str, str]
    urls: dict[str, list[str]]
    without_equivalent: int
    not_scored: frozenset[str]
    """Ids of this split that are known but not scored: drafts, withdrawn, or without an equivalent."""
    split_of: dict[str, str]
    """The split of every claim id in the records, to say where a stray id belongs."""


def gold_for(claims: list[Claim], split: str, space: LabelSpace) -> Gold:
    scored = {c.id for c in scored_claims(claims)}
    labels: dict[str, str] = {}
    urls: dict[str, list[str]] = {}
    not_scored: set[str] = set()
    without_equivalent = 0
    for claim in sorted(claims, key=lambda c: c.id):
        if claim.split != split:
            continue
        label = map_verdict(claim.verdict, space)
        if claim.id in scored and label is None:
            without_equivalent += 1
        if claim.id not in scored or label is None:
            not_scored.add(claim.id)
            continue
        labels[claim.id] = label
        urls[claim.id] = list(dict.fromkeys(normalize_url(e.url) for e in claim.evidence))
    return Gold(split, space, labels, urls, without_equivalent, frozenset(not_scored), {c.id: c.split for c in claims})


@dataclass(frozen=True)
class Prediction:
    verdict: str
    evidence_urls: list[str] | None


@dataclass
class Predictions:
    """A parsed predictions file: the predictions for gold claims, the ones ignored, and every problem."""

    by_id: dict[str, Prediction] = field(default_factory=dict)
    ignored: int = 0
    problems: list[str] = field(default_factory=list)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"duplicate key {', '.join(repeated)}")
    return dict(pairs)


def _parse_line(text: str, gold: Gold) -> tuple[str, Prediction] | str:
    """One prediction, or the message saying what is wrong with it."""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except ValueError as exc:
        return f"invalid JSON: {exc}"
    if not isinstance(value, dict):
        return "a prediction must be a JSON object with id and verdict"
    problems = [f"missing field {name}" for name in ("id", "verdict") if name not in value]
    problems += [
        f"unknown field {name} (expected {', '.join(PREDICTION_FIELDS)})"
        for name in value
        if name not in PREDICTION_FIELDS
    ]
    claim_id, verdict, urls = value.get("id"), value.get("verdict"), value.get("evidence_urls")
    if "id" in value and not isinstance(claim_id, str):
        problems.append("id must be a string")
    allowed = LABELS[gold.space]
    if "verdict" in value and verdict not in allowed:
        problems.append(
            f"unknown label {json.dumps(verdict, ensure_ascii=False)} for --labels {gold.space.value} "
            f"(expected one of {', '.join(allowed)})"
        )
    if "evidence_urls" in value and not (isinstance(urls, list) and all(isinstance(u, str) for u in urls)):
        problems.append("evidence_urls must be a list of strings, best first")
    if problems:
        return "; ".join(problems)
    assert isinstance(claim_id, str) and isinstance(verdict, str)
    return claim_id, Prediction(verdict, urls)


def _stray_id_message(claim_id: str, gold: Gold) -> str:
    other = gold.split_of.get(claim_id)
    if other is None:
        return f"unknown id {claim_id}: no such claim in the records"
    return f"id {claim_id} belongs to the {other} split, not {gold.split}"


class PredictionsFileError(ValueError):
    """A predictions input that is not a JSON Lines text at all (a folder, a binary file): one line, exit 2."""


def read_input(path: Path, stdin: BinaryIO | None = None) -> tuple[bytes, str]:
    """The bytes of a predictions file, or of standard input for ``-``, with the name to show in messages."""
    if path.as_posix() == "-":
        return (stdin or sys.stdin.buffer).read(), "<stdin>"
    if path.is_dir():
        raise PredictionsFileError(
            f"{path.as_posix()}: is a folder; give the predictions file (JSON Lines) or - for stdin"
        )
    if not path.is_file():
        raise PredictionsFileError(f"{path.as_posix()}: no such file")
    return path.read_bytes(), path.as_posix()


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or mostly undecodable bytes at the start: not a text file, so one line instead of one per line."""
    head = data[:4096]
    return b"\x00" in head or len(head.decode("utf-8", errors="ignore")) < 0.7 * len(head.decode("latin-1"))


def _other_space(verdict: object, space: LabelSpace) -> LabelSpace | None:
    """The label space a verdict belongs to when it is not one of ``space``'s labels."""
    return next((other for other in LabelSpace if other is not space and verdict in LABELS[other]), None)


def read_predictions(path: Path | str, gold: Gold, data: bytes | None = None) -> Predictions:
    """Parse JSON Lines predictions against ``gold``; blank lines are allowed, a UTF-8 BOM is skipped.

    ``data`` is the input's bytes when they were read already (standard input); ``path`` then only names it.
    Lines whose only fault is a label of another label space are summed up in one line, not one each.
    """
    result = Predictions()
    first_seen: dict[str, int] = {}
    display = path.as_posix() if isinstance(path, Path) else path
    if data is None:
        data = Path(path).read_bytes()
    data = data.removeprefix(b"\xef\xbb\xbf")
    if _looks_binary(data):
        raise PredictionsFileError(f"{display}: not a text file; predictions are JSON Lines, one object per claim")
    other_space: dict[LabelSpace, list[int]] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            result.problems.append(f"{display}:{number}: not UTF-8 ({exc.reason} at byte {exc.start + 1})")
            continue
        if not text.strip():
            continue
        parsed = _parse_line(text, gold)
        if isinstance(parsed, str):
            space = _wrong_space(text, gold.space) if parsed.startswith("unknown label") and ";" not in parsed else None
            if space is not None:
                other_space.setdefault(space, []).append(number)
            else:
                result.problems.append(f"{display}:{number}: {parsed}")
            continue
        claim_id, prediction = parsed
        if claim_id in first_seen:
            result.problems.append(
                f"{display}:{number}: duplicate id {claim_id} (first on line {first_seen[claim_id]})"
            )
            continue
        first_seen[claim_id] = number
        if claim_id in gold.labels:
            result.by_id[claim_id] = prediction
        elif claim_id in gold.not_scored:
            result.ignored += 1
        else:
            result.problems.append(f"{display}:{number}: {_stray_id_message(claim_id, gold)}")
    for space, numbers in other_space.items():
        lines = f"line {numbers[0]}" if len(numbers) == 1 else f"{len(numbers)} lines, from line {numbers[0]},"
        result.problems.append(
            f"{display}:{numbers[0]}: {lines} give {space.value} labels, but --labels {gold.space.value} expects "
            f"{', '.join(LABELS[gold.space])}; score them with --labels {space.value}"
        )
    return result


def _wrong_space(text: str, space: LabelSpace) -> LabelSpace | None:
    """The other label space of a line whose verdict is not of ``space`` (the line parsed otherwise)."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return _other_space(value.get("verdict"), space) if isinstance(value, dict) else None


def _figure(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


@dataclass(frozen=True)
class Scores:
    """Label scores; per-label entries hold precision, recall, f1 (None where undefined) and support."""

    accuracy: float
    macro_f1: float
    macro_over: list[str]
    per_label: dict[str, dict[str, float | int | None]]
    confusion_labels: list[str]
    confusion_predicted: list[str]
    confusion: list[list[int]]


def score(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> Scores:
    """Accuracy, macro-F1 and per-label figures with scikit-learn, rows of the confusion matrix = gold."""
    # scikit-learn is much faster on integer codes than on strings; MISSING (or any non-label) is the last code.
    codes = {label: number for number, label in enumerate(labels)}
    y_true = np.array([codes[g] for g in gold], dtype=np.int64)
    y_pred = np.array([codes.get(p, len(labels)) for p in predicted], dtype=np.int64)
    seen = set(np.unique(y_true).tolist()) | set(np.unique(y_pred).tolist())
    indexes = list(range(len(labels)))
    present = [i for i in indexes if i in seen]
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=indexes, zero_division=np.nan
    )
    per_label: dict[str, dict[str, float | int | None]] = {
        label: {"precision": _figure(p), "recall": _figure(r), "f1": _figure(f), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    missing = len(labels) in seen
    columns = indexes + ([len(labels)] if missing else [])
    matrix = confusion_matrix(y_true, y_pred, labels=columns)[: len(labels)].tolist()
    return Scores(
        accuracy=float(accuracy_score(y_true, y_pred)),
        macro_f1=float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)),
        macro_over=present,
        per_label=per_label,
        confusion_labels=list(labels),
        confusion_predicted=list(labels) + ([MISSING] if missing else []),
        confusion=matrix,
    )


@dataclass(frozen=True)
class EvidenceRecall:
    """Mean over gold claims with evidence of |top-k predicted ∩ gold| / |gold|, URLs normalized."""

    claims: int
    claims_without_gold_evidence: int
    recall_at: dict[int, float]


def evidence_recall(gold: Gold, predictions: dict[str, Prediction], ks: Sequence[int]) -> EvidenceRecall:
    with_evidence = [claim_id for claim_id in gold.labels if gold.urls[claim_id]]
    recall_at: dict[int, float] = {}
    for k in ks:
        total = 0.0
        for claim_id in with_evidence:
            prediction = predictions.get(claim_id)
            ranked = (
                list(dict.fromkeys(normalize_url(u) for u in (prediction.evidence_urls or []))) if prediction else []
            )
            wanted = set(gold.urls[claim_id])
            total += len(wanted & set(ranked[:k])) / len(wanted)
        recall_at[k] = total / len(with_evidence) if with_evidence else 0.0
    return EvidenceRecall(len(with_evidence), len(gold.labels) - len(with_evidence), recall_at)


@dataclass(frozen=True)
class Report:
    split: str
    space: LabelSpace
    gold_claims: int
    without_equivalent: int
    predictions: int
    ignored_predictions: int
    missing: int
    scores: Scores
    evidence: EvidenceRecall | None

    def as_dict(self) -> dict[str, Any]:
        def r(value: float | int | None) -> float | int | None:
            return round(value, 4) if isinstance(value, float) else value

        scores = self.scores
        return {
            "split": self.split,
            "labels": self.space.value,
            "gold_claims": self.gold_claims,
            "gold_without_equivalent_left_out": self.without_equivalent,
            "predictions_scored": self.predictions,
            "predictions_ignored": self.ignored_predictions,
            "missing_predictions_counted_wrong": self.missing,
            "accuracy": r(scores.accuracy),
            "macro_f1": r(scores.macro_f1),
            "macro_f1_over": scores.macro_over,
            "per_label": {label: {k: r(v) for k, v in fig.items()} for label, fig in scores.per_label.items()},
            "confusion": {
                "gold": scores.confusion_labels,
                "predicted": scores.confusion_predicted,
                "matrix": scores.confusion,
            },
            "evidence": None
            if self.evidence is None
            else {
                "claims": self.evidence.claims,
                "claims_without_gold_evidence": self.evidence.claims_without_gold_evidence,
                "recall_at": {str(k): r(v) for k, v in self.evidence.recall_at.items()},
            },
        }


def evaluate(gold: Gold, predictions: Predictions, ks: Sequence[int]) -> Report:
    """Score parsed, problem-free predictions against ``gold``."""
    ids = list(gold.labels)
    predicted = [predictions.by_id[i].verdict if i in predictions.by_id else MISSING for i in ids]
    gives_evidence = any(p.evidence_urls is not None for p in predictions.by_id.values())
    return Report(
        split=gold.split,
        space=gold.space,
        gold_claims=len(ids),
        without_equivalent=gold.without_equivalent,
        predictions=len(predictions.by_id),
        ignored_predictions=predictions.ignored,
        missing=sum(i not in predictions.by_id for i in ids),
        scores=score([gold.labels[i] for i in ids], predicted, LABELS[gold.space]),
        evidence=evidence_recall(gold, predictions.by_id, ks) if gives_evidence else None,
    )
