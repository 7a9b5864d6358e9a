"""The dataset card of a build of the real records: Hub metadata rules, every section, real figures."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs, _NoDuplicateSafeLoader
from huggingface_hub import DatasetCard, DatasetCardData

import triaxis
from conftest import REPO, VALID
from triaxis import baselines
from triaxis.agreement import compute
from triaxis.build import write_dataset
from triaxis.card import escape_markdown, label_definitions
from triaxis.dataset import CONFIGS, FEATURES, FIELD_DOCS, field_names
from triaxis.models import VERDICTS, Article, Claim
from triaxis.project import citation, pyproject

SECTIONS = (
    "Loading",
    "Supported tasks",
    "Dataset structure",
    "Labels",
    "Source articles",
    "Statistics",
    "Baselines",
    "How the claims were extracted and verified",
    "Agreement",
    "Limitations and biases",
    "Licence",
    "Citation",
    "Changelog",
)
BASELINES_MARKER = "| `marker-baseline` | 0.5 |"


def _models(records: Path) -> tuple[list[Article], list[Claim]]:
    articles = [Article.model_validate_json(p.read_text()) for p in sorted((records / "articles").glob("*.json"))]
    claims = [Claim.model_validate_json(p.read_text()) for p in sorted((records / "claims").rglob("*.json"))]
    return articles, claims


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A build of the real records; the baselines section is stood in for (it is tested on its own)."""
    out = tmp_path_factory.mktemp("card") / "dataset"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(baselines, "card_markdown", lambda claims: f"| baseline | score |\n|---|---|\n{BASELINES_MARKER}")
        articles, claims = _models(REPO / "records")
        write_dataset(articles, claims, out, records=REPO / "records")
    yield out


def _split(card: str) -> tuple[dict, str]:
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", card, flags=re.DOTALL)
    assert match, "the card starts with a YAML block"
    return yaml.load(match.group(1), Loader=_NoDuplicateSafeLoader), match.group(2)


def _resource(name: str) -> object:
    return json.loads(resources.files("datasets.utils.resources").joinpath(name).read_text())


def test_yaml_metadata_meets_the_hub_rules(build: Path) -> None:
    metadata, _ = _split((build / "README.md").read_text())
    assert metadata["license"] == "cc-by-4.0"
    assert metadata["task_categories"] == ["text-classification"]
    assert metadata["task_ids"] == ["fact-checking"]
    assert metadata["language"] == ["en"] and "en" in _resource("languages.json")
    assert metadata["size_categories"] == ["n<1K"] and metadata["size_categories"][0] in _resource(
        "size_categories.json"
    )
    creators = _resource("creators.json")
    assert set(metadata["annotations_creators"]) <= set(creators["annotations"])
    assert set(metadata["language_creators"]) <= set(creators["language"])
    assert set(metadata["multilinguality"]) <= set(_resource("multilingualities.json"))
    assert metadata["pretty_name"].startswith("TriAxis")


def test_card_data_round_trips_through_dataset_card_data(build: Path) -> None:
    card = DatasetCard((build / "README.md").read_text())
    data = card.data.to_dict()
    assert DatasetCardData(**data).to_dict() == data
    configs = MetadataConfigs.from_dataset_card_data(card.data)  # raises on malformed data_files
    assert list(configs) == list(CONFIGS) and configs.get_default_config_name() == "claims"
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    for config in CONFIGS:
        assert infos[config].features == FEATURES[config]
        for split, info in infos[config].splits.items():
            rows = pq.read_metadata(build / config / f"{split}.parquet").num_rows
            assert info.num_examples == rows and info.num_bytes > 0
        assert infos[config].download_size == sum(p.stat().st_size for p in (build / config).glob("*.parquet"))


def test_every_section_is_there_with_real_content(build: Path) -> None:
    _, body = _split((build / "README.md").read_text())
    headings = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    assert [h for h in headings if h in SECTIONS] == list(SECTIONS)
    sections = dict(zip(headings, re.split(r"^## .+$", body, flags=re.MULTILINE)[1:], strict=True))
    for title in SECTIONS:
        assert len(sections[title].strip()) > 80 or title == "Baselines", title
    assert BASELINES_MARKER in sections["Baselines"]
    for task in ("Claim verification", "Evidence retrieval", "Claim detection"):
        assert task in sections["Supported tasks"]
    assert "English only" in sections["Limitations and biases"]
    assert "not redistributed" in sections["Licence"] and "CC-BY-4.0" in sections["Licence"]


def test_every_field_of_every_config_is_explained(build: Path) -> None:
    _, body = _split((build / "README.md").read_text())
    for config in CONFIGS:
        names = field_names(FEATURES[config])
        assert set(FIELD_DOCS[config]) == set(names), config
        section = body.split(f"### `{config}`", 1)[1].split("\n### ", 1)[0]
        documented = re.findall(r"^\| `([\w.]+)` \| [^|]+ \| (.+) \|$", section, flags=re.MULTILINE)
        assert [name for name, _ in documented] == names
        assert all(len(meaning) > 8 for _, meaning in documented)


def test_label_definitions_come_from_the_guidelines(build: Path) -> None:
    definitions = label_definitions((REPO / "records" / "GUIDELINES.md").read_text())
    assert list(definitions) == list(VERDICTS)
    _, body = _split((build / "README.md").read_text())
    for index, label in enumerate(VERDICTS):
        definition = definitions[label]
        assert f"| {index} | `{label}` | {definition[0].upper()}{definition[1:]} |" in body


def test_figures_are_computed_from_the_records(build: Path) -> None:
    articles, claims = _models(REPO / "records")
    published = [c for c in claims if c.withdrawn is None and c.review.status != "draft"]
    _, body = _split((build / "README.md").read_text())
    assert f"{len(published)} claims from {len(articles)} articles" in body
    agreement = compute(published)
    assert f"claims with both passes: {agreement.pairs}" in body
    assert f"Cohen's κ: {agreement.kappa:.3f}" in body
    for article in articles:
        assert f"| `{article.id}` | {escape_markdown(article.title)} |" in body


def test_charts_are_in_the_build_and_linked_relatively(build: Path) -> None:
    _, body = _split((build / "README.md").read_text())
    links = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", body)
    assert any("verdict" in link for link in links)
    for link in links:
        assert not link.startswith(("/", "http")) and (build / link).read_bytes().startswith(b"\x89PNG")


def test_version_and_citation_agree_with_the_project(build: Path) -> None:
    _, body = _split((build / "README.md").read_text())
    declared = pyproject(REPO / "records")["project"]["version"]
    assert triaxis.__version__ == declared
    assert f"**Version {declared}**" in body
    assert citation(REPO / "records").bibtex() in body
    assert f'load_dataset("{pyproject(REPO / "records")["tool"]["triaxis"]["hub-repo-id"]}")' in body


def test_changelog_is_included_when_present(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(VALID / "records", records)
    articles, claims = _models(records)
    write_dataset(articles, claims, tmp_path / "without", records=records)
    assert "No changelog was found" in (tmp_path / "without/README.md").read_text()
    (records / "CHANGELOG.md").write_text("# Changelog\n\n## [2.0.0] - 2030-01-01\n\n### Added\n\n- 3 claims.\n")
    write_dataset(articles, claims, tmp_path / "with", records=records)
    _, body = _split((tmp_path / "with/README.md").read_text())
    changelog = body.split("## Changelog", 1)[1]
    assert "### [2.0.0] - 2030-01-01" in changelog and "#### Added" in changelog and "- 3 claims." in changelog
    assert "# Changelog" not in changelog


def test_record_text_cannot_break_the_markdown_or_yaml(tmp_path: Path) -> None:
    articles, claims = _models(VALID / "records")
    hostile = "Evil | cell ](http://x) <script>alert(1)</script> *bold* `code`\n---\nlicense: mit\n# Heading"
    articles = [a.model_copy(update={"title": hostile, "publisher": "Pub | lisher\n\n## Fake"}) for a in articles]
    write_dataset(articles, claims, tmp_path / "out")
    card = (tmp_path / "out/README.md").read_text()
    metadata, body = _split(card)
    assert metadata["license"] == "cc-by-4.0" and card.count("\n---\n") == 1
    row = next(line for line in body.splitlines() if line.startswith(f"| `{articles[0].id}` |"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six cells, none split by the title's pipe
    assert "<script>" not in body and "](http://x)" not in body and "\n## Fake" not in body
    assert not re.search(r"^# Heading", body, flags=re.MULTILINE)
