"""Sentence boundaries of *plain* lines, found without pysbd and exactly as it would.

:mod:`pipeline.text.segment` asks pysbd where sentences end and then applies its
own rules (masking, extra splits, merges). pysbd runs about a hundred regular
expressions over every line, ~0.4 ms per sentence; most transcript lines need
none of them: "We met today. The talks were good." ends its sentences at a
period after an ordinary word, before a capital. This module recognises such
lines and returns the boundaries directly; for any other line it returns
``None`` and the caller asks pysbd. The result is the same as the pysbd path's,
by construction (below) and by test: ``tests/test_segment_fastpath.py`` compares
both paths on every line of ``tests/data`` and ``examples``, on the evaluation
cases, and on generated text (hypothesis) built from the constructs listed here.

A line is *plain* when:

* every character is a word character (``\\w``), whitespace, or one of
  ``, ; : % $ € £ & / # + * = @ ’ ' - – — . ! ? « »`` (so no other quotes,
  brackets, ellipses, fullwidth or other scripts' sentence marks, which
  pysbd's between-quotes, list, ellipsis and parenthesis rules act on), and no
  ``.`` ``!`` ``?`` lies between a « and the next » (pysbd's rule for « … »
  then changes nothing);
* an ASCII ``'`` follows a word character (pysbd's quoted-text rules need a
  quote after whitespace), there is no ``--`` (its em-dash rule), no token that is
  one ASCII letter followed by a period (its list and initials rules), no
  ``Co. KG``, and none of pysbd's exclamation words ("Yahoo!");
* every ``.`` ``!`` ``?`` either ends the line (maybe before whitespace), or is
  a ``.`` inside a token between two ASCII letters or two ASCII digits
  ("nato.int", "3.5": pysbd protects those), or is a *clear boundary*: followed
  by whitespace and then an upper-case letter or an ASCII digit, after a token.
  For ``!`` and ``?`` any token will do, also one space before the mark (French
  typography). For ``.`` the token is a word (letters, maybe joined by ``'``
  ``’`` ``-``) whose last part has two letters or more, or a number that is not
  one or two digits alone ("4,000." and "$10." end sentences, "2." is a list
  item to pysbd), either maybe followed by », or a lone » ("la paix ». Puis");
  and it is not a title of the segmenter's, nor one of pysbd's *prepositive*
  abbreviations ("Gen."), which keep their period before anything; before a
  digit or "I" it is none of pysbd's abbreviations either (read as pysbd reads
  them: case-insensitive regular expressions, so its "e.g" matches "eng"), nor
  a word the segmenter expects a number after ("No. 5"). pysbd's other
  abbreviations ("etc.", "May.") end a sentence before a capital.

On a plain line pysbd's pre-processing changes nothing that matters (no rule's
pattern can match), its splitting regex then ends a sentence at each clear
boundary, and the segmenter's merge rules keep every one of them (none follows
a title, none comes before lower case or after "No." before a number); its extra
splits need "…" or a closing quote. Lines pysbd sees in windows (longer than
``segment._WINDOW``) split the same way, as every rule above looks at a few
characters around a boundary.

This reasoning holds for the pysbd version it was checked against
(``VERIFIED_PYSBD``) and the languages whose rules are the common ones
(``FAST_LANGUAGES``: the others have their own number, date or quote rules);
with another pysbd version the fast path is off and every line goes to pysbd.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

__all__ = ["FAST_LANGUAGES", "VERIFIED_PYSBD", "enabled", "fast_cuts"]

VERIFIED_PYSBD = "0.3.4"
# pysbd languages that only change the abbreviation lists and sentence starters.
FAST_LANGUAGES = frozenset({"en", "fr", "es", "it", "nl", "pl"})

_PLAIN_PUNCTUATION = ",;:%$€£&/#+*=@’'-–—.!?«»"
# Any character outside these makes a line not plain (see the module docstring).
_NOT_PLAIN_CHARACTER = re.compile(rf"[^\w\s{re.escape(_PLAIN_PUNCTUATION)}]")
_OPENING_QUOTE = re.compile(r"(?<!\w)'")  # an ASCII quote that may open a quotation
_TERMINAL = re.compile(r"[.!?]")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_DIGITS = frozenset("0123456789")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_NUMBER = re.compile(r"[$€£]?[0-9]+(?:[.,][0-9]+)*%?")
_LIST_NUMBER = re.compile(r"[0-9]{1,2}")
_APOSTROPHES = re.compile(r"['’]")


@functools.cache
def enabled() -> bool:
    """Whether the installed pysbd is the version this module's reasoning was checked on."""
    import pysbd

    return getattr(pysbd, "__version__", None) == VERIFIED_PYSBD


def fast_cuts(
    line: str, code: str, titles: frozenset[str], before_number: frozenset[str]
) -> list[int] | None:
    """Sentence starts in ``line`` (masked, one line) if it is plain, else ``None``.

    ``code`` is a pysbd language code; ``titles`` and ``before_number`` are the
    segmenter's own titles and words before numbers, lower case (its other
    abbreviations only keep a lower-case word from starting a sentence, which
    never happens here). The result is what pysbd plus the segmenter's rules
    give for a plain line.
    """
    if code not in FAST_LANGUAGES or not enabled() or _NOT_PLAIN_CHARACTER.search(line):
        return None
    if "--" in line or ("'" in line and _OPENING_QUOTE.search(line)):
        return None  # pysbd's em-dash and quotation rules
    if "!" in line and _exclamation_words().search(line):
        return None
    if "«" in line and _quotes_hold_a_mark(line):
        return None  # pysbd never ends a sentence inside « … »
    cuts: list[int] = []
    size = len(line)
    for match in _TERMINAL.finditer(line):
        mark = match.start()
        if mark == 0:
            return None
        after = mark + 1
        period = line[mark] == "."
        if period and _single_letter_before(line, mark):
            return None  # "a." "B.": pysbd's list items and initials
        if after < size and not line[after].isspace():
            if period and _inner_period(line, mark):
                continue
            return None  # glued to something: "?!", "...", ".,", "a.b)" ...
        token = _token_before(line, mark, allow_space=not period)
        if not token:
            return None
        following = _skip_space(line, after)
        if following == size:
            continue  # the line's last sentence ends here
        head = line[following]
        if not (head.isupper() or head in _ASCII_DIGITS):
            return None
        if period and not _ends_sentence(token, code, (titles, before_number), line, mark):
            return None
        cuts.append(following)
    return cuts


def _quotes_hold_a_mark(line: str) -> bool:
    """Whether a ``.``/``!``/``?`` lies between a « and the next » (or the line's end)."""
    start = line.find("«")
    while start != -1:
        close = line.find("»", start)
        if _TERMINAL.search(line, start, len(line) if close == -1 else close):
            return True
        start = -1 if close == -1 else line.find("«", close)
    return False


def _single_letter_before(line: str, mark: int) -> bool:
    """Whether the token before the ``.`` at ``mark`` is one ASCII letter."""
    return line[mark - 1] in _ASCII_LETTERS and (mark == 1 or line[mark - 2].isspace())


def _inner_period(line: str, mark: int) -> bool:
    """A ``.`` between two ASCII letters or two ASCII digits ("nato.int", "3.5")."""
    before, after = line[mark - 1], line[mark + 1]
    return (before in _ASCII_LETTERS and after in _ASCII_LETTERS) or (
        before in _ASCII_DIGITS and after in _ASCII_DIGITS
    )


def _skip_space(line: str, pos: int) -> int:
    """The first position at or after ``pos`` that is not whitespace."""
    while pos < len(line) and line[pos].isspace():
        pos += 1
    return pos


def _token_before(line: str, mark: int, *, allow_space: bool) -> str:
    """The whitespace-delimited token that ends at ``mark``; for ``!``/``?`` it may be
    separated from the mark by whitespace ("possible ?"). Empty if there is none."""
    end = mark
    if allow_space:
        while end and line[end - 1].isspace():
            end -= 1
    start = end
    while start and not line[start - 1].isspace():  # each token is scanned once: linear
        start -= 1
    return line[start:end]


def _ends_sentence(
    token: str, code: str, words: tuple[frozenset[str], frozenset[str]], line: str, mark: int
) -> bool:
    """Whether the period at ``mark`` after ``token`` ends a sentence for pysbd and the
    merge rules (what follows is whitespace, then an upper-case letter or a digit)."""
    if token.endswith("Co") and line.startswith("KG", mark + 2):
        return False  # pysbd's Kommanditgesellschaft rule: "Co. KG"
    head = line[_skip_space(line, mark + 1)]
    follows = "digit" if head in _ASCII_DIGITS else "I" if head == "I" else "capital"
    check = _clear_token if len(token) <= 64 else _clear_token.__wrapped__  # cache words only
    return check(token, code, words, follows)


@functools.lru_cache(maxsize=1 << 16)
def _clear_token(
    token: str, code: str, words: tuple[frozenset[str], frozenset[str]], follows: str
) -> bool:
    """Whether a period after ``token`` ends a sentence when a capital, "I" or a digit
    ``follows``; remembered, as sentences end with the same words again and again.

    pysbd keeps the period of a *prepositive* abbreviation ("Gen.") whatever
    follows, and of any other abbreviation (its patterns: "e.g" also matches
    "eng") before a digit or "I"; the merge rules keep it after a title, and
    after a word before numbers ("No.") when a digit follows.
    """
    titles, before_number = words
    core = token.removesuffix("»")  # "la paix ». Puis", "paix». Puis"
    if not core:
        return True  # a lone "»"
    if _NUMBER.fullmatch(core):
        if _LIST_NUMBER.fullmatch(core):
            return False  # "2.": a list item to pysbd
        last = core
    elif _WORD.fullmatch(core):
        last = _APOSTROPHES.split(core)[-1].lower()
        if len(last) < 2 or last in titles:
            return False
    else:
        return False
    if token.lower() in _prepositive(code) or core.lower() in _prepositive(code):
        return False
    if follows == "digit" and last in before_number:
        return False
    return follows == "capital" or not (
        _pysbd_abbreviation(code, token) or _pysbd_abbreviation(code, core)
    )


@functools.cache
def _prepositive(code: str) -> frozenset[str]:
    """pysbd's abbreviations of ``code`` that keep their period before any word ("Gen.")."""
    from pysbd.languages import LANGUAGE_CODES

    return frozenset(
        word.strip().lower() for word in LANGUAGE_CODES[code].Abbreviation.PREPOSITIVE_ABBREVIATIONS
    )


def _pysbd_abbreviation(code: str, token: str) -> bool:
    """Whether ``token`` is one of pysbd's abbreviations of ``code`` as pysbd matches
    them: as case-insensitive regular expressions (its ``e.g`` also matches "eng")."""
    simple, complex_ = _pysbd_abbreviations(code)
    by_length = simple.get(len(token))
    return bool(
        (by_length and by_length.fullmatch(token)) or (complex_ and complex_.fullmatch(token))
    )


_REGEX_SYNTAX = frozenset("()[]{}?*+|^$\\")


@functools.cache
def _pysbd_abbreviations(code: str) -> tuple[dict[int, re.Pattern[str]], re.Pattern[str] | None]:
    """pysbd's abbreviation patterns of ``code``: those that match exactly their own
    length of text, by length, and one pattern for the few others."""
    from pysbd.languages import LANGUAGE_CODES

    lists = LANGUAGE_CODES[code].Abbreviation
    words = {
        word.strip()
        for group in (lists.ABBREVIATIONS, lists.PREPOSITIVE_ABBREVIATIONS,
                      lists.NUMBER_ABBREVIATIONS)
        for word in group
    }
    simple: dict[int, list[str]] = {}
    complex_ = []
    for word in sorted(words):
        if _REGEX_SYNTAX.isdisjoint(word):
            simple.setdefault(len(word), []).append(word)
        else:
            complex_.append(word)
    return (
        {size: _alternation(group) for size, group in simple.items()},
        _alternation(complex_) if complex_ else None,
    )


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


@functools.cache
def _exclamation_words() -> re.Pattern[str]:
    """pysbd's words with a "!" in them ("Yahoo!"), which it never ends a sentence at."""
    from pysbd.exclamation_words import ExclamationWords

    return re.compile(ExclamationWords.EXCLAMATION_REGEX)
