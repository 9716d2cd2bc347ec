"""Split a block of transcript text into sentences, losslessly.

The rule-based segmenter `pysbd <https://github.com/nipunsadvilkar/pySBD>`_
decides where sentences end; this module only *asks* it where the boundaries
are and builds every :class:`~pipeline.text.document.Segment` itself, as a slice of
the original block. The library's text is never used, so the result is
lossless whatever the library does to its copy::

    text == text[:segments[0].start] + "".join(s.text + g for s, g in zip(segments, gaps(...)))

Why pysbd: ``bench/segmenters.py`` scores it and ``sentencex`` on the tricky
cases of tests/test_segment.py. Raw, both make about as many errors (pysbd:
URLs, "…", "« … » Puis"; sentencex: the French title "M.", "etc. Puis",
"1. We train."), but sentencex 1.0.32 also *panics* in Rust on some text with
non-breaking spaces (``"I\u00a0."``), which no ``except Exception`` catches,
and with the rules below pysbd gets every case right, sentencex+rules does
not. pysbd is slow (~0.4 ms a sentence), so most lines never reach it: a
*plain* line (ordinary words, sentences ending at ``.``/``?``/``!`` before a
capital, no quotes, brackets or abbreviations) gets its boundaries from
:mod:`pipeline.text.fastsplit`, which gives exactly what pysbd and the rules
below would, 20-40 times faster; ``split_sentences(..., fast=False)`` is the
pysbd-only reference it is tested against. Around pysbd this module adds what
transcripts need and it lacks:

* **Line breaks** always end a segment (ingest makes one block per line, so a
  line break inside a block is a deliberate break, e.g. a DOCX soft return).
* **Masking**: pysbd runs on a same-length copy of the text in which URLs and
  e-mail addresses (:mod:`pipeline.text.patterns`) are replaced by ``x`` (so
  ``?``/``.`` inside them never end a sentence) and pysbd's own placeholder
  symbols and backslashes by ``#`` (so the library cannot mistake input
  characters for its internal markers).
* **Extra splits** after ``…`` and after a closing quote or bracket that
  follows final punctuation (``« Non ! » Puis``), when an upper-case letter
  comes next.
* **Merges**: a boundary is dropped when the first part does not end with
  sentence-final punctuation (inline lists "1) a, 2) b"), when the second part
  starts with a comma, a closing quote, or a lower-case word after an
  abbreviation (``É.-U. et``), after a title (``M.``, ``Mme``, ``Lt.``), or before
  a number after ``No.``/``art.``.
* **Windows**: pysbd is quadratic in the length of its input (a 20,000-word
  sentence takes it 10-30 s), so lines longer than ``_WINDOW`` characters go
  to it in overlapping windows; only boundaries with ``_MARGIN`` characters of
  context on both sides are kept. The 20,000-word sentence then takes < 1 s
  and a 1 MB line of prose 3-5 s. A quotation longer than the margin that
  holds a full stop may split differently than pysbd would split it whole.
  A window with more than ``_DENSE`` sentence-final marks, quotes and brackets
  is not prose ("a. a. a. …", a line of punctuation, on which pysbd's cost
  grows with the square of the marks): it is cut at every candidate boundary
  and left to the merge rules. A window without sentence-final punctuation
  skips pysbd (no boundary there would survive the merge rules). Every regular
  expression here is linear in its input, so no line, however long or odd,
  makes segmentation superlinear.
* **Alignment**: pysbd's sentences are located in the block by search (with a
  whitespace-insensitive fallback, as pysbd rewrites some spacing); one it
  altered beyond recognition gives no boundary, i.e. a missed split.

Whitespace means :meth:`str.isspace` (so NBSP counts; zero-width characters
do not). pysbd is imported lazily: ``pipeline --help`` must not pay for it.

The module is over 500 lines because the steps above share the masks and offsets
of one block (what a mask hides, each split and merge must see); the fast path
that avoids pysbd on most lines lives in :mod:`pipeline.text.fastsplit`.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.scratch import ScratchDatabase
from pipeline.text.document import Segment
from pipeline.text.fastsplit import fast_cuts
from pipeline.text.patterns import mask_links

__all__ = ["gaps", "split_sentences", "supported_language"]

# Longest piece of a line handed to pysbd at once, and the context kept on each
# side of a boundary found in a window (see _library_cuts). pysbd's cost per
# character grows with its input (about 2.6 us/char up to 1000 characters of
# prose, 4 us/char at 4000, and far worse on runs of abbreviations such as
# "U.S. U.S. ..."), so longer lines are cut into windows of this size.
_WINDOW = 1200
_MARGIN = 150
# A window of a long line with more sentence-final marks, quotes and brackets
# than this is not prose ("a. a. a. ...", a line of punctuation): pysbd's cost
# grows with the square of such marks in its input (25 s for 300 kB of "a. ",
# 30 ms a window of random punctuation), so such windows are cut at every
# candidate boundary and left to the merge rules. Prose has one sentence end per
# 60-150 characters and a few quotes, i.e. 10-30 marks per window.
_DENSE = _WINDOW // 20
_MERGE_CONTEXT = 128  # characters before a boundary the merge rules look at

_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")

# Characters pysbd uses as internal markers (and backslash, which it uses to
# escape brackets); input containing them would be rewritten by the library.
_PYSBD_MARKERS = "∯∮♨☝✂⌬ᓰᓱᓳᓴᓷᓸ⎋ȸȹ☉☈☇☄♬♭ƪ☏♟♝\\"
_MASK_TABLE = str.maketrans({ch: "#" for ch in _PYSBD_MARKERS})
_MARKER = re.compile(f"[{re.escape(_PYSBD_MARKERS)}]")

# Sentence-final punctuation (U+037E is the Greek question mark); pysbd's own
# per-language list is added in _rules().
_TERMINALS = frozenset(".!?…‼‽⁇⁈⁉。！？．｡؟۔।॥။።፧։᙮\u037e")
_CLOSERS = "\"'”’»)]}›」』）〉》】"
_OPENERS = "\"'“‘«([{‹「『（〈《【"
_NEVER_START = frozenset(",;:%)]}»”’›」』）〉》】")
_HYPHENS = frozenset("-‐‑")

# "…" or final punctuation + closing quote/bracket, then whitespace: a boundary
# when an upper-case letter (maybe after an opening quote) comes next. One
# closer, then any more: "[closers]+[closers]*" would backtrack quadratically
# over a long run of quotes.
_EXTRA_SPLIT = re.compile(r"(?:…|[.!?…]\s?[\"'”’»)\]])[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?\s?\w)")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words whose period does not end a sentence: before a name (titles, matched
# case-sensitively), before a number, or before a lower-case word. English
# entries apply to every language.
_TITLES = {
    "en": _words("Mr Mrs Ms Messrs Dr Prof Gen Lt Col Maj Capt Sgt Adm Brig Cmdr Gov Sen Rep"
                 " Rev Hon Amb Pres Mme Mlle"),
    "fr": _words("M MM Mme Mmes Mlle Mlles Me Mgr Pr Dr Gal Lt Col Cdt"),
}
_BEFORE_NUMBER = {
    "en": _words("no nos art arts p pp para fig vol ch sec jan feb mar apr jun jul aug sep sept"
                 " oct nov dec"),
    "fr": _words("n no nos art p pp chap vol janv févr avr juil sept oct nov déc"),
}
_ABBREVIATIONS = {
    "en": _words("etc e.g i.e vs v cf viz approx incl esp dept govt est al a.m p.m jan feb mar"
                 " apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun st mt ft co"
                 " corp inc ltd jr sr u.s u.k e.u u.n"),
    "fr": _words("etc cf env ex max min hab cie éd av apr janv févr avr juil sept oct nov déc"),
}


@functools.lru_cache(maxsize=256)
def supported_language(language: str) -> str:
    """The pysbd language code used for ``language`` ("fr-FR" → "fr"; unknown → "en")."""
    from pysbd.languages import LANGUAGE_CODES

    code = language.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGE_CODES else "en"


@functools.lru_cache(maxsize=4096)
def sentences_of(text: str, language: str = "en") -> tuple[Segment, ...]:
    """:func:`split_sentences`, remembered for the last 4,096 distinct blocks.

    Segmenting is the slowest step before translation, and transcripts repeat
    blocks ("Thank you.", "Next question.", a moderator's formula); a
    bounded cache makes each repetition free without memory growing.
    """
    return tuple(split_sentences(text, language))


_MEMO_SCHEMA = "CREATE TABLE cuts (key BLOB PRIMARY KEY, bounds BLOB) WITHOUT ROWID"


class SegmentMemo(ScratchDatabase):
    """Segmentations of the blocks seen so far in a run, kept in a scratch SQLite file.

    ``pipeline run`` segments every block twice: to extract the catalogs, then
    to publish the translation sentence by sentence. pysbd costs about a
    millisecond per block, most of a large run's time, so the first result is
    stored (sentence offsets, keyed by a hash of the block and its language)
    and the second pass reads it back. On disk, so memory does not grow with
    the archive; scratch (no journal, no fsync), deleted at the end.
    """

    def __init__(self) -> None:
        super().__init__("segments", _MEMO_SCHEMA)

    @staticmethod
    def _key(text: str, language: str) -> bytes:
        import hashlib

        return hashlib.blake2b(f"{language}\0{text}".encode(), digest_size=16).digest()

    def sentences(self, text: str, language: str = "en") -> tuple[Segment, ...]:
        """:func:`sentences_of` ``text``, computed once per run."""
        from array import array

        key = self._key(text, language)
        row = self._db.execute("SELECT bounds FROM cuts WHERE key = ?", (key,)).fetchone()
        if row is not None:
            bounds = array("q", row[0])
            return tuple(
                Segment(text[bounds[i] : bounds[i + 1]], bounds[i], bounds[i + 1])
                for i in range(0, len(bounds), 2)
            )
        segments = sentences_of(text, language)
        bounds = array("q", [offset for seg in segments for offset in (seg.start, seg.end)])
        self._db.execute("INSERT OR IGNORE INTO cuts VALUES (?, ?)", (key, bounds.tobytes()))
        return segments


def split_sentences(text: str, language: str = "en", *, fast: bool = True) -> list[Segment]:
    """Sentences of one block, lossless; empty/whitespace-only text gives [].

    Each segment is ``Segment(text[start:end], start, end)``, non-empty, with no
    leading or trailing whitespace; segments are in order and do not overlap,
    and only whitespace lies between them (see :func:`gaps`). Never raises on
    any ``str``; ``language`` is an ISO 639-1 code, unknown codes get English
    rules. ``fast=False`` sends every line to pysbd (the reference the fast
    path is tested and benchmarked against); the result is the same.
    """
    if not text or text.isspace():
        return []
    code = supported_language(language)
    segments: list[Segment] = []
    for match in _LINE.finditer(text):
        line = match.group()
        if line.isspace():
            continue
        start = match.start()
        cuts = _line_cuts(line, code, fast)
        segments.extend(_slices(text, [start, *(start + c for c in cuts), start + len(line)]))
    return segments


def gaps(text: str, segments: Sequence[Segment]) -> list[str]:
    """The text after each segment up to the next one; the last gets the block's tail.

    With ``lead = text[:segments[0].start]``::

        lead + "".join(s.text + g for s, g in zip(segments, gaps(text, segments))) == text

    For segments from :func:`split_sentences` every gap is whitespace (maybe
    empty). These are the separators the publish stage puts between
    translated sentences. Raises ValueError if the segments are not ordered,
    non-overlapping slices of ``text`` (a programming error, not a user one).
    """
    result: list[str] = []
    for index, segment in enumerate(segments):
        if text[segment.start : segment.end] != segment.text:
            raise ValueError(f"segment {index} is not text[{segment.start}:{segment.end}]")
        following = segments[index + 1].start if index + 1 < len(segments) else len(text)
        if following < segment.end:
            raise ValueError(f"segment {index + 1} overlaps or precedes segment {index}")
        result.append(text[segment.end : following])
    return result


def _slices(text: str, bounds: list[int]) -> Iterator[Segment]:
    """Segments for the regions between consecutive ``bounds``, whitespace trimmed."""
    for start, end in itertools.pairwise(bounds):
        region = text[start:end]
        stripped = region.strip()
        if stripped:
            first = start + len(region) - len(region.lstrip())
            yield Segment(stripped, first, first + len(stripped))


def _line_cuts(line: str, code: str, fast: bool) -> list[int]:
    """Positions in ``line`` (one line, no line breaks) where a new sentence starts.

    A plain line's boundaries come from :func:`~pipeline.text.fastsplit.fast_cuts`
    (the same result, some 40 times faster); any other line, or every line
    when ``fast`` is false, goes to pysbd and the rules below.
    """
    masked = _mask(line)
    if fast:
        cuts = _fast_cuts(masked, code)
        if cuts is not None:
            return cuts
    found = set(_library_cuts(masked, code))
    found.update(_extra_cuts(masked))
    return _merge(masked, sorted(found), code)


def _fast_cuts(masked: str, code: str) -> list[int] | None:
    """:func:`~pipeline.text.fastsplit.fast_cuts` with this module's word lists."""
    return fast_cuts(masked, code, *_rules(code).fast_words)


def _mask(line: str) -> str:
    """A same-length copy of ``line`` that pysbd cannot misread (see module docstring)."""
    if _MARKER.search(line):  # rare; translate() costs more than the search
        line = line.translate(_MASK_TABLE)
    return mask_links(line)


def _library_cuts(line: str, code: str) -> list[int]:
    """Sentence starts pysbd finds in ``line``, in overlapping windows if it is long.

    A window of ``_WINDOW`` characters is segmented; boundaries closer than
    ``_MARGIN`` to a window edge that is not itself a boundary are ignored and
    looked at again in the next window, which starts at the last boundary kept
    (or ``_MARGIN`` before the end of the part already decided). Cost is
    linear in the length of the line.
    """
    cuts: list[int] = []
    pos = lower = 0  # window start; boundaries at or before ``lower`` are settled
    windowed = len(line) > _WINDOW
    terminal = _rules(code).terminal_re
    while True:
        end = min(len(line), pos + _WINDOW)
        upper = len(line) if end == len(line) else end - _MARGIN
        chunk = line[pos:end]
        if not terminal.search(line, max(0, pos - _MERGE_CONTEXT), end):
            window_cuts = []  # no boundary here can survive the merge rules: skip pysbd
        elif windowed and len(_rules(code).mark_re.findall(chunk)) > _DENSE:
            window_cuts = _candidate_cuts(chunk, code)
        else:
            window_cuts = _pysbd_cuts(chunk, code)
        found = (pos + cut for cut in window_cuts)
        kept = [cut for cut in found if lower < cut <= upper]
        cuts.extend(kept)
        if end == len(line):
            return cuts
        if kept and kept[-1] > pos + _MARGIN:
            pos = lower = kept[-1]  # the next window starts with a sentence
        else:  # it starts mid-sentence: _MARGIN characters of left context
            pos, lower = max(pos + 1, upper - _MARGIN), upper


def _candidate_cuts(chunk: str, code: str) -> list[int]:
    """Every place a sentence could start in ``chunk``: after final punctuation,
    closing quotes and whitespace. Used instead of pysbd on dense windows (see
    ``_DENSE``); the merge rules then drop the false ones."""
    return [match.end() for match in _rules(code).candidate_re.finditer(chunk)]


def _pysbd_cuts(chunk: str, code: str) -> list[int]:
    """Starts of the 2nd, 3rd, ... sentence pysbd sees in ``chunk``.

    The library's sentences are located in ``chunk`` by search; one it altered
    beyond recognition is skipped (no boundary: a missed split, never a loss).
    A library exception also means "no boundary": segmentation must not fail.
    """
    try:
        sentences = _pysbd_sentences(chunk, code)
    except Exception:  # noqa: BLE001 - any pysbd bug degrades to "one sentence"
        return []
    cuts: list[int] = []
    cursor = 0
    for sentence in sentences:
        needle = sentence.strip()
        if not needle:
            continue
        found = chunk.find(needle, cursor)
        end = found + len(needle)
        if found < 0:
            found, end = _find_ignoring_whitespace(chunk, needle, cursor)
            if found < 0:
                continue
        if found > 0:
            cuts.append(found)
        cursor = end
    return cuts


def _find_ignoring_whitespace(text: str, needle: str, cursor: int) -> tuple[int, int]:
    """(start, end) of ``needle`` at the next non-space of ``text`` if only spacing differs.

    pysbd rewrites some whitespace (a tab in ". . ." comes back as a space);
    (-1, -1) when the non-whitespace characters differ.
    """
    pos = cursor
    while pos < len(text) and text[pos].isspace():
        pos += 1
    start = pos
    for char in needle:
        if char.isspace():
            continue
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text) or text[pos] != char:
            return -1, -1
        pos += 1
    return start, pos


def _pysbd_sentences(chunk: str, code: str) -> list[str]:
    """pysbd's sentences of ``chunk`` (its own copies, possibly altered).

    ``Segmenter.segment`` = ``processor(text).process()`` followed by a
    char-span search that is quadratic on repeated sentences ("a. a. a. ...")
    and useless here (we align ourselves), so the processor is called directly.
    """
    segmenter = _segmenter(code)
    if not hasattr(segmenter, "processor"):  # another pysbd version: public API
        return [span.sent for span in segmenter.segment(chunk)]
    sentences = segmenter.processor(chunk).process()
    return [sentences] if isinstance(sentences, str) else list(sentences)


_LOCAL = threading.local()


def _segmenter(code: str) -> Any:
    """A cached pysbd Segmenter per language and thread (Segmenter keeps state per call)."""
    cache: dict[str, Any] | None = getattr(_LOCAL, "segmenters", None)
    if cache is None:
        cache = _LOCAL.segmenters = {}
    if code not in cache:
        import pysbd

        cache[code] = pysbd.Segmenter(language=code, clean=False, char_span=True)
    return cache[code]


@dataclass(frozen=True)
class _Rules:
    """The merge-rule word lists and sentence-final characters of one language."""

    titles: frozenset[str]
    before_number: frozenset[str]
    abbreviations: frozenset[str]
    terminals: frozenset[str]

    @functools.cached_property
    def terminal_re(self) -> re.Pattern[str]:
        """One sentence-final character."""
        return re.compile(f"[{re.escape(''.join(sorted(self.terminals)))}]")

    @functools.cached_property
    def mark_re(self) -> re.Pattern[str]:
        """One sentence-final character, quote or bracket (see ``_DENSE``)."""
        marks = "".join(sorted(self.terminals | set(_CLOSERS) | set(_OPENERS)))
        return re.compile(f"[{re.escape(marks)}]")

    @functools.cached_property
    def candidate_re(self) -> re.Pattern[str]:
        """Final punctuation, closing quotes and whitespace before a non-space (linear:
        a match starts only at final punctuation, and each run is scanned once)."""
        closers = re.escape(_CLOSERS)
        return re.compile(f"{self.terminal_re.pattern}[{closers}]*\\s+(?=\\S)")

    @functools.cached_property
    def fast_words(self) -> tuple[frozenset[str], frozenset[str]]:
        """Titles and words before numbers, lower case, for the fast path."""
        return (
            frozenset(word.lower() for word in self.titles),
            frozenset(word.lower() for word in self.before_number),
        )


@functools.cache
def _rules(code: str) -> _Rules:
    """Rules for pysbd language ``code``: its own lists plus the English ones."""
    punctuation = frozenset(_segmenter(code).language_module.Punctuations)
    return _Rules(
        titles=_TITLES["en"] | _TITLES.get(code, frozenset()),
        before_number=_BEFORE_NUMBER["en"] | _BEFORE_NUMBER.get(code, frozenset()),
        abbreviations=_ABBREVIATIONS["en"] | _ABBREVIATIONS.get(code, frozenset()),
        terminals=_TERMINALS | punctuation,
    )


def _extra_cuts(line: str) -> Iterator[int]:
    """Boundaries pysbd misses: after "…" or a closing quote, before an upper-case word."""
    for match in _EXTRA_SPLIT.finditer(line):
        if _starts_upper(line, match.end()):
            yield match.end()


def _starts_upper(line: str, pos: int) -> bool:
    """Whether the word at ``pos`` (after an opening quote and a space) starts upper-case."""
    end = min(len(line), pos + 3)
    while pos < end and (line[pos] in _OPENERS or line[pos].isspace()):
        pos += 1
    return pos < len(line) and (line[pos].isupper() or line[pos].istitle())


def _merge(line: str, cuts: list[int], code: str) -> list[int]:
    """The cuts that survive the merge rules (module docstring), left to right.

    Only the ``_MERGE_CONTEXT`` characters before a cut are looked at, and a cut
    survives only after sentence-final punctuation: a stretch with none (and
    none just before it) holds no surviving cut, so pysbd need not look at it.
    """
    rules = _rules(code)
    kept: list[int] = []
    start = 0
    for cut in cuts:
        before = line[max(start, cut - _MERGE_CONTEXT) : cut]
        if _should_merge(before, line[cut : cut + 8], rules):
            continue
        kept.append(cut)
        start = cut
    return kept


def _should_merge(before: str, after: str, rules: _Rules) -> bool:
    """Whether the boundary between ``before`` (its tail) and ``after`` (its head) is false."""
    first = after[0]
    if first in _NEVER_START:
        return True
    gap = before[-1].isspace()
    if not gap and (first in _HYPHENS or first.islower()):
        return True
    body = before.rstrip()
    ending = _without_closers(body)
    if not ending or ending[-1] not in rules.terminals:
        return True
    if ending[-1] != "." or ending != body:
        return False
    return _abbreviation_continues(ending, after, rules)


def _without_closers(text: str) -> str:
    """``text`` without its trailing closing quotes, brackets and whitespace ("No ! »" → "No !")."""
    end = len(text)
    while end and (text[end - 1] in _CLOSERS or text[end - 1].isspace()):
        end -= 1
    return text[:end]


def _abbreviation_continues(before: str, after: str, rules: _Rules) -> bool:
    """Whether ``before`` ends with an abbreviation that ``after`` continues."""
    words = before[-64:].split()
    # The last word without its period, opening quotes and elided article ("l’art").
    token = re.split(r"[’']", words[-1][:-1].lstrip(_OPENERS))[-1] if words else ""
    if not token:
        return False
    if token in rules.titles:
        return True
    head = after.lstrip(_OPENERS)[:1]
    lowered = token.lower()
    if head.isdigit() and lowered in rules.before_number:
        return True
    abbreviation_like = (
        lowered in rules.abbreviations or "." in token or (len(token) == 1 and token.isalpha())
    )
    return abbreviation_like and head.islower()
