"""Translation-memory lookup speed and recall on memories of 10k, 100k and 1M units.

Run by hand (the 1M-unit memory takes a few minutes to build)::

    .venv/bin/python bench/memory_lookup.py [--sizes 10000,100000,1000000] [--queries 150]

For each size N it builds ``memory.sqlite3`` in a temporary directory from
generated sentences, synced as catalogs of 1,000 reviewed entries each (what
a project's PO files give): 8 to 40 words drawn from a Zipf-distributed
vocabulary of 4,000 words, with commas and a final full stop or question
mark, and one sentence in ten a near-duplicate of a recent one (one to three
words replaced, inserted or deleted). A small vocabulary is the hard case
for the word index: every word occurs in hundreds of sentences at 1M.

It then opens the memory afresh (SQLite's cache cold, the OS's warm, as for a
run) and looks up, one sentence per call, ``--queries`` sentences of each
kind:

* exact: sentences of the memory (answered by the exact lookup);
* near: memory sentences with one to three words changed (fuzzy matches);
* none: new sentences (the fuzzy search finds nothing at 75 %).

It prints the build time (wall and CPU), the file size, p50/p95/max per
sentence for each kind (wall and CPU: the machine is shared, so the load
average and the kernel's CPU pressure are printed beside them), the time per
sentence when all queries go in one batch call (what a run does), and the
recall of the indexed fuzzy search against an exhaustive rapidfuzz scan of
every sentence of the memory (on up to 100 near queries): how often it found
some match at or above the threshold when one exists, and how often one as
good as the best.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from pipeline.memory import Query, lookup, open_memory, sync_catalog
from pipeline.memory.text import sentence_key

CATALOG_SIZE = 1000
VOCABULARY = 4000
NEAR_DUPLICATE_SHARE = 0.1
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ro",
    "sa",
    "ti",
    "vu",
    "de",
    "pa",
    "ri",
    "en",
    "al",
    "or",
    "is",
    "un",
    "ta",
    "ve",
    "co",
    "gi",
    "ba",
    "fe",
    "hu",
    "na",
]


class SentenceMaker:
    """Deterministic generated sentences over a Zipf-distributed vocabulary."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        words: dict[str, None] = {}
        while len(words) < VOCABULARY:
            length = self.rng.choice((1, 2, 2, 3, 3, 3, 4))
            words["".join(self.rng.choice(SYLLABLES) for _ in range(length))] = None
        self.words = list(words)
        self.weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(VOCABULARY)))

    def sentence(self) -> str:
        count = self.rng.randint(8, 40)
        words = self.rng.choices(self.words, cum_weights=self.weights, k=count)
        for i in range(4, count - 2, 9):
            if self.rng.random() < 0.5:
                words[i] += ","
        end = "?" if self.rng.random() < 0.1 else "."
        return " ".join(words).capitalize() + end

    def variant(self, sentence: str) -> str:
        """The sentence with one to three words replaced, inserted or deleted."""
        words = sentence[:-1].split()
        for _ in range(self.rng.randint(1, 3)):
            i = self.rng.randrange(len(words))
            edit = self.rng.random()
            if edit < 0.6:
                words[i] = self.rng.choice(self.words)
            elif edit < 0.8:
                words.insert(i, self.rng.choice(self.words))
            elif len(words) > 8:
                del words[i]
        return " ".join(words) + sentence[-1]

    def corpus(self, size: int) -> Iterator[str]:
        recent: list[str] = []
        for _ in range(size):
            if recent and self.rng.random() < NEAR_DUPLICATE_SHARE:
                sentence = self.variant(self.rng.choice(recent))
            else:
                sentence = self.sentence()
            recent.append(sentence)
            if len(recent) > 2000:
                del recent[:1000]
            yield sentence


def build(path: Path, sentences: Sequence[str]) -> tuple[float, float]:
    """Sync the sentences as catalogs of CATALOG_SIZE reviewed entries; wall and CPU seconds."""
    start, start_cpu = time.perf_counter(), time.process_time()
    with open_memory(path) as memory:
        for number, first in enumerate(range(0, len(sentences), CATALOG_SIZE)):
            chunk = sentences[first : first + CATALOG_SIZE]
            entries = [
                (
                    source,
                    f"[fr] {source}",
                    20 + 4 * i,
                    chunk[i - 1] if i else None,
                    chunk[i + 1] if i + 1 < len(chunk) else None,
                )
                for i, source in enumerate(chunk)
            ]
            sync_catalog(memory, f"doc-{number:05d}.po", "en", "fr", entries, f"v1-{number}")
        memory.optimize()
    return time.perf_counter() - start, time.process_time() - start_cpu


def timed_lookups(path: Path, queries: Sequence[str]) -> tuple[list[float], list[float], list]:
    """Wall and CPU seconds per sentence, one call each, on a freshly opened memory; matches."""
    wall, cpu, matches = [], [], []
    with open_memory(path) as memory:
        for query in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            matches.extend(lookup(memory, "en", "fr", [Query(query)]))
            cpu.append(time.process_time() - start_cpu)
            wall.append(time.perf_counter() - start)
    return wall, cpu, matches


def batch_time(path: Path, queries: Sequence[str]) -> float:
    with open_memory(path) as memory:
        start = time.perf_counter()
        lookup(memory, "en", "fr", [Query(q) for q in queries])
        return (time.perf_counter() - start) / len(queries)


def recall(
    sentences: Sequence[str], queries: Sequence[str], matches: Sequence
) -> tuple[int, int, int]:
    """(queries with a ≥75 match in the memory, found one, found one as good as the best)."""
    from rapidfuzz import fuzz, process

    keys = [sentence_key(s) for s in sentences]
    exists = found = best = 0
    for query, match in zip(queries, matches, strict=True):
        top = process.extractOne(sentence_key(query), keys, scorer=fuzz.ratio, score_cutoff=75)
        if top is None:
            continue
        exists += 1
        if match is not None:
            found += 1
            best += match.score >= int(top[1])
    return exists, found, best


def pressure() -> str:
    """The load average and the kernel's CPU pressure (share of time tasks waited for a CPU)."""
    load = f"load {os.getloadavg()[0]:.1f}"
    try:
        line = Path("/proc/pressure/cpu").read_text().split("\n")[0]
    except OSError:
        return load
    return f"{load}, CPU pressure avg10 {line.split('avg10=')[1].split()[0]} %"


def percentiles(times: Sequence[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):6.2f}  p95 {p95:6.2f}  max {ms[-1]:6.2f} ms"


def run(size: int, query_count: int, directory: Path) -> None:
    maker = SentenceMaker()
    sentences = list(maker.corpus(size))
    path = directory / f"memory-{size}.sqlite3"
    seconds, cpu = build(path, sentences)
    mib = os.path.getsize(path) / 2**20
    print(
        f"\n{size:,} units: built in {seconds:.1f} s ({cpu:.1f} s CPU, "
        f"{size / cpu:,.0f} units per CPU second), {mib:.1f} MiB   [{pressure()}]"
    )

    pick = random.Random(2)
    exact = pick.sample(sentences, query_count)
    near = [maker.variant(s) for s in pick.sample(sentences, query_count)]
    none = [maker.sentence() for _ in range(query_count)]
    start = time.perf_counter()
    timed_lookups(path, none[:1])  # imports rapidfuzz: once per run, not per sentence
    print(f"  first fuzzy lookup of the process: {(time.perf_counter() - start) * 1000:.0f} ms")
    results = {}
    for name, queries in (("exact", exact), ("near", near), ("none", none)):
        wall, cpu, matches = timed_lookups(path, queries)
        results[name] = matches
        kinds = {k: sum(1 for m in matches if m and m.kind.value == k) for k in ("exact", "fuzzy")}
        print(f"  {name:5} wall {percentiles(wall)}   {kinds}")
        print(f"  {'':5} CPU  {percentiles(cpu)}")
    wall, cpu, _ = timed_lookups(path, near + none)
    print(f"  fuzzy (near+none) wall {percentiles(wall)}")
    print(f"  fuzzy (near+none) CPU  {percentiles(cpu)}   [{pressure()}]")
    every = exact + near + none
    print(f"  one batch of {len(every)}: {batch_time(path, every) * 1000:.2f} ms per sentence")
    sample = min(100, query_count)
    exists, found, best = recall(sentences, near[:sample], results["near"][:sample])
    print(
        f"  recall on {sample} near queries: {exists} have a ≥75 % match; "
        f"found {found}, as good as the exhaustive best {best}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=150)
    parser.add_argument("--keep", action="store_true", help="keep the memories built")
    args = parser.parse_args()
    print(f"CPUs: {os.cpu_count()}, {pressure()}")
    tmp = tempfile.mkdtemp(prefix="memory-bench-")
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            run(size, args.queries, Path(tmp))
    finally:
        if args.keep:
            print(f"\nkept in {tmp}")
        else:
            for path in Path(tmp).iterdir():
                path.unlink()
            os.rmdir(tmp)
    print(f"after: {pressure()}")


if __name__ == "__main__":
    main()
