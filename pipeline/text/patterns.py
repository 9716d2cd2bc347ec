"""URLs and e-mail addresses in user text: one definition for segmentation and QA.

The segmenter masks links so that their dots and question marks never end a
sentence; the QA checks compare a translation's links with its source's. Both
must agree on what a link is and where it ends, so both use this module.

Every pattern here runs in time linear in the length of the text, also on a
single 1 MB token (tests/test_patterns.py): each can only start a match at a
fixed prefix (``https://``, ``www.``) or at the start of a run of address
characters (the look-behinds), and nothing after a greedy run can force the
engine to backtrack through it more than once. The old QA e-mail pattern,
without the look-behind, retried from every character of a long word
(quadratic: minutes on a 100,000-character word).

A URL ends before whitespace, ``<`` ``>`` or a quotation mark; sentence
punctuation glued to its end (``URL_TRAILING``) is not part of it, except a
closing bracket that closes one opened inside the URL
(``https://en.wikipedia.org/wiki/NATO_(disambiguation)``).
"""

from __future__ import annotations

import re

__all__ = [
    "EMAIL_RE",
    "URL_RE",
    "URL_TRAILING",
    "email_spans",
    "find_emails",
    "find_urls",
    "mask_links",
    "url_end",
    "url_spans",
]

URL_RE = re.compile(r"(?<![\w/])(?:https?://|ftp://|www\.)[^\s<>\"«»“”]+", re.IGNORECASE)
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_TRAILING = ".,;:!?'\"’”»)]}"
_OPENING = {")": "(", "]": "[", "}": "{"}


def url_end(text: str, start: int, end: int) -> int:
    """Where the URL matched at ``text[start:end]`` really ends: without the
    trailing punctuation, but keeping closing brackets that balance ones inside it."""
    balance = {closer: text.count(closer, start, end) - text.count(opener, start, end)
               for closer, opener in _OPENING.items()}
    while end > start and text[end - 1] in URL_TRAILING:
        closer = text[end - 1]
        if closer in balance:
            if balance[closer] <= 0:
                break  # it closes a bracket opened inside the URL
            balance[closer] -= 1
        end -= 1
    return end


def url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each URL in ``text``, trailing punctuation excluded."""
    if "://" not in text and "www." not in text.lower():
        return []  # the common case, ten times faster than the search
    spans = []
    for match in URL_RE.finditer(text):
        start = match.start()
        end = url_end(text, start, match.end())
        if end > start:
            spans.append((start, end))
    return spans


def email_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each e-mail address in ``text``, also those inside a URL."""
    if "@" not in text:
        return []
    return [match.span() for match in EMAIL_RE.finditer(text)]


def find_urls(text: str) -> list[str]:
    """The URLs in ``text``, in order (see :func:`url_spans`)."""
    return [text[start:end] for start, end in url_spans(text)]


def find_emails(text: str) -> list[str]:
    """The e-mail addresses in ``text`` that are not part of a URL ("https://user@host")."""
    urls = url_spans(text)
    found, index = [], 0
    for start, end in email_spans(text):
        while index < len(urls) and urls[index][1] <= start:
            index += 1
        if index < len(urls) and urls[index][0] < end:
            continue  # overlaps a URL
        found.append(text[start:end])
    return found


def mask_links(text: str, fill: str = "x") -> str:
    """A same-length copy of ``text`` with every URL and e-mail address replaced
    by ``fill`` characters (so no dot or question mark inside one is seen)."""
    spans = sorted(url_spans(text) + email_spans(text))
    if not spans:
        return text
    pieces, done = [], 0
    for start, end in spans:
        start = max(start, done)
        if end <= start:
            continue
        pieces += [text[done:start], fill * (end - start)]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)
