"""Peak memory and time of writing the index pages for archives of growing size.

Run by hand::

    .venv/bin/python bench/index_scale.py [--sizes 5000,50000] [--languages fr,de]

For each size N, a child process records N documents (one tiny published
file per document and language, with titles and dates) in a fresh
``.published.sqlite3``, then a second child runs :func:`pipeline.publish.write_index`
on it: ``output/index.html`` plus one page per language. The script prints
that second child's peak RSS (``wait4``'s ``ru_maxrss``), its wall time and the
size of the pages; then every hundredth document's files change (reviewed in
full) and the pages are written again: the manifest keeps each row's HTML, so
that second render copies 99 % of the rows. Rendering streams from the
manifest, so the peak RSS must not grow with N (the pages themselves do).
Temporary files are deleted afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RECORD = """
import datetime as dt, sys
from pathlib import Path
from pipeline.publish import DocumentFacts, PublishedFile
from pipeline.publish.manifest import PublishedManifest

out, count, languages = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")

def files():
    for i in range(count):
        name = f"archive/{i // 1000:03d}/{i:06d}"
        date = (dt.date(1990, 1, 1) + dt.timedelta(days=i % 12000)).isoformat()
        for k, lang in enumerate(languages):
            path = out / lang / f"{name}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x", encoding="utf-8")
            facts = DocumentFacts(f"Statement {i} of the Alliance ({lang})", "Press conference",
                                  f"Statement {i}", "Press conference", date, "", "en")
            yield PublishedFile(path, "html", name, lang, (i + k) % 5 / 4, facts=facts)

with PublishedManifest(out) as manifest:
    batch = []
    for f in files():
        batch.append(f)
        if len(batch) == 5000:
            manifest.record(batch)
            batch = []
    manifest.record(batch)
"""

# Every hundredth document reviewed in full since: its rows change, the others do not.
TOUCH = """
import sqlite3, sys
with sqlite3.connect(sys.argv[1] + "/.published.sqlite3") as db:
    documents = [d for (d,) in db.execute("SELECT document FROM documents ORDER BY document")]
    db.executemany("UPDATE published SET reviewed_ratio = 1.0 WHERE document = ?",
                   [(d,) for d in documents[::100]])
"""

RENDER = """
import sys
from pathlib import Path
from pipeline.publish import PublishOptions, write_index
write_index(Path(sys.argv[1]), options=PublishOptions(index_language="fr"))
"""


def run(code: str, *args: str) -> tuple[float, int]:
    """Run ``code`` in a child Python; return (seconds, peak RSS in KiB)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"child failed: {status}")
    return time.perf_counter() - started, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--languages", default="fr,de")
    args = parser.parse_args()
    print(
        f"{'documents':>10} {'record s':>9} {'render s':>9} {'peak RSS MiB':>13} "
        f"{'index.html MiB':>15} {'1 % changed s':>14}  "
        f"({dt.date.today()}, languages {args.languages})"
    )
    for size in (int(n) for n in args.sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix="index-scale-"))
        try:
            recorded, _ = run(RECORD, str(work), str(size), args.languages)
            seconds, peak = run(RENDER, str(work))
            page = (work / "index.html").stat().st_size / 2**20
            run(TOUCH, str(work))
            again, _ = run(RENDER, str(work))
            print(
                f"{size:>10} {recorded:>9.1f} {seconds:>9.1f} {peak / 1024:>13.1f} {page:>15.1f} "
                f"{again:>14.1f}"
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
