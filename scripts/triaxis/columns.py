"""Arrow tables of every config, computed from the claims table so that large datasets build in seconds.

``triaxis.dataset`` defines the rows one record at a time (``claim_row`` and friends), which is the
readable definition; building hundreds of thousands of row dictionaries, or even of models, is what
makes that slow. Here the claims arrive as one Arrow table nested as in the records
(``triaxis.table``), and every column is derived inside Arrow: nested fields are taken out of their
structs, partial dates padded to their first day and cast, verdicts turned into class indices, the
article columns joined by index, and the evidence config's rows taken from the claims' evidence
lists. A test checks that the tables equal those made from the rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import accumulate

import pyarrow as pa
import pyarrow.compute as pc

from triaxis.dataset import ARTICLE_SPLIT, EVIDENCE_FEATURES, FEATURES, article_row
from triaxis.models import SPLITS, VERDICTS, Article, Claim
from triaxis.table import claims_table

_VERDICTS = pa.array(VERDICTS, pa.string())


def field(array: pa.Array | pa.ChunkedArray, path: str) -> pa.Array | pa.ChunkedArray:
    """A nested value by its dotted path (``review.second_pass.verdict``); null where any parent is null."""
    for name in path.split("."):
        array = pc.struct_field(array, name)
    return array


def dates(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Partial ISO dates (``2022``, ``2022-01``, ``2022-01-17``) as ``date32`` of their first day."""
    padded = pc.replace_substring_regex(values, r"^([0-9]{4})$", r"\1-01")
    padded = pc.replace_substring_regex(padded, r"^([0-9]{4}-[0-9]{2})$", r"\1-01")
    return padded.cast(pa.date32())


def verdict_index(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    return pc.index_in(values, value_set=_VERDICTS).cast(pa.int64())


def live(claims: pa.Table) -> pa.Table:
    """The claims that are not withdrawn, in their order."""
    if claims["withdrawn"].null_count == claims.num_rows:
        return claims
    return claims.filter(pc.is_null(claims["withdrawn"]))


def _evidence_list(evidence: pa.ChunkedArray, list_type: pa.DataType) -> pa.ListArray:
    """The records' evidence lists with each ``published`` struct split into a date and its precision."""
    lists = evidence.combine_chunks()
    items = lists.flatten()
    published = items.field("published")
    columns = {
        name: dates(field(published, "date"))
        if name == "published"
        else field(published, "precision")
        if name == "published_precision"
        else items.field(name)
        for name in [f.name for f in list_type.value_type]
    }
    struct = pa.StructArray.from_arrays(list(columns.values()), fields=list(list_type.value_type))
    offsets = pc.subtract(lists.offsets, lists.offsets[0]) if len(lists) else pa.array([0], pa.int32())
    return pa.ListArray.from_arrays(offsets, struct, type=list_type)


def claims_config_table(claims: pa.Table, articles: dict[str, Article]) -> pa.Table:
    """The claims config's columns of every claim in ``claims`` (a claims table), in its order."""
    schema = FEATURES["claims"].arrow_schema
    known = sorted(articles)
    owner = pc.index_in(claims["article_id"], value_set=pa.array(known, pa.string()))
    ordered = [articles[a] for a in known]

    def article_column(values: list[object], kind: pa.DataType) -> pa.Array:
        return pa.array(values, kind).take(owner)

    review = claims["review"]
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        "id": claims["id"],
        "article_id": claims["article_id"],
        "article_title": article_column([a.title for a in ordered], pa.string()),
        "article_publisher": article_column([a.publisher for a in ordered], pa.string()),
        "article_published": dates(article_column([a.published.date for a in ordered], pa.string())),
        "article_published_precision": article_column([a.published.precision for a in ordered], pa.string()),
        "article_url": article_column([a.url for a in ordered], pa.string()),
        "quote": claims["quote"],
        "span_start": field(claims["span"], "start"),
        "span_end": field(claims["span"], "end"),
        "claim": claims["claim"],
        "claimant_name": field(claims["claimant"], "name"),
        "claimant_kind": field(claims["claimant"], "kind"),
        "attribution": claims["attribution"],
        "checks": claims["checks"],
        "claim_date": dates(field(claims["claim_date"], "date")),
        "claim_date_precision": field(claims["claim_date"], "precision"),
        "claim_date_basis": field(claims["claim_date"], "basis"),
        "claim_type": claims["claim_type"],
        "countries": claims["countries"],
        "verdict": verdict_index(claims["verdict"]),
        "justification": claims["justification"],
        "doubts": claims["doubts"],
        "evidence": _evidence_list(claims["evidence"], schema.field("evidence").type),
        "related": claims["related"],
        "review_status": field(review, "status"),
        "reviewed_on": dates(field(review, "reviewed_on")),
        "first_pass_verdict": verdict_index(field(review, "first_pass_verdict")),
        "second_pass_verdict": verdict_index(field(review, "second_pass.verdict")),
        "adjudication_note": field(review, "adjudication_note"),
        "modified": dates(claims["modified"]),
    }
    return pa.Table.from_arrays([columns[f.name].cast(f.type) for f in schema], schema=schema)


def evidence_config_table(claims_out: pa.Table) -> pa.Table:
    """The evidence config's rows of the claims in ``claims_out`` (a claims config table), in its order."""
    # One evidence row per list item: the claim's columns repeated, then the item's own fields.
    # ``claims_out`` is usually a slice of one chunk, taken as it is (``combine_chunks`` would copy
    # it): its lists' offsets then start past zero, and their items are those of ``flatten``.
    column = claims_out["evidence"]
    evidence = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    parents = evidence.value_parent_indices()
    first = evidence.offsets[0].as_py() if len(evidence) else 0
    starts = pc.subtract(pc.take(evidence.offsets, parents).cast(pa.int64()), first)
    rank = pc.add(pc.subtract(pa.array(range(len(parents)), pa.int64()), starts), 1)
    items = evidence.flatten()
    evidence_columns = {
        "claim_id": claims_out["id"].take(parents),
        "article_id": claims_out["article_id"].take(parents),
        "claim": claims_out["claim"].take(parents),
        "verdict": claims_out["verdict"].take(parents),
        "rank": rank,
        **{name: items.field(name) for name in EVIDENCE_FEATURES},
    }
    evidence_schema = FEATURES["evidence"].arrow_schema
    return pa.Table.from_arrays(
        [evidence_columns[f.name].cast(f.type) for f in evidence_schema], schema=evidence_schema
    )


def tables_by_split(articles: list[Article], claims: Sequence[Claim] | pa.Table) -> dict[str, dict[str, pa.Table]]:
    """Tables of every config and split, rows in id order; withdrawn claims left out.

    The same content as ``triaxis.dataset.rows_by_split``; empty splits and configs are dropped
    because ``load_dataset`` refuses a declared split that has no rows.
    """
    kept = live(claims_table(claims))
    # The columns are derived first, in the records' order, and only they are reordered (by split,
    # then id), once, each split a slice: the records' columns hold more than is published (every
    # second pass's evidence), and at 200,000 claims each copied megabyte costs time.
    flat = claims_config_table(kept, {a.id: a for a in articles})
    keys = pa.table({"split": kept["split"], "id": kept["id"]})
    ordered = flat.take(pc.sort_indices(keys, sort_keys=[("split", "ascending"), ("id", "ascending")]))
    sizes = dict(Counter(kept["split"].to_pylist()))
    starts = dict(zip(sorted(sizes), accumulate([0, *(sizes[s] for s in sorted(sizes))]), strict=False))
    tables: dict[str, dict[str, pa.Table]] = {"claims": {}, "evidence": {}}
    for split in SPLITS:
        if sizes.get(split):
            tables["claims"][split] = ordered.slice(starts[split], sizes[split])
            evidence = evidence_config_table(tables["claims"][split])
            if evidence.num_rows:
                tables["evidence"][split] = evidence
    if articles:
        rows = [article_row(a) for a in sorted(articles, key=lambda a: a.id)]
        tables["articles"] = {ARTICLE_SPLIT: pa.Table.from_pylist(rows, schema=FEATURES["articles"].arrow_schema)}
    return {config: splits for config, splits in tables.items() if splits}
