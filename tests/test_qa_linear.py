"""Every check on 1 MB tokens: linear patterns, one-line messages (issue #12, case 9).

``pipeline check`` once hung on a 100,000-character word (a quadratic e-mail
pattern). Each case below runs every per-entry rule with the token as source,
as target and as both (``identical`` looks deeper then), in French. The
watchdog is a hang detector, not a speed goal: the speed lives in
``bench/qa_long_tokens.py`` (well under a second per case there).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from po_files import entry, needs_msgfmt, write_po

from pipeline.qa import CHECKS, check_po_file, check_text

MB = 1_000_000

#: Far above the bench's numbers; only a superlinear pattern gets near it.
HANG_SECONDS = 60

TOKENS = {
    "word": "a" * MB,
    "word-then-at": "a" * MB + "@",
    "e-mail-like": "a." * (MB // 2) + "@b",
    "digits-and-commas": "1," * (MB // 2) + "1",
    "digit-groups-plain-spaces": "1" + " 000" * (MB // 4),
    "dotted-digits": "1." * (MB // 2) + "1",
    "digit-runs": "1234567890" * (MB // 10),
    "slash-groups": "1/" * (MB // 2) + "1",
    "url": "https://" + "a" * MB,
    "url-of-dots": "www." * (MB // 4),
    "url-with-parentheses": "https://x.org/" + "(" * (MB // 2) + ")" * (MB // 2 + 1) + ".",
    "brackets": "(" * (MB // 2) + "]" * (MB // 2),
    "french-marks": "a?" * (MB // 2),
    "straight-quotes": '"' * MB,
    "punctuation": "?" * MB,
}


@contextlib.contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Fail instead of hanging (the regex engine checks for signals as it runs)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: superlinear?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_megabyte_token_in_every_check(name: str) -> None:
    token = TOKENS[name]
    with no_hang():
        problems = (
            check_text(token, "Oui.", "en", "fr")
            + check_text("Yes.", token, "en", "fr")
            + check_text(token, token, "en", "fr")
        )
    assert {check for check, _, _ in problems} <= set(CHECKS)
    for check, _, message in problems:
        assert len(message) < 1_000, (check, message[:200])
        assert "\n" not in message


def test_megabyte_tokens_find_what_they_hold() -> None:
    """The long inputs are really checked, not skipped."""
    with no_hang():
        url = TOKENS["url"]
        assert {c for c, _, _ in check_text(f"See {url}.", "Voir le site.", "en", "fr")} >= {
            "urls"
        }
        groups = TOKENS["digit-groups-plain-spaces"]
        problems = check_text(f"About {groups} km.", f"Environ {groups} km.", "en", "fr")
        typography = [m for c, _, m in problems if c == "french-typography"]
        assert typography and "plain space in '1 000 000" in typography[0]
        assert len(typography[0]) < 200
        mail = "a" * MB + "@nato.int"
        assert "emails" in {c for c, _, _ in check_text(f"Write {mail}.", "Écrivez.", "en", "fr")}


@needs_msgfmt
def test_megabyte_word_in_a_po_file(tmp_path: Path) -> None:
    """The reported case: a PO entry holding one 1,000,000-character word."""
    word = TOKENS["word"]
    path = write_po(tmp_path / "fr" / "huge.po", [entry(f"See {word}.", f"Voir {word}@ ?", 1)])
    with no_hang():
        findings = check_po_file(path, "huge", "fr")
    assert sorted(f.check for f in findings) == ["end-punctuation", "french-typography"]
    assert all(len(f.message) < 100 for f in findings)
