"""Build, then load with datasets offline: three configs, declared features, one row per record."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datasets import ClassLabel, Dataset, Value, load_dataset
from typer.testing import CliRunner

from conftest import REPO, VALID
from triaxis import build
from triaxis.build import MANIFEST, write_dataset
from triaxis.cli import app
from triaxis.columns import tables_by_split
from triaxis.dataset import FEATURES, arrow_table, rows_by_split
from triaxis.models import VERDICTS, Article, Claim, Withdrawal
from triaxis.totals import release_state

runner = CliRunner()


def _models(records: Path) -> tuple[list[Article], list[Claim]]:
    articles = [Article.model_validate_json(p.read_text()) for p in (records / "articles").glob("*.json")]
    claims = [Claim.model_validate_json(p.read_text()) for p in (records / "claims").rglob("*.json")]
    return articles, claims


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dataset")
    result = runner.invoke(app, ["build", "--records", str(REPO / "records"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "load_dataset" in result.output
    return out


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def test_claims_round_trip_row_by_row(built: Path) -> None:
    articles, claims = _models(REPO / "records")
    by_id = {c.id: c for c in claims if release_state(c.withdrawn, c.review.status) == "released"}
    loaded = load_dataset(str(built), "claims")
    rows = {row["id"]: (split, row) for split in loaded for row in loaded[split]}
    assert rows.keys() == by_id.keys()
    titles = {a.id: a.title for a in articles}
    for claim_id, (split, row) in rows.items():
        claim = by_id[claim_id]
        assert split == claim.split
        assert row["quote"] == claim.quote and row["claim"] == claim.claim
        assert (row["span_start"], row["span_end"]) == (claim.span.start, claim.span.end)
        assert VERDICTS[row["verdict"]] == claim.verdict
        assert row["claim_date"].isoformat().startswith(claim.claim_date.date)
        assert row["article_title"] == titles[claim.article_id]
        assert [e["url"] for e in row["evidence"]] == [e.url for e in claim.evidence]
        assert [r["id"] for r in row["related"]] == [r.id for r in claim.related]


def test_evidence_and_articles_configs(built: Path) -> None:
    _articles, claims = _models(REPO / "records")
    evidence = load_dataset(str(built), "evidence")
    released = [c for c in claims if release_state(c.withdrawn, c.review.status) == "released"]
    assert sum(len(evidence[s]) for s in evidence) == sum(len(c.evidence) for c in released)
    loaded_articles = load_dataset(str(built), "articles", split="train")
    assert sorted(loaded_articles["id"]) == sorted({c.article_id for c in released})


def test_declared_features(built: Path) -> None:
    for config, features in FEATURES.items():
        loaded = load_dataset(str(built), config)
        for split in loaded:
            assert loaded[split].features == features
    assert isinstance(FEATURES["claims"]["verdict"], ClassLabel)
    assert FEATURES["claims"]["claim_date"] == Value("date32")


def test_card_declares_configs_and_features(built: Path) -> None:
    card = (built / "README.md").read_text()
    assert card.startswith("---\n")
    for config in ("claims", "evidence", "articles"):
        assert f"config_name: {config}" in card
    assert "task_ids:\n- fact-checking" in card and "dtype: date32" in card


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    articles, claims = _models(VALID / "records")
    write_dataset(articles, claims, tmp_path / "one")
    write_dataset(articles, claims, tmp_path / "two")
    assert _digest(tmp_path / "one") == _digest(tmp_path / "two")
    assert (tmp_path / "one" / MANIFEST).is_file()


def test_withdrawn_claims_are_left_out(tmp_path: Path) -> None:
    articles, claims = _models(VALID / "records")
    claims = sorted(claims, key=lambda c: c.id)
    retired = claims[0].model_copy(
        update={"withdrawn": Withdrawal(on="2026-11-02", reason="Duplicate.", replaced_by=None)}
    )
    summary = write_dataset(articles, [retired, *claims[1:]], tmp_path / "out", include_drafts=True)
    assert summary.withdrawn == 1
    assert sum(summary.counts["claims"].values()) == len(claims) - 1
    assert "1 withdrawn claim(s) are left out" in (tmp_path / "out/README.md").read_text()


def test_build_refuses_invalid_records(records: Path, tmp_path: Path) -> None:
    (records / "claims/harbour-2020/harbour-2020-c001.json").write_text("[]")
    result = runner.invoke(app, ["build", "--records", str(records), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "TX108" in result.output
    assert not (tmp_path / "out").exists()


def _draft_ids(claims: list[Claim]) -> set[str]:
    return {c.id for c in claims if c.review.status == "draft"}


def test_drafts_are_left_out_unless_asked_for(tmp_path: Path) -> None:
    articles, claims = _models(VALID / "records")
    drafts = _draft_ids(claims)
    assert drafts, "the fixture records hold a draft claim"
    default = write_dataset(articles, claims, tmp_path / "default")
    ids = set(pq.read_table(tmp_path / "default/claims/test.parquet", columns=["id"])["id"].to_pylist())
    assert default.drafts_left_out == len(drafts) and not ids & drafts
    assert f"{len(drafts)} draft claim(s) not yet reviewed are left out" in (tmp_path / "default/README.md").read_text()
    included = write_dataset(articles, claims, tmp_path / "all", include_drafts=True)
    ids = set(pq.read_table(tmp_path / "all/claims/test.parquet", columns=["id"])["id"].to_pylist())
    assert included.drafts_left_out == 0 and included.drafts_included == len(drafts) and drafts <= ids
    assert "draft claim(s) not yet reviewed are included" in (tmp_path / "all/README.md").read_text()


def test_build_command_reports_drafts(records: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--records", str(records), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1 draft claim(s) left out (add --include-drafts to publish them)" in result.output
    result = runner.invoke(
        app, ["build", "--records", str(records), "--out", str(tmp_path / "out"), "--include-drafts"]
    )
    assert result.exit_code == 0, result.output
    assert "1 draft claim(s) included" in result.output
    assert len(load_dataset(str(tmp_path / "out"), "claims", split="test")) == 3


def test_manifest_lists_every_file_with_its_sha256(built: Path) -> None:
    listed = dict(reversed(line.split("  ", 1)) for line in (built / MANIFEST).read_text().splitlines())
    files = _digest(built)
    del files[MANIFEST]
    assert listed == files
    assert {"README.md", "croissant.json", "claims/train.parquet"} <= listed.keys()
    assert any(name.startswith("images/") and name.endswith(".png") for name in listed)


def test_identical_input_gives_identical_bytes_including_charts(tmp_path: Path) -> None:
    articles, claims = _models(VALID / "records")
    write_dataset(articles, claims, tmp_path / "one", include_drafts=True)
    write_dataset(articles, list(reversed(claims)), tmp_path / "two", include_drafts=True)
    one, two = _digest(tmp_path / "one"), _digest(tmp_path / "two")
    assert any(name.endswith(".png") for name in one) and "croissant.json" in one
    assert one == two


def test_baselines_fitted_in_a_forked_process_give_the_same_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles, claims = _models(REPO / "records")
    write_dataset(articles, claims, tmp_path / "here")
    forked: list[int] = []
    fit = build.baselines.card_markdown
    monkeypatch.setattr(build, "PARALLEL_BASELINES_FROM", 1)
    monkeypatch.setattr(build.baselines, "card_markdown", lambda table: forked.append(os.getpid()) or fit(table))
    write_dataset(articles, claims, tmp_path / "forked")
    assert forked == []  # called only in the child, whose list this process never sees
    assert build._inherited is None  # the table is not kept beyond the fork
    assert _digest(tmp_path / "forked") == _digest(tmp_path / "here")
    assert "claim_only" in (tmp_path / "forked" / "README.md").read_text(encoding="utf-8")


def test_interrupted_build_leaves_the_previous_one_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles, claims = _models(VALID / "records")
    out = tmp_path / "build" / "dataset"
    write_dataset(articles, claims, out)
    before = _digest(out)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(build, "write_croissant", fail)  # after the parquet files and the card are written
    changed = [c.model_copy(update={"claim": c.claim + " Changed."}) for c in claims]
    with pytest.raises(RuntimeError, match="interrupted"):
        write_dataset(articles, changed, out)
    assert _digest(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["dataset"]


def test_interrupted_first_build_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles, claims = _models(VALID / "records")
    monkeypatch.setattr(build, "write_manifest", lambda folder: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_dataset(articles, claims, tmp_path / "dataset")
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_not_a_build_is_refused(records: Path, tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    for target in (tmp_path / "notes", records, records.parent):
        result = runner.invoke(app, ["build", "--records", str(records), "--out", str(target)])
        assert result.exit_code == 1, result.output
        assert "build stopped:" in result.output and "Traceback" not in result.output
    assert (tmp_path / "notes" / "todo.txt").read_text() == "keep me"
    assert len(list((records / "claims").rglob("*.json"))) == 3


@pytest.mark.parametrize("records", [REPO / "records", VALID / "records"], ids=["real", "fixture"])
def test_column_built_tables_equal_what_datasets_makes_of_the_rows(records: Path) -> None:
    articles, claims = _models(records)
    rows = rows_by_split(articles, claims)
    tables = tables_by_split(articles, claims)
    assert {c: list(s) for c, s in tables.items()} == {c: list(s) for c, s in rows.items()}
    for config, splits in rows.items():
        for split, split_rows in splits.items():
            reference = Dataset.from_list(split_rows, features=FEATURES[config]).data.table
            assert arrow_table(split_rows, FEATURES[config]).equals(reference)
            assert tables[config][split].schema == reference.schema
            assert tables[config][split].equals(reference), (config, split)


def test_build_killed_between_the_two_renames_is_recovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles, claims = _models(VALID / "records")
    out = tmp_path / "dataset"
    write_dataset(articles, claims, out)
    before = _digest(out)
    out.rename(tmp_path / ".dataset.old-99999")  # as left by a build killed in the middle of the swap
    (tmp_path / ".dataset.tmp-99999").mkdir()
    monkeypatch.setattr(build, "write_manifest", lambda folder: (_ for _ in ()).throw(RuntimeError("interrupted")))
    with pytest.raises(RuntimeError):
        write_dataset(articles, claims, out)
    assert _digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset"]


def _break_link(records: Path) -> None:
    """A cross-record error (TX211): only the checks across records find it, after the files pass on their own."""
    path = records / "claims/harbour-2020/harbour-2020-c001.json"
    path.write_text(path.read_text().replace('"id": "harbour-2020-c002"', '"id": "harbour-2020-c099"'))


@pytest.mark.parametrize("defect", ["cross-record", "unreadable", "tables"])
def test_a_build_stopped_by_a_problem_leaves_the_previous_one_intact(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, defect: str
) -> None:
    """The tables are written while the cross-record checks run; whatever stops the build, they are thrown away."""
    out = tmp_path / "build" / "dataset"
    assert runner.invoke(app, ["build", "--records", str(records), "--out", str(out)]).exit_code == 0
    before = _digest(out)
    written: list[str] = []
    real_write = build.write_parquet

    def recorded(table: object, config: str, path: Path) -> int:
        written.append(config)
        if defect == "tables":
            raise OSError(28, "No space left on device", str(path))
        return real_write(table, config, path)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "write_parquet", recorded)
    if defect == "cross-record":
        _break_link(records)
    elif defect == "unreadable":
        (records / "claims/harbour-2020/harbour-2020-c002.json").write_text("{")
    result = runner.invoke(app, ["build", "--records", str(records), "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    expected = {
        "cross-record": "TX211",
        "unreadable": "TX100",
        "tables": "No space left on device",
    }[defect]
    assert expected in result.output and "build stopped:" in result.output
    assert bool(written) == (defect != "unreadable"), "tables are written unless a file fails on its own"
    assert _digest(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["dataset"], "no staging folder is left"
