"""Language codes: one spelling per language, checked against Babel's locale data.

Users write ``FR``, ``fr-FR``, ``fr_fr`` or ``pt-br``; the pipeline files catalogs
and outputs under the code (``translations/fr/``, ``output/pt_BR/``), so two
spellings of one language must become one code. The canonical form is gettext's and
Babel's ``ll_Scrp_CC`` spelling of what the user wrote: language in lower case,
script in title case, territory in upper case, joined by ``_``
(``FR`` → ``fr``, ``fr-FR`` → ``fr_FR``, ``zh-hant-tw`` → ``zh_Hant_TW``).

Babel's alias resolution is deliberately *not* applied: ``str(Locale.parse(...))``
turns ``zh_TW`` into ``zh_Hant_TW``, ``iw`` into ``he_IL`` and ``eng`` into
``en_US``, directory names nobody typed.
"""

from __future__ import annotations

from pipeline.errors import UserError

NOT_LANGUAGES = frozenset({"und", "root", "mul", "zxx"})  # Babel knows them; no text is in them


def normalize_language(code: str) -> str:
    """The canonical spelling of ``code`` (see the module docstring); ValueError if
    Babel does not know the language."""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_locale_identifier, parse_locale

    cleaned = code.strip().replace("-", "_")
    try:
        parts = parse_locale(cleaned)
        if len(parts) > 4 and parts[4] or parts[0] in NOT_LANGUAGES:
            raise ValueError(code)  # "en@euro": a locale modifier, not a language
        canonical = get_locale_identifier(parts[:4])
        Locale.parse(canonical)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(
            f"unknown language code {code!r} (expected e.g. en, fr, de, pt_BR)"
        ) from None
    return canonical


def spelling(code: str) -> str:
    """``code`` in the canonical spelling without checking that the language exists
    (``sr@latin`` keeps its modifier); ValueError for what is not a language code
    at all (``12``, ``fr-``). For codes read from files, which are compared, not used."""
    from babel.core import parse_locale

    text = code.strip().replace("-", "_")
    try:
        parts = parse_locale(text)
    except ValueError as exc:
        raise ValueError(f"not a language code: {code!r} ({exc})") from None
    language, territory, script, variant = parts[:4]
    modifier = parts[4] if len(parts) > 4 else None
    result = "_".join(part for part in (language, script, territory, variant) if part)
    return f"{result}@{modifier}" if modifier else result


def same_language(a: str, b: str) -> bool:
    """Whether two codes name the same language (after :func:`spelling`; as text,
    case-insensitively, when one is malformed)."""

    def key(code: str) -> str:
        try:
            return spelling(code)
        except ValueError:
            return code.strip().lower()

    return key(a) == key(b)


def validate_language(code: str, where: str = "") -> str:
    """:func:`normalize_language`, with a :class:`UserError` saying ``where`` on failure."""
    try:
        return normalize_language(code)
    except ValueError as exc:
        raise UserError(f"{where}: {exc}" if where else str(exc)) from None
