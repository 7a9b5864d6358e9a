"""Groups of claims about one fact across articles, so users can pull every version of it
and see at a glance where the versions disagree."""

from __future__ import annotations

from dataclasses import dataclass

from triaxis.checks import related_groups
from triaxis.models import Claim


@dataclass
class FactGroup:
    """Claims connected through ``related`` links."""

    members: list[Claim]

    @property
    def verdicts(self) -> set[str]:
        return {c.verdict for c in self.members}

    @property
    def conflicting_links(self) -> bool:
        return any(link.relation == "conflicting_fact" for c in self.members for link in c.related)

    @property
    def disagrees(self) -> bool:
        """Members differ in verdict, or at least two of them give conflicting versions (figures, dates)."""
        return len(self.verdicts) > 1 or self.conflicting_links

    def as_dict(self) -> dict[str, object]:
        return {
            "claims": [
                {"id": c.id, "verdict": c.verdict, "claim": c.claim, "related": [r.model_dump() for r in c.related]}
                for c in self.members
            ],
            "verdicts_differ": len(self.verdicts) > 1,
            "conflicting_versions": self.conflicting_links,
        }


def fact_groups(claims: list[Claim], disagreeing_only: bool = False) -> list[FactGroup]:
    groups = [FactGroup(g) for g in related_groups([c for c in claims if c.withdrawn is None]) if len(g) > 1]
    return [g for g in groups if g.disagrees] if disagreeing_only else groups
