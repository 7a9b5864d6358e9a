"""A catalogue of broken record files, each made from a real claim of the repository.

Every entry names a kind of bad input (the rows of the README's "Bad input" table), the code
validation must report, and how to break a claim that way. Breaking returns the file the problem
must be reported in and the line it must be reported at, found in the broken text itself.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triaxis.problems import Problem

Break = Callable[[Path, Path], tuple[Path, int]]


def assert_located(problems: list[Problem]) -> None:
    """Every problem points inside its file (line and column at least 1 and within the text) and none is internal."""
    for problem in problems:
        path = Path(problem.path)
        lines = path.read_bytes().decode("utf-8", errors="replace").split("\n") if path.is_file() else [""]
        assert 1 <= problem.line <= len(lines), problem
        assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1, problem
        assert problem.code != "TX129", problem


@dataclass(frozen=True)
class Case:
    name: str
    code: str
    apply: Break
    needs_sources: bool = False
    says: str = ""  # words the message at the defect must hold, where the code alone does not name the slip


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th appearance of ``needle``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


def rewrite(path: Path, change: Callable[[dict[str, Any]], object], needle: Callable[[dict[str, Any]], str]) -> int:
    """Change a record's data, write it in canonical layout, and return the line of ``needle(data)``."""
    data = load(path)
    change(data)
    text = dump(data)
    path.write_text(text, encoding="utf-8")
    return line_of(text, needle(data))


def field_line(path: Path, key: str) -> int:
    return line_of(path.read_text(encoding="utf-8"), f'\n  "{key}": ') + 1


def edit_text(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in the file's text; the line where it was."""
    text = path.read_text(encoding="utf-8")
    line = line_of(text, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def value_line(path: Path, key: str) -> tuple[str, int]:
    """The line ``"key": value`` of a top-level field and its line number."""
    text = path.read_text(encoding="utf-8")
    line = field_line(path, key)
    return text.splitlines()[line - 1], line


def other_claim(records: Path, claim: Path, different_split: bool = False) -> Path:
    """An intact claim of another article (with a different split if asked), chosen deterministically."""
    split = load(claim)["split"]
    for path in sorted((records / "claims").rglob("*.json"), reverse=True):
        if not path.is_file():
            continue  # a FIFO made by another entry would block a read
        try:
            data = load(path)
        except ValueError:
            continue  # broken by another entry of the catalogue
        intact = isinstance(data, dict) and data.get("id") == path.stem and data.get("article_id") == path.parent.name
        if intact and path.parent != claim.parent and (not different_split or data["split"] != split):
            return path
    raise AssertionError("no other claim")


# --- parse level -----------------------------------------------------------------------------


def truncated(records: Path, claim: Path) -> tuple[Path, int]:
    text = claim.read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    claim.write_text(cut, encoding="utf-8")
    return claim, cut.count("\n") + 1


def trailing_comma(records: Path, claim: Path) -> tuple[Path, int]:
    text = claim.read_text(encoding="utf-8")
    body = text.rstrip().removesuffix("}").rstrip()
    claim.write_text(body + ",\n}\n", encoding="utf-8")
    return claim, body.count("\n") + 1


def json_comment(records: Path, claim: Path) -> tuple[Path, int]:
    line, number = value_line(claim, "verdict")
    edit_text(claim, line + "\n", line + "  // checked twice\n")
    return claim, number


def curly_quotes(records: Path, claim: Path) -> tuple[Path, int]:
    line, number = value_line(claim, "verdict")
    edit_text(claim, line, line.replace('": "', '": “', 1).replace('",', "”,", 1))
    return claim, number


def doubled_comma(records: Path, claim: Path) -> tuple[Path, int]:
    line, number = value_line(claim, "verdict")
    edit_text(claim, line + "\n", line + ",\n")
    return claim, number


def duplicate_key(records: Path, claim: Path) -> tuple[Path, int]:
    line, number = value_line(claim, "verdict")
    edit_text(claim, line + "\n", line + "\n" + '  "verdict": "refuted",\n')
    return claim, number + 1


def byte_order_mark(records: Path, claim: Path) -> tuple[Path, int]:
    claim.write_bytes(b"\xef\xbb\xbf" + claim.read_bytes())
    return claim, 1


def invalid_utf8(records: Path, claim: Path) -> tuple[Path, int]:
    line = field_line(claim, "claim")
    raw = claim.read_bytes()
    at = raw.index(b'"claim": "') + len(b'"claim": "') + 3
    claim.write_bytes(raw[:at] + b"\xff\xfe" + raw[at:])
    return claim, line


def utf16(records: Path, claim: Path) -> tuple[Path, int]:
    claim.write_bytes(claim.read_text(encoding="utf-8").encode("utf-16"))
    return claim, 1


def nan(records: Path, claim: Path) -> tuple[Path, int]:
    start = load(claim)["span"]["start"]
    return claim, edit_text(claim, f'"start": {start},', '"start": NaN,')


def infinity(records: Path, claim: Path) -> tuple[Path, int]:
    end = load(claim)["span"]["end"]
    return claim, edit_text(claim, f'"end": {end}\n', '"end": -Infinity\n')


def huge_integer(records: Path, claim: Path) -> tuple[Path, int]:
    start = load(claim)["span"]["start"]
    return claim, edit_text(claim, f'"start": {start},', f'"start": {"9" * 5000},')


def merge_conflict(records: Path, claim: Path) -> tuple[Path, int]:
    line, number = value_line(claim, "verdict")
    edit_text(claim, line + "\n", f'<<<<<<< HEAD\n{line}\n=======\n  "verdict": "refuted",\n>>>>>>> review\n')
    return claim, number


def empty(records: Path, claim: Path) -> tuple[Path, int]:
    claim.write_text("", encoding="utf-8")
    return claim, 1


def blank(records: Path, claim: Path) -> tuple[Path, int]:
    claim.write_text("\n  \n", encoding="utf-8")
    return claim, 1


def top_level_array(records: Path, claim: Path) -> tuple[Path, int]:
    claim.write_text("[" + claim.read_text(encoding="utf-8") + "]\n", encoding="utf-8")
    return claim, 1


def top_level_string(records: Path, claim: Path) -> tuple[Path, int]:
    claim.write_text(json.dumps(load(claim)["claim"]) + "\n", encoding="utf-8")
    return claim, 1


def top_level_null(records: Path, claim: Path) -> tuple[Path, int]:
    claim.write_text("null\n", encoding="utf-8")
    return claim, 1


def deep_nesting(records: Path, claim: Path) -> tuple[Path, int]:
    line, number = value_line(claim, "doubts")
    edit_text(claim, line, '  "doubts": ' + "[" * 100_000 + "]" * 100_000 + ",")
    return claim, number


def raw_nul(records: Path, claim: Path) -> tuple[Path, int]:
    line = field_line(claim, "claim")
    raw = claim.read_bytes()
    at = raw.index(b'"claim": "') + len(b'"claim": "') + 3
    claim.write_bytes(raw[:at] + b"\x00" + raw[at:])
    return claim, line


def raw_control(records: Path, claim: Path) -> tuple[Path, int]:
    line = field_line(claim, "justification")
    raw = claim.read_bytes()
    at = raw.index(b'"justification": "') + len(b'"justification": "') + 1
    claim.write_bytes(raw[:at] + b"\x1b" + raw[at:])
    return claim, line


def lone_surrogate(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, edit_text(claim, '"claim": "', '"claim": "\\ud800')


def too_large(records: Path, claim: Path) -> tuple[Path, int]:
    claim.write_text(claim.read_text(encoding="utf-8") + " " * 1_000_001, encoding="utf-8")
    return claim, 1


def spaces_in_name(records: Path, claim: Path) -> tuple[Path, int]:
    target = claim.with_name(claim.stem.replace("-", " ") + ".json")
    claim.rename(target)
    return target, 1


def upper_case_name(records: Path, claim: Path) -> tuple[Path, int]:
    target = claim.with_name(claim.stem.upper() + ".json")
    claim.rename(target)
    return target, 1


def upper_case_extension(records: Path, claim: Path) -> tuple[Path, int]:
    target = claim.with_suffix(".JSON")
    claim.rename(target)
    return target, 1


def backup_copy(records: Path, claim: Path) -> tuple[Path, int]:
    target = claim.with_name(claim.name + ".bak")
    shutil.copy(claim, target)
    return target, 1


def outside_record_folder(records: Path, claim: Path) -> tuple[Path, int]:
    target = records / "claims" / claim.name
    claim.rename(target)
    return target, 1


def not_a_regular_file(records: Path, claim: Path) -> tuple[Path, int]:
    target = claim.with_name(claim.stem[: -len("c001")] + "c950.json")
    os.mkfifo(target)
    return target, 1


# --- schema ----------------------------------------------------------------------------------


def unknown_field(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(colour="blue"), lambda d: '"colour"')


def unknown_nested_field(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d["evidence"][0].update(colour="blue"), lambda d: '"colour"')


def missing_field(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.pop("justification"), lambda d: "{")


def missing_nested_field(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d["span"].pop("end"), lambda d: '"span"')


def wrong_type(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d["span"].update(start=str(d["span"]["start"])), lambda d: '"start"')


def boolean_for_number(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d["span"].update(end=True), lambda d: '"end": true')


def fraction_for_integer(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d["span"].update(start=d["span"]["start"] + 0.5), lambda d: '"start"')


def number_beyond_double(records: Path, claim: Path) -> tuple[Path, int]:
    start = load(claim)["span"]["start"]
    return claim, edit_text(claim, f'"start": {start},', '"start": 1e400,')


def negative_offset(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d["span"].update(start=-1), lambda d: '"start": -1')


def null_for_text(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(claim=None), lambda d: '"claim": null')


def empty_text(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(justification=""), lambda d: '"justification": ""')


def object_for_list(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(countries={}), lambda d: '"countries": {}')


def unknown_verdict(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(verdict="mostly_true"), lambda d: '"mostly_true"')


def wrong_schema_version(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(schema_version="2.0.0"), lambda d: '"2.0.0"')


def bad_id(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(id=d["id"].upper()), lambda d: '"id"')


def long_string(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(claim="word " * 20_000), lambda d: '"claim"')


def long_url(records: Path, claim: Path) -> tuple[Path, int]:
    url = "https://example.org/" + "a" * 5000
    return claim, rewrite(claim, lambda d: d["evidence"][0].update(url=url), lambda d: url)


def long_list(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(countries=["PAK"] * 500), lambda d: '"countries"')


def javascript_url(records: Path, claim: Path) -> tuple[Path, int]:
    url = "javascript:alert(document.cookie)"
    return claim, rewrite(claim, lambda d: d["evidence"][0].update(url=url), lambda d: url)


def url_with_space(records: Path, claim: Path) -> tuple[Path, int]:
    url = "https://example.org/a page"
    return claim, rewrite(claim, lambda d: d["evidence"][0].update(url=url), lambda d: url)


def malformed_date(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(modified="23/11/2026"), lambda d: '"23/11/2026"')


def malformed_country(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(countries=["pk"]), lambda d: '"pk"')


# --- semantic --------------------------------------------------------------------------------


def id_differs(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(id=d["article_id"] + "-c999"), lambda d: '"id"')


def same_id_twice(records: Path, claim: Path) -> tuple[Path, int]:
    copy = claim.with_name(claim.stem[: -len("c001")] + "c900.json")
    shutil.copy(claim, copy)
    return copy, field_line(copy, "id")


def wrong_folder(records: Path, claim: Path) -> tuple[Path, int]:
    target = other_claim(records, claim).parent / claim.name
    claim.rename(target)
    return target, field_line(target, "article_id")


def id_of_other_article(records: Path, claim: Path) -> tuple[Path, int]:
    target = claim.with_name("elsewhere-2020-c001.json")
    claim.rename(target)
    return target, rewrite(target, lambda d: d.update(id="elsewhere-2020-c001"), lambda d: '"id"')


def missing_article(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(article_id="nowhere-2020"), lambda d: '"nowhere-2020"')


def missing_claim(records: Path, claim: Path) -> tuple[Path, int]:
    link = {"id": "nowhere-2020-c001", "relation": "same_fact"}
    return claim, rewrite(claim, lambda d: d["related"].append(link), lambda d: '"nowhere-2020-c001"')


def one_way_link(records: Path, claim: Path) -> tuple[Path, int]:
    other = load(other_claim(records, claim))
    link = {"id": other["id"], "relation": "same_fact"}
    return claim, rewrite(claim, lambda d: d["related"].append(link), lambda d: f'"{other["id"]}"') - 1


def split_apart(records: Path, claim: Path) -> tuple[Path, int]:
    other_path = other_claim(records, claim, different_split=True)
    me, other = load(claim), load(other_path)
    rewrite(other_path, lambda d: d["related"].append({"id": me["id"], "relation": "same_fact"}), lambda d: "{")
    return claim, rewrite(
        claim, lambda d: d["related"].append({"id": other["id"], "relation": "same_fact"}), lambda d: '"split"'
    )


def altered_quote(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        quote = data["quote"]
        data["quote"] = quote[:-1] + ("x" if quote[-1] != "x" else "y")

    return claim, rewrite(claim, change, lambda d: '"quote"')


def shifted_span(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        data["span"] = {"start": data["span"]["start"] + 1, "end": data["span"]["end"] + 1}

    return claim, rewrite(claim, change, lambda d: '"quote"')


def span_length(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d["span"].update(end=d["span"]["end"] + 1), lambda d: '"span"')


def url_without_host(records: Path, claim: Path) -> tuple[Path, int]:
    url = "https:///no-host"
    return claim, rewrite(claim, lambda d: d["evidence"][0].update(url=url), lambda d: url)


def future_date(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        data["claim_date"].update(date="2999-01-01", precision="day")

    return claim, rewrite(claim, change, lambda d: '"2999-01-01"')


def impossible_date(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        data["claim_date"].update(date="2022-02-30", precision="day")

    return claim, rewrite(claim, change, lambda d: '"2022-02-30"')


def precision_mismatch(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        data["claim_date"].update(date="2020-03", precision="day")

    return claim, rewrite(claim, change, lambda d: '"2020-03"')


def verdict_without_evidence(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        data["verdict"] = data["review"]["first_pass_verdict"] = "supported"
        for entry in data["evidence"]:
            entry["stance"] = "context"

    return claim, rewrite(claim, change, lambda d: '"verdict"')


def review_inconsistent(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        data["review"].update(status="reviewed", second_pass=None)
        data["review"]["first_pass_verdict"] = data["verdict"]

    return claim, rewrite(claim, change, lambda d: '"status"')


def duplicate_evidence(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        data["evidence"].append(dict(data["evidence"][0]))

    url = json.dumps(load(claim)["evidence"][0]["url"], ensure_ascii=False)
    rewrite(claim, change, lambda d: "{")
    return claim, line_of(claim.read_text(encoding="utf-8"), f'"url": {url}', 2)


def author_claim_after_article(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        data.update(attribution="author_assertion")
        data["claimant"]["kind"] = "author"
        data["claim_date"].update(date="2025-01-01", precision="day", basis="article_date")

    return claim, rewrite(claim, change, lambda d: '"2025-01-01"')


def evidence_after_review(records: Path, claim: Path) -> tuple[Path, int]:
    def change(data: dict[str, Any]) -> None:
        data["review"]["reviewed_on"] = "2020-01-01"
        data["evidence"][0]["published"] = {"date": "2021-06-01", "precision": "day"}

    return claim, rewrite(claim, change, lambda d: '"2021-06-01"')


def unknown_country(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(countries=["XXA"]), lambda d: '"XXA"')


def escaped_control(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(claim=d["claim"] + "\u0007"), lambda d: '"claim"')


def c1_control(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(doubts="a\u0085b"), lambda d: '"doubts"')


def escaped_nul(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(
        claim, lambda d: d.update(justification="\u0000" + d["justification"]), lambda d: '"justification"'
    )


def not_nfc(records: Path, claim: Path) -> tuple[Path, int]:
    return claim, rewrite(claim, lambda d: d.update(claim="Cafe\u0301 " + d["claim"]), lambda d: '"claim"')


def article_text_missing(records: Path, claim: Path) -> tuple[Path, int]:
    article = records / "articles" / f"{load(claim)['article_id']}.json"
    return article, rewrite(article, lambda d: d["source_file"].update(sha256="0" * 64), lambda d: '"sha256"')


def article_unknown_field(records: Path, claim: Path) -> tuple[Path, int]:
    article = records / "articles" / f"{load(claim)['article_id']}.json"
    return article, rewrite(article, lambda d: d.update(colour="blue"), lambda d: '"colour"')


def article_future_date(records: Path, claim: Path) -> tuple[Path, int]:
    article = records / "articles" / f"{load(claim)['article_id']}.json"
    return article, rewrite(article, lambda d: d.update(modified="2999-12-31"), lambda d: '"2999-12-31"')


CASES: list[Case] = [
    Case("truncated JSON", "TX100", truncated),
    Case("trailing comma", "TX100", trailing_comma),
    Case("JSON comment", "TX100", json_comment, says="a comment"),
    Case("curly quotes", "TX100", curly_quotes, says="curly quote"),
    Case("doubled comma", "TX100", doubled_comma, says="two commas in a row"),
    Case("lone UTF-16 surrogate escape (`\\ud800`)", "TX100", lone_surrogate),
    Case("invalid UTF-8", "TX101", invalid_utf8),
    Case("UTF-16 file", "TX101", utf16),
    Case("UTF-8 byte-order mark", "TX102", byte_order_mark),
    Case("duplicate key", "TX103", duplicate_key),
    Case("NaN", "TX104", nan),
    Case("Infinity", "TX104", infinity),
    Case("integer with thousands of digits", "TX104", huge_integer),
    Case("empty file", "TX105", empty),
    Case("file of blanks only", "TX105", blank),
    Case("git merge-conflict markers", "TX106", merge_conflict),
    Case("very deep nesting", "TX107", deep_nesting),
    Case("top-level array", "TX108", top_level_array),
    Case("top-level string", "TX108", top_level_string),
    Case("top-level null", "TX108", top_level_null),
    Case("not a regular file (a FIFO named `*.json`)", "TX109", not_a_regular_file),
    Case("file outside `articles/` and `claims/<article>/`", "TX110", outside_record_folder),
    Case("file over 1 MB", "TX111", too_large),
    Case("file name with spaces", "TX112", spaces_in_name),
    Case("file name in upper case", "TX112", upper_case_name),
    Case("extension in upper case (`.JSON`)", "TX112", upper_case_extension),
    Case("stray file in a record folder (`*.json.bak`)", "TX112", backup_copy),
    Case("raw NUL byte", "TX113", raw_nul),
    Case("raw control character", "TX113", raw_control),
    Case("unknown field", "TX200", unknown_field),
    Case("unknown field in a nested object", "TX200", unknown_nested_field),
    Case("missing field", "TX200", missing_field),
    Case("missing field in a nested object", "TX200", missing_nested_field),
    Case("wrong type (string for a number)", "TX200", wrong_type),
    Case("boolean for a number", "TX200", boolean_for_number),
    Case("fraction for an integer", "TX200", fraction_for_integer),
    Case("number beyond double range (`1e400`)", "TX200", number_beyond_double),
    Case("negative offset", "TX200", negative_offset),
    Case("null for required text", "TX200", null_for_text),
    Case("empty text", "TX200", empty_text),
    Case("object for a list", "TX200", object_for_list),
    Case("unknown verdict", "TX200", unknown_verdict),
    Case("unknown schema version", "TX200", wrong_schema_version),
    Case("id that is not lower case", "TX200", bad_id),
    Case("absurdly long string", "TX200", long_string),
    Case("absurdly long URL", "TX200", long_url),
    Case("absurdly long list", "TX200", long_list),
    Case("id that differs from the file name", "TX201", id_differs),
    Case("same id in two files", "TX202", same_id_twice),
    Case("claim in another article's folder", "TX203", wrong_folder),
    Case("reference to a missing article", "TX210", missing_article),
    Case("reference to a missing claim", "TX211", missing_claim),
    Case("related link not returned", "TX212", one_way_link),
    Case("article text missing (with `--sources`)", "TX220", article_text_missing, needs_sources=True),
    Case("span length differs from the quote", "TX221", span_length),
    Case("quote altered by one character (with `--sources`)", "TX222", altered_quote, needs_sources=True),
    Case("wrong span offsets (with `--sources`)", "TX222", shifted_span, needs_sources=True),
    Case("verdict without the evidence it needs", "TX230", verdict_without_evidence),
    Case("duplicate evidence", "TX231", duplicate_evidence),
    Case("`javascript:` URL", "TX232", javascript_url),
    Case("URL with a space", "TX232", url_with_space),
    Case("URL without a host", "TX232", url_without_host),
    Case("review inconsistent with the verdict", "TX233", review_inconsistent),
    Case("impossible date (2022-02-30)", "TX240", impossible_date),
    Case("date not in ISO 8601", "TX240", malformed_date),
    Case("date more precise than its precision", "TX240", precision_mismatch),
    Case("date in the future", "TX241", future_date),
    Case("date in the future in an article", "TX241", article_future_date),
    Case("author's claim dated after its article", "TX242", author_claim_after_article),
    Case("evidence dated after the review", "TX243", evidence_after_review),
    Case("related claims in different splits", "TX250", split_apart),
    Case("unknown country code", "TX251", unknown_country),
    Case("country code not upper-case alpha-3", "TX251", malformed_country),
    Case("escaped control character", "TX252", escaped_control),
    Case("escaped NUL character", "TX252", escaped_nul),
    Case("C1 control character", "TX252", c1_control),
    Case("text not in Unicode NFC", "TX252", not_nfc),
    Case("claim id naming another article", "TX253", id_of_other_article),
    Case("unknown field in an article", "TX200", article_unknown_field),
]
