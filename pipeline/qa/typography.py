"""French typography of a translation: no-break spaces and quotation marks (warnings).

``french-typography``: CLDR and the Imprimerie nationale put a no-break space
(U+00A0, or the narrow U+202F) before ``; : ! ?``, inside ``« »`` and between digit
groups ("4 000"). A plain space there lets a line break strand the mark or cut
the number ("environ 4 / 000."), so it is flagged like a missing space.

``doublequoting`` (translate-toolkit's name for its quote check): straight double
quotes ``"`` in French text, where « » with no-break spaces inside are expected.

Both checks apply to targets in French (``fr``, ``fr_CA``, ...) only and ignore
URLs and e-mail addresses. Each loop is a single pass over the text.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.qa.links import mask_links
from pipeline.qa.numbers import plain_space_numbers
from pipeline.qa.rules import Problem, listing, problem, quoted

# Each pattern starts with the mark itself (the engine then skips other characters
# in C) and looks at its neighbour with a fixed-width lookaround. PLAIN is a space
# that is not a no-break one. "?!", "…?" need no space; ":" between digits is a
# time or a ratio ("10:30", "3:1").
_PLAIN = r"[^\S\u00a0\u202f]"
_SPACING_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("no space before '{}'", re.compile(r"[;:!?](?<=[^\s;:!?…].)(?!(?<=\d:)\d)")),
    ("plain space before '{}'", re.compile(rf"[;:!?](?<={_PLAIN}.)")),
    ("no space after '{}'", re.compile(r"«(?=\S)")),
    ("plain space after '{}'", re.compile(rf"«(?={_PLAIN})")),
    ("no space before '{}'", re.compile(r"»(?<=\S.)")),
    ("plain space before '{}'", re.compile(rf"»(?<={_PLAIN}.)")),
)


def french_spacing_issues(text: str) -> Counter[str]:
    """Places where French needs a no-break space (before ; : ! ?, after «, before »), counted."""
    text = mask_links(text)
    issues: Counter[str] = Counter()
    for label, pattern in _SPACING_RULES:
        for mark, count in Counter(pattern.findall(text)).items():
            issues[label.format(mark)] += count
    return issues


def check_french_typography(target: str, language: str) -> list[Problem]:
    """One ``french-typography`` warning listing every place that needs a no-break space."""
    counts = french_spacing_issues(target)
    listed = [f"{issue} (x{n})" if n > 1 else issue for issue, n in counts.items()]
    numbers = plain_space_numbers(target, language)
    if numbers:
        listed.append("plain space in " + listing([quoted(n) for n in numbers]))
    if not listed:
        return []
    return [problem("french-typography", f"{', '.join(listed)}: use U+00A0 or U+202F")]


def check_doublequoting(target: str) -> list[Problem]:
    """A ``doublequoting`` warning when French text uses straight double quotes."""
    count = mask_links(target).count('"')
    if not count:
        return []
    times = f" (x{count})" if count > 1 else ""
    return [
        problem(
            "doublequoting",
            f'straight double quote \'"\'{times}: French uses « » with no-break spaces inside',
        )
    ]
