"""The dataset card (README.md of the build), rendered with huggingface_hub.

Everything in it is derived from the records, the features, the annotation guidelines and the
project files (pyproject.toml, CITATION.cff, the changelog), so the card cannot disagree with the
data. Text taken from records is escaped before it reaches Markdown; the YAML header is written by
``DatasetCardData``, which quotes whatever needs quoting.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pycountry
from datasets import ClassLabel, DatasetInfo, Features, List, SplitDict, SplitInfo, Value
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard, DatasetCardData

from triaxis import __version__
from triaxis.agreement import compute, markdown
from triaxis.columns import field as nested
from triaxis.dataset import ARTICLE_SPLIT, CONFIG_DOCS, CONFIGS, FEATURES, FIELD_DOCS, field_names
from triaxis.models import SPLITS, VERDICTS, Article, Claim
from triaxis.project import PACKAGE_ROOT, Citation, ProjectFileError, citation, hub_repo_id, pyproject
from triaxis.table import claims_table

LICENSE = "cc-by-4.0"
PRETTY_NAME = "TriAxis: fact-checked claims on the Russia–Pakistan–China alignment"
GUIDELINES = "GUIDELINES.md"
CHANGELOG = "CHANGELOG.md"
# Sections of the guidelines that describe how claims were chosen, restated, dated and judged.
METHOD_SECTIONS = (
    "What is checkable",
    "Atomic claims",
    "Quote and span",
    "Decontextualization",
    "Attribution",
    "Dates",
    "Evidence",
    "Related claims",
)


def escape_markdown(text: str) -> str:
    """Make record text inert inside Markdown (also inside a table cell): no markup, links, HTML or breaks."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~])", r"\\\1", text)


SIZE_CATEGORIES = (
    "n<1K",
    "1K<n<10K",
    "10K<n<100K",
    "100K<n<1M",
    "1M<n<10M",
    "10M<n<100M",
    "100M<n<1B",
    "1B<n<10B",
    "10B<n<100B",
    "100B<n<1T",
)


def size_category(count: int) -> str:
    """The Hub's size category for ``count`` rows (one of the values the Hub's metadata rules accept)."""
    for power, label in enumerate(SIZE_CATEGORIES, start=3):
        if count < 10**power:
            return label
    return "n>1T"


@dataclass
class CardInputs:
    """What the card needs besides the records: build figures, computed sections and project files."""

    counts: dict[str, dict[str, int]]
    split_bytes: dict[str, dict[str, int]] = field(default_factory=dict)
    download_bytes: dict[str, int] = field(default_factory=dict)
    version: str = __version__
    repo_id: str | None = None
    citation: Citation | None = None
    code_license: str | None = None
    guidelines: str = ""
    changelog: str = ""
    charts: list[str] = field(default_factory=list)
    stats_markdown: str = ""
    baselines_markdown: str = ""
    drafts_left_out: int = 0
    drafts_included: int = 0
    withdrawn: int = 0

    @classmethod
    def read(cls, records: Path | None, **figures: object) -> CardInputs:
        """Project files found beside ``records`` (or, failing that, in the package's source tree)."""
        try:
            repo_id: str | None = hub_repo_id(records)
            code_license = pyproject(records)["project"].get("license")
        except ProjectFileError:
            repo_id, code_license = None, None
        try:
            cff: Citation | None = citation(records)
        except ProjectFileError:
            cff = None
        folder = records if records is not None else PACKAGE_ROOT / "records"
        guidelines = folder / GUIDELINES
        if not guidelines.is_file():  # the method is the project's, whichever records are built
            guidelines = PACKAGE_ROOT / "records" / GUIDELINES
        changelog = folder / CHANGELOG
        return cls(
            repo_id=repo_id,
            citation=cff,
            code_license=code_license if isinstance(code_license, str) else None,
            guidelines=guidelines.read_text(encoding="utf-8") if guidelines.is_file() else "",
            changelog=changelog.read_text(encoding="utf-8") if changelog.is_file() else "",
            **figures,  # type: ignore[arg-type]
        )


def card_data(inputs: CardInputs) -> DatasetCardData:
    """YAML metadata: configs with their files, and each config's features and split sizes."""
    counts = inputs.counts
    data = DatasetCardData(
        license=LICENSE,
        language=["en"],
        pretty_name=PRETTY_NAME,
        task_categories=["text-classification"],
        task_ids=["fact-checking"],
        size_categories=[size_category(sum(counts.get("claims", {}).values()))],
        annotations_creators=["expert-generated"],
        language_creators=["found"],
        multilinguality=["monolingual"],
        source_datasets=["original"],
        configs=[
            {
                "config_name": config,
                "default": config == "claims",
                "data_files": [{"split": s, "path": f"{config}/{s}.parquet"} for s in counts[config]],
            }
            for config in CONFIGS
            if config in counts
        ],
    )
    infos = DatasetInfosDict()
    for config in CONFIGS:
        if config not in counts:
            continue
        splits = SplitDict()
        sizes = inputs.split_bytes.get(config, {})
        for split, rows in counts[config].items():
            splits.add(SplitInfo(name=split, num_examples=rows, num_bytes=sizes.get(split, 0)))
        infos[config] = DatasetInfo(
            features=FEATURES[config],
            splits=splits,
            config_name=config,
            download_size=inputs.download_bytes.get(config),
            dataset_size=sum(sizes.values()) if sizes else None,
        )
    infos.to_dataset_card_data(data)
    return data


# --- the guidelines, read as sections ---------------------------------------------------------


def guideline_sections(text: str) -> dict[str, str]:
    """The ``## `` sections of the guidelines by title."""
    parts = re.split(r"^## +(.+?)\s*$", text, flags=re.MULTILINE)
    return {title: body.strip() for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def label_definitions(guidelines: str) -> dict[str, str]:
    """Each verdict's definition: the ``- **label**: …`` bullets of the guidelines' Verdicts section."""
    section = guideline_sections(guidelines).get("Verdicts", "")
    found = re.findall(r"^- \*\*(\w+)\*\*: (.+?)(?=^- |^\S|\Z)", section, flags=re.MULTILINE | re.DOTALL)
    return {label: re.sub(r"\s+", " ", body).strip() for label, body in found}


def _demote(markdown_text: str, levels: int) -> str:
    """Push headings down so included documents nest under the card's own section."""
    return re.sub(r"^(#{1,5}) ", lambda m: "#" * min(6, len(m.group(1)) + levels) + " ", markdown_text, flags=re.M)


# --- sections -----------------------------------------------------------------------------------


@dataclass
class ClaimFigures:
    """Counts the prose sections quote, gathered in one pass: large builds touch each claim once."""

    claims: int = 0
    evidence: int = 0
    second_passes: int = 0
    adjudicated: int = 0
    annotators: set[str] = field(default_factory=set)
    reviewers: set[str] = field(default_factory=set)
    countries: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, claims: Sequence[Claim] | pa.Table) -> ClaimFigures:
        table = claims_table(claims)
        review = table["review"]
        second = nested(review, "second_pass")
        countries = pc.list_flatten(table["countries"])
        return cls(
            claims=table.num_rows,
            evidence=int(pc.sum(pc.list_value_length(table["evidence"])).as_py() or 0),
            second_passes=table.num_rows - second.null_count,
            adjudicated=table.num_rows - nested(review, "adjudication_note").null_count,
            annotators=set(pc.unique(nested(review, "first_annotator")).to_pylist()),
            reviewers=set(pc.unique(pc.drop_null(nested(second, "reviewer"))).to_pylist()),
            countries=Counter(countries.to_pylist()),
        )


def language_name(code: str) -> str:
    """A language's English name from its ISO 639 code (``en`` -> English), or the code itself."""
    base = code.split("-")[0]
    found = pycountry.languages.get(alpha_2=base) if len(base) == 2 else pycountry.languages.get(alpha_3=base)
    return found.name if found else code


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def type_name(feature: object) -> str:
    if isinstance(feature, ClassLabel):
        return "class label"
    if isinstance(feature, Value):
        return feature.dtype
    if isinstance(feature, List):
        inner = feature.feature
        return "list of struct" if isinstance(inner, dict) else f"list of {type_name(inner)}"
    return "struct" if isinstance(feature, dict) else type(feature).__name__


def _nested(features: Features, name: str) -> object:
    column, _, sub = name.partition(".")
    feature = features[column]
    if not sub:
        return feature
    inner = feature.feature if isinstance(feature, List) else feature
    return inner[sub]


def _structure(counts: dict[str, dict[str, int]]) -> str:
    overview = "\n".join(
        f"| `{config}` | {CONFIG_DOCS[config]} | "
        + " | ".join(str(counts.get(config, {}).get(s, 0)) for s in SPLITS)
        + " |"
        for config in CONFIGS
    )
    parts = [
        "| config | rows | " + " | ".join(SPLITS) + " |\n|---|---|" + "---|" * len(SPLITS) + "\n" + overview,
        "Dates of reduced precision are stored as their first day (`date32`), with the precision (`day`, "
        "`month`, `year`) in the column beside them. Class labels are stored as the index of the label in "
        f"this order: {', '.join(f'{i} = `{v}`' for i, v in enumerate(VERDICTS))}. The `articles` config has "
        f"one split, `{ARTICLE_SPLIT}`.",
    ]
    for config in CONFIGS:
        features = FEATURES[config]
        rows = "\n".join(
            f"| `{name}` | {type_name(_nested(features, name))} | {_capital(FIELD_DOCS[config][name]).replace('|', '/')} |"
            for name in field_names(features)
        )
        parts.append(
            f"### `{config}`\n\n{_capital(CONFIG_DOCS[config])}.\n\n| field | type | meaning |\n|---|---|---|\n{rows}"
        )
    return "\n\n".join(parts)


def _labels(guidelines: str) -> str:
    definitions = label_definitions(guidelines)
    rows = "\n".join(
        f"| {i} | `{label}` | {_capital(definitions.get(label, 'see the annotation guidelines')).replace('|', '/')} |"
        for i, label in enumerate(VERDICTS)
    )
    return (
        "The verdict judges the claim as stated (a claim with `checks = statement_made` is judged on whether the "
        "claimant said it). Definitions from the annotation guidelines:\n\n"
        f"| index | label | definition |\n|---|---|---|\n{rows}"
    )


def _articles(articles: list[Article]) -> str:
    rows = "\n".join(
        f"| `{a.id}` | {escape_markdown(a.title)} | {escape_markdown(', '.join(a.authors)) or '(no byline)'} | "
        f"{escape_markdown(a.publisher)} | {a.published.date} | {a.genre.replace('_', ' ')} |"
        for a in sorted(articles, key=lambda a: a.id)
    )
    return f"| id | title | authors | publisher | published | genre |\n|---|---|---|---|---|---|\n{rows}"


def _charts(charts: list[str]) -> str:
    return "\n\n".join(
        f"![{Path(chart).stem.replace('_', ' ').replace('-', ' ').capitalize()}]({chart})" for chart in charts
    )


def _method(guidelines: str, figures: ClaimFigures) -> str:
    sections = guideline_sections(guidelines)
    lead = (
        f"Each article was read in full and every checkable factual claim in it became one record: the verbatim "
        f"quote with its character span, a standalone restatement, the claimant, the date the claim was made, a "
        f"claim type, a verdict with its justification, and the evidence pages that were actually read. "
        f"{figures.second_passes} of the {figures.claims} claims were then judged a second time, blind to the first "
        f"verdict, its justification and its evidence; {figures.adjudicated} disagreements were adjudicated with a "
        f"recorded note. First passes by {len(figures.annotators)} annotator(s), second passes by "
        f"{len(figures.reviewers)} reviewer(s). "
        "The records are checked automatically (`triaxis validate`): schema, quote against the article text at its "
        "span, dates, evidence required by each verdict, mutual links and splits."
    )
    included = "\n\n".join(
        f"### {title}\n\n{_demote(sections[title], 2)}" for title in METHOD_SECTIONS if title in sections
    )
    return lead + ("\n\n" + included if included else "")


def _limitations(articles: list[Article], figures: ClaimFigures) -> str:
    years = sorted(a.published.date[:4] for a in articles)
    genres = Counter(a.genre.replace("_", " ") for a in articles)
    languages = sorted({a.language for a in articles})
    ranked = sorted(figures.countries.items(), key=lambda kv: (-kv[1], kv[0]))
    top = ", ".join(f"{code} ({n})" for code, n in ranked[:5])
    span = f"{years[0]}–{years[-1]}" if years and years[0] != years[-1] else (years[0] if years else "unknown")
    names = [language_name(code) for code in languages]
    language_note = f"{names[0]} only" if len(names) == 1 else "in " + ", ".join(names)
    return f"""- **Few, opinionated sources.** The claims come from {len(articles)} articles
  ({", ".join(f"{n} {g}" for g, n in sorted(genres.items()))}) published {span}, most of them opinion
  or analysis from one region and one political moment. What their authors chose to assert, and the
  slant of their framing, shape which claims exist and how they are worded; the dataset is not a sample
  of news or of claims in general.
- **Narrow topic.** The claims concern the relations between Russia, Pakistan and China; the countries
  named most often are {top or "none"}. Models trained on it learn a topic and a period, not fact-checking
  at large.
- **Language.** The articles are {language_note}; so are the restatements and justifications.
- **Label balance.** The verdicts are not balanced (see the statistics above); report per-label scores.
- **Small and expert-made.** Verdicts reflect what a small team of annotators could find and read;
  `not_enough_evidence` means they looked and could not settle it, not that the claim is false.
  Evidence is weighted towards English-language sources reachable online.
- **Time.** Claims are judged on what was known when they were reviewed (`reviewed_on`); later
  evidence may change a verdict, which a later release records in the changelog.
- **Quotes are not texts.** The article texts are not redistributed, so claim detection over full
  articles needs a copy of each text (verifiable by its SHA-256).
"""


def _licence(inputs: CardInputs) -> str:
    data_licence = inputs.citation.license if inputs.citation else LICENSE.upper()
    code = inputs.code_license or "see the repository"
    return f"""| component | licence |
|---|---|
| Annotations: restatements, verdicts, justifications, doubts, evidence summaries, review data and metadata | {data_licence} |
| `quote` fields: short verbatim excerpts of copyrighted articles | © their authors and publishers; included for verification, research and commentary, not covered by {data_licence} |
| Article texts | not redistributed; each is identified by the SHA-256 and length of its text file |
| Evidence pages | not redistributed; only their address, title, publisher, date and an own-words summary |
| Tools that validate and build the dataset | {code} |
"""


def _citation(inputs: CardInputs) -> str:
    if inputs.citation is None:
        return "No CITATION.cff was found beside the records."
    return (
        f"Please cite version {inputs.citation.version} as follows (generated from the repository's "
        f"CITATION.cff):\n\n```bibtex\n{inputs.citation.bibtex()}\n```"
    )


def _changelog(text: str) -> str:
    if not text.strip():
        return "No changelog was found beside the records."
    body = re.sub(r"\A\s*# [^\n]*\n", "", text)  # the document's own title
    return _demote(body.strip(), 1)


def _summary(articles: list[Article], figures: ClaimFigures, inputs: CardInputs) -> str:
    notes = []
    if inputs.drafts_included:
        notes.append(f"{inputs.drafts_included} draft claim(s) not yet reviewed are included (`review_status = draft`)")
    if inputs.drafts_left_out:
        notes.append(f"{inputs.drafts_left_out} draft claim(s) not yet reviewed are left out")
    notes.append(
        f"{inputs.withdrawn} withdrawn claim(s) are left out (their records are kept and their ids never reused)"
    )
    return (
        f"TriAxis is a fact-checking dataset: every checkable factual claim in {len(articles)} "
        f"{'/'.join(sorted({language_name(a.language) for a in articles}))}-language "
        "articles on relations between Russia, Pakistan and China, quoted verbatim with its character span, "
        "restated so that it stands alone, attributed to its claimant, dated, and given a verdict "
        f"({', '.join(f'`{v}`' for v in VERDICTS)}) with a justification and dated evidence links.\n\n"
        f"**Version {inputs.version}**: {figures.claims} claims from {len(articles)} articles, with {figures.evidence} "
        f"evidence links. In this build, " + "; ".join(notes) + "."
    )


def _loading(inputs: CardInputs) -> str:
    where = inputs.repo_id or "path/to/this/folder"
    return f"""```python
from datasets import load_dataset

claims = load_dataset("{where}")                                    # default config: claims
evidence = load_dataset("{where}", "evidence")                      # one row per claim–evidence pair
articles = load_dataset("{where}", "articles", split="{ARTICLE_SPLIT}")  # article metadata

row = claims["test"][0]
label = claims["test"].features["verdict"].int2str(row["verdict"])
```

A local copy of this folder loads the same way with its path in place of the repository id, offline."""


TASKS = """- **Claim verification** (`text-classification`, `fact-checking`): predict `verdict` from `claim`
  (optionally with `quote`, the article metadata, and the evidence). Splits keep claims about the same
  fact together, so the test split holds no fact seen in training.
- **Evidence retrieval**: find pages that support or refute a claim; the `evidence` config gives, per
  claim, the pages read with their `stance` and an own-words `summary` (relevance labels for ranking).
- **Claim detection**: find the checkable claims in an article; `quote`, `span_start` and `span_end`
  mark each claim in its article's text (texts not redistributed; each is identified by its SHA-256).
- Secondary uses: decontextualization (`quote` → `claim`), claim dating (`claim_date` with its precision
  and basis), and soft labels from the two review passes (`first_pass_verdict`, `second_pass_verdict`)."""


def card_body(articles: list[Article], claims: Sequence[Claim] | pa.Table, inputs: CardInputs) -> str:
    claims = claims_table(claims)
    figures = ClaimFigures.of(claims)
    sections = [
        f"# {PRETTY_NAME}",
        _summary(articles, figures, inputs),
        "## Loading\n\n" + _loading(inputs),
        "## Supported tasks\n\n" + TASKS,
        "## Dataset structure\n\n" + _structure(inputs.counts),
        "## Labels\n\n" + _labels(inputs.guidelines),
        "## Source articles\n\n" + _articles(articles),
        "## Statistics\n\n"
        + "\n\n".join(part for part in (inputs.stats_markdown.strip(), _charts(inputs.charts)) if part),
    ]
    if inputs.baselines_markdown.strip():
        sections.append("## Baselines\n\n" + _demote(inputs.baselines_markdown.strip(), 1))
    sections += [
        "## How the claims were extracted and verified\n\n" + _method(inputs.guidelines, figures),
        "## Agreement\n\n" + markdown(compute(claims)).strip(),
        "## Limitations and biases\n\n" + _limitations(articles, figures).strip(),
        "## Licence\n\n" + _licence(inputs).strip(),
        "## Citation\n\n" + _citation(inputs),
        "## Changelog\n\n" + _changelog(inputs.changelog),
    ]
    return "\n\n".join(sections) + "\n"


def render_card(articles: list[Article], claims: Sequence[Claim] | pa.Table, inputs: CardInputs) -> str:
    """The card of a build of ``claims`` (the published ones) with the figures in ``inputs``."""
    card = DatasetCard.from_template(
        card_data(inputs),
        template_str="---\n{{ card_data }}\n---\n\n{{ body }}",
        body=card_body(articles, claims, inputs),
    )
    return str(card.content).rstrip("\n") + "\n"
