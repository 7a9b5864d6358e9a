"""Scale benchmark: validation and build of N synthetic claims, beside check-jsonschema and a plain parse.

    python scripts/bench_scale.py --sizes 10000,100000,200000

For each size it writes a temporary records tree of N valid claims (variations of the real
ones: new ids, restatements with words swapped from the records' own vocabulary so that they
are neither equal nor near-equal, related pairs across articles) in articles of 500 claims,
with a generated article text per article so that ``--sources`` checks every quote. Then it
times, each as a subprocess on the warm page cache:

- ``read + json.loads``: a Python loop that reads and parses every record file, nothing else
  (each folder's files announced to the kernel first, as validation does for each chunk);
- ``triaxis validate --sources``: parse, schema and every semantic check;
- ``validate() core``: the same in Python without the near-duplicate restatement checks
  (TX270, TX271), to show what they cost;
- ``triaxis build --sources``: validation again, then the dataset written;
- ``check-jsonschema``: the claim and article files against ``schema/*.schema.json``, in
  batches that fit the argument list, times summed.

Before each run of a step every file is read once, untimed, so that all steps read from the page
cache. Each step but check-jsonschema runs ``--repeat`` times (2 by default) and its fastest run is
reported, as ``timeit`` does: on a shared machine other work only ever slows a run down.
check-jsonschema, which takes minutes, runs once, so its ratios favour it slightly.

and prints wall-clock and CPU seconds (all processes of the step), records per second, the
ratios to check-jsonschema and to read+parse, the peak resident memory of the largest process of
each step, and the size of the records and of the built dataset.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLAIMS_PER_ARTICLE = 500
RELATED_EVERY = 10  # one claim in ten is linked to a claim of the next article
ARG_BYTES = 1_000_000  # stay well under the kernel's argument-list limit
# The same ``validate`` call without the near-duplicate restatement checks (TX270, TX271), the
# slowest cross-record checks, to show what they cost.
CORE = """
import sys
from pathlib import Path
from triaxis import checks
from triaxis.validate import validate
for code in [c for c in checks.CHECKS if c >= "TX270"]:
    del checks.CHECKS[code]
records = Path(sys.argv[1])
outcome = validate([records], records, Path(sys.argv[2]), models=False)
sys.exit(1 if outcome.problems else 0)
"""
# Each folder's files are announced to the kernel before they are read, as validation's workers
# announce their chunks: both then find as many files cached, whatever the kernel has reclaimed.
BASELINE = """
import json, os, sys
for folder, _dirs, names in os.walk(sys.argv[1]):
    paths = [os.path.join(folder, name) for name in names if name.endswith(".json")]
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        os.close(fd)
    for path in paths:
        with open(path, "rb") as handle:
            json.loads(handle.read())
"""


class Vocabulary:
    """Words drawn with Zipf-shaped frequencies from the records' own words plus invented ones, so
    that, as in real text, the vocabulary keeps growing with the number of claims."""

    def __init__(self, real: list[str], rng: random.Random, invented: int = 150_000) -> None:
        syllables = ["ka", "ro", "ti", "mel", "sun", "dra", "po", "vek", "lin", "sha", "tor", "bu", "nel", "gar"]
        made = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(invented)}
        self.words = real + sorted(made - set(real))
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(self.words))))
        self.rng = rng

    def draw(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)


def real_records(records: Path) -> tuple[list[dict], list[str]]:
    claims = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((records / "claims").rglob("*.json"))]
    counts = collections.Counter(
        w for c in claims for w in re.findall(r"[A-Za-z]+", c["claim"] + " " + c["justification"])
    )
    return claims, [word for word, _count in counts.most_common()]


def restatement(template: str, vocabulary: Vocabulary) -> str:
    """The template's words with about 60% swapped for drawn ones, and a number: no two alike, none near-alike."""
    parts = template.split()
    drawn = vocabulary.draw(len(parts))
    mixed = [new if vocabulary.rng.random() < 0.6 else old for old, new in zip(parts, drawn, strict=True)]
    return " ".join([*mixed, f"({vocabulary.rng.randrange(1, 1_000_000)})"])


def dump(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def generate(root: Path, count: int, seed: int = 12) -> None:
    """A records tree of ``count`` valid claims under ``root/records`` and their article texts under ``root/sources``."""
    rng = random.Random(seed)
    templates, words = real_records(REPO / "records")
    vocabulary = Vocabulary(words, rng)
    article_template = json.loads(next((REPO / "records" / "articles").glob("*.json")).read_text(encoding="utf-8"))
    records, sources = root / "records", root / "sources"
    (records / "articles").mkdir(parents=True)
    sources.mkdir()
    articles = -(-count // CLAIMS_PER_ARTICLE)
    claims: list[dict] = []
    for number in range(count):
        template = templates[number % len(templates)]
        article = f"bench-{number // CLAIMS_PER_ARTICLE:05d}"
        claim = dict(template)
        claim.update(
            id=f"{article}-c{number % CLAIMS_PER_ARTICLE + 1:03d}",
            article_id=article,
            claim=restatement(template["claim"], vocabulary),
            related=[],
        )
        claims.append(claim)
    for number in range(0, count - CLAIMS_PER_ARTICLE, RELATED_EVERY):
        if (number // CLAIMS_PER_ARTICLE) % 2:
            continue  # pairs: article 2k with article 2k+1
        first, second = claims[number], claims[number + CLAIMS_PER_ARTICLE]
        first["related"] = [{"id": second["id"], "relation": "same_fact"}]
        second["related"] = [{"id": first["id"], "relation": "same_fact"}]
        second["split"] = first["split"]
    for index in range(articles):
        members = claims[index * CLAIMS_PER_ARTICLE : (index + 1) * CLAIMS_PER_ARTICLE]
        text, folder = "", records / "claims" / f"bench-{index:05d}"
        folder.mkdir(parents=True)
        for claim in members:
            text += "\n\n"
            claim["span"] = {"start": len(text), "end": len(text) + len(claim["quote"])}
            text += claim["quote"]
            (folder / f"{claim['id']}.json").write_text(dump(claim), encoding="utf-8")
        name = f"bench-{index:05d}.txt"
        raw = text.encode("utf-8")
        (sources / name).write_bytes(raw)
        article = dict(article_template)
        article.update(
            id=f"bench-{index:05d}",
            title=f"Synthetic article {index}",
            url=f"https://example.org/bench/{index}",
            source_file={"name": name, "sha256": hashlib.sha256(raw).hexdigest(), "length": len(text)},
        )
        article["published"] = {**article_template["published"], "date": "2023-01-01", "precision": "day"}
        (records / "articles" / f"bench-{index:05d}.json").write_text(dump(article), encoding="utf-8")


@dataclass
class Step:
    name: str
    seconds: float
    cpu: float
    peak_mb: float
    output: str


def run(name: str, command: list[str], check: bool = True) -> Step:
    """Run a command, timing it and reading the peak memory of its largest process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read() if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if check and os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{name} failed:\n{output[-3000:]}")
    return Step(name, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def check_jsonschema(files: dict[str, list[str]]) -> Step:
    """check-jsonschema over every file, batched to fit the argument list; times summed, peak is the largest."""
    total, cpu, peak = 0.0, 0.0, 0.0
    executable = shutil.which("check-jsonschema") or sys.exit(
        "check-jsonschema is not installed: pip install '.[test]'"
    )
    for kind, paths in files.items():
        batch: list[str] = []
        size = 0
        for path in [*paths, None]:
            if path is None or size + len(path) + 1 > ARG_BYTES:
                if batch:
                    step = run(
                        "check-jsonschema",
                        [executable, "--schemafile", str(REPO / "schema" / f"{kind}.schema.json"), *batch],
                    )
                    total, cpu, peak = total + step.seconds, cpu + step.cpu, max(peak, step.peak_mb)
                batch, size = [], 0
            if path is not None:
                batch.append(path)
                size += len(path) + 1
    return Step("check-jsonschema", total, cpu, peak, "")


def warm_up(records: Path) -> None:
    """Read every file once, untimed, so that each step reads from the page cache (the kernel may
    have dropped files untouched for minutes, as it does here while check-jsonschema runs)."""
    run("warm-up", [sys.executable, "-c", BASELINE, str(records)])


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@dataclass
class Measured:
    """One size's steps, and the sizes of its records and of its built dataset, for the target verdicts."""

    count: int
    steps: dict[str, Step]
    input_mb: float
    output_mb: float
    rows: list[tuple[str, ...]]


def bench(count: int, keep: Path | None, repeat: int = 1) -> Measured:
    root = Path(tempfile.mkdtemp(prefix=f"triaxis-bench-{count}-", dir=keep))
    try:
        started = time.perf_counter()
        generate(root, count)
        records, sources, out = root / "records", root / "sources", root / "build" / "dataset"
        files = {
            "claim": sorted(str(p) for p in (records / "claims").rglob("*.json")),
            "article": sorted(str(p) for p in (records / "articles").glob("*.json")),
        }
        total = len(files["claim"]) + len(files["article"])
        print(f"\n{count:,} claims: generated {total:,} records in {time.perf_counter() - started:.1f} s", flush=True)
        triaxis = [sys.executable, "-m", "triaxis"]
        print(f"load average before timing: {os.getloadavg()[0]:.2f}", flush=True)
        commands = {
            "read + json.loads": [sys.executable, "-c", BASELINE, str(records)],
            "triaxis validate": [*triaxis, "validate", "--records", str(records), "--sources", str(sources)],
            "validate() core": [sys.executable, "-c", CORE, str(records), str(sources)],
            "triaxis build": [
                *triaxis,
                "build",
                "--records",
                str(records),
                "--sources",
                str(sources),
                "--out",
                str(out),
            ],
        }
        steps = []
        for name, command in commands.items():
            runs = []
            for _ in range(repeat):
                warm_up(records)
                runs.append(run(name, command))
            steps.append(min(runs, key=lambda step: step.seconds))
        warm_up(records)
        steps.insert(1, check_jsonschema(files))
        validate = steps[2]
        print(validate.output.strip().splitlines()[-1])
        baseline, schema_only = steps[0].seconds, steps[1].seconds
        input_mb, output_mb = folder_bytes(records) / 1e6, folder_bytes(out) / 1e6
        rows = []
        for step in steps:
            rows.append(
                (
                    f"{count:,}",
                    step.name,
                    f"{step.seconds:.2f}",
                    f"{step.cpu:.2f}",
                    f"{total / step.seconds:,.0f}",
                    f"{schema_only / step.seconds:.1f}×",
                    f"{step.seconds / baseline:.2f}×",
                    f"{step.peak_mb:,.0f}",
                )
            )
        print(
            f"records {input_mb:,.0f} MB, built dataset {output_mb:,.0f} MB; "
            f"load average after: {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        return Measured(count, {step.name: step for step in steps}, input_mb, output_mb, rows)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,200000", help="Comma-separated claim counts.")
    parser.add_argument("--tmp", type=Path, default=None, help="Where to write the temporary trees.")
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="Runs of each step but check-jsonschema (too slow to repeat); the fastest is reported.",
    )
    options = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; each step the fastest of {options.repeat} runs"
    )
    header = ("claims", "step", "seconds", "CPU s", "records/s", "vs check-jsonschema", "vs read+parse", "peak MB")
    measured = [bench(int(size), options.tmp, max(options.repeat, 1)) for size in options.sizes.split(",")]
    rows = [row for m in measured for row in m.rows]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print()
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    print()
    for line in verdicts(measured):
        print(line)


def verdicts(measured: list[Measured]) -> list[str]:
    """Each target of the scale benchmark, measured at the largest size, and whether this run met it."""
    largest = max(measured, key=lambda m: m.count)
    steps = largest.steps
    validate, schema, parse, build = (
        steps["triaxis validate"],
        steps["check-jsonschema"],
        steps["read + json.loads"],
        steps["triaxis build"],
    )

    def line(met: bool, text: str) -> str:
        return f"{'met    ' if met else 'NOT MET'}  {text}"

    lines = [
        f"targets at {largest.count:,} claims:",
        line(
            schema.seconds / validate.seconds >= 10,
            f"validate has {schema.seconds / validate.seconds:.1f}x the throughput of check-jsonschema (target: 10x or more)",
        ),
        line(
            validate.seconds <= 2 * parse.seconds,
            f"validate takes {validate.seconds / parse.seconds:.2f}x the time of read+parse (target: 2x or less)",
        ),
        line(
            build.seconds <= 20,
            f"build (validation included) takes {build.seconds:.1f} s (target at 200,000 claims: 20 s or less)",
        ),
    ]
    if len(measured) > 1:
        smallest = min(measured, key=lambda m: m.count)
        for name in ("triaxis validate", "triaxis build"):
            memory = largest.steps[name].peak_mb / smallest.steps[name].peak_mb
            output = largest.output_mb / smallest.output_mb
            records = largest.count / smallest.count
            lines.append(
                line(
                    memory <= output,
                    f"{name} peak memory grew {memory:.1f}x from {smallest.count:,} to {largest.count:,} claims "
                    f"({records:.0f}x the claims), the built dataset {output:.1f}x (target: memory grows no faster)",
                )
            )
    return lines


if __name__ == "__main__":
    main()
