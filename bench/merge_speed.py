"""Time of merging a catalog when the transcript is replaced by a different one.

Run by hand::

    .venv/bin/python bench/merge_speed.py [--sizes 378:434,1000,10000] [--check 200]

For each size ``OLD:NEW`` (``N`` means ``N:N``) it builds a French catalog of
OLD generated sentences (machine-translated, one in five reviewed), then a
template of NEW other sentences, one in ten of them a small edit of an old
sentence (one or two words changed), and times :func:`pipeline.gettext.merge.merge`
of the template into the catalog: every new sentence looks for a fuzzy
suggestion among all the old ones (issue #12 case 8). It prints the seconds,
the fuzzy suggestions made, and how many edited sentences got their original as
the suggestion.

``--check N`` compares the suggestions of the first N new sentences with an
exhaustive search (every old sentence scored), and prints how many agree.

Sentences are drawn, with a fixed seed, from the words of the test transcripts
(``tests/data``) with their frequencies, one word in ten replaced by a number
or a name: common words recur as in real speech, rare ones are rare.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.gettext import merge, states  # noqa: E402

DATA = ROOT / "tests" / "data"
SYLLABLES = ["ka", "to", "ri", "mo", "ne", "sa", "lu", "pe", "di", "gar", "vo", "stan", "berg"]


class SentenceMaker:
    """Random English-looking sentences with the word frequencies of the test transcripts."""

    def __init__(self, seed: int = 0) -> None:
        counts: Counter[str] = Counter()
        for path in sorted(DATA.glob("*.txt")):
            if not path.stem.endswith("-fr"):
                counts.update(re.findall(r"[A-Za-z][A-Za-z'-]*", path.read_text(encoding="utf-8")))
        self.words = list(counts)
        self.weights = [counts[word] for word in self.words]
        self.rng = random.Random(seed)
        self.made: set[str] = set()

    def word(self) -> str:
        if self.rng.random() < 0.1:  # a number or a name: rare words
            if self.rng.random() < 0.5:
                return str(self.rng.randint(1, 99_999))
            return "".join(self.rng.choices(SYLLABLES, k=self.rng.randint(2, 4))).capitalize()
        return self.rng.choices(self.words, self.weights)[0]

    def sentence(self) -> str:
        while True:
            words = [self.word() for _ in range(self.rng.randint(6, 32))]
            text = " ".join(words)
            text = text[0].upper() + text[1:] + "."
            if text not in self.made:
                self.made.add(text)
                return text

    def edit(self, sentence: str) -> str:
        """``sentence`` with one or two words replaced: a new sentence."""
        while True:
            words = sentence[:-1].split(" ")
            for _ in range(self.rng.randint(1, 2)):
                words[self.rng.randrange(len(words))] = self.word()
            text = " ".join(words) + "."
            if text not in self.made:
                self.made.add(text)
                return text


def template(sentences: list[str]):  # -> polib.POFile
    import polib

    pot = polib.POFile(wrapwidth=79)
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for sentence in sentences:
        pot.append(polib.POEntry(msgid=sentence, msgstr="", occurrences=[("t.txt", "1")]))
    return pot


def scenario(old_count: int, new_count: int, seed: int = 0):
    """(old catalog, new template, {edited new sentence: its original})."""
    maker = SentenceMaker(seed)
    old = [maker.sentence() for _ in range(old_count)]
    new, edited = [], {}
    for i in range(new_count):
        if i % 10 == 0:
            original = old[(i * 7) % old_count]
            new.append(maker.edit(original))
            edited[new[-1]] = original
        else:
            new.append(maker.sentence())
    po = merge.merge(template(old), None, "fr")
    for i, entry in enumerate(po):
        states.set_machine_translation(entry, f"FR {entry.msgid}", "argos en→fr 1.0")
        if i % 5 == 0:
            entry.flags = []  # reviewed
    return po, template(new), edited


def exhaustive_best(msgid: str, candidates: list[str]) -> str | None:
    """The first candidate of highest similarity ≥ the threshold, every candidate scored."""
    best, best_score = None, merge.FUZZY_THRESHOLD
    for candidate in candidates:
        score = merge.similarity(msgid, candidate)
        if score > best_score or (best is None and score >= best_score):
            best, best_score = candidate, score
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="378:434,1000,10000", help="OLD:NEW or N, comma-separated"
    )
    parser.add_argument(
        "--check", type=int, default=0, help="compare N suggestions with a full scan"
    )
    args = parser.parse_args()
    for size in args.sizes.split(","):
        old_count, _, new_count = size.partition(":")
        po, pot, edited = scenario(int(old_count), int(new_count or old_count))
        start, cpu = time.perf_counter(), time.process_time()
        merged = merge.merge(pot, po, "fr")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        suggested = {e.msgid: e.previous_msgid for e in merged if e.previous_msgid}
        found = sum(suggested.get(new) == old for new, old in edited.items())
        print(
            f"{len(po):>6} → {len(pot):<6} sentences: {seconds:8.2f} s ({cpu:.2f} s CPU), "
            f"{len(suggested)} suggestions, {found}/{len(edited)} edits found"
        )
        if args.check:
            candidates = [e.msgid for e in po]
            sample = [e.msgid for e in pot][: args.check]
            agree = sum(suggested.get(m) == exhaustive_best(m, candidates) for m in sample)
            print(f"       full scan agrees on {agree}/{len(sample)} sentences")


if __name__ == "__main__":
    main()
