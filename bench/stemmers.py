"""Snowball stemmers for terminology matching: PyStemmer (C) vs snowballstemmer (pure Python).

Run by hand::

    .venv/bin/python bench/stemmers.py [--words 200000]

Both packages run the same Snowball algorithms, so their stems are identical
(checked here on every word). What differs is speed and import time: term
matching stems every word of every sentence it looks at (``stemWords`` on a
whole sentence), so the stemmer is on the hot path of ``pipeline check`` and
of the ``#. terms:`` comments. snowballstemmer silently uses PyStemmer when it
is installed; the pure-Python modules are imported directly here to measure
them. Rates are per CPU second (process time), which other processes on a
shared machine disturb less than wall time.
"""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+")


def corpus_words(count: int) -> dict[str, list[str]]:
    """English and French words of the test transcripts, repeated to ``count`` each."""
    texts = {"english": [], "french": []}
    for path in sorted((ROOT / "tests" / "data").glob("*.txt")):
        language = "french" if path.stem.endswith("-fr") else "english"
        texts[language].extend(WORD.findall(path.read_text(encoding="utf-8").lower()))
    texts["french"] += ["alliés", "alliées", "secrétaires", "généraux", "ministres", "défense"]
    return {lang: [words[i % len(words)] for i in range(count)] for lang, words in texts.items()}


def pure_python(language: str):
    """snowballstemmer's own pure-Python stemmer class (bypassing its PyStemmer shortcut)."""
    module = importlib.import_module(f"snowballstemmer.{language}_stemmer")
    return getattr(module, f"{language.capitalize()}Stemmer")()


def rate(stem_words, words: list[str], sentence: int = 25) -> float:
    """Words per CPU second, stemming ``sentence`` words per call as term matching does."""
    start = time.process_time()
    for i in range(0, len(words), sentence):
        stem_words(words[i : i + sentence])
    return len(words) / (time.process_time() - start)


def import_seconds(module: str) -> float:
    """Wall time of ``import module`` in a fresh interpreter (median of 5)."""
    times = []
    for _ in range(5):
        code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        times.append(float(out.stdout))
    return sorted(times)[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=200_000)
    args = parser.parse_args()
    import Stemmer

    for language, words in corpus_words(args.words).items():
        fast, slow = Stemmer.Stemmer(language), pure_python(language)
        uncached = Stemmer.Stemmer(language, 0)  # PyStemmer caches 10,000 stems by default
        assert fast.stemWords(words[:5000]) == slow.stemWords(words[:5000]), "stems differ"
        c_rate, py_rate = rate(fast.stemWords, words), rate(slow.stemWords, words)
        bare = rate(uncached.stemWords, words)
        print(
            f"{language:8} PyStemmer {c_rate / 1e6:5.2f} M words/s ({bare / 1e6:5.2f} uncached)  "
            f"snowballstemmer (pure Python) {py_rate / 1e6:6.3f} M words/s  "
            f"ratio {c_rate / py_rate:4.0f}x ({bare / py_rate:3.0f}x uncached), identical stems"
        )
    for module in ("Stemmer", "snowballstemmer.french_stemmer"):
        print(f"import {module}: {1000 * import_seconds(module):.1f} ms")


if __name__ == "__main__":
    main()
