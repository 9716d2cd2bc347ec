"""The ``numbers`` check: the same numeric values on both sides, each read in its own locale.

Both sides are tokenised with the number format CLDR gives their language (Babel):
"4,000" is four thousand in English and four in French, where four thousand is
"4 000" (U+202F; U+00A0 and a plain space are read the same way, the plain
space is a ``french-typography`` warning). A token that is not a number in its
language ("4.000", "4'000" or "3.5" in French, "1.9.2") is kept whole and only
equals the same text on the other side.

A mismatch names what was expected, written the target language's way::

    '4,000' should be '4 000' in French
    missing '28'; unexpected '2018'

Missing and unexpected values are paired in reading order, so the same string is
never reported as both missing and unexpected. Slash groups get their own rules:
"9/11" may stay, swap to "11/9", become "11 septembre", and "24/7" may become
"24 heures sur 24, 7 jours sur 7".

All of it is linear in the length of the text: the patterns cannot restart
inside a run of digits (``(?<!\\d)``), tokens are parsed without Babel, and
slash groups are matched with multisets.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from pipeline.qa.links import mask_links
from pipeline.qa.rules import LISTING_MAX_ITEMS, Problem, listing, problem, quoted

NBSP = "\u00a0"
NNBSP = "\u202f"
NO_BREAK_SPACES = NBSP + NNBSP
SPACE_GROUPS = " " + NO_BREAK_SPACES

#: Longest number (characters) rewritten in the target's format for a message.
FORMAT_MAX_CHARS = 40

_SLASH_NUMBERS_RE = re.compile(r"(?<![\d/])\d{1,4}(?:/\d{1,4})+(?![\d/])")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_DIGIT_RE = re.compile(r"\d")
_INT_MAX_DIGITS = 18

Key = int | Decimal | str  # a value, or the exact text of a token that is not a number here


class Number(NamedTuple):
    """A number as written (``text``) and what it means (``key``) in its language.

    A NamedTuple, not a dataclass: a 1 MB line of digits makes 500,000 of them.
    """

    text: str
    key: Key
    grouped: bool = False  # written with a group separator ("4,000", "4 000")

    @property
    def is_value(self) -> bool:
        return not isinstance(self.key, str)


# --------------------------------------------------------------------------- locales


def lang_code(language: str) -> str:
    """``fr-CA`` -> ``fr_CA`` (Babel's separator)."""
    return language.replace("-", "_")


def is_french(language: str) -> bool:
    """True for ``fr``, ``fr_CA``, ``fr-BE``...: French typography rules apply."""
    return lang_code(language).split("_", 1)[0].lower() == "fr"


@functools.cache
def babel_locale(language: str) -> str:
    """The Babel locale for a language code, falling back to its language part, then ``en``."""
    from babel import Locale, UnknownLocaleError

    code = lang_code(language)
    for candidate in (code, code.split("_", 1)[0]):
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
        return candidate
    return "en"


@functools.cache
def language_name(language: str) -> str:
    """"French", "French (Canada)": the language's English name (CLDR)."""
    from babel import Locale

    return Locale.parse(babel_locale(language)).get_display_name("en") or language


@functools.cache
def _symbols(language: str) -> tuple[str, str]:
    """(group separators accepted, decimal symbol) of ``language`` per CLDR.

    A group separator that is a space of any kind accepts all three (space,
    U+00A0, U+202F): French text uses all of them for "4 000".
    """
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = babel_locale(language)
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    groups = SPACE_GROUPS if group in SPACE_GROUPS else group + ("’" if group == "'" else "")
    return groups, decimal


@functools.cache
def _number_re(language: str) -> re.Pattern[str]:
    """One number token as written in ``language``, or a run of digits, dots and commas.

    ``valid`` is a number of the language (grouped or plain, maybe with decimals)
    not followed by more digits; anything else made of digits joined by "." or ","
    is ``other`` and kept whole ("4.000" or "4'000" in French, "1.9.2").
    """
    groups, decimal = _symbols(language)
    g, d = "[" + re.escape(groups) + "]", re.escape(decimal)
    valid = rf"(?:(?P<grouped>\d{{1,3}}(?:{g}\d{{3}})+(?!\d))|\d+)(?:{d}\d+)?"
    joiner = "[.,'’]"
    return re.compile(
        rf"(?<!\d)(?:(?P<valid>{valid})(?!{joiner}?\d)|(?P<other>\d+(?:{joiner}\d+)+))"
    )


@functools.cache
def _to_plain(language: str) -> dict[int, str | None]:
    """``str.translate`` table: group separators dropped, the decimal symbol made a point."""
    groups, decimal = _symbols(language)
    return {**{ord(g): None for g in groups}, ord(decimal): "."}


def _value(token: str, language: str) -> int | Decimal:
    """Value of a ``valid`` token of ``language``: an int when it is short and whole.

    ints and Decimals of the same value are equal and hash alike, so both sides
    compare whatever type each token got; int() is the faster of the two.
    """
    if token.isdigit() and len(token) <= _INT_MAX_DIGITS:
        return int(token)
    try:
        return Decimal(token.translate(_to_plain(language)))
    except InvalidOperation:  # cannot happen for a token of _number_re; keep it comparable
        return Decimal(0)


def number_tokens(text: str, language: str) -> list[Number]:
    """Every number token of ``text`` (links must already be masked)."""
    if not _DIGIT_RE.search(text):
        return []
    numbers = []
    for match in _number_re(language).finditer(text):
        token = match.group()
        if match.group("valid") is None:
            numbers.append(Number(token, token))
        else:
            grouped = match.group("grouped") is not None
            numbers.append(Number(token, _value(token, language), grouped))
    return numbers


def plain_space_numbers(text: str, language: str) -> list[str]:
    """Numbers grouped with a plain space ("4 000"), which may break across lines."""
    if " " not in text:
        return []
    return [n.text for n in _numbers(text, language)[1] if n.grouped and " " in n.text]


# --------------------------------------------------------------------------- the check


def check_numbers(source: str, target: str, src_lang: str, tgt_lang: str) -> list[Problem]:
    """Numeric values of both sides must be the same multiset (error ``numbers``).

    Extra target numbers equal to a part of a source slash group are tolerated:
    "24/7" may become "24 heures sur 24, 7 jours sur 7".
    """
    src_slashes, src_numbers = _numbers(source, src_lang)
    tgt_slashes, tgt_numbers = _numbers(target, tgt_lang)
    tgt_numbers, unmatched = _match_slashes(src_slashes, tgt_slashes, tgt_numbers, target, tgt_lang)
    slash_parts = {value for _, parts in src_slashes for value in parts}
    src_keys, tgt_keys = Counter(n.key for n in src_numbers), Counter(n.key for n in tgt_numbers)
    missing = _take(src_numbers, src_keys - tgt_keys)
    extra = [n for n in _take(tgt_numbers, tgt_keys - src_keys) if n.key not in slash_parts]
    message = _describe(missing, extra, [text for text, _ in unmatched], src_lang, tgt_lang)
    return [problem("numbers", message)] if message else []


def _describe(
    missing: list[Number], extra: list[Number], slashes: list[str], src_lang: str, tgt_lang: str
) -> str:
    """"'4,000' should be '4 000' in French; missing '28'; unexpected '7'".

    Missing and unexpected numbers are paired in reading order; only the items
    shown (see :func:`~pipeline.qa.rules.listing`) are formatted.
    """
    paired = min(len(missing), len(extra))
    shown = slice(0, LISTING_MAX_ITEMS + 1)  # listing() names LISTING_MAX_ITEMS, counts the rest
    in_target = f" in {language_name(tgt_lang)}"
    changes = [
        f"{quoted(got.text)} should be {quoted(_written_in(want, src_lang, tgt_lang))}{in_target}"
        for want, got in zip(missing[:paired][shown], extra[:paired][shown], strict=True)
    ]
    parts = [listing(changes, total=paired)] if paired else []
    lost = [quoted(text) for text in slashes[shown]]
    lost += [quoted(_written_in(n, src_lang, tgt_lang)) for n in missing[paired:][shown]]
    if lost:
        parts.append("missing " + listing(lost, total=len(slashes) + len(missing) - paired))
    if extra[paired:]:
        added = [quoted(n.text) for n in extra[paired:][shown]]
        parts.append("unexpected " + listing(added, total=len(extra) - paired))
    return "; ".join(parts)


def _take(numbers: list[Number], wanted: Counter[Key]) -> list[Number]:
    """The first ``wanted[key]`` numbers of each key, in reading order."""
    left = Counter(wanted)
    taken = []
    for number in numbers:
        if left[number.key] > 0:
            left[number.key] -= 1
            taken.append(number)
    return taken


def _written_in(number: Number, src_lang: str, tgt_lang: str) -> str:
    """``number`` (from the source) the way the target language writes it ("4 000")."""
    if not number.is_value or len(number.text) > FORMAT_MAX_CHARS:
        return number.text
    from babel.numbers import format_decimal

    return format_decimal(
        number.key,
        locale=babel_locale(tgt_lang),
        group_separator=number.grouped,
        decimal_quantization=False,
    )


Slash = tuple[str, tuple[int, ...]]  # ("9/11", (9, 11))


@functools.lru_cache(maxsize=8)
def _numbers(text: str, language: str) -> tuple[list[Slash], list[Number]]:
    """Slash groups ("9/11", "24/7") and the other numbers of ``text`` (links ignored).

    Cached (callers do not modify the lists): the typography check reads the same
    target's numbers again.
    """
    text = mask_links(text)
    if "/" not in text:
        return [], number_tokens(text, language)
    slashes = [
        (m.group(), tuple(map(int, m.group().split("/"))))
        for m in _SLASH_NUMBERS_RE.finditer(text)
    ]
    text = _SLASH_NUMBERS_RE.sub(" ", text)
    return slashes, number_tokens(text, language)


def _match_slashes(
    src: list[Slash], tgt: list[Slash], tgt_numbers: list[Number], target: str, tgt_lang: str
) -> tuple[list[Number], list[Slash]]:
    """Pair source slash groups with the target: (target numbers left, unmatched groups).

    A group matches the same group, its day/month swap ("9/11" -> "11/9"), its parts
    as separate numbers ("24/7" -> "24 heures sur 24, 7 jours sur 7"), or a date with
    the month spelled out ("9/11" -> "11 septembre"). Unmatched target groups count
    as their separate numbers. Identical groups are matched together, with counts.
    """
    groups = Counter(parts for _, parts in tgt)
    available: Counter[Key] = Counter(n.key for n in tgt_numbers)
    used: Counter[Key] = Counter()
    months = _months_named(target, tgt_lang) if src else set()
    left: Counter[tuple[int, ...]] = Counter()
    for parts, count in Counter(parts for _, parts in src).items():
        for form in (parts, (parts[1], parts[0], *parts[2:])):
            same = min(count, groups[form])
            groups[form] -= same
            count -= same
        for reading in _readings(parts, months):
            taken = _take_all(available, reading, count)
            used.update({value: n * taken for value, n in Counter(reading).items()})
            count -= taken
        left[parts] = count
    unmatched = [group for group in src if _use(left, group[1])]
    rest = [n for n in tgt_numbers if not _use(used, n.key)]
    leftover = [Number(str(v), v) for parts in groups.elements() for v in parts]
    return rest + leftover, unmatched


def _use(counts: Counter, key: object) -> bool:
    """Consume one ``key`` from ``counts``; True when there was one."""
    if counts[key] > 0:
        counts[key] -= 1
        return True
    return False


def _readings(parts: tuple[int, ...], months: set[int]) -> list[tuple[int, ...]]:
    """The numbers a slash group may leave in the target: all its parts, or all but a
    month named in words ("9/11" -> "11 septembre" leaves 11 or 9)."""
    readings = [parts]
    for index in (0, 1):
        if parts[index] in months:
            readings.append(parts[:index] + parts[index + 1 :])
    return readings


def _take_all(available: Counter[Key], values: tuple[int, ...], wanted: int) -> int:
    """Remove up to ``wanted`` sets of ``values`` from ``available``; how many were taken."""
    if wanted <= 0:
        return 0
    needed = Counter(values)
    taken = min(wanted, *(available[value] // count for value, count in needed.items()))
    for value, count in needed.items():
        available[value] -= count * taken
    return taken


@functools.cache
def _month_numbers(language: str) -> dict[str, int]:
    """Lowercase wide and abbreviated month names in ``language`` -> month number."""
    from babel.dates import get_month_names

    locale = babel_locale(language)
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for month, name in get_month_names(width, locale=locale).items():
            names[name.lower().rstrip(".")] = month
    return names


def _months_named(text: str, language: str) -> set[int]:
    """Numbers of the months whose name appears as a word of ``text``."""
    names = _month_numbers(language)
    return {names[word] for word in set(_LETTERS_RE.findall(text.lower())) if word in names}
