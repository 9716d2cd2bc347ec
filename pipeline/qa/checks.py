"""Per-entry checks: :func:`check_text` runs every rule on one (source, target) pair.

The rules with modules of their own are numbers (:mod:`pipeline.qa.numbers`), URLs
and e-mails (:mod:`pipeline.qa.links`) and French typography
(:mod:`pipeline.qa.typography`); brackets, identical, whitespace, end
punctuation and length live here. translate-toolkit supplies ``blank``,
``unchanged``, ``startwhitespace`` and ``endwhitespace`` (imported lazily).
Every rule is linear in the length of the text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from typing import Any

from pipeline.qa.links import check_links, mask_links
from pipeline.qa.numbers import check_numbers, is_french
from pipeline.qa.rules import (
    LENGTH_MIN_SOURCE_CHARS,
    LENGTH_RATIO_MAX,
    LENGTH_RATIO_MIN,
    Problem,
    listing,
    problem,
    quoted,
)
from pipeline.qa.typography import check_doublequoting, check_french_typography

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Lowercase words that may sit inside a multi-word proper name ("Bank of America").
_NAME_CONNECTORS = frozenset(
    {"of", "the", "and", "for", "on", "in", "de", "du", "des", "la", "le", "les", "d", "l"}
    | {"von", "van", "der", "den", "da", "di", "y", "et"}
)
_CLOSERS = "\"”»)]’'"
_FINAL_PUNCT = ".?!:;,…—"
_BRACKET_PAIRS = {"(": ")", "[": "]", "«": "»", "“": "”"}
_BRACKET_CLOSERS = {close: open_ for open_, close in _BRACKET_PAIRS.items()}
_FAMILY = {"(": "()", ")": "()", "[": "[]", "]": "[]"}  # everything else: quotes
_REVERSED_TAIL_RE = re.compile(rf"[\s{re.escape(_CLOSERS + _FINAL_PUNCT)}]*")
_FINAL_PUNCT_RE = re.compile(rf"[{re.escape(_FINAL_PUNCT)}]")
_BRACKET_RUNS_RE = re.compile('([()\\[\\]«»“”"])\\1*')  # runs of one bracket character

BracketProblem = tuple[str, str]  # ("unclosed" | "unexpected", the character)


@functools.cache
def _ttk_checker(target_language: str) -> Any:
    """translate-toolkit's StandardChecker configured for the target language (cached)."""
    from translate.filters.checks import CheckerConfig, StandardChecker

    return StandardChecker(checkerconfig=CheckerConfig(targetlanguage=target_language))


def _ttk_fails(target_language: str, check: str, source: str, target: str) -> str | None:
    """Run one translate-toolkit check; its failure message, or None when it passes."""
    from translate.filters.checks import FilterFailure

    try:
        ok = getattr(_ttk_checker(target_language), check)(source, target)
    except FilterFailure as failure:
        return str(failure)
    return None if ok else check


# --------------------------------------------------------------------------- brackets


def _bracket_problems(text: str) -> Counter[BracketProblem]:
    """Pairing problems of () [] “” «» and straight double quotes, counted by kind.

    Keys come in reading order of first appearance. The scan is linear: a run of
    one character ("((((") is handled at once, the stack holds runs, and
    ``open_counts`` answers "is this opener anywhere below?" in O(1).
    """
    stack: list[list] = []  # [character, how many in a row] of the open brackets
    open_counts = dict.fromkeys('"' + "".join(_BRACKET_PAIRS), 0)
    problems: Counter[BracketProblem] = Counter()
    for match in _BRACKET_RUNS_RE.finditer(text):
        char, run = match.group(1), len(match.group())
        if char == '"':
            if stack and stack[-1][0] == '"':  # the first quote closes the open one
                stack.pop()
                open_counts['"'] -= 1
                run -= 1
            if run % 2:  # the others pair up among themselves, an odd one stays open
                _push(stack, open_counts, '"', 1)
        elif char in _BRACKET_PAIRS:
            _push(stack, open_counts, char, run)
        else:
            _close(stack, open_counts, problems, char, run)
    for char, count in stack:
        problems[("unclosed", char)] += count
    return problems


def _push(stack: list[list], open_counts: dict[str, int], char: str, run: int) -> None:
    """Open ``run`` brackets ``char``."""
    if stack and stack[-1][0] == char:
        stack[-1][1] += run
    else:
        stack.append([char, run])
    open_counts[char] += run


def _close(
    stack: list[list],
    open_counts: dict[str, int],
    problems: Counter[BracketProblem],
    closer: str,
    run: int,
) -> None:
    """Close ``run`` brackets: brackets still open above their opener are "unclosed",
    closers with no opener left are "unexpected"."""
    opener = _BRACKET_CLOSERS[closer]
    while run:
        if not open_counts[opener]:
            problems[("unexpected", closer)] += run
            return
        char, count = stack[-1]
        if char != opener:
            problems[("unclosed", char)] += count
        taken = count if char != opener else min(run, count)
        open_counts[char] -= taken
        if char == opener:
            run -= taken
        if taken == count:
            stack.pop()
        else:
            stack[-1][1] -= taken


def _bracket_signature(problems: Counter[BracketProblem]) -> Counter[tuple[str, str]]:
    """Problems by kind and family ((), [], quotes): what a segment may inherit."""
    families: Counter[tuple[str, str]] = Counter()
    for (kind, char), count in problems.items():
        families[(kind, _FAMILY.get(char, "quotes"))] += count
    return families


def _check_brackets(source: str, target: str) -> list[Problem]:
    """The target's brackets and double quotes must pair up (error); links are ignored.

    A transcript segment is one sentence, so a quotation spanning sentences leaves
    the source segment unbalanced; the target may then be unbalanced the same way.
    """
    tgt = _bracket_problems(mask_links(target))
    if not tgt:
        return []
    if _bracket_signature(tgt) == _bracket_signature(_bracket_problems(mask_links(source))):
        return []
    shown = [f"{kind} '{char}'" + (f" (x{n})" if n > 1 else "") for (kind, char), n in tgt.items()]
    return [problem("brackets", "unbalanced brackets/quotes: " + listing(shown))]


# --------------------------------------------------------------------------- the other rules


def _names_or_numbers_only(text: str) -> bool:
    """True when every word is capitalised (a name like "Barack Obama") or there are none."""
    words = [w for w in _WORD_RE.findall(mask_links(text)) if w.lower() not in _NAME_CONNECTORS]
    words = [w for w in words if w.strip("x")]  # masked links
    return all(w[0].isupper() for w in words)


def _check_identical(source: str, target: str, tgt_lang: str) -> list[Problem]:
    """translate-toolkit's ``unchanged``, minus names-only/numbers-only strings (warning)."""
    if _ttk_fails(tgt_lang, "unchanged", source, target) is None:
        return []
    if _names_or_numbers_only(source):
        return []
    return [problem("identical", "translation is identical to the source")]


def _check_whitespace(source: str, target: str, tgt_lang: str) -> list[Problem]:
    """translate-toolkit's ``startwhitespace`` and ``endwhitespace`` (warning)."""
    problems = []
    for check, where in (("startwhitespace", "leading"), ("endwhitespace", "trailing")):
        if _ttk_fails(tgt_lang, check, source, target) is not None:
            problems.append(problem("whitespace", f"{where} whitespace differs from the source"))
    return problems


def _final_punctuation(text: str) -> str:
    """Punctuation ending ``text``, ignoring spaces and closing quotes/brackets around it.

    The tail is matched on the reversed text: an anchored match is linear, where
    a search for "[...]*$" would retry from every position.
    """
    text = text.replace("...", "…").replace("--", "—").replace("–", "—")
    tail = _REVERSED_TAIL_RE.match(text[::-1])
    return "".join(_FINAL_PUNCT_RE.findall(tail.group() if tail else ""))[::-1]


def _check_end_punctuation(source: str, target: str) -> list[Problem]:
    """Final punctuation must match; "..." == "…", "--" == "—", spacing ignored (warning)."""
    src, tgt = _final_punctuation(source), _final_punctuation(target)
    if src == tgt:
        return []
    shown = [quoted(p) if p else "none" for p in (src, tgt)]
    return [problem("end-punctuation", f"ends with {shown[1]}, the source with {shown[0]}")]


def _check_length(source: str, target: str) -> list[Problem]:
    """len(target)/len(source) within LENGTH_RATIO_MIN..MAX for long enough sources (warning)."""
    src_len, tgt_len = len(source.strip()), len(target.strip())
    if src_len < LENGTH_MIN_SOURCE_CHARS:
        return []
    ratio = tgt_len / src_len
    if LENGTH_RATIO_MIN <= ratio <= LENGTH_RATIO_MAX:
        return []
    expected = f"{LENGTH_RATIO_MIN}..{LENGTH_RATIO_MAX}"
    message = f"translation is {ratio:.2f}x the source length (expected {expected})"
    return [problem("length-ratio", message)]


def check_text(
    source: str, target: str, source_language: str, target_language: str
) -> list[Problem]:
    """All per-entry checks for one (source, target) pair: a list of (check, severity, message).

    An empty ``target`` only yields "untranslated". Strings are NFC-normalised first
    so that composed and decomposed accents compare equal.
    """
    source = unicodedata.normalize("NFC", source)
    target = unicodedata.normalize("NFC", target)
    if not target:
        return [problem("untranslated", "no translation")] if source.strip() else []
    if _ttk_fails(target_language, "blank", source, target) is not None:
        return [problem("untranslated", "translation is only whitespace")]
    problems = check_numbers(source, target, source_language, target_language)
    problems += check_links(source, target)
    problems += _check_brackets(source, target)
    problems += _check_identical(source, target, target_language)
    problems += _check_whitespace(source, target, target_language)
    problems += _check_end_punctuation(source, target)
    problems += _check_length(source, target)
    if is_french(target_language):
        problems += check_french_typography(target, target_language)
        problems += check_doublequoting(target)
    return problems
