"""Language codes as glossaries write them, and the Snowball stemmer of each language.

Glossaries exported from terminology tools name languages in many ways: ``fr``,
``fr-FR``, ``FR_fr``, ``French``. :func:`normalise_language` turns them into the
project's form (Babel's, ``pt_BR``) and drops a region that adds nothing (CLDR's
"remove likely subtags": ``fr-FR`` → ``fr``, ``en-US`` → ``en``, but ``fr-CA`` and
``pt-PT`` stay), so that a glossary written for ``fr-FR`` applies to ``--to fr``.
A term for ``fr`` also applies to ``fr_CA`` (:func:`language_fallbacks`).

Stemmers come from PyStemmer (C bindings of the Snowball algorithms).
``bench/stemmers.py`` measured it against the pure-Python ``snowballstemmer``
on the test transcripts: identical stems, about 100× faster per CPU second
(180–290× with PyStemmer's cache of recent stems, which real text hits), and
term matching stems every word of every sentence it reads.
Babel and PyStemmer are imported lazily.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

StemWords = Callable[[Sequence[str]], list[str]]


@functools.lru_cache(maxsize=1)
def _likely_subtags() -> dict[str, str]:
    from babel.core import get_global

    return get_global("likely_subtags")


def _maximise(language: str, script: str | None, territory: str | None) -> tuple[str, str, str]:
    """(language, script, territory) with the missing parts filled in from CLDR."""
    likely = _likely_subtags().get(language, language).split("_")
    likely_script = next((p for p in likely[1:] if len(p) == 4), "")
    likely_territory = next((p for p in likely[1:] if len(p) != 4), "")
    return language, script or likely_script, territory or likely_territory


@functools.lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    """Language names in English ("french" → "fr"), for headers such as ``French``."""
    from babel import Locale

    names = Locale("en").languages
    return {name.casefold(): code for code, name in names.items() if "_" not in code}


@functools.lru_cache(maxsize=256)
def normalise_language(code: str) -> str | None:
    """The project's form of a language code or English language name; None if unknown.

    ``fr-FR`` → ``fr``, ``fr-ca`` → ``fr_CA``, ``pt-BR`` → ``pt`` (Brazil is
    Portuguese's likely region), ``pt-PT`` → ``pt_PT``, ``French`` → ``fr``.
    """
    from babel import Locale, UnknownLocaleError

    text = code.strip().replace("-", "_")
    if not text:
        return None
    text = _english_names().get(text.casefold(), text)
    parts = text.split("_")
    text = "_".join([parts[0].lower(), *parts[1:]])
    try:
        locale = Locale.parse(text)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    language, script, territory = locale.language, locale.script, locale.territory
    full = _maximise(language, script, territory)
    for candidate in ((None, None), (None, territory), (script, None)):
        if _maximise(language, *candidate) == full:
            script, territory = candidate
            break
    return "_".join(part for part in (language, script, territory) if part)


def language_fallbacks(code: str) -> list[str]:
    """Glossary languages that apply to a target language, most specific first.

    ``fr_CA`` → ``["fr_CA", "fr"]``; an unknown code is only itself.
    """
    normal = normalise_language(code) or code.replace("-", "_")
    base = normal.split("_", 1)[0]
    return [normal] if base == normal else [normal, base]


@functools.lru_cache(maxsize=64)
def stemmer_for(code: str) -> StemWords:
    """``stem_words(lower_case_words)`` for a language; lower-casing only where Snowball
    has no algorithm for it (Chinese, Japanese, …)."""
    import Stemmer

    base = (normalise_language(code) or code).split("_", 1)[0]
    name = {"nb": "norwegian", "nn": "norwegian", "no": "norwegian"}.get(base)
    if name is None:
        from babel import Locale

        name = (Locale(base).english_name or "").casefold() if base.isalpha() else ""
    if name not in Stemmer.algorithms():
        return list
    return Stemmer.Stemmer(name).stemWords
