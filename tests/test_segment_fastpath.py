"""The fast path of :mod:`pipeline.text.segment` gives exactly what pysbd + the rules give.

* Every block, every raw line and every whole file of ``tests/data`` and
  ``examples`` (``/work/shared/corpus`` is the same five transcripts): fast
  path == reference path (``fast=False``, pysbd on every line) == the snapshot
  ``tests/data/segmentation-snapshot.json``, recorded with the segmenter as it
  was before the fast path existed.
* Hypothesis: generated transcript-like text, built from ordinary words and
  from everything the fast path must recognise as *not* plain (abbreviations of
  every fast language, single letters, numbers, "Co. KG", "Yahoo!", quotes,
  ellipses, odd spacing), fast == reference, also in small windows.
* The fast path is really taken on plain text, and is on for the installed pysbd.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.text import fastsplit, segment
from pipeline.text.ingest import ingest_file
from pipeline.text.segment import split_sentences

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "data" / "segmentation-snapshot.json"
FILES = [*sorted((ROOT / "tests" / "data").glob("*.txt")), *sorted(ROOT.glob("examples/*.txt"))]


def snapshot_texts() -> Iterator[tuple[str, str, list[str]]]:
    """(file name, language, texts): each file's ingested blocks, raw lines, and whole text."""
    for path in FILES:
        language = "fr" if path.stem.endswith("-fr") else "en"
        whole = path.read_text(encoding="utf-8")
        blocks = [block.text for block in ingest_file(path, language=language).blocks]
        yield path.relative_to(ROOT).as_posix(), language, [*blocks, *whole.splitlines(), whole]


def spans(text: str, language: str, *, fast: bool = True) -> list[list[int]]:
    return [[s.start, s.end] for s in split_sentences(text, language, fast=fast)]


def test_corpus_fast_path_equals_reference_and_snapshot() -> None:
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(snapshot) == sorted(name for name, _, _ in snapshot_texts())
    compared = 0
    for name, language, texts in snapshot_texts():
        assert len(texts) == len(snapshot[name]), name
        for text, recorded in zip(texts, snapshot[name], strict=True):
            fast = spans(text, language)
            assert fast == spans(text, language, fast=False), (name, text[:80])
            assert fast == recorded, (name, text[:80])
            compared += 1
    assert compared == sum(map(len, snapshot.values())) > 350


def test_evaluation_cases_fast_path_equals_reference() -> None:
    from test_segment import TRICKY_CASES

    for language, text, _ in TRICKY_CASES:
        assert spans(text, language) == spans(text, language, fast=False), text


def test_fast_path_is_taken_on_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain transcript lines never reach pysbd; a line with an abbreviation does."""
    calls: list[str] = []
    original = segment._pysbd_sentences

    def counting(chunk: str, code: str) -> list[str]:
        calls.append(chunk)
        return original(chunk, code)

    monkeypatch.setattr(segment, "_pysbd_sentences", counting)
    plain = "We met today. Did the talks go well? Yes! NATO’s 30 Allies agreed on 4,000 troops."
    assert [s.text for s in split_sentences(plain)] == [
        "We met today.",
        "Did the talks go well?",
        "Yes!",
        "NATO’s 30 Allies agreed on 4,000 troops.",
    ]
    assert calls == []
    assert len(split_sentences("Mr. Smith arrived. He spoke.")) == 2
    assert calls == ["Mr. Smith arrived. He spoke."]


def test_fast_path_is_on_for_the_installed_pysbd() -> None:
    """If this fails, pysbd was upgraded: re-check fastsplit's reasoning, then its version."""
    assert fastsplit.enabled()


@pytest.mark.parametrize(
    "line",
    [
        "He met the NordCo. KG board.",  # pysbd's "Co. KG" rule
        "Send it to me. 5 copies.",  # "me" is a pysbd abbreviation
        "We speak eng. 5 dialects.",  # pysbd reads its "e.g" as a pattern: it matches "eng"
        "It was great, Yahoo! Next one.",  # an exclamation word
        "Plan B. Then more.",  # a single letter
        "It is item 2. Then 3. Then 4.",  # list numbers
        "He said 'we met today. Then left' Now.",  # a quotation
        "The U.S. Congress met.",  # a multi-period abbreviation
        "See ref.12 Then more.",  # pysbd's numbered references
        "Il a dit « non. Jamais ». Puis il partit.",  # a full stop inside « … »
    ],
)
def test_lines_that_are_not_plain_go_to_pysbd(line: str) -> None:
    assert segment._fast_cuts(segment._mask(line), "en") is None
    assert spans(line, "en") == spans(line, "en", fast=False)


# --- generated text -------------------------------------------------------------------

PLAIN_WORDS = [
    "we", "met", "today", "the", "talks", "Alliance", "NATO", "Allies", "peace", "process",
    "support", "Afghanistan", "mission", "training", "forces", "will", "our", "région", "été",
    "Président", "coopération", "Iraq", "security", "défense", "NATO’s", "long-term", "don't",
]
# Tokens at the edge of what is plain: abbreviations of the fast languages (as pysbd and
# the merge rules know them), single letters, numbers, pysbd's special contexts.
EDGE_WORDS = [
    "Mr", "Mrs", "Dr", "Gen", "St", "etc", "vs", "no", "No", "art", "p", "pp", "vol", "fig",
    "Mme", "M", "MM", "Me", "me", "is", "ok", "la", "may", "id", "Hon", "Sept", "ex", "fr", "env",
    "av", "éd", "jan", "Co", "KG", "I", "I'm", "Yahoo", "Yum", "eng", "ſt", "a", "A", "b", "i",
    "v", "x", "ii", "a.m", "U.S", "e.g", "nato.int", "1", "2", "12", "123", "1949", "4,000",
    "3.5", "$10", "€2", "2%", "1.2.3", "-5", "9/11", "x.5", "ref.12", "Allies’", "l’art",
    "d’accord", "États-Unis", "Ça", "Über", "İstanbul", "ǃKung", "G20", "٣", "²", "—", "–", "-",
    "--", "%", "&", "#", "@", "/", "press@hq.nato.int", "https://www.nato.int/a?b=c",
    "sr", "ing", "ind", "dott", "prof", "sig", "sra", "dhr", "blz", "nr", "ul", "tj",
    "'tis", "'Yes", "rock'", "'", "«", "»", "(", ")", "“", "”", "[1]", "…", "‘No", "NordCo",
    "«Oui", "paix»", "«\u00a0non\u00a0»", "»", "»",
]
ENDS = [".", ".", ".", "?", "!", " ?", "\u00a0?", "\u202f!"]
ODD_ENDS = ["...", "?!", "…", ".’", ".)", ".\"", "", ".\u00a0", ",", "!!", ". .", ".'"]
SEPARATORS = [" ", " ", " ", " ", "  ", "\u00a0", "\t", "\u202f"]

STARTERS = ["I", "I'm", "I'll", "5", "12", "2024", "KG", "Co", "Über", "A", "É"]
LANGUAGES = ["en", "fr", "es", "it", "nl", "pl", "de", "pt"]


@functools.cache
def abbreviations(language: str) -> list[str]:
    """pysbd's one-word abbreviations for ``language``: the words a period may follow
    without ending a sentence, the fast path's most important refusal."""
    from pysbd.languages import LANGUAGE_CODES

    lists = LANGUAGE_CODES[segment.supported_language(language)].Abbreviation
    words = {*lists.ABBREVIATIONS, *lists.PREPOSITIVE_ABBREVIATIONS}
    return sorted(word for word in words if word.isalpha())


@st.composite
def sentences(draw: st.DrawFn, language: str) -> str:
    """Words, maybe a special first word (what pysbd looks at after a period) and an
    edge word or abbreviation last (what it looks at before one), then an ending."""
    plain, edge = st.sampled_from(PLAIN_WORDS), st.sampled_from(EDGE_WORDS)
    tokens = draw(st.lists(st.one_of(*[plain] * 5, edge), min_size=1, max_size=6))
    numbers = st.integers(0, 4).map(str)  # consecutive ones make a pysbd list: "2. … 3."
    last = st.one_of(edge, st.sampled_from(abbreviations(language)), plain, numbers, numbers)
    tokens[-1] = draw(last)
    first = draw(st.sampled_from(STARTERS)) if draw(st.integers(0, 2)) == 0 else tokens[0]
    tokens[0] = first[:1].upper() + first[1:] if draw(st.integers(0, 4)) else first
    body = "".join(t + draw(st.sampled_from(SEPARATORS)) for t in tokens[:-1]) + tokens[-1]
    ending = st.sampled_from(ENDS) if draw(st.integers(0, 9)) else st.sampled_from(ODD_ENDS)
    return body + draw(ending)


def lines(language: str) -> st.SearchStrategy[str]:
    pairs = st.tuples(sentences(language), st.sampled_from(SEPARATORS))
    return st.lists(pairs, min_size=1, max_size=4).map(lambda p: "".join(s + g for s, g in p))


FAST_SETTINGS = settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@FAST_SETTINGS
@given(data=st.data(), language=st.sampled_from(LANGUAGES))
def test_fast_path_equals_reference_on_generated_text(data: st.DataObject, language: str) -> None:
    text = data.draw(lines(language))
    assert spans(text, language) == spans(text, language, fast=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(lines("en"), min_size=3, max_size=8))
def test_fast_path_equals_reference_in_windows(parts: list[str]) -> None:
    """Long lines go to pysbd in windows; with small windows every boundary still agrees."""
    text = " ".join(parts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segment, "_WINDOW", 160)
        patch.setattr(segment, "_MARGIN", 40)
        patch.setattr(segment, "_DENSE", 8)
        assert spans(text, "en") == spans(text, "en", fast=False)
