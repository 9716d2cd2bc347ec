"""Term matching speed against glossary size: the cost per sentence must not grow with it.

Run by hand::

    .venv/bin/python bench/terms_scale.py [--sentences 20000]

Glossaries of 10, 1,000 and 10,000 terms are made from the words of the test
transcripts (one to three consecutive words each, so many of them really occur,
plus the sample glossary's terms); the sentences are those transcripts' sentences,
repeated. The same sizes are then run with made-up terms that never occur, which
isolates the cost of the glossary's size from that of the matches. For each
size: sentences per second of :meth:`Glossary.find` (what ``comment`` costs, the
source side) and of :meth:`Glossary.check` (both sides), and how many terms
were found. Rates are per CPU second (process time), which other processes
on a shared machine disturb less than wall time.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def english_sentences() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted(DATA.glob("*.txt")) if "-fr" not in p.stem]
    return [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) > 3]


def make_terms(count: int, sentences: list[str], seed: int = 0, occurring: bool = True):
    """``count`` terms: the sample glossary, 1-3 word runs of the corpus, then made-up
    two-word terms that occur nowhere (as most of a real glossary does in one text)."""
    from pipeline.terms.delimited import read_delimited
    from pipeline.terms.model import Term

    terms = {t.source: t for t in read_delimited(DATA / "glossaries" / "terms.en-fr.csv")}
    if not occurring:
        terms, sentences = {}, []
    runs = sorted(
        {
            " ".join(words[start : start + length]).strip(".,;:!?\"'")
            for words in (s.split() for s in sentences)
            for start in range(len(words))
            for length in (1, 2, 3)
        }
        - {""}
    )
    random.Random(seed).shuffle(runs)
    invented = (f"Term{n} Committee" for n in range(count))
    for source in [*runs, *invented]:
        if len(terms) >= count:
            break
        terms.setdefault(source, Term(source, "fr", (f"{source} (fr)",), origin="bench"))
    return list(terms.values())[:count]


def measure(count: int, sentences: list[str], occurring: bool = True) -> None:
    from pipeline.terms.glossary import Glossary

    glossary = Glossary(make_terms(count, sentences, occurring=occurring))
    start = time.process_time()
    glossary.terms_for("fr")  # builds the index
    built = time.process_time() - start
    start = time.process_time()
    found = sum(len(glossary.find(s, "fr")) for s in sentences)
    comment_rate = len(sentences) / (time.process_time() - start)
    start = time.process_time()
    for sentence in sentences:
        glossary.check(sentence, sentence, "fr")
    check_rate = len(sentences) / (time.process_time() - start)
    print(
        f"{count:>6} terms  index {built * 1000:7.1f} ms  find/comment {comment_rate:8.0f} sent/s"
        f"  check {check_rate:8.0f} sent/s  ({found / len(sentences):.1f} terms/sentence)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    args = parser.parse_args()
    base = english_sentences()
    sentences = [base[i % len(base)] for i in range(args.sentences)]
    mean = sum(map(len, base)) // len(base)
    print(f"{len(sentences)} sentences ({len(base)} distinct), mean {mean} characters")
    for count in (10, 1_000, 10_000):
        measure(count, sentences)
    print("the same sizes, none of the terms in the text (the cost of the index alone):")
    for count in (10, 1_000, 10_000):
        measure(count, sentences, occurring=False)


if __name__ == "__main__":
    main()
