"""The driver's speed: a cold run, a no-op re-run and a run after touching 1 % (#16).

Run by hand (the 20,000-document corpus takes several minutes on two cores)::

    .venv/bin/python bench/driver_speed.py [--sizes 2000,20000] [--jobs 0]

For each size N it writes N generated transcripts (as ``bench/memory_scale.py``
does: shared and own sentences, in folders of 1,000), builds the tiny test
model, and runs ``python -m pipeline run corpus --to fr --quiet --json`` with
the default formats three times in a subprocess:

* **cold**: nothing built yet; sentences/s counts every sentence of every
  document (segments in the catalogs, not just the distinct ones translated);
* **no-op**: the same run again, nothing changed;
* **1 % changed**: one sentence appended to every hundredth transcript.

Before each run the file systems are synced (``os.sync``), so that what one run
left to write does not land in the next one's time.

It prints wall seconds, ms per document, sentences/s, the subprocess's peak
RSS (``wait4``) and the run's own counts (documents left unchanged). With the
tiny model, machine translation is nearly free: what is measured is the
pipeline's own work (reading, segmenting, PO files, publishing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory_scale import run_pipeline, training_texts, write_corpus  # noqa: E402


@dataclass
class Timing:
    label: str
    seconds: float
    peak_rss_mb: float
    unchanged: int
    returncode: int


def count_sentences(translations: Path) -> int:
    """Every sentence of every document: the references of each POT entry."""
    import polib

    total = 0
    for pot in translations.glob("templates/**/*.pot"):
        total += sum(len(entry.occurrences) for entry in polib.pofile(str(pot)))
    return total


def touch_one_percent(corpus: Path) -> int:
    """Append a new sentence to every hundredth transcript; return how many."""
    files = sorted(corpus.rglob("*.txt"))[::100]
    for number, path in enumerate(files):
        with path.open("a", encoding="utf-8") as stream:
            stream.write(f"\nA sentence added to transcript {number} after the first run.\n")
    return len(files)


def timed(label: str, work: Path, store: Path, formats: str, jobs: int) -> Timing:
    # Flush what the previous run (or the corpus) left to write first: a cold run leaves
    # over 100,000 new files, whose write-back would otherwise stall the next run's stats.
    os.sync()
    result = run_pipeline(work, store, formats, timeout=7200, extra=["--jobs", str(jobs)])
    unchanged = int((result.summary or {}).get("unchanged", -1))
    if result.returncode:
        print(f"  {label}: exit {result.returncode}: {result.stderr_tail[-400:]}")
    return Timing(label, result.seconds, result.peak_rss_mb, unchanged, result.returncode)


def measure(size: int, tmp: Path, store: Path, formats: str, jobs: int) -> None:
    work = tmp / f"driver-{size}"
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    write_corpus(corpus, size)
    cold = timed("cold", work, store, formats, jobs)
    sentences = count_sentences(work / "translations")
    noop = timed("no-op", work, store, formats, jobs)
    touched = touch_one_percent(corpus)
    partial = timed(f"{touched} changed", work, store, formats, jobs)
    print(f"\n{size:,} documents, {sentences:,} sentences (--jobs {jobs})")
    print(
        f"{'run':>14} {'wall s':>8} {'ms/doc':>7} {'sent/s':>8} {'% cold':>7} {'RSS MB':>7} "
        f"{'unchanged':>9}"
    )
    for timing in (cold, noop, partial):
        print(
            f"{timing.label:>14} {timing.seconds:>8.2f} {1000 * timing.seconds / size:>7.2f} "
            f"{sentences / timing.seconds:>8.0f} {100 * timing.seconds / cold.seconds:>6.1f}% "
            f"{timing.peak_rss_mb:>7.0f} {timing.unchanged:>9}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,20000", help="comma-separated corpus sizes")
    parser.add_argument("--formats", default="txt,md,html,bilingual-html")
    parser.add_argument("--jobs", type=int, default=0, help="--jobs of the runs (0: cores)")
    parser.add_argument("--tmp", type=Path, default=None, help="where to work (default /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and outputs")
    args = parser.parse_args()
    from pipeline.testing import build_test_package_dir

    tmp = Path(tempfile.mkdtemp(prefix="driver-speed-", dir=args.tmp))
    try:
        store = tmp / "models"
        store.mkdir()
        build_test_package_dir(store, training_texts=training_texts())
        for size in (int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            measure(size, tmp, store, args.formats, args.jobs)
            print(f"({time.perf_counter() - started:.0f} s with the corpus written)")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
