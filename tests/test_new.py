"""`triaxis new`: skeleton records with the next free id, spans from quotes, and placeholders that fail validation."""

from __future__ import annotations

import json
import shlex
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import VALID
from triaxis.cli import app
from triaxis.new import ContributionError, find_span, is_placeholder, next_claim_id
from triaxis.splits import hashed_split
from triaxis.validate import validate

runner = CliRunner()
SOURCES = VALID / "sources"
TEXT = (SOURCES / "harbour-2020.txt").read_text(encoding="utf-8")
FOLDER = "claims/harbour-2020"
QUOTE = "The pier is 240 metres long and cost 4 million euros."


def new_claim(records: Path, *options: str) -> tuple[int, str]:
    result = runner.invoke(app, ["new", "claim", "--article", "harbour-2020", "--records", str(records), *options])
    return result.exit_code, result.output


def fill_in(path: Path) -> None:
    """Replace every placeholder as a contributor would, with a supported verdict and its evidence."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["claim"] = "Eastmere's new ferry pier, opened in March 2020, cost 4 million euros."
    data["claim_date"]["note"] = "The author's own claim, dated by the article."
    data["claim_type"], data["countries"], data["verdict"] = "quantity", ["NOR"], "supported"
    data["review"]["first_pass_verdict"] = "supported"
    data["justification"] = "The council's budget report gives the pier's final cost as 4 million euros."
    data["evidence"] = [
        {
            "url": "https://example.org/budget-2020",
            "title": "Budget report 2020",
            "publisher": "Eastmere town council",
            "published": {"date": "2020-12", "precision": "month"},
            "stance": "supports",
            "summary": "The report lists the pier among finished works at a cost of 4 million euros.",
        }
    ]
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_next_claim_id_follows_the_highest_number(records: Path) -> None:
    assert next_claim_id(records, "harbour-2020") == "harbour-2020-c004"
    (records / FOLDER / "harbour-2020-c003.json").rename(records / FOLDER / "harbour-2020-c017.json")
    assert next_claim_id(records, "harbour-2020") == "harbour-2020-c018"
    assert next_claim_id(records, "no-such-article") == "no-such-article-c001"


def test_find_span_of_a_unique_quote() -> None:
    span = find_span(TEXT, QUOTE)
    assert TEXT[span.start : span.end] == QUOTE


def test_find_span_names_every_occurrence_of_a_repeated_quote() -> None:
    first, second = TEXT.index("new ferry pier"), TEXT.rindex("new ferry pier")
    with pytest.raises(
        ContributionError, match=f"occurs 2 times, at {first}-{first + 14}, {second}-{second + 14}: quote"
    ):
        find_span(TEXT, "new ferry pier")
    assert find_span(TEXT, "new ferry pier", occurrence=2).start == second
    with pytest.raises(ContributionError, match="occurs 2 time"):
        find_span(TEXT, "new ferry pier", occurrence=3)


def test_find_span_points_at_a_near_miss_in_quote_marks() -> None:
    with pytest.raises(ContributionError, match=r"not in the article text; the text at 227-282 differs only in quote"):
        find_span(TEXT, '"The pier will carry half a million passengers a year."')
    with pytest.raises(ContributionError, match="character for character"):
        find_span(TEXT, "The pier is 250 metres long")


def test_new_claim_writes_a_draft_with_the_span_of_its_quote(records: Path) -> None:
    code, output = new_claim(records, "--quote", QUOTE, "--sources", str(SOURCES), "--annotator", "sam")
    assert code == 0, output
    path = records / FOLDER / "harbour-2020-c004.json"
    assert f"wrote {path.as_posix()}" in output
    data = json.loads(path.read_text(encoding="utf-8"))
    assert TEXT[data["span"]["start"] : data["span"]["end"]] == QUOTE == data["quote"]
    assert data["review"]["status"] == "draft" and data["review"]["first_annotator"] == "sam"
    assert data["split"] == hashed_split("harbour-2020-c004")
    assert data["claim_date"]["date"] == "2020-03" and data["claimant"]["name"] == "TriAxis test suite"
    assert "line 10  claim: the claim restated" in output and "line 25  verdict: not_enough_evidence" in output


def test_a_quote_typed_in_decomposed_form_is_found(records: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "cafe.txt").write_text("Le Café Müller a ouvert en 2021.\n", encoding="utf-8")
    arguments = ["--text", str(sources / "cafe.txt"), "--published", "2021", "--language", "fr"]
    assert runner.invoke(app, ["new", "article", "cafe-2021", *arguments, "--records", str(records)]).exit_code == 0
    decomposed = unicodedata.normalize("NFD", "Café Müller a ouvert en 2021")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    result = runner.invoke(
        app,
        [
            "new",
            "claim",
            "--article",
            "cafe-2021",
            "--quote",
            decomposed,
            "--sources",
            str(sources),
            "--records",
            str(records),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads((records / "claims/cafe-2021/cafe-2021-c001.json").read_text(encoding="utf-8"))
    assert data["span"] == {"start": 3, "end": 31} and data["quote"] == "Café Müller a ouvert en 2021"


def test_a_skeleton_fails_validation_at_each_placeholder_until_filled_in(records: Path) -> None:
    new_claim(records, "--quote", QUOTE, "--sources", str(SOURCES), "--annotator", "sam")
    path = records / FOLDER / "harbour-2020-c004.json"
    problems = validate([path], records, SOURCES).problems
    assert {p.code for p in problems} == {"TX272"}
    assert [p.line for p in problems] == [10, 21, 26, 30, 31, 32, 35]
    assert "left to fill in: the claim restated" in problems[0].message
    fill_in(path)
    assert validate([path], records, SOURCES).problems == []
    assert runner.invoke(app, ["fmt", str(path), "--records", str(records)]).exit_code == 0
    assert runner.invoke(app, ["fmt", "--check", "--records", str(records)]).exit_code == 0


def test_without_an_annotator_that_is_left_to_fill_in_too(records: Path) -> None:
    code, output = new_claim(records, "--quote", QUOTE, "--sources", str(SOURCES), "--verdict", "refuted")
    assert code == 0 and "review.first_annotator: your name or handle" in output and "line 25  verdict" not in output
    data = json.loads((records / FOLDER / "harbour-2020-c004.json").read_text())
    assert data["verdict"] == data["review"]["first_pass_verdict"] == "refuted"
    assert is_placeholder(data["review"]["first_annotator"])


def test_consecutive_claims_get_consecutive_ids_and_withdrawn_ids_are_skipped(records: Path) -> None:
    c003 = records / FOLDER / "harbour-2020-c003.json"
    data = json.loads(c003.read_text())
    data["id"] = "harbour-2020-c009"
    data["withdrawn"] = {"on": "2026-11-02", "reason": "Recorded twice.", "replaced_by": None}
    (records / FOLDER / "harbour-2020-c009.json").write_text(json.dumps(data, indent=2) + "\n")
    assert new_claim(records)[0] == 0 and new_claim(records)[0] == 0
    assert sorted(p.stem for p in (records / FOLDER).glob("*.json"))[-3:] == [
        "harbour-2020-c009",
        "harbour-2020-c010",
        "harbour-2020-c011",
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--quote", QUOTE], "--quote needs --sources"),
        (["--quote", "new ferry pier", "--sources", str(SOURCES)], "occurs 2 times"),
        (["--quote", "a submarine", "--sources", str(SOURCES)], "not in the article text"),
        (["--sources", "/nowhere"], "sources folder not found"),
    ],
)
def test_mistakes_are_one_line_errors_and_write_nothing(records: Path, options: list[str], message: str) -> None:
    code, output = new_claim(records, *options)
    assert code == 2 and message in output and "Traceback" not in output
    assert not (records / FOLDER / "harbour-2020-c004.json").exists()


def test_unknown_article_is_a_one_line_error(records: Path) -> None:
    result = runner.invoke(app, ["new", "claim", "--article", "nowhere-2020", "--records", str(records)])
    assert result.exit_code == 2 and "nowhere-2020.json: no such article record" in result.output


def new_article(records: Path, article_id: str, *options: str) -> tuple[int, str]:
    text = str(SOURCES / "harbour-2020.txt")
    arguments = ["new", "article", article_id, "--text", text, "--records", str(records), *options]
    result = runner.invoke(app, arguments)
    return result.exit_code, result.output


def test_new_article_fingerprints_its_text(records: Path) -> None:
    code, output = new_article(records, "harbour-2021", "--published", "2021-05-02", "--author", "Ana Lind")
    assert code == 0, output
    data = json.loads((records / "articles/harbour-2021.json").read_text())
    assert data["source_file"] == json.loads((records / "articles/harbour-2020.json").read_text())["source_file"]
    assert data["published"]["precision"] == "day" and data["authors"] == ["Ana Lind"]
    problems = validate([records / "articles/harbour-2021.json"], records, SOURCES).problems
    assert {p.code for p in problems} == {"TX272"}
    assert {p.message.split(": ", 1)[1].split(" ")[0] for p in problems} == {"the", "who", "how", "what"}
    assert new_claim(records)[0] == 0  # the new article's claims can start at once


@pytest.mark.parametrize(
    ("article_id", "options", "message"),
    [
        ("harbour-2020", ["--published", "2020"], "already exists; choose another id, such as harbour-2020-2"),
        ("Harbour 2021", ["--published", "2021"], "an article id is lower-case words"),
        ("harbour-2021", ["--published", "2021-02-30"], "not a date such as"),
    ],
)
def test_new_article_mistakes_are_one_line_errors(
    records: Path, article_id: str, options: list[str], message: str
) -> None:
    code, output = new_article(records, article_id, *options)
    assert code == 2 and message in output and "Traceback" not in output


def test_the_printed_next_step_works_once_the_record_is_filled_in(records: Path) -> None:
    code, output = new_claim(records, "--quote", QUOTE, "--sources", str(SOURCES), "--annotator", "sam")
    assert code == 0
    next_step = output.split("then run: ", 1)[1].strip()
    steps = [shlex.split(part)[1:] for part in next_step.split(" && ")]
    assert [s[0] for s in steps] == ["fmt", "validate"] and all("--records" in s for s in steps)
    fill_in(records / FOLDER / "harbour-2020-c004.json")
    for arguments in steps:
        result = runner.invoke(app, arguments)
        assert result.exit_code == 0, result.output
    assert "0 problem(s)" in result.output
