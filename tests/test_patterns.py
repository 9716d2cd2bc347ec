"""URLs and e-mail addresses (:mod:`pipeline.text.patterns`), shared by segmentation and QA.

The cases of both former definitions hold with the shared one, and every
pattern is linear on 1 MB tokens (the old QA e-mail pattern took minutes on a
100,000-character word).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.text.patterns import (
    URL_TRAILING,
    email_spans,
    find_emails,
    find_urls,
    mask_links,
    url_spans,
)
from pipeline.text.segment import split_sentences

NNBSP = "\u202f"
NATO = "https://www.nato.int/cps/en/natohq/opinions.htm?selectedLocale=en"
WIKI = "https://en.wikipedia.org/wiki/NATO_(disambiguation)"


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        (f"Details are at {NATO}.", [NATO]),
        ("Did you see https://example.org/a?", ["https://example.org/a"]),
        (f"Avez-vous vu https://example.org/a{NNBSP}?", ["https://example.org/a"]),
        ("(see https://example.org/a).", ["https://example.org/a"]),
        (f"See {WIKI}.", [WIKI]),
        (f"Voir {WIKI}{NNBSP}!", [WIKI]),
        (f"({WIKI}).", [WIKI]),
        ("Visit www.nato.int, or WWW.NATO.INT!", ["www.nato.int", "WWW.NATO.INT"]),
        ("ftp://files.nato.int/a.pdf; then", ["ftp://files.nato.int/a.pdf"]),
        ('"https://x.org/a" and «https://x.org/b»', ["https://x.org/a", "https://x.org/b"]),
        ("https://x.org/list[1]] and {https://x.org/{id}}.", ["https://x.org/list[1]",
                                                             "https://x.org/{id}"]),
        ("awww.example.com and see/www.example.com are not links", []),
        ("Visit nato.int. It has news.", []),
    ],
)
def test_urls(text: str, urls: list[str]) -> None:
    assert find_urls(text) == urls


def test_trailing_punctuation_rule() -> None:
    for mark in URL_TRAILING:
        if mark not in ")]}":
            assert find_urls(f"see https://x.org/a{mark}") == ["https://x.org/a"], mark
    assert find_urls("see https://x.org/a.),;") == ["https://x.org/a"]
    assert find_urls("see https://x.org/f(a)).") == ["https://x.org/f(a)"]


@pytest.mark.parametrize(
    ("text", "emails"),
    [
        ("Write to press@hq.nato.int.", ["press@hq.nato.int"]),
        ("Écrivez à presse@hq.nato.int.", ["presse@hq.nato.int"]),
        ("a.b+c-d@x-y.example.org, then", ["a.b+c-d@x-y.example.org"]),
        ("user@localhost is not one", []),
        ("See https://user@host.example.org/x", []),  # part of a URL
        ("first@a.org,second@b.org", ["first@a.org", "second@b.org"]),
        ("x@y@z.org", ["y@z.org"]),
    ],
)
def test_emails(text: str, emails: list[str]) -> None:
    assert find_emails(text) == emails


def test_mask_links_keeps_length_and_hides_links() -> None:
    text = f"Write to press@hq.nato.int or see {NATO}. Thanks."
    masked = mask_links(text)
    assert len(masked) == len(text)
    assert "@" not in masked and "?" not in masked and "https" not in masked
    assert masked.endswith(". Thanks.")
    assert mask_links("Nothing here.") == "Nothing here."


def test_segmenter_and_shared_patterns_agree() -> None:
    """The segmenter never ends a sentence inside a link the shared patterns find."""
    text = f"See {NATO} for the text. Write to press@hq.nato.int. We reply fast."
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == [f"See {NATO} for the text.", "Write to press@hq.nato.int.",
                         "We reply fast."]  # fmt: skip
    for start, end in url_spans(text) + email_spans(text):
        assert any(s.start <= start and end <= s.end for s in split_sentences(text))


LINEAR_CASES = {
    "a word": "'a' * 1_000_000",
    "a word before @": "'a' * 1_000_000 + '@'",
    "dotted run before @": "'a.' * 500_000 + '@x'",
    "address parts": "'a@b' * 333_333",
    "a URL": "'https://x.org/' + 'a' * 1_000_000",
    "a URL of brackets": "'https://x.org/' + ')' * 1_000_000",
    "URL starts": "'www.' * 250_000",
    "punctuation after a URL": "'https://x.org/a' + '.,;:!?' * 160_000",
}


@pytest.mark.parametrize("expression", LINEAR_CASES.values(), ids=list(LINEAR_CASES))
def test_patterns_are_linear_on_1mb_tokens(expression: str) -> None:
    """Each in a subprocess with a timeout, so a quadratic pattern fails instead of hanging
    (linear: well under a second each; the old QA e-mail pattern: hours on 1 MB)."""
    code = (
        "from pipeline.text.patterns import find_emails, find_urls, mask_links\n"
        f"text = {expression}\n"
        "find_urls(text); find_emails(text); assert len(mask_links(text)) == len(text)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
