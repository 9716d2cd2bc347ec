"""Peak memory and time of ``pipeline run`` on generated corpora of growing size.

Run by hand (the 50,000-document run takes a while)::

    .venv/bin/python bench/memory_scale.py [--sizes 5000,50000] [--formats txt,md]

For each size N it writes N small transcripts (made of sentences from the
test data: most sentences recur across many documents, and every document
also has one or two sentences of its own) under a temporary directory,
runs ``python -m pipeline run CORPUS --to fr --quiet`` with the tiny test
model in a subprocess, and reports the subprocess's peak RSS (``wait4``'s
``ru_maxrss``), its wall time and the documents per second. Every
temporary file is deleted afterwards (``--keep`` keeps them).

A streaming run has a peak RSS that does not depend on N. What may grow is
what is inherently proportional to the corpus: the list of sources, the set
of distinct pending sentences (the cross-document deduplication) and the
published-files manifest behind ``output/index.html``; the script prints the
growth per 1,000 documents so that it can be compared with those.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "transcript.txt"
DATA = ROOT / "tests" / "data"
DOCUMENTS_PER_DIRECTORY = 1000


def training_texts() -> list[str]:
    """The texts the test model's vocabulary is built from (as tests/conftest.py does)."""
    return [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))] + [
        SEED.read_text(encoding="utf-8")
    ]


def sentence_pool() -> list[str]:
    """Distinct English body sentences of the seed and test transcripts."""
    sources = [SEED, *(p for p in sorted(DATA.glob("*.txt")) if not p.stem.endswith("-fr"))]
    pool: dict[str, None] = {}
    for path in sources:
        for line in path.read_text(encoding="utf-8").splitlines():
            for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
                if len(sentence.split()) >= 4 and sentence[-1] in ".!?":
                    pool.setdefault(sentence, None)
    return list(pool)


def document_text(number: int, pool: Sequence[str], rng: random.Random) -> str:
    """One small transcript: a title, then 3-5 paragraphs of shared and own sentences."""
    paragraphs = []
    for _ in range(rng.randint(3, 5)):
        paragraphs.append(" ".join(rng.sample(pool, rng.randint(1, 3))))
    own = f"This is statement {number} of the archive, recorded on day {number % 997}."
    paragraphs.insert(rng.randint(0, len(paragraphs)), own)
    if number % 2:
        paragraphs.append(f"Question {number}: what is the position of the Alliance?")
    return f"Press conference {number}\n\n" + "\n\n".join(paragraphs) + "\n"


def write_corpus(directory: Path, count: int, seed: int = 0) -> int:
    """Write ``count`` transcripts in sub-directories of 1,000; return the bytes written."""
    pool = sentence_pool()
    rng = random.Random(seed)
    total = 0
    for number in range(count):
        folder = directory / f"part{number // DOCUMENTS_PER_DIRECTORY:03d}"
        if number % DOCUMENTS_PER_DIRECTORY == 0:
            folder.mkdir(parents=True)
        text = document_text(number, pool, rng)
        (folder / f"transcript{number:06d}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


@dataclass
class RunResult:
    """What one ``pipeline run`` cost."""

    documents: int
    seconds: float
    peak_rss_mb: float
    returncode: int
    summary: dict | None
    stderr_tail: str


def run_pipeline(
    work: Path, store: Path, formats: str, timeout: float, extra: Sequence[str] = ()
) -> RunResult:
    """Run ``python -m pipeline run corpus --to fr --quiet [extra]`` and measure that process."""
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(store), "PYTHONUNBUFFERED": "1"}
    # As an installed tool runs: its modules' bytecode cached (about 0.3 s a start here
    # when this machine's environment forbids writing it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "pipeline", "run", "corpus", "--to", "fr", "--quiet"]
    command += ["--format", formats, *extra]
    json_summary = _supports_json(env)
    if json_summary:
        command.append("--json")
    start = time.perf_counter()
    with (work / "stdout.txt").open("wb") as out, (work / "stderr.txt").open("wb") as err:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=out, stderr=err)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
            time.sleep(0.2)
    seconds = time.perf_counter() - start
    stdout = (work / "stdout.txt").read_text(encoding="utf-8", errors="replace")
    stderr = (work / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    summary = None
    if json_summary and stdout.strip():
        try:
            summary = json.loads(stdout)
        except ValueError:
            summary = None
    return RunResult(
        documents=0,
        seconds=seconds,
        peak_rss_mb=usage.ru_maxrss / 1024,
        returncode=os.waitstatus_to_exitcode(status),
        summary=summary,
        stderr_tail=stderr[-2000:],
    )


def _supports_json(env: dict[str, str]) -> bool:
    """Whether this version of ``pipeline run`` has ``--json``."""
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return "--json" in result.stdout


def measure(size: int, tmp: Path, store: Path, formats: str, timeout: float) -> RunResult:
    """Generate a corpus of ``size`` documents, run the pipeline on it, clean up."""
    work = tmp / f"run-{size}"
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    start = time.perf_counter()
    size_bytes = write_corpus(corpus, size)
    print(
        f"{size} documents ({size_bytes / 1e6:.1f} MB) written in "
        f"{time.perf_counter() - start:.1f} s; running pipeline ...",
        flush=True,
    )
    result = run_pipeline(work, store, formats, timeout)
    result.documents = size
    return result


def print_results(results: Sequence[RunResult]) -> None:
    """One line per size, then the RSS growth between the smallest and largest run."""
    print(f"\n{'documents':>10} {'peak RSS MB':>12} {'wall s':>9} {'docs/s':>8} {'rc':>3}  summary")
    for r in results:
        summary = ""
        if r.summary:
            summary = json.dumps({k: v for k, v in r.summary.items() if k != "languages"})
            summary += " " + json.dumps(r.summary.get("languages", {}))
        print(
            f"{r.documents:>10} {r.peak_rss_mb:>12.1f} {r.seconds:>9.1f} "
            f"{r.documents / r.seconds:>8.1f} {r.returncode:>3}  {summary}"
        )
        if r.returncode != 0:
            print(f"    stderr: {r.stderr_tail.strip()[-500:]}")
    if len(results) >= 2:
        small, large = results[0], results[-1]
        growth = (large.peak_rss_mb - small.peak_rss_mb) / (large.documents - small.documents)
        print(f"\npeak RSS growth: {1000 * growth:.2f} MB per 1,000 documents")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,50000", help="comma-separated corpus sizes")
    parser.add_argument(
        "--formats", default="txt,md,html,bilingual-html", help="--format passed to the run"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    parser.add_argument("--tmp", type=Path, default=None, help="where to work (default /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and outputs")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="memory-scale-", dir=args.tmp))
    try:
        from pipeline.testing import build_test_package_dir

        store = tmp / "store"
        build_test_package_dir(store, training_texts=training_texts(), size="tiny")
        results = []
        for size in sizes:
            results.append(measure(size, tmp, store, args.formats, args.timeout))
            last = results[-1]
            print(
                f"  -> peak RSS {last.peak_rss_mb:.1f} MB, {last.seconds:.1f} s, "
                f"rc {last.returncode}",
                flush=True,
            )
            if not args.keep:
                shutil.rmtree(tmp / f"run-{size}", ignore_errors=True)
        print_results(results)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
