"""Peak memory and time of ``pipeline run`` on one very large transcript.

Run by hand (200 MB takes about half an hour on two cores; pysbd's sentence
segmentation is most of it)::

    .venv/bin/python bench/large_file.py [--sizes 20,200] [--formats txt,html]

For each size (in MB) it writes one transcript with a NATO header and body
paragraphs made of sentences from the test data plus one numbered sentence
each (so the catalogs grow with the file), runs ``python -m pipeline run
big.txt --to fr --json`` with the tiny test model in a subprocess, and
reports the parts the file was cut into, the subprocess's peak RSS
(``wait4``'s ``ru_maxrss``), its wall time and MB/s. A streaming run has a
peak RSS that does not grow with the file. Temporary files are deleted
(``--keep`` keeps them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory_scale import sentence_pool, training_texts  # noqa: E402


def run_once(work: Path, store: Path, formats: str, timeout: float) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, return code) of one ``pipeline run`` on big.txt."""
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(store)}
    command = [sys.executable, "-m", "pipeline", "run", "big.txt", "--to", "fr", "--json"]
    command += ["--format", formats]
    start = time.perf_counter()
    with (work / "stdout.txt").open("wb") as out, (work / "stderr.txt").open("wb") as err:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                process.kill()
            time.sleep(0.2)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20,200", help="comma-separated sizes in MB")
    parser.add_argument("--formats", default="txt,html", help="formats to publish")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds per run")
    parser.add_argument("--keep", action="store_true", help="keep the files")
    args = parser.parse_args()

    from pipeline.testing import build_test_package_dir, write_long_transcript
    from pipeline.text.ingest import plan_parts

    pool = [s for s in sentence_pool() if "•" not in s]  # no header bullets in the body

    tmp = Path(tempfile.mkdtemp(prefix="pipeline-large-"))
    rows = []
    try:
        store = tmp / "store"
        build_test_package_dir(store, training_texts=training_texts(), size="tiny")
        for size_mb in (float(s) for s in args.sizes.split(",")):
            work = tmp / f"run-{size_mb:g}"
            work.mkdir()
            size = write_long_transcript(work / "big.txt", int(size_mb * 1e6), pool)
            parts = len(plan_parts(work / "big.txt")) or 1
            print(f"{size / 1e6:.1f} MB, {parts} parts; running pipeline ...", flush=True)
            seconds, rss, code = run_once(work, store, args.formats, args.timeout)
            summary = (work / "stdout.txt").read_text(encoding="utf-8").strip()
            print(f"  -> peak RSS {rss:.1f} MB, {seconds:.1f} s, rc {code} {summary}", flush=True)
            rows.append((size / 1e6, parts, rss, seconds, code))
            if not args.keep:
                shutil.rmtree(work)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'MB':>8} {'parts':>6} {'peak RSS MB':>12} {'wall s':>8} {'MB/s':>6} rc")
    for size, parts, rss, seconds, code in rows:
        print(f"{size:8.1f} {parts:6d} {rss:12.1f} {seconds:8.1f} {size / seconds:6.3f} {code}")


if __name__ == "__main__":
    main()
