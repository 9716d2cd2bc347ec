"""The catalogue of checks (id → severity and one-line description) and message helpers.

Every module of :mod:`pipeline.qa` reports problems as ``(check, severity, message)``
triples built by :func:`problem`, so a check's severity is stated once, here.
Messages quote the user's text through :func:`quoted` and list many items
through :func:`listing`: a finding stays one readable line even when the
translation holds a 1 MB word or 100,000 numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)

#: A source shorter than this (characters, stripped) is not length-checked.
LENGTH_MIN_SOURCE_CHARS = 20
#: Accepted range of len(target) / len(source); French runs ~1.1-1.3x English.
LENGTH_RATIO_MIN = 0.5
LENGTH_RATIO_MAX = 2.5

#: check id -> "severity: what it flags" (``pipeline check --check`` takes these ids).
CHECKS: dict[str, str] = {
    "msgfmt": "error: `msgfmt -c --use-fuzzy` rejects the PO file (msgfmt warnings stay warnings)",
    "syntax": "error: polib cannot parse the PO file; the per-entry checks were skipped",
    "numbers": "error: numbers differ (values compared with Babel: '4,000' == '4 000', "
    "'3.5' == '3,5'; '9/11' may become '11 septembre')",
    "urls": "error: a URL is missing, changed or added",
    "emails": "error: an e-mail address is missing, changed or added",
    "brackets": 'error: unbalanced () [] or double quotes (" “” «») in the translation',
    "untranslated": "warning: the entry has no translation (empty or blank msgstr)",
    "identical": "warning: the translation is identical to the source "
    "(names-only and numbers-only strings are ignored)",
    "whitespace": "warning: leading or trailing whitespace differs from the source",
    "end-punctuation": "warning: final punctuation differs ('...' == '…', "
    "no-break space before '?' allowed)",
    "length-ratio": f"warning: translation/source length ratio outside "
    f"{LENGTH_RATIO_MIN}..{LENGTH_RATIO_MAX} (sources of {LENGTH_MIN_SOURCE_CHARS}+ chars)",
    "french-typography": "warning: French needs a no-break space (U+00A0/U+202F) before "
    "; : ! ?, inside « » and between digit groups ('4 000'), not a plain space",
    "doublequoting": 'warning: straight double quotes (") in French: use « » with no-break spaces',
}

SEVERITY: dict[str, str] = {check: text.split(":", 1)[0] for check, text in CHECKS.items()}

Problem = tuple[str, str, str]  # (check, severity, message)

#: Longest piece of user text quoted in a message; longer ones keep both ends.
QUOTE_MAX_CHARS = 80
#: Items named in a message before "and N more".
LISTING_MAX_ITEMS = 5


def problem(check: str, message: str, severity: str | None = None) -> Problem:
    """A (check, severity, message) triple; the severity defaults to the check's documented one."""
    return (check, severity or SEVERITY[check], message)


def shorten(text: str, limit: int = QUOTE_MAX_CHARS) -> str:
    """``text`` cut to ``limit`` characters around a middle "…" (start and end kept)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


def quoted(text: str) -> str:
    """``'text'``, shortened for a one-line message."""
    return f"'{shorten(text)}'"


def listing(items: Sequence[str], limit: int = LISTING_MAX_ITEMS, total: int | None = None) -> str:
    """"a, b, c" or "a, b, c, d, e and 12 more" (items already formatted).

    ``total``: how many items there are when ``items`` holds only the first few.
    """
    total = len(items) if total is None else total
    if total <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {total - limit:,} more"
