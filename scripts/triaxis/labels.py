"""Label crosswalks: how the four TriAxis verdicts translate into other fact-checking label sets.

Papers that reuse a dataset under another benchmark's labels usually map them ad hoc, and every
paper maps differently. These tables are the one mapping that ``triaxis evaluate``, ``triaxis
export`` and the README all use, so scores and exports in FEVER or AVeriTeC terms are comparable.

- FEVER has no label for a claim whose core is true but whose framing misleads, so ``misleading``
  has no equivalent there: such claims are left out, and every command that does so says how many.
- AVeriTeC's "Conflicting Evidence/Cherrypicking" covers claims that are technically true but
  mislead through cherry-picking or missing context, which is what ``misleading`` means in the
  annotation guidelines (the core is true, but exaggerated, out of date or missing context).
- ClaimReview ratings put the three truth verdicts on a numeric scale where higher means truer, as
  Google's fact-check guidelines ask. ``not_enough_evidence`` says nothing about how true a claim is,
  so it gets a textual rating only and no number on that scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from triaxis.models import VERDICTS, Claim


class LabelSpace(str, Enum):
    native = "native"
    fever = "fever"
    averitec = "averitec"


CROSSWALKS: dict[LabelSpace, dict[str, str | None]] = {
    LabelSpace.native: {verdict: verdict for verdict in VERDICTS},
    LabelSpace.fever: {
        "supported": "SUPPORTS",
        "refuted": "REFUTES",
        "misleading": None,
        "not_enough_evidence": "NOT ENOUGH INFO",
    },
    LabelSpace.averitec: {
        "supported": "Supported",
        "refuted": "Refuted",
        "misleading": "Conflicting Evidence/Cherrypicking",
        "not_enough_evidence": "Not Enough Evidence",
    },
}
"""TriAxis verdict → label in each label space; ``None`` where the space has no equivalent."""

LABELS: dict[LabelSpace, tuple[str, ...]] = {
    LabelSpace.native: VERDICTS,
    LabelSpace.fever: ("SUPPORTS", "REFUTES", "NOT ENOUGH INFO"),
    LabelSpace.averitec: ("Supported", "Refuted", "Not Enough Evidence", "Conflicting Evidence/Cherrypicking"),
}
"""Every label of each space, in the order reports and confusion matrices use."""


@dataclass(frozen=True)
class Rating:
    """A ClaimReview ``reviewRating``: a textual rating and, where truth is at stake, a number."""

    alternate_name: str
    value: int | None


WORST_RATING = 1
BEST_RATING = 3
CLAIMREVIEW_RATINGS: dict[str, Rating] = {
    "refuted": Rating("False", 1),
    "misleading": Rating("Misleading", 2),
    "supported": Rating("True", 3),
    "not_enough_evidence": Rating("Not enough evidence", None),
}
"""TriAxis verdict → ClaimReview rating on the scale WORST_RATING (false) … BEST_RATING (true)."""


def map_verdict(verdict: str, space: LabelSpace) -> str | None:
    """The label of ``verdict`` in ``space``, or None when that space has no equivalent."""
    return CROSSWALKS[space][verdict]


def scored_claims(claims: list[Claim]) -> list[Claim]:
    """Claims with a final label: reviewed and not withdrawn, in id order.

    Drafts may still change their verdict and withdrawn claims are retired, so neither is gold
    for scoring nor part of a labelled export.
    """
    return sorted((c for c in claims if c.withdrawn is None and c.review.status == "reviewed"), key=lambda c: c.id)


def crosswalk_markdown() -> str:
    """The crosswalk as one Markdown table (the README's copy is checked against it by a test)."""

    def cell(label: str | None) -> str:
        return f"`{label}`" if label else "— (left out)"

    def rating(verdict: str) -> str:
        entry = CLAIMREVIEW_RATINGS[verdict]
        number = f"{entry.value}" if entry.value is not None else "no number"
        return f"{number}, “{entry.alternate_name}”"

    header = "| TriAxis | FEVER | AVeriTeC | ClaimReview `ratingValue`, `alternateName` |\n|---|---|---|---|"
    rows = [
        f"| `{v}` | {cell(map_verdict(v, LabelSpace.fever))} | {cell(map_verdict(v, LabelSpace.averitec))} "
        f"| {rating(v)} |"
        for v in VERDICTS
    ]
    return "\n".join([header, *rows])
