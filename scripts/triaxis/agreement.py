"""Inter-annotator agreement between the first and the blind second pass.

Computed from the records every time, never typed in, so the figures in the card are
always those of the released labels. Per-label kappa treats each label one-vs-rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sklearn.metrics import cohen_kappa_score, confusion_matrix

from triaxis.models import VERDICTS, Claim


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


def _kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa, or None where it is undefined (both passes used a single label)."""
    if len(set(first) | set(second)) < 2:
        return None
    return round(float(cohen_kappa_score(first, second)), 4)


def compute(claims: list[Claim]) -> Agreement:
    reviewed = [c for c in claims if c.withdrawn is None and c.review.second_pass is not None]
    first = [c.review.first_pass_verdict for c in reviewed]
    second = [c.review.second_pass.verdict for c in reviewed if c.review.second_pass]
    if not reviewed:
        return Agreement(pairs=0, raw=None, kappa=None)
    raw = round(sum(a == b for a, b in zip(first, second, strict=True)) / len(reviewed), 4)
    per_label: dict[str, dict[str, float | int | None]] = {}
    for label in VERDICTS:
        one_first = [a == label for a in first]
        one_second = [b == label for b in second]
        both = sum(a and b for a, b in zip(one_first, one_second, strict=True))
        either = sum(a or b for a, b in zip(one_first, one_second, strict=True))
        per_label[label] = {
            "first_pass": sum(one_first),
            "second_pass": sum(one_second),
            "both": both,
            "agreement_when_either": round(both / either, 4) if either else None,
            "kappa": _kappa([str(x) for x in one_first], [str(x) for x in one_second]),
        }
    matrix = confusion_matrix(first, second, labels=list(VERDICTS)).tolist()
    changed = sum(c.verdict != c.review.first_pass_verdict for c in reviewed)
    return Agreement(len(reviewed), raw, _kappa(first, second), per_label, matrix, changed)


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
