"""Tests for :mod:`pipeline.text.segment`: sentence splitting that loses nothing.

* ``TRICKY_CASES``: hand-made sentences that trip rule-based segmenters
  (abbreviations, numbers, ellipses, quotes, URLs, French typography), with the
  split a human expects. ``bench/segmenters.py`` imports this table to score
  pysbd and sentencex, so it is the one place the expected splits live.
* Property tests (hypothesis): on any Unicode text segmentation never raises,
  is lossless, and yields non-empty segments without surrounding whitespace.
* ``SEED_SNAPSHOT``: the expected sentences of every body line of
  ``examples/transcript.txt``, checked by eye and hard-coded.
* The NATO corpus in ``tests/data`` against a reference split
  (:func:`reference_split`).
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.text import segment
from pipeline.text.document import Segment
from pipeline.text.segment import gaps, split_sentences, supported_language

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED = ROOT / "examples" / "transcript.txt"
NBSP = "\u00a0"
URL = "https://www.nato.int/cps/en/natohq/opinions_181919.htm?selectedLocale=en"

# (language, block text, expected sentences). A case whose expected list has
# one element is a block that must NOT be split.
TRICKY_CASES: list[tuple[str, str, list[str]]] = [
    # Titles and abbreviations, mid-sentence and at sentence end.
    ("en", "Mr. Stoltenberg arrived. He spoke.", ["Mr. Stoltenberg arrived.", "He spoke."]),
    ("en", "Mrs. Merkel and Dr. Smith met Gen. Wolters today.",
     ["Mrs. Merkel and Dr. Smith met Gen. Wolters today."]),
    ("en", "Lt. Gen. Hodges spoke first. Then we took questions.",
     ["Lt. Gen. Hodges spoke first.", "Then we took questions."]),
    ("en", "We met Gen. Wolters. He was clear.", ["We met Gen. Wolters.", "He was clear."]),
    ("en", "Dr. Smith is here. Dr. Jones too.", ["Dr. Smith is here.", "Dr. Jones too."]),
    ("en", "The U.S. and the U.K. agreed. The E.U. did not.",
     ["The U.S. and the U.K. agreed.", "The E.U. did not."]),
    ("en", "The U.S. Congress approved it.", ["The U.S. Congress approved it."]),
    ("en", "Troops came from the U.K. They were welcome.",
     ["Troops came from the U.K.", "They were welcome."]),
    ("en", "Talks with the U.S. continue.", ["Talks with the U.S. continue."]),
    ("en", "The E.U. and NATO are partners.", ["The E.U. and NATO are partners."]),
    ("en", "The OSCE, U.N., and E.U. all took part.", ["The OSCE, U.N., and E.U. all took part."]),
    ("en", "The U.S. has 50 states. The U.K. has four nations.",
     ["The U.S. has 50 states.", "The U.K. has four nations."]),
    ("en", "We met at 9 a.m. The talks ended at 5 p.m. and we left.",
     ["We met at 9 a.m.", "The talks ended at 5 p.m. and we left."]),
    ("en", "He arrived at 5 p.m. and left at 6 p.m.", ["He arrived at 5 p.m. and left at 6 p.m."]),
    ("en", "The meeting starts at 9 a.m. sharp.", ["The meeting starts at 9 a.m. sharp."]),
    ("en", "The meeting is on 18 Feb. in Brussels.", ["The meeting is on 18 Feb. in Brussels."]),
    ("en", "It was signed on Jan. 5, 1949. It entered into force later.",
     ["It was signed on Jan. 5, 1949.", "It entered into force later."]),
    ("en", "It happened on Feb. 24. Russia invaded.",
     ["It happened on Feb. 24.", "Russia invaded."]),
    ("en", "See Article No. 5 of the treaty. It is clear.",
     ["See Article No. 5 of the treaty.", "It is clear."]),
    ("en", "No. 10 Downing Street is there.", ["No. 10 Downing Street is there."]),
    ("en", "He said no. Then he left.", ["He said no.", "Then he left."]),
    ("en", "He lives on St. James Street. It is nice.",
     ["He lives on St. James Street.", "It is nice."]),
    ("en", "Allies, e.g. Norway and Canada, agreed.", ["Allies, e.g. Norway and Canada, agreed."]),
    ("en", "Some Allies, i.e. those in the East, spoke.",
     ["Some Allies, i.e. those in the East, spoke."]),
    ("en", "We discussed cyber, space, terrorism, etc. and much more.",
     ["We discussed cyber, space, terrorism, etc. and much more."]),
    ("en", "We discussed cyber, space, terrorism, etc. Then we had lunch.",
     ["We discussed cyber, space, terrorism, etc.", "Then we had lunch."]),
    ("en", "See the text, etc., for more.", ["See the text, etc., for more."]),
    ("en", "It is NATO vs. terrorism. Nothing else.",
     ["It is NATO vs. terrorism.", "Nothing else."]),
    ("en", "Mr. Smith vs. Mr. Jones.", ["Mr. Smith vs. Mr. Jones."]),
    ("en", "The vote was 10 vs. 2. It passed.", ["The vote was 10 vs. 2.", "It passed."]),
    ("en", "Jens E. Stoltenberg is Secretary General. He is Norwegian.",
     ["Jens E. Stoltenberg is Secretary General.", "He is Norwegian."]),
    ("en", "J. F. Kennedy said so. Then he left.", ["J. F. Kennedy said so.", "Then he left."]),
    # Numbers.
    ("en", "It will increase to around 4,000. And training will expand.",
     ["It will increase to around 4,000.", "And training will expand."]),
    ("en", "Growth was 3.5 percent. Spending rose 2% in real terms.",
     ["Growth was 3.5 percent.", "Spending rose 2% in real terms."]),
    ("en", "It is 2%. That is the goal.", ["It is 2%.", "That is the goal."]),
    ("en", "With more than $100 billion extra. This is progress.",
     ["With more than $100 billion extra.", "This is progress."]),
    ("en", "Our budget is $2.5 billion. That is a lot.",
     ["Our budget is $2.5 billion.", "That is a lot."]),
    ("en", "Some 1.5 million people live there. It is a city.",
     ["Some 1.5 million people live there.", "It is a city."]),
    ("en", "Trump will dedicate the 9/11 and Article 5 Memorial. This matters.",
     ["Trump will dedicate the 9/11 and Article 5 Memorial.", "This matters."]),
    ("en", "Version 2.0 is out. Try it.", ["Version 2.0 is out.", "Try it."]),
    ("en", "There are 30 Allies. 2 more are coming.",
     ["There are 30 Allies.", "2 more are coming."]),
    ("en", "Article 5. Collective defence.", ["Article 5.", "Collective defence."]),
    ("en", "1. We train. 2. We fund.", ["1. We train.", "2. We fund."]),
    ("en", "We have 3 priorities: 1) training, 2) funding, 3) support.",
     ["We have 3 priorities: 1) training, 2) funding, 3) support."]),
    # Ellipses.
    ("en", "We will see... Maybe later.", ["We will see...", "Maybe later."]),
    ("en", "We will see... and then decide.", ["We will see... and then decide."]),
    ("en", "We will see\u2026 Maybe later.", ["We will see\u2026", "Maybe later."]),
    ("en", "We will see\u2026 and then decide.", ["We will see\u2026 and then decide."]),
    ("en", "It ended with an ellipsis...", ["It ended with an ellipsis..."]),
    ("en", "...and so on. Next.", ["...and so on.", "Next."]),
    # Quotes and parentheses.
    ("en", 'He said "No." Then he left.', ['He said "No."', "Then he left."]),
    ("en", "He said \u201cNo.\u201d Then he left.", ["He said \u201cNo.\u201d", "Then he left."]),
    ("en", "\u201cAre you sure?\u201d she asked.", ["\u201cAre you sure?\u201d she asked."]),
    ("en", "He said \u201cNever!\u201d and left.", ["He said \u201cNever!\u201d and left."]),
    ("en", "I said: 'Go.' Then I left.", ["I said: 'Go.'", "Then I left."]),
    ("en", "It was 'good'. Very good.", ["It was 'good'.", "Very good."]),
    ("en", 'Jens Stoltenberg (Secretary General) said: "We stand together." Allies agreed.',
     ['Jens Stoltenberg (Secretary General) said: "We stand together."', "Allies agreed."]),
    ("en", "The Alliance (founded in 1949) is strong. It will stay strong.",
     ["The Alliance (founded in 1949) is strong.", "It will stay strong."]),
    ("en", "(This was a joke.) Then we moved on.", ["(This was a joke.)", "Then we moved on."]),
    ("en", "He asked (why not?) and left.", ["He asked (why not?) and left."]),
    # URLs and e-mail addresses.
    ("en", f"See {URL} for the text. Thanks.", [f"See {URL} for the text.", "Thanks."]),
    ("en", f"The text is at {URL}. Thanks.", [f"The text is at {URL}.", "Thanks."]),
    ("en", "Visit nato.int. It has news.", ["Visit nato.int.", "It has news."]),
    ("en", "Write to press@hq.nato.int for details. We reply fast.",
     ["Write to press@hq.nato.int for details.", "We reply fast."]),
    ("en", "Questions go to press@hq.nato.int. We reply fast.",
     ["Questions go to press@hq.nato.int.", "We reply fast."]),
    # Press-conference style, questions and exclamations.
    ("en", "Q: What about Russia? A: We remain vigilant.",
     ["Q: What about Russia?", "A: We remain vigilant."]),
    ("en", "Thank you very much. Q: Can I ask about Iraq?",
     ["Thank you very much.", "Q: Can I ask about Iraq?"]),
    ("en", "A: Yes. We are ready.", ["A: Yes.", "We are ready."]),
    ("en", "MODERATOR: Thank you. Next question.", ["MODERATOR: Thank you.", "Next question."]),
    ("en", "Is this the end? No! It is the beginning.",
     ["Is this the end?", "No!", "It is the beginning."]),
    ("en", "What?! Really?", ["What?!", "Really?"]),
    ("en", "Stop! Wait.", ["Stop!", "Wait."]),
    ("en", "Good morning.", ["Good morning."]),
    ("en", "Thank you so much President Alli, President of Romania, dear Parliamentarians",
     ["Thank you so much President Alli, President of Romania, dear Parliamentarians"]),
    # Whitespace, line breaks, emoji.
    ("en", "First sentence.   Second sentence.", ["First sentence.", "Second sentence."]),
    ("en", f"We remain committed.{NBSP}{NBSP}", ["We remain committed."]),
    ("en", "  Leading spaces. And trailing.  ", ["Leading spaces.", "And trailing."]),
    ("en", "First line.\nSecond line.", ["First line.", "Second line."]),
    ("en", "Dear Parliamentarians\nGood morning to all of you.",
     ["Dear Parliamentarians", "Good morning to all of you."]),
    ("en", "Hello \U0001f600. World \U0001f44d\U0001f3fd.",
     ["Hello \U0001f600.", "World \U0001f44d\U0001f3fd."]),
    # French: titles, guillemets, non-breaking spaces before ? ! : ;
    ("fr", "M. Stoltenberg est arrivé. Il a parlé.", ["M. Stoltenberg est arrivé.", "Il a parlé."]),
    ("fr", "M. le Président, je vous remercie. Merci.",
     ["M. le Président, je vous remercie.", "Merci."]),
    ("fr", f"Mme Merkel et M. Macron sont là{NBSP}; ils parlent.",
     [f"Mme Merkel et M. Macron sont là{NBSP}; ils parlent."]),
    ("fr", f"Le Secrétaire général M. Stoltenberg et Mme Merkel ont parlé{NBSP}: c’est clair.",
     [f"Le Secrétaire général M. Stoltenberg et Mme Merkel ont parlé{NBSP}: c’est clair."]),
    ("fr", "Mme la Présidente, M. le Vice-président, etc.",
     ["Mme la Présidente, M. le Vice-président, etc."]),
    ("fr", f"Truman a déclaré{NBSP}: « Nous espérons la paix ». Puis il est parti.",
     [f"Truman a déclaré{NBSP}: « Nous espérons la paix ».", "Puis il est parti."]),
    ("fr", "Il a dit : « Un pour tous, tous pour un ». C’est la devise.",
     ["Il a dit : « Un pour tous, tous pour un ».", "C’est la devise."]),
    ("fr", "« Nous espérons la paix. » Puis il est parti.",
     ["« Nous espérons la paix. »", "Puis il est parti."]),
    ("fr", "« Non ! » Puis il partit.", ["« Non ! »", "Puis il partit."]),
    ("fr", f"Il a dit{NBSP}: «{NBSP}Non{NBSP}!{NBSP}» Puis il partit.",
     [f"Il a dit{NBSP}: «{NBSP}Non{NBSP}!{NBSP}»", "Puis il partit."]),
    ("fr", "C’est « la fin ! » dit-il.", ["C’est « la fin ! » dit-il."]),
    ("fr", f"« Est-ce la fin{NBSP}? » a-t-il demandé.",
     [f"« Est-ce la fin{NBSP}? » a-t-il demandé."]),
    ("fr", f"Est-ce possible{NBSP}? Oui, c’est possible{NBSP}!",
     [f"Est-ce possible{NBSP}?", f"Oui, c’est possible{NBSP}!"]),
    ("fr", f"Qu’en pensez-vous{NBSP}? Nous verrons.",
     [f"Qu’en pensez-vous{NBSP}?", "Nous verrons."]),
    ("fr", "Nous avons parlé de cyber, d’espace, etc. Puis nous avons déjeuné.",
     ["Nous avons parlé de cyber, d’espace, etc.", "Puis nous avons déjeuné."]),
    ("fr", "La cyberdéfense, l’espace, etc. sont importants.",
     ["La cyberdéfense, l’espace, etc. sont importants."]),
    ("fr", "L’OTAN compte 3,5 millions de soldats. C’est beaucoup.",
     ["L’OTAN compte 3,5 millions de soldats.", "C’est beaucoup."]),
    ("fr", "Voir l’art. 5 du traité. C’est clair.", ["Voir l’art. 5 du traité.", "C’est clair."]),
    ("fr", "L’OTAN compte 29 pays, dont les É.-U. et le Canada. C’est beaucoup.",
     ["L’OTAN compte 29 pays, dont les É.-U. et le Canada.", "C’est beaucoup."]),
    ("fr", "Nous espérons\u2026 Peut-être demain.", ["Nous espérons\u2026", "Peut-être demain."]),
    ("fr", "Il est 18 h 30. La séance est levée.", ["Il est 18 h 30.", "La séance est levée."]),
    ("fr", "Mesdames, Messieurs,", ["Mesdames, Messieurs,"]),
]


def _case_id(case: tuple[str, str, list[str]]) -> str:
    language, text, _ = case
    return f"{language}:{text[:40]}"


@pytest.mark.parametrize("case", TRICKY_CASES, ids=[_case_id(c) for c in TRICKY_CASES])
def test_tricky_case(case: tuple[str, str, list[str]]) -> None:
    language, text, expected = case
    segments = split_sentences(text, language)
    assert [s.text for s in segments] == expected
    assert_lossless(text, segments)


def assert_lossless(text: str, segments: list[Segment]) -> None:
    """Everything :func:`split_sentences` promises about ``segments`` of ``text``."""
    for seg in segments:
        assert seg.text, "empty segment"
        assert text[seg.start : seg.end] == seg.text
        assert seg.text == seg.text.strip(), f"whitespace around {seg.text!r}"
    for before, after in itertools.pairwise(segments):
        assert before.end <= after.start, "segments overlap or are out of order"
    if not segments:
        assert text.strip() == ""
        return
    lead = text[: segments[0].start]
    separators = gaps(text, segments)
    assert lead.strip() == "" and all(g.strip() == "" for g in separators)
    assert lead + "".join(s.text + g for s, g in zip(segments, separators, strict=True)) == text


# Body of the seed transcript: the expected sentences of each non-empty line
# after "(As delivered)", in order (one sentence per line in this transcript).
SEED_SNAPSHOT: list[list[str]] = [
    [
        "Press conference by NATO Secretary General Jens Stoltenberg after the second day "
        "of the Defence Ministers meetings",
    ],
    [
        "Good afternoon.",
    ],
    [
        "On the agenda of our meeting today were our training missions in Afghanistan and Iraq.",
    ],
    [
        "Both are key contributions to the fight against international terrorism.",
    ],
    [
        "Defence Ministers had a thorough discussion on the situation in Afghanistan.",
    ],
    [
        "We are faced with many dilemmas and there are no easy options.",
    ],
    [
        "At this stage, we have made no final decision on the future of our presence, but, "
        "as the May 1 deadline is approaching, NATO Allies will continue to closely consult"
        " and coordinate in the coming weeks.",
    ],
    [
        "We remain committed to our Resolute Support mission, with training and funding for"
        " the brave Afghan security forces.",
    ],
    [
        "NATO strongly supports the peace process, and as part of it, we have significantly"
        " reduced the number of our troops.",
    ],
    [
        "The peace process is the best chance to end years of suffering and violence.",
    ],
    [
        "And bring lasting peace.",
    ],
    [
        "It is important for the Afghan people.",
    ],
    [
        "For the security of the region.",
    ],
    [
        "And for our own security.",
    ],
    [
        "But the talks are fragile, and progress is slow.",
    ],
    [
        "So it is now imperative to re-energise the peace process.",
    ],
    [
        "All sides must seize this historic opportunity for a peaceful settlement.",
    ],
    [
        "Without further delay.",
    ],
    [
        "The Taliban must negotiate in good faith, reduce the high level of violence and "
        "live up to their commitment to stop cooperating with international terrorist "
        "groups.",
    ],
    [
        "NATO’s goal is to ensure that Afghanistan never again becomes a safe haven for "
        "terrorists that would attack our homelands.",
    ],
    [
        "So Allies will continue to assess together the conditions on the ground.",
    ],
    [
        "As we do, the protection of our troops remains paramount, and we will take all "
        "necessary measures to keep them safe.",
    ],
    [
        "Today, we decided to expand NATO’s training mission in Iraq.",
    ],
    [
        "To support the Iraqi forces as they fight terrorism and ensure that ISIS does not "
        "return.",
    ],
    [
        "The size of our mission will increase from 500 personnel to around 4,000.",
    ],
    [
        "And training activities will now include more Iraqi security institutions, and "
        "areas beyond Baghdad.",
    ],
    [
        "Our presence is conditions-based, and increases in troop numbers will be incremental.",
    ],
    [
        "Our mission is at the request of the Iraqi government.",
    ],
    [
        "It is carried out with full respect for Iraq’s sovereignty and territorial integrity.",
    ],
    [
        "I spoke with Prime Minister Al—Kadhimi this week and assured him that everything "
        "will be done in full consultation with the Iraqi authorities.",
    ],
    [
        "We are also closely coordinating with the Global Coalition.",
    ],
    [
        "I would like to thank Canada for leading our training mission in Iraq for two very"
        " challenging years.",
    ],
    [
        "And Denmark, for taking over command at this critical juncture.",
    ],
    [
        "And with that, I am ready to take your questions.",
    ],
]


def body_lines(path: Path) -> list[tuple[int, str]]:
    """(1-based line number, text) of the non-empty body lines of a NATO transcript.

    The body starts after "(As delivered)", or after the last "•" header line
    for transcripts that have no delivery note.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    if "(As delivered)" in lines:
        start = lines.index("(As delivered)") + 1
    else:
        start = max(i for i, line in enumerate(lines) if line.lstrip().startswith("•")) + 1
    return [(i + 1, line) for i, line in enumerate(lines) if i >= start and line.strip()]


def corpus_language(path: Path) -> str:
    return "fr" if path.stem.endswith("-fr") else "en"


# A sentence ends at . ! ? or … (plus closing quotes) before whitespace and a
# capital or digit. Exact for the tests/data corpus, which has no
# abbreviations (every split it makes there was checked by eye); not a
# segmenter for general text.
_REFERENCE_BOUNDARY = re.compile(r"[.!?…][\"”’»)]*\s+(?=[\"“«(]?\s?[A-ZÀ-ÖØ-Þ0-9])")


def reference_split(text: str) -> list[str]:
    """The expected sentences of a corpus line (see ``_REFERENCE_BOUNDARY``)."""
    cuts = [0, *(m.end() for m in _REFERENCE_BOUNDARY.finditer(text)), len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(cuts) if text[a:b].strip()]


def test_seed_transcript_snapshot() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    body = [line for line in lines[lines.index("(As delivered)") + 1 :] if line.strip()]
    assert len(body) == len(SEED_SNAPSHOT)
    for line, expected in zip(body, SEED_SNAPSHOT, strict=True):
        segments = split_sentences(line, "en")
        assert [s.text for s in segments] == expected
        assert_lossless(line, segments)


@pytest.mark.parametrize("path", sorted(DATA.glob("*.txt")), ids=lambda p: p.stem)
def test_corpus_matches_reference(path: Path) -> None:
    lines = body_lines(path)
    assert lines
    for number, line in lines:
        segments = split_sentences(line, corpus_language(path))
        assert [s.text for s in segments] == reference_split(line), f"{path.name}:{number}"
        assert_lossless(line, segments)


def test_corpus_has_multi_sentence_lines() -> None:
    """The corpus test above is only meaningful if the reference splits something."""
    counts = [len(reference_split(line)) for p in DATA.glob("*.txt") for _, line in body_lines(p)]
    assert sum(counts) >= 120 and max(counts) >= 9


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\t \u00a0\u3000\u2028", "\r\n"])
def test_empty_or_whitespace_gives_nothing(text: str) -> None:
    assert split_sentences(text) == []
    assert gaps(text, []) == []


def test_offsets_and_gaps_on_padded_block() -> None:
    text = "  Good morning.   Thank you.\u00a0 "
    segments = split_sentences(text)
    assert segments == [Segment("Good morning.", 2, 15), Segment("Thank you.", 18, 28)]
    assert gaps(text, segments) == ["   ", "\u00a0 "]


def test_gaps_rejects_segments_of_another_text() -> None:
    with pytest.raises(ValueError, match="segment 0"):
        gaps("Hello there.", [Segment("Bye.", 0, 4)])
    with pytest.raises(ValueError, match="overlaps"):
        gaps("Hello there.", [Segment("Hello", 0, 5), Segment("Hello", 0, 5)])


@pytest.mark.parametrize(
    ("language", "code"),
    [("en", "en"), ("fr", "fr"), ("FR", "fr"), ("fr-FR", "fr"), ("fr_CA", "fr"), ("de", "de"),
     ("pt", "en"), ("xx", "en"), ("", "en"), ("zh-Hans", "zh")],
)
def test_language_codes(language: str, code: str) -> None:
    assert supported_language(language) == code


def test_unknown_language_uses_english_rules() -> None:
    text = "Mr. Stoltenberg arrived at 9 a.m. The talks began."
    expected = ["Mr. Stoltenberg arrived at 9 a.m.", "The talks began."]
    assert [s.text for s in split_sentences(text, "xx")] == expected
    assert [s.text for s in split_sentences(text, "pt-BR")] == expected


def test_other_languages_use_their_own_rules() -> None:
    german = "Dr. Müller kam am 3. Oktober. Er sprach."
    assert [s.text for s in split_sentences(german, "de")] == [
        "Dr. Müller kam am 3. Oktober.", "Er sprach."
    ]
    japanese = "今日は晴れです。明日は雨です。"
    expected = ["今日は晴れです。", "明日は雨です。"]
    assert [s.text for s in split_sentences(japanese, "ja")] == expected


def test_library_marker_characters_are_kept() -> None:
    """pysbd rewrites some symbols internally (∯ → .); the segments must not."""
    text = "Odd ∯ symbols ȸ and &ᓴ& and \\( here. Next ♨ one!"
    segments = split_sentences(text)
    assert [s.text for s in segments] == ["Odd ∯ symbols ȸ and &ᓴ& and \\( here.", "Next ♨ one!"]
    assert_lossless(text, segments)


def test_windowed_long_line_matches_whole_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cutting a long line into pysbd windows does not change where sentences end."""
    for path in sorted(DATA.glob("*.txt")):
        line = " ".join(text for _, text in body_lines(path))
        whole = split_sentences(line, corpus_language(path))
        with monkeypatch.context() as patch:
            patch.setattr(segment, "_WINDOW", 160)
            patch.setattr(segment, "_MARGIN", 40)
            assert split_sentences(line, corpus_language(path)) == whole, path.name


def test_long_sentence_and_long_line() -> None:
    words = ["the", "Alliance", "will", "support", "our", "partners", "in", "the", "region"]
    sentence = " ".join(words[i % len(words)] for i in range(20_000)) + "."
    segments = split_sentences(sentence)
    assert [s.text for s in segments] == [sentence]

    block = "Good morning. Thank you, Mr. President. We met at 9 a.m. with the U.S. team. "
    line = block * 1_000  # 78 kB, many windows
    segments = split_sentences(line)
    assert len(segments) == 3_000
    assert segments[-1].text == "We met at 9 a.m. with the U.S. team."
    assert_lossless(line, segments)


def test_control_characters_and_lone_surrogates() -> None:
    text = "Bad\x00 bytes\x07 here. \ud800Lone surrogate. \x1c Sep\x1dar\x1eated."
    assert_lossless(text, split_sentences(text))


def test_threads_share_nothing() -> None:
    lines = [line for p in sorted(DATA.glob("*.txt")) for _, line in body_lines(p)]
    expected = [split_sentences(line) for line in lines]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            assert list(pool.map(split_sentences, lines)) == expected


def test_import_does_not_load_pysbd() -> None:
    code = "import sys, pipeline.text.segment; assert 'pysbd' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


# --- property tests -------------------------------------------------------

WHITESPACE = " \t\n\r\x0b\x0c\x1c\x85\u00a0\u1680\u2002\u2028\u2029\u202f\u3000"
ODD_CHARS = (
    ".!?…;:,«»“”‘’\"'()[]-—\u200b\u200c\u200d\u200e\u200f\u202e\u2066\ufeff\u0301\u0327"
    "\x00\x07\x1b∯∮♨ȸ&ᓴᓷ☏ƪ\\aAé1"
)
WORDS = [
    "Mr.", "Mrs.", "Dr.", "Lt.", "Gen.", "U.S.", "U.K.", "E.U.", "a.m.", "p.m.", "Feb.", "No.",
    "St.", "e.g.", "i.e.", "etc.", "vs.", "M.", "Mme", "É.-U.", "4,000", "3.5", "2%", "$100",
    "9/11", "...", "…", ".", "?", "!", "?!", "«", "»", "\u201c", "\u201d", '"', "'", "(", ")",
    "Q:", "A:", URL, "press@hq.nato.int", "www.nato.int", "NATO", "Allies", "the", "peace",
    "Hello", "world", "a", "I", "\U0001f600", "\U0001f44d\U0001f3fd", "\U0001f468\u200d\U0001f469",
    "שלום", "مرحبا.", "e\u0301", "\u202e", "日本語。", "1)", "2.",
]
LANGUAGES = st.sampled_from(["en", "fr", "de", "ja", "ar", "xx-YY", ""])
word_texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(["", " ", " ", "  ", "\u00a0", "\n", "\t"])),
    max_size=40,
).map(lambda pairs: "".join(w + s for w, s in pairs))
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(WHITESPACE + ODD_CHARS)),
    st.text(alphabet=st.sampled_from(WHITESPACE + ".x")),
    word_texts,
)
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(text=TEXTS, language=LANGUAGES)
def test_lossless_on_any_text(text: str, language: str) -> None:
    assert_lossless(text, split_sentences(text, language))


@PROPERTY_SETTINGS
@given(text=word_texts)
def test_segments_are_stable(text: str) -> None:
    """Segmenting the same block twice gives the same result (no state leaks between calls)."""
    first = split_sentences(text, "en")
    split_sentences(text + " Other text. More.", "fr")
    assert split_sentences(text, "en") == first


def test_segment_memo_segments_each_block_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run-wide memo returns exactly what the segmenter does, computing it only once."""
    from pipeline.text import segment
    from pipeline.text.segment import SegmentMemo, split_sentences

    calls: list[str] = []

    def counting(text: str, language: str = "en") -> tuple:
        calls.append(text)
        return tuple(split_sentences(text, language))

    monkeypatch.setattr(segment, "sentences_of", counting)
    blocks = ["Good morning. Thank you, Mr. President.", "Hello!  How are you?", "Done"]
    with SegmentMemo() as memo:
        first = [memo.sentences(text) for text in blocks]
        again = [memo.sentences(text) for text in blocks]
        in_french = memo.sentences(blocks[0], "fr")
    assert first == again == [tuple(split_sentences(text)) for text in blocks]
    assert in_french == tuple(split_sentences(blocks[0], "fr"))
    assert calls == [*blocks, blocks[0]]  # once per (block, language)
