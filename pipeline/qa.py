"""Quality checks on translated PO entries (``pipeline check``), in the spirit of ``pofilter``.

Each PO file (``translations/<lang>/<name>.po``) is checked entry by entry with
:func:`check_text`, plus once as a whole with ``msgfmt -c``. A check has a fixed
severity: an *error* means the published text would say something different from
the source (a changed number or URL, broken brackets) or the file is invalid; a
*warning* is worth a look but may be a legitimate translation choice.

==================  ========  ====================================================
check               severity  what it flags
==================  ========  ====================================================
msgfmt              error     ``msgfmt -c --use-fuzzy`` rejects the file (its own
                              warnings, e.g. missing header fields, stay warnings)
syntax              error     polib cannot parse the file (other checks skipped)
numbers             error     the multiset of numeric values differs (Babel parses
                              each side in its own locale: "4,000" == "4 000")
urls                error     a URL is missing, changed or added
emails              error     an e-mail address is missing, changed or added
brackets            error     the target's () [] and double quotes (" “” «») do not
                              pair up, unless the source segment is unbalanced alike
untranslated        warning   empty (or whitespace-only) msgstr
identical           warning   msgstr equals msgid (ignoring case); strings made only
                              of names, numbers or URLs are not flagged
whitespace          warning   leading or trailing whitespace differs
end-punctuation     warning   final punctuation differs ("..." == "…", spaces and
                              closing quotes/brackets before or after it ignored)
length-ratio        warning   len(target) / len(source) outside 0.5 .. 2.5 for a
                              source of at least 20 characters
french-typography   warning   (target ``fr*`` only) no no-break space (U+00A0 or
                              U+202F) before ; : ! ? or inside « », or a plain space
==================  ========  ====================================================

translate-toolkit's ``StandardChecker`` supplies ``startwhitespace``/``endwhitespace``
(whitespace), ``unchanged`` (identical, filtered further for names) and ``blank``
(untranslated). Its other checks misfire on French transcripts and are not used:
``numbers`` ("3.5" vs "3,5" fails), ``urls``/``emails`` (sentence punctuation is part
of the URL, so "example.org?" vs "example.org ?" fails), ``endpunc`` ("..." vs "…",
« oui ». vs "yes."), ``brackets`` (compares counts, ignores quotes),
``doublequoting``/``singlequoting`` (apostrophes), ``puncspacing`` ("2%" vs "2 %"),
``doublewords`` ("nous nous"), ``sentencecount``, ``acronyms``, ``printf`` and the
other software-string checks. translate-toolkit and Babel are imported lazily:
``pipeline --help`` must stay fast.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import UserError

if TYPE_CHECKING:
    import polib
    from rich.table import Table

ERROR = "error"
WARNING = "warning"

#: A source shorter than this (characters, stripped) is not length-checked.
LENGTH_MIN_SOURCE_CHARS = 20
#: Accepted range of len(target) / len(source); French runs ~1.1-1.3x English.
LENGTH_RATIO_MIN = 0.5
LENGTH_RATIO_MAX = 2.5

MSGFMT = "/usr/bin/msgfmt"
MSGFMT_TIMEOUT_S = 60

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
    "; : ! ? and inside « », not a plain space",
}

SEVERITY: dict[str, str] = {check: text.split(":", 1)[0] for check, text in CHECKS.items()}

NBSP = "\u00a0"
NNBSP = "\u202f"
NO_BREAK_SPACES = NBSP + NNBSP
SPACE_GROUPS = " " + NO_BREAK_SPACES

_URL_RE = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>\"«»“”]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'’)]}"
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SLASH_NUMBERS_RE = re.compile(r"(?<![\d/])\d{1,4}(?:/\d{1,4})+(?![\d/])")
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


@dataclass(frozen=True)
class Finding:
    """One problem found in one PO entry (or in the file, for ``msgfmt``/``syntax``)."""

    document: str  # document name (PO stem or relative name)
    language: str
    po_path: str
    po_line: int  # line of the entry in the PO file (polib entry.linenum)
    source_ref: str  # first "#:" reference, e.g. "examples/transcript.txt:17" ("" if none)
    msgid: str
    check: str  # short id, a key of CHECKS
    severity: str  # "error" | "warning"
    message: str  # one line, human readable

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with the field names as keys, for ``--json``."""
        return asdict(self)


Problem = tuple[str, str, str]  # (check, severity, message)


def _problem(check: str, message: str) -> Problem:
    """A (check, severity, message) triple with the check's documented severity."""
    return (check, SEVERITY[check], message)


# --------------------------------------------------------------------------- helpers


def _lang_code(language: str) -> str:
    """``fr-CA`` -> ``fr_CA`` (Babel's separator)."""
    return language.replace("-", "_")


def _is_french(language: str) -> bool:
    """True for ``fr``, ``fr_CA``, ``fr-BE``...: French typography rules apply."""
    return _lang_code(language).split("_", 1)[0].lower() == "fr"


@functools.cache
def _babel_locale(language: str) -> str:
    """The Babel locale for a language code, falling back to its language part, then ``en``."""
    from babel import Locale, UnknownLocaleError

    code = _lang_code(language)
    for candidate in (code, code.split("_", 1)[0]):
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
        return candidate
    return "en"


@functools.cache
def _number_re(language: str) -> re.Pattern[str]:
    """Regex matching one number as written in ``language`` (grouped or plain, with decimals).

    A group separator that is a space of any kind accepts all three (space, U+00A0,
    U+202F), because French text uses all of them for "4 000".
    """
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = _babel_locale(language)
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    groups = SPACE_GROUPS if group in SPACE_GROUPS else group + ("’" if group == "'" else "")
    g, d = "[" + re.escape(groups) + "]", re.escape(decimal)
    grouped = rf"\d{{1,3}}(?:{g}\d{{3}})+(?!\d)"
    return re.compile(rf"(?<!\d)(?:{grouped}|\d+)(?:{d}\d+)?")


def _parse_number(token: str, language: str) -> Decimal:
    """Value of a number token, parsed by Babel in the token's own locale."""
    from babel.numbers import NumberFormatError, parse_decimal

    locale = _babel_locale(language)
    try:
        return parse_decimal(token, locale=locale, strict=False)
    except (NumberFormatError, InvalidOperation):  # a token our regex built: digits only
        return Decimal(re.sub(r"\D", "", token) or "0")


@functools.cache
def _month_names(language: str) -> dict[int, tuple[str, ...]]:
    """Month number -> lowercase wide and abbreviated names in ``language``."""
    from babel.dates import get_month_names

    locale = _babel_locale(language)
    wide = get_month_names("wide", locale=locale)
    abbr = get_month_names("abbreviated", locale=locale)
    return {m: (wide[m].lower(), abbr[m].lower().rstrip(".")) for m in range(1, 13)}


def _find_urls(text: str) -> list[str]:
    """URLs in ``text`` without the sentence punctuation glued to their end."""
    urls = []
    for match in _URL_RE.finditer(text):
        url = match.group()
        while url and url[-1] in _URL_TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break  # a balanced parenthesis belongs to the URL (Wikipedia style)
            url = url[:-1]
        urls.append(url)
    return urls


def _mask_links(text: str) -> str:
    """``text`` with URLs and e-mail addresses replaced by same-length runs of ``x``."""
    for url in _find_urls(text):
        text = text.replace(url, "x" * len(url))
    return _EMAIL_RE.sub(lambda m: "x" * len(m.group()), text)


def _describe_diff(kind: str, source: Counter[str], target: Counter[str]) -> str:
    """'missing X; unexpected Y' for two multisets of strings."""
    missing = sorted((source - target).elements())
    extra = sorted((target - source).elements())
    parts = []
    if missing:
        parts.append(f"missing {kind}: " + ", ".join(missing))
    if extra:
        parts.append(f"unexpected {kind}: " + ", ".join(extra))
    return "; ".join(parts)


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


# --------------------------------------------------------------------------- the checks


def _check_numbers(source: str, target: str, src_lang: str, tgt_lang: str) -> list[Problem]:
    """Numeric values of both sides must be the same multiset (error).

    Extra target numbers equal to a part of a source slash group are tolerated:
    "24/7" may become "24 heures sur 24, 7 jours sur 7".
    """
    src_slashes, src_numbers = _numbers(source, src_lang)
    tgt_slashes, tgt_numbers = _numbers(target, tgt_lang)
    tgt_numbers, unmatched = _match_slashes(src_slashes, tgt_slashes, tgt_numbers, target, tgt_lang)
    slash_parts = {value for _, parts in src_slashes for value in parts}
    missing = Counter(v for _, v in src_numbers) - Counter(v for _, v in tgt_numbers)
    extra = Counter(v for _, v in tgt_numbers) - Counter(v for _, v in src_numbers)
    extra = Counter({v: n for v, n in extra.items() if v not in slash_parts})
    parts = []
    if missing or unmatched:
        shown = [f"'{text}'" for text, _ in unmatched]
        shown += [_show(n) for n in src_numbers if n[1] in missing]
        parts.append("missing " + ", ".join(shown))
    if extra:
        parts.append("unexpected " + ", ".join(_show(n) for n in tgt_numbers if n[1] in extra))
    return [_problem("numbers", "numbers differ: " + "; ".join(parts))] if parts else []


def _show(number: Number) -> str:
    """'4,000' or, when the text reads as another value, '4,000' (= 4)."""
    text, value = number
    plain = format(value.normalize(), "f")
    return f"'{text}'" if plain == text else f"'{text}' (= {plain})"


Number = tuple[str, Decimal]  # (text as written, value)
Slash = tuple[str, tuple[Decimal, ...]]  # ("9/11", (9, 11))


def _numbers(text: str, language: str) -> tuple[list[Slash], list[Number]]:
    """Slash groups ("9/11", "24/7") and the other numbers of ``text`` (links ignored)."""
    text = _mask_links(text)
    slashes = [
        (m.group(), tuple(Decimal(p) for p in m.group().split("/")))
        for m in _SLASH_NUMBERS_RE.finditer(text)
    ]
    text = _SLASH_NUMBERS_RE.sub(" ", text)
    numbers = [
        (m.group(), _parse_number(m.group(), language)) for m in _number_re(language).finditer(text)
    ]
    return slashes, numbers


def _match_slashes(
    src: list[Slash], tgt: list[Slash], tgt_numbers: list[Number], target: str, tgt_lang: str
) -> tuple[list[Number], list[Slash]]:
    """Pair source slash groups with the target: (target numbers left, unmatched groups).

    A group matches the same group, its day/month swap ("9/11" -> "11/9"), its parts
    as separate numbers ("24/7" -> "24 heures sur 24, 7 jours sur 7"), or a date with
    the month spelled out ("9/11" -> "11 septembre"). Unmatched target groups count
    as their separate numbers.
    """
    tgt = list(tgt)
    numbers = list(tgt_numbers)
    unmatched = []
    for group in src:
        parts = group[1]
        swapped = (parts[1], parts[0], *parts[2:])
        found = next((t for t in tgt if t[1] in (parts, swapped)), None)
        if found is not None:
            tgt.remove(found)
            continue
        rest = _consume(numbers, parts)
        if rest is None:
            rest = _consume_date(numbers, parts, target, tgt_lang)
        if rest is None:
            unmatched.append(group)
        else:
            numbers = rest
    leftover = [(format(v, "f"), v) for _, parts in tgt for v in parts]
    return numbers + leftover, unmatched


def _consume(numbers: list[Number], values: Iterable[Decimal]) -> list[Number] | None:
    """``numbers`` without one occurrence of each value, or None if one is absent."""
    rest = list(numbers)
    for value in values:
        index = next((i for i, (_, v) in enumerate(rest) if v == value), None)
        if index is None:
            return None
        del rest[index]
    return rest


def _consume_date(
    numbers: list[Number], parts: tuple[Decimal, ...], target: str, language: str
) -> list[Number] | None:
    """Match "m/d" or "d/m" (optionally "/y") written with the month's name in the target."""
    lowered = target.lower()
    for month_index in (0, 1):
        month = parts[month_index]
        if not (1 <= month <= 12 and month == int(month)):
            continue
        names = _month_names(language)[int(month)]
        if not any(re.search(rf"\b{re.escape(n)}\b", lowered) for n in names if n):
            continue
        others = [p for i, p in enumerate(parts) if i != month_index]
        rest = _consume(numbers, others)
        if rest is not None:
            return rest
    return None


def _check_links(source: str, target: str) -> list[Problem]:
    """URLs and e-mail addresses must be the same, byte for byte (errors)."""
    problems = []
    src_urls, tgt_urls = Counter(_find_urls(source)), Counter(_find_urls(target))
    if src_urls != tgt_urls:
        problems.append(_problem("urls", _describe_diff("URL", src_urls, tgt_urls)))
    src_mails = Counter(_EMAIL_RE.findall(_mask_urls_only(source)))
    tgt_mails = Counter(_EMAIL_RE.findall(_mask_urls_only(target)))
    if src_mails != tgt_mails:
        problems.append(_problem("emails", _describe_diff("e-mail", src_mails, tgt_mails)))
    return problems


def _mask_urls_only(text: str) -> str:
    """``text`` with URLs blanked, so "https://user@host" is not an e-mail address."""
    for url in _find_urls(text):
        text = text.replace(url, " ")
    return text


def _bracket_problems(text: str) -> list[str]:
    """Pairing problems of () [] “” «» and straight double quotes, in reading order."""
    stack: list[str] = []
    problems = []
    for char in text:
        if char == '"':
            if stack and stack[-1] == '"':
                stack.pop()
            else:
                stack.append(char)
        elif char in _BRACKET_PAIRS:
            stack.append(char)
        elif char in _BRACKET_CLOSERS:
            if stack and stack[-1] == _BRACKET_CLOSERS[char]:
                stack.pop()
            elif _BRACKET_CLOSERS[char] in stack:
                while stack[-1] != _BRACKET_CLOSERS[char]:
                    problems.append(f"unclosed '{stack.pop()}'")
                stack.pop()
            else:
                problems.append(f"unexpected '{char}'")
    problems.extend(f"unclosed '{char}'" for char in stack)
    return problems


def _bracket_signature(problems: list[str]) -> Counter[tuple[str, str]]:
    """Problems by kind and family ((), [], quotes): what a segment may inherit."""
    return Counter((p.split()[0], _FAMILY.get(p[-2], "quotes")) for p in problems)


def _check_brackets(source: str, target: str) -> list[Problem]:
    """The target's brackets and double quotes must pair up (error).

    A transcript segment is one sentence, so a quotation spanning sentences leaves
    the source segment unbalanced; the target may then be unbalanced the same way.
    """
    tgt = _bracket_problems(target)
    if not tgt:
        return []
    if _bracket_signature(tgt) == _bracket_signature(_bracket_problems(source)):
        return []
    return [_problem("brackets", "unbalanced brackets/quotes: " + ", ".join(tgt))]


def _names_or_numbers_only(text: str) -> bool:
    """True when every word is capitalised (a name like "Barack Obama") or there are none."""
    words = [w for w in _WORD_RE.findall(_mask_links(text)) if w.lower() not in _NAME_CONNECTORS]
    words = [w for w in words if w.strip("x")]  # masked links
    return all(w[0].isupper() for w in words)


def _check_identical(source: str, target: str, tgt_lang: str) -> list[Problem]:
    """translate-toolkit's ``unchanged``, minus names-only/numbers-only strings (warning)."""
    if _ttk_fails(tgt_lang, "unchanged", source, target) is None:
        return []
    if _names_or_numbers_only(source):
        return []
    return [_problem("identical", "translation is identical to the source")]


def _check_whitespace(source: str, target: str, tgt_lang: str) -> list[Problem]:
    """translate-toolkit's ``startwhitespace`` and ``endwhitespace`` (warning)."""
    problems = []
    for check, where in (("startwhitespace", "leading"), ("endwhitespace", "trailing")):
        if _ttk_fails(tgt_lang, check, source, target) is not None:
            problems.append(_problem("whitespace", f"{where} whitespace differs from the source"))
    return problems


def _final_punctuation(text: str) -> str:
    """Punctuation ending ``text``, ignoring spaces and closing quotes/brackets around it."""
    text = text.replace("...", "…").replace("--", "—").replace("–", "—")
    found = []
    for char in reversed(text):
        if char.isspace() or char in _CLOSERS:
            continue
        if char not in _FINAL_PUNCT:
            break
        found.append(char)
    return "".join(reversed(found))


def _check_end_punctuation(source: str, target: str) -> list[Problem]:
    """Final punctuation must match; "..." == "…", "--" == "—", spacing ignored (warning)."""
    src, tgt = _final_punctuation(source), _final_punctuation(target)
    if src == tgt:
        return []
    shown = [repr(p) if p else "none" for p in (src, tgt)]
    return [_problem("end-punctuation", f"ends with {shown[1]}, the source with {shown[0]}")]


def _check_length(source: str, target: str) -> list[Problem]:
    """len(target)/len(source) within LENGTH_RATIO_MIN..MAX for long enough sources (warning)."""
    src_len, tgt_len = len(source.strip()), len(target.strip())
    if src_len < LENGTH_MIN_SOURCE_CHARS:
        return []
    ratio = tgt_len / src_len
    if LENGTH_RATIO_MIN <= ratio <= LENGTH_RATIO_MAX:
        return []
    return [
        _problem(
            "length-ratio",
            f"translation is {ratio:.2f}x the source length "
            f"(expected {LENGTH_RATIO_MIN}..{LENGTH_RATIO_MAX})",
        )
    ]


def _french_spacing_issues(text: str) -> list[str]:
    """Places where French needs a no-break space: before ; : ! ?, after «, before »."""
    text = _mask_links(text)
    issues = []
    for i, char in enumerate(text):
        if char in ";:!?" and i > 0:
            before, after = text[i - 1], text[i + 1 : i + 2]
            if before in ";:!?…" or (char == ":" and before.isdigit() and after.isdigit()):
                continue  # "?!", "…?", "10:30", "3:1"
            issues.extend(_space_issue(before, f"before '{char}'"))
        elif char == "«":
            issues.extend(_space_issue(text[i + 1 : i + 2], "after '«'"))
        elif char == "»" and i > 0:
            issues.extend(_space_issue(text[i - 1], "before '»'"))
    return issues


def _space_issue(neighbour: str, where: str) -> list[str]:
    """[] if ``neighbour`` is a no-break space, else what is wrong there."""
    if neighbour and neighbour in NO_BREAK_SPACES:
        return []
    if neighbour.isspace():
        return [f"plain space {where}"]
    return [f"no space {where}"]


def _check_french(target: str) -> list[Problem]:
    """French typography of the target: one warning listing every place (warning)."""
    issues = _french_spacing_issues(target)
    if not issues:
        return []
    counts = Counter(issues)
    listed = ", ".join(f"{issue} (x{n})" if n > 1 else issue for issue, n in counts.items())
    return [_problem("french-typography", f"{listed}: use U+00A0 or U+202F")]


def check_text(
    source: str, target: str, source_language: str, target_language: str
) -> list[tuple[str, str, str]]:
    """All per-entry checks for one (source, target) pair: a list of (check, severity, message).

    An empty ``target`` only yields "untranslated". Strings are NFC-normalised first
    so that composed and decomposed accents compare equal.
    """
    source = unicodedata.normalize("NFC", source)
    target = unicodedata.normalize("NFC", target)
    if not target:
        return [_problem("untranslated", "no translation")] if source.strip() else []
    if _ttk_fails(target_language, "blank", source, target) is not None:
        return [_problem("untranslated", "translation is only whitespace")]
    problems = _check_numbers(source, target, source_language, target_language)
    problems += _check_links(source, target)
    problems += _check_brackets(source, target)
    problems += _check_identical(source, target, target_language)
    problems += _check_whitespace(source, target, target_language)
    problems += _check_end_punctuation(source, target)
    problems += _check_length(source, target)
    if _is_french(target_language):
        problems += _check_french(target)
    return problems


# --------------------------------------------------------------------------- files


_MSGFMT_LINE_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?:\d+:)? (?P<message>.*)$")
_HEADER_FIELD_RE = re.compile(r"^warning: header field '(?P<field>[^']+)' missing in header$")


def _msgfmt_binary() -> str | None:
    """/usr/bin/msgfmt, or msgfmt from PATH, or None when gettext is not installed."""
    if os.access(MSGFMT, os.X_OK):
        return MSGFMT
    import shutil

    return shutil.which("msgfmt")


def _run_msgfmt(po_path: Path) -> list[tuple[int, str, str]] | None:
    """``msgfmt -c`` diagnostics as (line, severity, message); None if msgfmt is missing.

    ``--use-fuzzy`` makes msgfmt check fuzzy (machine) entries too: they get published.
    The C locale keeps messages in English with ASCII quotes, so they can be parsed.
    """
    binary = _msgfmt_binary()
    if binary is None:
        return None
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": ""}
    args = [binary, "-c", "--use-fuzzy", "-o", os.devnull, "--", str(po_path)]
    try:
        result = subprocess.run(
            args, capture_output=True, env=env, timeout=MSGFMT_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return [(0, ERROR, f"msgfmt did not finish within {MSGFMT_TIMEOUT_S} s")]
    diagnostics = _parse_msgfmt(result.stderr.decode("utf-8", errors="replace"))
    if result.returncode != 0 and not any(sev == ERROR for _, sev, _ in diagnostics):
        diagnostics.append((0, ERROR, f"msgfmt -c failed with exit status {result.returncode}"))
    return diagnostics


def _parse_msgfmt(stderr: str) -> list[tuple[int, str, str]]:
    """Parse "file:line: message" lines; continuation lines join the previous message.

    The "header field 'X' missing" warnings of one line are merged into one.
    """
    diagnostics: list[tuple[int, str, str]] = []
    missing_fields: dict[int, list[str]] = {}
    for raw in stderr.splitlines():
        match = _MSGFMT_LINE_RE.match(raw)
        if match is None:
            if raw.startswith((" ", "\t")) and diagnostics:
                line, sev, message = diagnostics[-1]
                diagnostics[-1] = (line, sev, f"{message} {raw.strip()}")
            continue  # "msgfmt: found 1 fatal error" and the like
        line, message = int(match["line"]), match["message"].strip()
        header = _HEADER_FIELD_RE.match(message)
        if header:
            missing_fields.setdefault(line, []).append(header["field"])
            continue
        severity = WARNING if message.startswith("warning:") else ERROR
        diagnostics.append((line, severity, message.removeprefix("warning:").strip()))
    for line, fields in missing_fields.items():
        diagnostics.append((line, WARNING, "header fields missing: " + ", ".join(fields)))
    return diagnostics


def _source_ref(entry: polib.POEntry) -> str:
    """First "#:" reference as "path:line" (or "path"), "" without one."""
    if not entry.occurrences:
        return ""
    path, line = entry.occurrences[0]
    return f"{path}:{line}" if line else path


def _is_reviewed(entry: polib.POEntry) -> bool:
    """Reviewed = translated and not fuzzy."""
    return bool(entry.msgstr or any(entry.msgstr_plural.values())) and not entry.fuzzy


def _entry_pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, target) pairs of an entry: one, or one per plural form."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = sorted(entry.msgstr_plural.items())
    pairs = [(entry.msgid if index == 0 else entry.msgid_plural, text) for index, text in forms]
    if pairs and not any(text for _, text in pairs):
        return [(entry.msgid, "")]
    return [(source, text) for source, text in pairs if text]


def _load_po(po_path: Path) -> polib.POFile:
    """Parse a PO file with polib; OSError/ValueError when it is not valid."""
    import polib

    return polib.pofile(str(po_path), wrapwidth=78)


def check_po_file(
    po_path: Path,
    document: str,
    language: str,
    source_language: str = "en",
    *,
    reviewed_only: bool = False,
) -> list[Finding]:
    """All findings for one PO file: ``msgfmt -c`` plus :func:`check_text` on each entry.

    Obsolete entries and the header are skipped. Every other entry is checked,
    reviewed and machine (fuzzy) alike; an empty msgstr gives "untranslated".
    With ``reviewed_only`` only reviewed entries are checked (no "untranslated").
    Findings are sorted by PO line.
    """
    po_path = Path(po_path)
    if not po_path.is_file():
        raise UserError(f"{po_path}: PO file not found")

    def finding(line: int, ref: str, msgid: str, problem: Problem) -> Finding:
        check, severity, message = problem
        return Finding(document, language, str(po_path), line, ref, msgid, check, severity, message)

    try:
        po = _load_po(po_path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        findings = _msgfmt_findings(po_path, [], finding)
        message = f"polib cannot parse the file ({exc}); other checks skipped"
        findings.append(finding(0, "", "", _problem("syntax", message)))
        return findings

    entries = [e for e in po if not e.obsolete and e.msgid != ""]
    findings = _msgfmt_findings(po_path, entries, finding)
    for entry in entries:
        if reviewed_only and not _is_reviewed(entry):
            continue
        ref = _source_ref(entry)
        for source, target in _entry_pairs(entry):
            for problem in check_text(source, target, source_language, language):
                findings.append(finding(entry.linenum, ref, entry.msgid, problem))
    return sorted(findings, key=lambda f: (f.po_line, f.severity != ERROR))


def _msgfmt_findings(po_path: Path, entries: list[polib.POEntry], finding: Any) -> list[Finding]:
    """msgfmt diagnostics as findings, attributed to the entry that contains their line."""
    diagnostics = _run_msgfmt(po_path)
    if diagnostics is None:
        return [finding(0, "", "", ("msgfmt", WARNING, "msgfmt not found; validity not checked"))]
    by_line = sorted(entries, key=lambda e: e.linenum)
    findings = []
    for line, severity, message in diagnostics:
        owner = None
        for entry in by_line:
            if entry.linenum > line:
                break
            owner = entry
        if owner is None:  # the header, or a line polib did not attribute
            findings.append(finding(line, "", "", ("msgfmt", severity, message)))
        else:
            text = f"line {line}: {message}"
            problem = ("msgfmt", severity, text)
            findings.append(finding(owner.linenum, _source_ref(owner), owner.msgid, problem))
    return findings


def check_translations_dir(
    translations_dir: Path,
    languages: Iterable[str] | None = None,
    source_language: str = "en",
    *,
    reviewed_only: bool = False,
) -> list[Finding]:
    """Check every ``<translations_dir>/<lang>/**/<name>.po`` (all languages by default).

    The document name is the PO path relative to its language folder, without ".po"
    (so mirrored trees give "sub/dir/doc").
    """
    translations_dir = Path(translations_dir)
    if languages is None:
        dirs = (
            sorted(p for p in translations_dir.iterdir() if p.is_dir())
            if (translations_dir.is_dir())
            else []
        )
    else:
        dirs = [translations_dir / lang for lang in languages]
    findings: list[Finding] = []
    for lang_dir in dirs:
        for po_path in sorted(lang_dir.rglob("*.po")):
            name = po_path.relative_to(lang_dir).with_suffix("").as_posix()
            findings += check_po_file(
                po_path, name, lang_dir.name, source_language, reviewed_only=reviewed_only
            )
    return findings


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is error-level: ``pipeline check`` then exits 1."""
    return any(f.severity == ERROR for f in findings)


def render_findings_table(findings: list[Finding]) -> Table:
    """A rich table of findings for the terminal: one row per finding."""
    from rich.table import Table
    from rich.text import Text

    errors = sum(1 for f in findings if f.severity == ERROR)
    table = Table(title=f"{errors} errors, {len(findings) - errors} warnings", show_lines=False)
    for column in ("severity", "check", "document", "lang", "PO line", "source", "msgid"):
        table.add_column(column, no_wrap=column in ("severity", "check", "PO line"))
    table.add_column("message", overflow="fold")
    for f in findings:
        style = "bold red" if f.severity == ERROR else "yellow"
        msgid = f.msgid if len(f.msgid) <= 50 else f.msgid[:49] + "…"
        cells = (f.check, f.document, f.language, str(f.po_line), f.source_ref, msgid, f.message)
        # Text cells: "[applause]" in a msgid must not be read as rich markup.
        table.add_row(Text(f.severity, style=style), *(Text(c) for c in cells))
    return table
