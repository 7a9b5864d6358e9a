"""The record format. These pydantic models are the single source of truth:
the JSON Schema files in ``schema/`` are generated from them, the canonical key
order of record files follows their field order, and the dataset builder reads them.

Structural rules (types, enums, patterns, length caps) live here so that the JSON
Schema can express them; rules that need the calendar, other records or the article
texts live in ``triaxis.checks``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0.0"

SchemaVersion = Literal["1.0.0"]

# Patterns use only explicit character ranges and anchors, so that every regex engine that
# reads the schema (ECMA-262 in editors, Rust in jsonschema-rs and pydantic, Python) agrees.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CLAIM_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*-c[0-9]{3,}$"
ISO_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$"
# No whitespace, control or invisible separator characters (spelled out: ``\s`` differs between engines).
URL_PATTERN = r"^https?://[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+$"
COUNTRY_PATTERN = r"^[A-Z]{3}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Z]{2})?$"
# Article texts are tens of thousands of code points; no offset or length can come near this.
MAX_TEXT_LENGTH = 10_000_000

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]
ClaimId = Annotated[str, Field(pattern=CLAIM_ID_PATTERN, max_length=90)]
IsoDate = Annotated[str, Field(pattern=ISO_DATE_PATTERN, max_length=10)]
PartialIsoDate = Annotated[str, Field(pattern=PARTIAL_DATE_PATTERN, max_length=10)]
HttpUrl = Annotated[str, Field(pattern=URL_PATTERN, max_length=2000)]
ShortText = Annotated[str, Field(min_length=1, max_length=500)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]
CountryCode = Annotated[str, Field(pattern=COUNTRY_PATTERN, max_length=3)]

Precision = Literal["day", "month", "year"]
Verdict = Literal["supported", "refuted", "misleading", "not_enough_evidence"]
VERDICTS: tuple[str, ...] = ("supported", "refuted", "misleading", "not_enough_evidence")
Stance = Literal["supports", "refutes", "context"]
Split = Literal["train", "validation", "test"]
SPLITS: tuple[str, ...] = ("train", "validation", "test")


class Strict(BaseModel):
    """Unknown fields are errors, so a typo never silently drops data."""

    model_config = ConfigDict(extra="forbid")


class PartialDate(Strict):
    """An ISO 8601 date that is only as precise as what is known (``2022``, ``2022-01``, ``2022-01-17``)."""

    date: PartialIsoDate
    precision: Precision


class EstablishedDate(PartialDate):
    """A date plus how it was established, because a page snapshot date is not a publication date."""

    basis: Literal["printed_on_page", "article_date", "comment_date", "statement_date", "inferred"] = Field(
        description=(
            "printed_on_page: shown on the page as the publication date; article_date: the date of "
            "the article the claim appears in; comment_date: the date printed on the comment the claim "
            "appears in; statement_date: the date the reported speaker made the statement; inferred: "
            "worked out from the content (see note)"
        )
    )
    note: LongText = Field(description="How the date was established, in a sentence.")


class SourceFile(Strict):
    """Identifies an article text that is not redistributed, so anyone holding it can prove it is the same."""

    name: ShortText
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN, max_length=64)]
    length: Annotated[int, Field(ge=0, le=MAX_TEXT_LENGTH, description="Length of the text in Unicode code points.")]


class Article(Strict):
    """One source article. Its text stays outside the repository; the record carries its fingerprint."""

    schema_version: SchemaVersion
    id: Slug
    title: ShortText
    authors: Annotated[
        list[ShortText],
        Field(max_length=20, description="As printed; empty when the page carries no byline (notes say so)."),
    ]
    publisher: ShortText
    url: HttpUrl | None = Field(
        description="Null only when the original address could not be found; notes say what was tried."
    )
    published: EstablishedDate
    genre: Literal["news_report", "explainer", "op_ed", "analysis", "blog_post_with_comments"]
    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN, max_length=6)]
    source_file: SourceFile
    notes: LongText = Field(description="What is site chrome, what is in scope, and anything odd about the page.")
    modified: IsoDate


class Span(Strict):
    """Character offsets in Unicode code points, end exclusive: ``text[start:end] == quote``."""

    start: Annotated[int, Field(ge=0, le=MAX_TEXT_LENGTH)]
    end: Annotated[int, Field(ge=1, le=MAX_TEXT_LENGTH)]


class Claimant(Strict):
    """Who makes the claim; for reported speech, the person or body reported, not the article's author."""

    name: ShortText
    kind: Literal["author", "person", "organization", "government", "media"]


class Evidence(Strict):
    """A page that was actually read, with a summary in the annotator's own words."""

    url: HttpUrl
    title: ShortText
    publisher: ShortText
    published: PartialDate | None
    stance: Stance
    summary: LongText


class RelatedClaim(Strict):
    """A link to a claim (usually in another article) about the same or a conflicting fact."""

    id: ClaimId
    relation: Literal["same_fact", "conflicting_fact"]


class SecondPass(Strict):
    """A blind second verdict: made without seeing the first verdict, justification or evidence."""

    verdict: Verdict
    justification: LongText
    evidence: Annotated[list[Evidence], Field(max_length=20)]
    reviewer: ShortText
    reviewed_on: IsoDate


class Review(Strict):
    """Review state. Both passes' verdicts are kept (soft labels); ``Claim.verdict`` is the final one."""

    status: Literal["draft", "reviewed"]
    reviewed_on: IsoDate | None
    first_annotator: ShortText
    first_pass_verdict: Verdict = Field(description="The first annotator's verdict, kept when adjudication changes it.")
    second_pass: SecondPass | None
    adjudication_note: LongText | None = Field(
        description="Why the final verdict was chosen where the two passes disagreed; null when they agreed."
    )


class Withdrawal(Strict):
    """Records are retired, never deleted, so ids are never reused."""

    on: IsoDate
    reason: LongText
    replaced_by: ClaimId | None


class Claim(Strict):
    """One atomic, checkable claim from one article, with its verdict and evidence."""

    schema_version: SchemaVersion
    id: ClaimId
    article_id: Slug
    quote: Annotated[str, Field(min_length=1, max_length=2000, description="Verbatim from the article text.")]
    span: Span
    claim: LongText = Field(description="The claim restated so that it stands alone.")
    claimant: Claimant
    attribution: Literal["author_assertion", "reported_speech", "direct_quotation"]
    checks: Literal["content_true", "statement_made"] = Field(
        description="content_true: the verdict is about whether the claim is true; statement_made: about whether the claimant said it."
    )
    claim_date: EstablishedDate
    claim_type: Literal[
        "event",
        "quantity",
        "quote_attribution",
        "date_time",
        "position_statement",
        "causal",
        "prediction",
        "comparison",
        "other",
    ]
    countries: Annotated[list[CountryCode], Field(max_length=20)]
    verdict: Verdict
    justification: LongText
    doubts: LongText | None = Field(description="What the annotator was unsure of, or null.")
    evidence: Annotated[list[Evidence], Field(max_length=20)]
    related: Annotated[list[RelatedClaim], Field(max_length=50)]
    review: Review
    modified: IsoDate
    withdrawn: Withdrawal | None
    split: Split


RECORD_MODELS: dict[str, type[Strict]] = {"article": Article, "claim": Claim}
