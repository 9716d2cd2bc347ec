"""URLs and e-mail addresses in a segment: found, compared and masked in linear time.

Every pattern here runs on translator text of any length (a 1 MB "word" must not
hang ``pipeline check``). Each one is linear: a match can only start where the
previous character cannot belong to it (the lookbehinds), so the engine scans
each run of candidate characters once instead of once per starting position.
The old e-mail pattern ``[\\w.+-]+@...`` without the lookbehind was quadratic:
100,000 word characters without an "@" took minutes.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence

from pipeline.qa.rules import Problem, listing, problem, quoted
from pipeline.text import patterns
from pipeline.text.patterns import EMAIL_RE

Span = tuple[int, int]


@functools.lru_cache(maxsize=16)
def url_spans(text: str) -> tuple[Span, ...]:
    """(start, end) of each URL, without the sentence punctuation glued to its end
    (:func:`pipeline.text.patterns.url_spans`, the segmenter's own). Cached: every check
    of a segment asks for the same text's URLs."""
    return tuple(patterns.url_spans(text))


def find_urls(text: str) -> list[str]:
    """URLs in ``text`` (see :func:`url_spans`)."""
    return [text[start:end] for start, end in url_spans(text)]


def _masked(text: str, spans: Sequence[Span], fill: str) -> str:
    """``text`` with every span replaced by as many ``fill`` characters (same length)."""
    if not spans:
        return text
    pieces = []
    position = 0
    for start, end in spans:
        pieces += [text[position:start], fill * (end - start)]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def find_emails(text: str) -> list[str]:
    """E-mail addresses outside URLs ("https://user@host" is not an address)."""
    if "@" not in text:
        return []
    return EMAIL_RE.findall(_masked(text, url_spans(text), " "))


@functools.lru_cache(maxsize=16)
def mask_links(text: str) -> str:
    """``text`` with URLs and e-mail addresses replaced by same-length runs of ``x`` (cached)."""
    text = _masked(text, url_spans(text), "x")
    if "@" not in text:
        return text
    return _masked(text, [m.span() for m in EMAIL_RE.finditer(text)], "x")


def _describe(kind: str, source: list[str], target: list[str]) -> str:
    """"'b' should be 'a'" for changed items, then what is missing or added."""
    missing = list((Counter(source) - Counter(target)).elements())
    extra = list((Counter(target) - Counter(source)).elements())
    paired = min(len(missing), len(extra))
    changed = zip(missing[:paired], extra[:paired], strict=True)
    parts = [f"{quoted(got)} should be {quoted(want)}" for want, got in changed]
    if missing[paired:]:
        parts.append(f"missing {kind} " + listing([quoted(m) for m in missing[paired:]]))
    if extra[paired:]:
        parts.append(f"unexpected {kind} " + listing([quoted(e) for e in extra[paired:]]))
    return "; ".join(parts)


def check_links(source: str, target: str) -> list[Problem]:
    """URLs and e-mail addresses must be the same, byte for byte (errors ``urls``, ``emails``)."""
    problems = []
    src_urls, tgt_urls = find_urls(source), find_urls(target)
    if Counter(src_urls) != Counter(tgt_urls):
        problems.append(problem("urls", _describe("URL", src_urls, tgt_urls)))
    src_mails, tgt_mails = find_emails(source), find_emails(target)
    if Counter(src_mails) != Counter(tgt_mails):
        problems.append(problem("emails", _describe("e-mail", src_mails, tgt_mails)))
    return problems
