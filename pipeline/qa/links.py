"""URLs and e-mail addresses in a segment: the same on both sides, ignored by other checks.

What a URL or an e-mail address is, and where it ends, is defined once for the
segmenter and these checks, in :mod:`pipeline.text.patterns`: every pattern
there is linear in the length of the text (a 1 MB "word" must not hang
``pipeline check``).
"""

from __future__ import annotations

import functools
from collections import Counter

from pipeline.qa.rules import Problem, listing, problem, quoted
from pipeline.text import patterns
from pipeline.text.patterns import find_emails, find_urls


@functools.lru_cache(maxsize=16)
def mask_links(text: str) -> str:
    """``text`` with URLs and e-mail addresses replaced by same-length runs of ``x``
    (:func:`pipeline.text.patterns.mask_links`). Cached: several checks of a segment
    mask the same text."""
    return patterns.mask_links(text)


def _describe(kind: str, source: list[str], target: list[str]) -> str:
    """ "'b' should be 'a'" for changed items, then what is missing or added."""
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
