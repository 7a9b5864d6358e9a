"""Contributor and maintainer commands: new records, review states, withdrawals.

Every record these commands write goes through ``canonical_text``, so files stay in canonical form,
and a change that would leave the record failing validation is not written.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Annotated, Any, get_args

import typer
from pydantic import ValidationError

from triaxis import clock
from triaxis.canonical import canonical_text
from triaxis.cli_common import RecordsOption, SourcesOption, check_sources, err, out, require_paths
from triaxis.models import Article, Claim, Claimant, Withdrawal
from triaxis.new import (
    ArticleChoices,
    ClaimChoices,
    ContributionError,
    Skeleton,
    article_skeleton,
    article_text,
    claim_skeleton,
    find_quote,
    write,
)
from triaxis.problems import errors, render
from triaxis.records import ARTICLES_DIR, CLAIMS_DIR, read_record
from triaxis.suggest import did_you_mean
from triaxis.validate import validate

LONG_TEXT = 4000

app = typer.Typer(rich_markup_mode=None)
new_app = typer.Typer(
    rich_markup_mode=None,
    help="Write a skeleton record (status draft) with the next free id, and list what is left to fill in.",
    no_args_is_help=True,
)
app.add_typer(new_app, name="new")


class Choice:
    """A choice among the values the model allows for a field; its error says which value was probably meant.

    (A parser rather than click's Choice, whose message cannot say what was meant.)
    """

    def __init__(self, annotation: Any) -> None:
        self.values: tuple[str, ...] = get_args(annotation)
        self.metavar = "[" + "|".join(self.values) + "]"

    def __call__(self, value: str) -> str:
        if value not in self.values:
            raise typer.BadParameter(
                f"{value!r} is not one of {', '.join(self.values)}{did_you_mean(value, self.values)}"
            )
        return value


def _choice(annotation: Any) -> Choice:
    return Choice(annotation)


_CLAIM_FIELDS, _ARTICLE_FIELDS = Claim.model_fields, Article.model_fields
VERDICTS_CHOICE = _choice(_CLAIM_FIELDS["verdict"].annotation)
CLAIM_TYPES_CHOICE = _choice(_CLAIM_FIELDS["claim_type"].annotation)
ATTRIBUTIONS_CHOICE = _choice(_CLAIM_FIELDS["attribution"].annotation)
CHECKS_CHOICE = _choice(_CLAIM_FIELDS["checks"].annotation)
KINDS_CHOICE = _choice(Claimant.model_fields["kind"].annotation)
GENRES_CHOICE = _choice(_ARTICLE_FIELDS["genre"].annotation)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(message, markup=False)
    return typer.Exit(code)


def _report(skeleton: Skeleton, records: Path, sources_hint: str) -> None:
    options = "" if records == Path("records") else f" --records {records.as_posix()}"
    out.print(f"wrote {skeleton.path.as_posix()} (review status: draft)", markup=False)
    if skeleton.to_fill:
        out.print("left to fill in (validation reports each as TX272 until it is done):")
        for line, field, note in skeleton.to_fill:
            out.print(f"  line {line:<3} {field}: {note}", markup=False)
    if skeleton.to_check:
        out.print("defaults to check:")
        for line, field, note in skeleton.to_check:
            out.print(f"  line {line:<3} {field}: {note}", markup=False)
    file = skeleton.path.as_posix()
    out.print(f"then run: triaxis fmt {file}{options} && triaxis validate {file}{options}{sources_hint}", markup=False)


def _read_article(records: Path, article_id: str) -> Article:
    path = records / ARTICLES_DIR / f"{article_id}.json"
    if not path.is_file():
        known = [p.stem for p in (records / ARTICLES_DIR).glob("*.json")]
        hint = did_you_mean(article_id, known)
        if hint:
            raise _fail(f"{path}: no such article record{hint}", 2)
        raise _fail(f"{path}: no such article record; add the article first with `triaxis new article`", 2)
    record, problem = read_record(path, path.as_posix())
    try:
        if problem is not None:
            raise ValueError(problem.message)
        return Article.model_validate(record.data)
    except ValueError:
        raise _fail(f"{path}: not a valid article record; run `triaxis validate {path}`") from None


@new_app.command("article")
def new_article(
    article_id: Annotated[str, typer.Argument(metavar="ID", help="The new article's id, e.g. <author>-<year>.")],
    text: Annotated[
        Path,
        typer.Option("--text", help="The article's text file (UTF-8); its SHA-256 and length go in the record."),
    ],
    published: Annotated[str, typer.Option("--published", help="Publication date: 2022, 2022-02 or 2022-02-23.")],
    title: Annotated[str | None, typer.Option("--title", help="The title as printed.")] = None,
    authors: Annotated[
        list[str] | None, typer.Option("--author", metavar="NAME", help="An author as printed (repeat for several).")
    ] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Who published it.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="The article's address.")] = None,
    genre: Annotated[
        str | None,
        typer.Option("--genre", parser=GENRES_CHOICE, metavar=GENRES_CHOICE.metavar, help="The kind of article."),
    ] = None,
    language: Annotated[str, typer.Option("--language", help="BCP 47 language code.")] = "en",
    records: RecordsOption = Path("records"),
) -> None:
    """Write a skeleton article record for an article text."""
    require_paths([records, text])
    choices = ArticleChoices(
        published=published,
        title=title,
        authors=tuple(authors or ()),
        publisher=publisher,
        url=url,
        genre=genre,
        language=language,
    )
    try:
        skeleton = article_skeleton(records, article_id, text, choices, clock.today())
        write(skeleton)
    except ContributionError as exc:
        raise _fail(str(exc), 2) from None
    _report(skeleton, records, "")
    out.print(f"the text file is not committed: keep {text.name} and give it to a maintainer with the pull request")


@new_app.command("claim")
def new_claim(
    article: Annotated[str, typer.Option("--article", help="The id of the article the claim is in.")],
    quote: Annotated[
        str | None, typer.Option("--quote", help="The claim's words, verbatim; needs --sources to find the span.")
    ] = None,
    sources: SourcesOption = None,
    occurrence: Annotated[
        int | None, typer.Option("--occurrence", help="Which occurrence of a repeated quote (1 = first).")
    ] = None,
    annotator: Annotated[str | None, typer.Option("--annotator", help="Your name or handle.")] = None,
    verdict: Annotated[
        str | None,
        typer.Option(
            "--verdict",
            parser=VERDICTS_CHOICE,
            metavar=VERDICTS_CHOICE.metavar,
            help="Your verdict (first pass); see GUIDELINES.md.",
        ),
    ] = None,
    claim_type: Annotated[
        str | None,
        typer.Option(
            "--claim-type",
            parser=CLAIM_TYPES_CHOICE,
            metavar=CLAIM_TYPES_CHOICE.metavar,
            help="What kind of fact it states.",
        ),
    ] = None,
    attribution: Annotated[
        str | None,
        typer.Option(
            "--attribution",
            parser=ATTRIBUTIONS_CHOICE,
            metavar=ATTRIBUTIONS_CHOICE.metavar,
            help="Whose words: the author's, reported or quoted.",
        ),
    ] = None,
    checks: Annotated[
        str | None,
        typer.Option(
            "--checks",
            parser=CHECKS_CHOICE,
            metavar=CHECKS_CHOICE.metavar,
            help="What the verdict judges: the content, or that it was said.",
        ),
    ] = None,
    claimant: Annotated[str | None, typer.Option("--claimant", help="Who makes the claim.")] = None,
    claimant_kind: Annotated[
        str | None,
        typer.Option(
            "--claimant-kind", parser=KINDS_CHOICE, metavar=KINDS_CHOICE.metavar, help="What kind of claimant it is."
        ),
    ] = None,
    countries: Annotated[
        list[str] | None,
        typer.Option("--country", metavar="CODE", help="ISO 3166-1 alpha-3 code (repeat for several)."),
    ] = None,
    records: RecordsOption = Path("records"),
) -> None:
    """Write a skeleton claim record (draft) with the article's next free claim id."""
    require_paths([records])
    check_sources(sources)
    model = _read_article(records, article)
    choices = ClaimChoices(
        annotator=annotator,
        verdict=verdict,
        claim_type=claim_type,
        attribution=attribution,
        checks=checks,
        claimant=claimant,
        claimant_kind=claimant_kind,
        countries=tuple(c.upper() for c in countries or ()),
    )
    try:
        if quote is not None:
            if sources is None:
                raise _fail("--quote needs --sources DIR, the folder holding the article's text file, for the span", 2)
            wanted = unicodedata.normalize("NFC", quote)  # as records store text; terminals may send NFD
            choices.span, choices.quote, spacing = find_quote(article_text(model, sources), wanted, occurrence)
            if spacing:
                err.print(f"note: {spacing}")
        skeleton = claim_skeleton(records, model, choices, clock.today())
        write(skeleton)
    except (ContributionError, ValueError) as exc:
        raise _fail(f"{article}: {exc}" if isinstance(exc, ContributionError) else str(exc), 2) from None
    _report(skeleton, records, f" --sources {sources.as_posix()}" if sources else "")


def _claim_path(records: Path, claim_id: str) -> Path:
    """The file of a claim id: <records>/claims/<article>/<id>.json."""
    match = re.fullmatch(r"([a-z0-9]+(?:-[a-z0-9]+)*)-c[0-9]{3,}", claim_id)
    if match is None:
        raise _fail(f"{claim_id!r}: not a claim id (<article-id>-cNNN)", 2)
    path = records / CLAIMS_DIR / match.group(1) / f"{claim_id}.json"
    if not path.is_file():
        raise _fail(f"{path}: no such claim record", 2)
    return path


def _load_claim(path: Path, records: Path, sources: Path | None, purpose: str) -> Claim:
    """The claim in ``path``, or its validation errors and exit 1 when it does not pass."""
    outcome = validate([path], records, sources, models=True)
    failing = errors(outcome.problems)
    if failing:
        print(render(failing, "text", 1))
        raise _fail(f"{path.as_posix()}: fix the problems above before {purpose}")
    return next(c.model for c in outcome.corpus.claims if c.file.path.resolve() == path.resolve())  # type: ignore[return-value]


def _rewrite(path: Path, records: Path, sources: Path | None, updated: Claim) -> None:
    """Write the updated claim in canonical form; put the old file back if the result fails validation."""
    original = path.read_bytes()
    path.write_text(canonical_text(updated), encoding="utf-8", newline="\n")
    failing = errors(validate([path], records, sources).problems)
    if failing:
        path.write_bytes(original)
        print(render(failing, "text", 1))
        raise _fail(f"{path.as_posix()}: not changed, the result would not pass validation")


@app.command("review")
def review_command(
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="The draft claim to mark reviewed.")],
    by: Annotated[str, typer.Option("--by", help="The maintainer accepting the review (not the first annotator).")],
    records: RecordsOption = Path("records"),
    sources: SourcesOption = None,
) -> None:
    """Mark a draft claim reviewed, once it has a blind second pass and passes validation (maintainers)."""
    require_paths([records])
    check_sources(sources)
    path = _claim_path(records, claim_id)
    claim = _load_claim(path, records, sources, "marking it reviewed")
    review = claim.review
    if claim.withdrawn is not None:
        raise _fail(f"{claim_id}: withdrawn on {claim.withdrawn.on}; a withdrawn claim is not reviewed")
    if review.status == "reviewed":
        raise _fail(f"{claim_id}: already reviewed on {review.reviewed_on}")
    if review.second_pass is None:
        raise _fail(
            f"{claim_id}: needs a blind second pass first: review.second_pass with a verdict, justification, "
            "evidence, reviewer and date, made without seeing the first verdict (and an adjudication_note "
            "if the verdicts differ)"
        )
    if by.strip().casefold() == review.first_annotator.strip().casefold():
        raise _fail(f"{claim_id}: {by} is the first annotator; someone else must accept the review")
    if review.second_pass.reviewer.strip().casefold() == review.first_annotator.strip().casefold():
        raise _fail(f"{claim_id}: the second pass is by the first annotator ({review.first_annotator}); it must not be")
    today = clock.today().isoformat()
    updated = claim.model_copy(
        update={"review": review.model_copy(update={"status": "reviewed", "reviewed_on": today}), "modified": today}
    )
    _rewrite(path, records, sources, updated)
    out.print(f"{claim_id}: reviewed on {today}, accepted by {by}", markup=False)


@app.command("withdraw")
def withdraw_command(
    claim_id: Annotated[str, typer.Argument(metavar="ID", help="The claim to withdraw.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn; kept in the record.")],
    replaced_by: Annotated[
        str | None, typer.Option("--replaced-by", metavar="ID", help="The claim that replaces it, if any.")
    ] = None,
    records: RecordsOption = Path("records"),
) -> None:
    """Withdraw a claim: it keeps its file and id (never reused) and the build leaves it out (maintainers)."""
    require_paths([records])
    path = _claim_path(records, claim_id)
    if not reason.strip():
        raise _fail("--reason must say why the claim is withdrawn", 2)
    if replaced_by is not None:
        if replaced_by == claim_id:
            raise _fail(f"{claim_id}: a claim cannot replace itself", 2)
        _claim_path(records, replaced_by)
    record, problem = read_record(path, path.as_posix())
    try:
        if problem is not None:
            raise ValueError(problem.message)
        claim = Claim.model_validate(record.data)
    except ValueError:
        raise _fail(f"{path.as_posix()}: not a valid claim record; run `triaxis validate {path.as_posix()}`") from None
    if claim.withdrawn is not None:
        raise _fail(f"{claim_id}: already withdrawn on {claim.withdrawn.on}")
    today = clock.today().isoformat()
    try:
        withdrawal = Withdrawal(on=today, reason=reason.strip(), replaced_by=replaced_by)
    except ValidationError:
        raise _fail(f"--reason: at most {LONG_TEXT} characters", 2) from None
    _rewrite(path, records, None, claim.model_copy(update={"withdrawn": withdrawal, "modified": today}))
    replacement = f", replaced by {replaced_by}" if replaced_by else ""
    out.print(
        f"{claim_id}: withdrawn on {today}{replacement}; the file stays and the build leaves it out", markup=False
    )
