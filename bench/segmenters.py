"""Compare sentence segmenters for the pipeline's segment stage; prints tables.

Run by hand from the repository root (takes about a minute)::

    .venv/bin/python bench/segmenters.py [--repeat 20]

Segmenters compared, all rule-based and offline:

* ``pysbd``: ``pysbd.Segmenter(language, clean=False, char_span=True)``, raw;
* ``sentencex``: ``sentencex.get_sentence_boundaries(language, text)``, raw;
* ``segment (fast path)``: :func:`pipeline.text.segment.split_sentences`, the
  chosen one: plain lines by :mod:`pipeline.text.fastsplit`, the others by
  pysbd behind masking, extra splits, merges and windows;
* ``segment (reference)``: the same with ``fast=False``, pysbd on every line
  (what the fast path must equal, and what the segmenter was before it);
* ``sentencex+rules``: the reference wrapper with sentencex in place of pysbd,
  to check whether the rules, not the library, make the difference.

Measured:

* errors on ``TRICKY_CASES`` (tests/test_segment.py: hand-made cases with the
  expected split) and on the body lines of the NATO corpus in tests/data
  (expected split from ``reference_split`` in the same file, exact there):
  false splits (a boundary that should not be there) and missed splits;
* losslessness: texts (tricky + corpus + 2000 random odd-Unicode strings)
  whose segments and offsets do not rebuild the input, and exceptions
  (sentencex 1.0.32 panics in Rust, e.g. on "I\u00a0.", which Python sees as
  a ``pyo3_runtime.PanicException``, a BaseException);
* speed: sentences per second over the corpus body lines repeated
  ``--repeat`` times, one call per line as the pipeline does, and over every
  block of a generated transcript (``--transcript-kb``, written by
  :func:`pipeline.testing.write_long_transcript` from the test sentences);
* time for one 20,000-word sentence, a 100 kB line and a 1 MB line.

Times are CPU seconds of this process (``time.process_time``), so the figures
hold on a machine busy with other work; on an idle one they equal wall time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.text import segment  # noqa: E402

Spans = list[tuple[int, int]]  # (start, end) of each segment, whitespace trimmed
Segmenter = Callable[[str, str], tuple[Spans, bool]]  # (spans, lossless)


def load_test_module() -> ModuleType:
    """tests/test_segment.py, the one home of the tricky cases and the corpus reference."""
    path = ROOT / "tests" / "test_segment.py"
    spec = importlib.util.spec_from_file_location("test_segment", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of text[start:end] without surrounding whitespace; None if blank."""
    piece = text[start:end]
    if not piece.strip():
        return None
    first = start + len(piece) - len(piece.lstrip())
    return first, first + len(piece.strip())


def run_pysbd(text: str, language: str) -> tuple[Spans, bool]:
    import pysbd

    code = segment.supported_language(language)
    spans = pysbd.Segmenter(language=code, clean=False, char_span=True).segment(text)
    lossless = "".join(s.sent for s in spans) == text and all(
        text[s.start : s.end] == s.sent for s in spans
    )
    return [t for s in spans if (t := trimmed(text, s.start, s.end))], lossless


def run_sentencex(text: str, language: str) -> tuple[Spans, bool]:
    import sentencex

    found = sentencex.get_sentence_boundaries(language, text)
    ranges = [(d["start_index"], d["end_index"], d["text"]) for d in found]
    lossless = "".join(t for _, _, t in ranges) == text and all(
        text[a:b] == t for a, b, t in ranges
    )
    return [t for a, b, _ in ranges if (t := trimmed(text, a, b))], lossless


def run_segment(text: str, language: str) -> tuple[Spans, bool]:
    segments = segment.split_sentences(text, language)
    lead = text[: segments[0].start] if segments else text
    separators = segment.gaps(text, segments)
    rebuilt = lead + "".join(s.text + g for s, g in zip(segments, separators, strict=True))
    return [(s.start, s.end) for s in segments], rebuilt == text


def run_segment_reference(text: str, language: str) -> tuple[Spans, bool]:
    segments = segment.split_sentences(text, language, fast=False)
    lead = text[: segments[0].start] if segments else text
    separators = segment.gaps(text, segments)
    rebuilt = lead + "".join(s.text + g for s, g in zip(segments, separators, strict=True))
    return [(s.start, s.end) for s in segments], rebuilt == text


def sentencex_sentences(chunk: str, code: str) -> list[str]:
    import sentencex

    return [d["text"] for d in sentencex.get_sentence_boundaries(code, chunk)]


def run_sentencex_rules(text: str, language: str) -> tuple[Spans, bool]:
    original = segment._pysbd_sentences
    segment._pysbd_sentences = sentencex_sentences  # type: ignore[assignment]
    try:
        return run_segment_reference(text, language)
    finally:
        segment._pysbd_sentences = original  # type: ignore[assignment]


SEGMENTERS: dict[str, Segmenter] = {
    "pysbd": run_pysbd,
    "sentencex": run_sentencex,
    "segment (fast path)": run_segment,
    "segment (reference)": run_segment_reference,
    "sentencex+rules": run_sentencex_rules,
}


@dataclass
class Score:
    false_splits: int = 0
    missed_splits: int = 0
    wrong_texts: int = 0
    wrong_examples: list[str] = field(default_factory=list)

    def add(self, text: str, expected: set[int], got: set[int]) -> None:
        self.false_splits += len(got - expected)
        self.missed_splits += len(expected - got)
        if got != expected:
            self.wrong_texts += 1
            self.wrong_examples.append(text)


def boundaries(spans: Spans) -> set[int]:
    """Where the 2nd, 3rd, ... segment starts."""
    return {start for start, _ in spans[1:]}


def expected_boundaries(text: str, sentences: list[str]) -> set[int]:
    """Starts of the expected sentences (after the first) located in order in ``text``."""
    found, cursor = [], 0
    for sentence in sentences:
        start = text.index(sentence, cursor)
        found.append(start)
        cursor = start + len(sentence)
    return set(found[1:])


def score(run: Segmenter, cases: list[tuple[str, str, list[str]]]) -> Score:
    result = Score()
    for language, text, expected in cases:
        spans, _ = run(text, language)
        result.add(text, expected_boundaries(text, expected), boundaries(spans))
    return result


def fuzz_texts(tests: ModuleType, count: int = 2000) -> list[str]:
    """Deterministic odd-Unicode strings: whitespace, quotes, markers, emoji, RTL."""
    rng = random.Random(0)
    alphabet = list(tests.WHITESPACE + tests.ODD_CHARS) + ["\U0001f600", "\u05d0", "\u0627"]
    texts = []
    for i in range(count):
        if i % 2:
            words = [rng.choice(tests.WORDS) for _ in range(rng.randint(0, 30))]
            texts.append("".join(w + rng.choice(["", " ", "  ", "\t", "\u00a0"]) for w in words))
        else:
            texts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))))
    return texts


def lossless_failures(run: Segmenter, texts: list[tuple[str, str]]) -> tuple[int, int]:
    """(texts not rebuilt from the segments, exceptions) over ``texts``."""
    lossy = errors = 0
    for language, text in texts:
        try:
            _, lossless = run(text, language)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001 - sentencex panics raise a BaseException
            errors += 1
            continue
        lossy += not lossless
    return lossy, errors


def speed(run: Segmenter, corpus: list[tuple[str, str]], repeat: int) -> float:
    """Sentences per second over ``corpus`` repeated ``repeat`` times."""
    run(corpus[0][1], corpus[0][0])  # warm-up: imports, segmenter construction
    sentences = 0
    start = time.process_time()
    for _ in range(repeat):
        for language, text in corpus:
            sentences += len(run(text, language)[0])
    return sentences / (time.process_time() - start)


def transcript_blocks(size_kb: int) -> list[str]:
    """The blocks of a generated transcript of about ``size_kb`` kB (see the docstring)."""
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    from memory_scale import sentence_pool

    from pipeline.testing import write_long_transcript
    from pipeline.text.ingest import ingest_file

    # The pool's two header fragments ("• Last updated: 11 Oct.") are no body text.
    pool = [sentence for sentence in sentence_pool() if "•" not in sentence]
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "transcript.txt"
        write_long_transcript(path, size_kb * 1000, pool)
        return [block.text for block in ingest_file(path).blocks]


def long_inputs(corpus: list[tuple[str, str]]) -> dict[str, str]:
    rng = random.Random(1)
    words = ["the", "alliance", "will", "continue", "to", "support", "our", "partners", "in"]
    prose = " ".join(text for language, text in corpus if language == "en")
    return {
        "20,000-word sentence": " ".join(rng.choice(words) for _ in range(20_000)),
        "100 kB line": (prose * (100_000 // len(prose) + 1))[:100_000],
        "1 MB line": (prose * (1_000_000 // len(prose) + 1))[:1_000_000],
    }


def timed(run: Segmenter, text: str) -> tuple[float, int]:
    start = time.process_time()
    spans, _ = run(text, "en")
    return time.process_time() - start, len(spans)


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print()


def print_transcript_speed(blocks: list[str]) -> None:
    """Fast path against reference over a generated transcript; the segmentations must match."""
    rows, results = [], {}
    for name, fast in (("segment (fast path)", True), ("segment (reference)", False)):
        start = time.process_time()
        results[name] = [segment.split_sentences(block, "en", fast=fast) for block in blocks]
        seconds = time.process_time() - start
        count = sum(map(len, results[name]))
        rows.append([name, f"{count:,}", f"{seconds:.2f}", f"{count / seconds:,.0f}"])
    same = results["segment (fast path)"] == results["segment (reference)"]
    to_pysbd = sum(segment._fast_cuts(segment._mask(block), "en") is None for block in blocks)
    print(f"generated transcript: {len(blocks):,} blocks, {sum(map(len, blocks)):,} characters,"
          f" {to_pysbd:,} blocks not plain (pysbd); fast path and reference"
          f" {'identical' if same else 'DIFFERENT'}\n")
    print_table(["segmenter", "sentences", "CPU s", "sentences/s"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="corpus repetitions for speed")
    parser.add_argument("--show-errors", action="store_true", help="list the texts split wrong")
    parser.add_argument("--transcript-kb", type=int, default=1000,
                        help="size of the generated transcript for speed (0: skip)")
    args = parser.parse_args()
    os.environ["RUST_BACKTRACE"] = "0"  # sentencex panics: one line each, not a backtrace

    tests = load_test_module()
    corpus_cases = [
        (tests.corpus_language(path), line, tests.reference_split(line))
        for path in sorted((ROOT / "tests" / "data").glob("*.txt"))
        for _, line in tests.body_lines(path)
    ]
    corpus = [(language, line) for language, line, _ in corpus_cases]
    all_texts = [(lang, text) for lang, text, _ in tests.TRICKY_CASES] + corpus
    all_texts += [("en", text) for text in fuzz_texts(tests)]
    n_cases = len(tests.TRICKY_CASES)
    n_gold = sum(len(e) for *_, e in tests.TRICKY_CASES)
    n_corpus = sum(len(e) for *_, e in corpus_cases)
    print(f"tricky set: {n_cases} texts, {n_gold} sentences; corpus: {len(corpus)} body lines,"
          f" {n_corpus} sentences; losslessness over {len(all_texts)} texts\n")

    rows, wrong = [], {}
    for name, run in SEGMENTERS.items():
        tricky = score(run, tests.TRICKY_CASES)
        nato = score(run, corpus_cases)
        lossy, errors = lossless_failures(run, all_texts)
        rate = speed(run, corpus, args.repeat)
        wrong[name] = tricky.wrong_examples + nato.wrong_examples
        rows.append([
            name,
            f"{tricky.false_splits}/{tricky.missed_splits}",
            f"{tricky.wrong_texts}/{n_cases}",
            f"{nato.false_splits}/{nato.missed_splits}",
            f"{lossy}/{errors}",
            f"{rate:,.0f}",
        ])
    print_table(
        ["segmenter", "tricky false/missed", "tricky texts wrong", "corpus false/missed",
         "lossy/raised", "sentences/s"],
        rows,
    )
    if args.transcript_kb:
        print_transcript_speed(transcript_blocks(args.transcript_kb))
    if args.show_errors:
        for name, texts in wrong.items():
            print(f"{name}: wrong on")
            for text in texts:
                print(f"    {text!r}")
        print()

    rows = []
    for label, text in long_inputs(corpus).items():
        row = [f"{label} ({len(text):,} chars)"]
        for name, run in SEGMENTERS.items():
            if name == "pysbd" and len(text) > 200_000:
                row.append("skipped (quadratic)")
                continue
            seconds, count = timed(run, text)
            row.append(f"{seconds:.2f} s ({count} sent.)")
        rows.append(row)
    print_table(["input", *SEGMENTERS], rows)


if __name__ == "__main__":
    main()
