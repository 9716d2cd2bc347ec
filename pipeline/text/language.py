"""Language codes: one spelling for each, wherever a code comes from.

A user types ``--to FR``, ``--to fr-FR`` or ``--to pt-br``; a PO header says
``Language: fr_FR``; Argos names models ``en``→``fr``. Comparing such codes as
strings treats ``FR`` and ``fr`` as two languages (issue #12). Every code is
normalised here, once, to the POSIX/gettext form that Babel and PO headers
use: lower-case language, ``_``, title-case script, upper-case territory,
then variant and ``@modifier`` (``fr``, ``fr_FR``, ``pt_BR``, ``zh_Hant_TW``,
``sr@latin``). Parsing is Babel's (:func:`babel.core.parse_locale`), which
needs no locale data, so unknown but well-formed codes are normalised too.
"""

from __future__ import annotations


def normalise_language(code: str) -> str:
    """``code`` in gettext's spelling: ``FR``→``fr``, ``fr-fr``→``fr_FR``, ``pt-br``→``pt_BR``.

    Raises ValueError for something that is not a language code (``12``, ``fr-``).
    """
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
    """Do two codes name the same language (after normalisation; raw text if malformed)?"""
    return _normalised_or_raw(a) == _normalised_or_raw(b)


def _normalised_or_raw(code: str) -> str:
    try:
        return normalise_language(code)
    except ValueError:
        return code.strip().lower()
