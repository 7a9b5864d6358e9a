"""Inter-annotator agreement between the first and the blind second pass.

Computed from the records every time, never typed in, so the figures in the card are
always those of the released labels. Per-label kappa treats each label one-vs-rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from triaxis import columns
from triaxis.models import VERDICTS, Claim
from triaxis.table import claims_table


@dataclass
class Agreement:
    """Agreement figures over the claims that have both passes."""

    pairs: int
    raw: float | None
    kappa: float | None
    per_label: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    confusion: list[list[int]] = field(default_factory=list)
    changed_by_adjudication: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "pairs": self.pairs,
            "raw_agreement": self.raw,
            "cohen_kappa": self.kappa,
            "per_label": self.per_label,
            "labels": list(VERDICTS),
            "confusion_first_by_second": self.confusion,
            "final_differs_from_first_pass": self.changed_by_adjudication,
        }


def _kappa(first: np.ndarray, second: np.ndarray) -> float | None:
    """Cohen's kappa, or None where it is undefined (both passes used a single label)."""
    if len(np.union1d(first, second)) < 2:
        return None
    return round(float(cohen_kappa_score(first, second)), 4)


def compute(claims: Sequence[Claim] | pa.Table) -> Agreement:
    """The figures over the claims that are not withdrawn and have a second pass; labels coded as integers,
    so that 200,000 claims take milliseconds."""
    table = claims_table(claims)
    review = table["review"]
    reviewed = pc.and_(pc.is_null(table["withdrawn"]), pc.is_valid(columns.field(review, "second_pass")))
    # The three verdict columns are taken out before the rows are filtered: filtering the table
    # copied every column, evidence and all (most of a second at 200,000 claims).
    verdicts = pa.table(
        {
            "first": columns.field(review, "first_pass_verdict"),
            "second": columns.field(review, "second_pass.verdict"),
            "final": table["verdict"],
        }
    ).filter(reviewed)
    if not verdicts.num_rows:
        return Agreement(pairs=0, raw=None, kappa=None)
    first, second, final = (columns.verdict_index(verdicts[name]).to_numpy() for name in ("first", "second", "final"))
    raw = round(float(np.count_nonzero(first == second)) / len(first), 4)
    per_label: dict[str, dict[str, float | int | None]] = {}
    for code, label in enumerate(VERDICTS):
        one_first, one_second = first == code, second == code
        both = int(np.count_nonzero(one_first & one_second))
        either = int(np.count_nonzero(one_first | one_second))
        per_label[label] = {
            "first_pass": int(np.count_nonzero(one_first)),
            "second_pass": int(np.count_nonzero(one_second)),
            "both": both,
            "agreement_when_either": round(both / either, 4) if either else None,
            "kappa": _kappa(one_first.astype(np.int64), one_second.astype(np.int64)),
        }
    matrix = confusion_matrix(first, second, labels=list(range(len(VERDICTS)))).tolist()
    changed = int(np.count_nonzero(final != first))
    return Agreement(len(first), raw, _kappa(first, second), per_label, matrix, changed)


def markdown(agreement: Agreement) -> str:
    """The agreement section of the dataset card."""
    if not agreement.pairs:
        return "No claim has a blind second verdict yet."
    rows = "\n".join(
        f"| `{label}` | {v['first_pass']} | {v['second_pass']} | {v['both']} | {_fmt(v['kappa'])} |"
        for label, v in agreement.per_label.items()
    )
    header = " | ".join(f"`{label}`" for label in VERDICTS)
    matrix = "\n".join(
        f"| `{label}` | " + " | ".join(str(n) for n in row) + " |"
        for label, row in zip(VERDICTS, agreement.confusion, strict=True)
    )
    return f"""Every claim with a second pass was judged twice: first by the annotator, then blind by a second
reviewer who saw the article, the quote and the standalone claim but not the first verdict, its
justification or its evidence. Where the passes disagreed, an adjudicator chose the final verdict and
recorded why; both pass verdicts stay in each record as soft labels.

- claims with both passes: {agreement.pairs}
- raw agreement: {_fmt(agreement.raw)}
- Cohen's κ: {_fmt(agreement.kappa)}
- final verdict differs from the first pass: {agreement.changed_by_adjudication}

| label | first pass | second pass | both | κ (one-vs-rest) |
|---|---|---|---|---|
{rows}

Confusion (rows: first pass, columns: second pass):

| first \\ second | {header} |
|---|{"---|" * len(VERDICTS)}
{matrix}
"""


def _fmt(value: object) -> str:
    return "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
