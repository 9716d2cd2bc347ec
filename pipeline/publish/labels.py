"""Localised labels, dates and language facts for published documents.

Metadata of a transcript is *localised*, not machine-translated: dates and
times go through Babel for the target locale, and the few fixed labels the
tool prints ("Last updated", "(As delivered)", the review legend …) come from
the tool's own gettext catalogs in ``pipeline/locale/<lang>/LC_MESSAGES/
pipeline.po``. The PO files are read at runtime with polib (no compile step),
so adding a target language means translating one PO file; a language
without a catalog falls back to English, the catalogs' source language.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import string
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

DOMAIN = "pipeline"
RTL_FALLBACK = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ckb"})


# The formatting functions below are pure and called once per row of an index of
# possibly 50,000 documents: they are memoised (Babel's Locale.parse is the costly part).
@functools.lru_cache(maxsize=256)
def _locale(language: str):
    """Return the Babel ``Locale`` for a code like ``fr``, ``pt_BR`` or ``pt-BR``, or None."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def babel_locale(language: str):
    """The Babel locale used to format dates and numbers; English when Babel lacks one."""
    return _locale(language) or _locale("en")


def language_tag(language: str) -> str:
    """The BCP 47 form of a language code for HTML, XML and Word (``pt_BR`` → ``pt-BR``)."""
    return language.replace("_", "-")


def language_candidates(language: str) -> list[str]:
    """Catalog directories to try for ``language``, most specific first (``pt_BR`` → ``pt``)."""
    code = language.replace("-", "_")
    parts = code.split("_")
    return ["_".join(parts[:i]) for i in range(len(parts), 0, -1)]


@dataclass(frozen=True)
class _Catalog:
    """The translated, non-fuzzy messages of one language, plural forms included."""

    messages: dict[tuple[str | None, str], str]
    plurals: dict[tuple[str | None, str], tuple[str, ...]]
    plural_index: Callable[[int], int]


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


_EMPTY = _Catalog({}, {}, _english_plural)


def catalog_root():  # -> importlib.resources.abc.Traversable
    """Where the label catalogs are: ``pipeline/locale``."""
    return resources.files("pipeline") / "locale"


def catalog_files(language: str) -> list:
    """The label catalogs ``language`` may read (``pt_BR``: pt_BR's and pt's), existing."""
    root = catalog_root()
    found = (root / code / "LC_MESSAGES" / f"{DOMAIN}.po" for code in language_candidates(language))
    return [po_file for po_file in found if po_file.is_file()]


@functools.lru_cache(maxsize=64)
def _catalog(language: str) -> _Catalog:
    """The tool's catalog for ``language`` (empty if none), read with polib."""
    import polib

    files = catalog_files(language)
    if not files:
        return _EMPTY
    po = polib.pofile(files[0].read_text(encoding="utf-8"))
    usable = [e for e in po if "fuzzy" not in e.flags and not e.obsolete]
    plurals = {
        (e.msgctxt, e.msgid): tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
        for e in usable
        if e.msgid_plural and all(e.msgstr_plural.values())
    }
    messages = {(e.msgctxt, e.msgid): e.msgstr for e in usable if e.msgstr}
    return _Catalog(messages, plurals, _plural_function(po.metadata))


def _plural_function(metadata: dict[str, str]) -> Callable[[int], int]:
    """The catalog's ``Plural-Forms`` expression as a function (gettext's own parser)."""
    import gettext

    header = metadata.get("Plural-Forms", "")
    expression = header.partition("plural=")[2].rstrip(";").strip()
    try:
        return gettext.c2py(expression) if expression else _english_plural
    except (ValueError, SyntaxError):
        return _english_plural


def has_catalog(language: str) -> bool:
    """Whether the tool ships label translations for ``language`` (else labels are English)."""
    return bool(_catalog(language).messages)


@functools.lru_cache(maxsize=1024)
def placeholders(message: str) -> frozenset[str]:
    """Names of the ``{field}`` placeholders in a message."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(message) if name)


class Labels:
    """The tool's fixed labels in one language, with English as the fallback."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._catalog = _catalog(language)

    def __call__(self, msgid: str, context: str | None = None, **fields: object) -> str:
        """Translate ``msgid`` and fill its ``{placeholders}``.

        A translation whose placeholders do not match the English message
        (a translator's typo) is ignored rather than crashing the publish run.
        """
        message = self._catalog.messages.get((context, msgid), msgid)
        return _fill(message, msgid, fields)

    def plural(
        self, msgid: str, msgid_plural: str, n: int, context: str | None = None, **fields: object
    ) -> str:
        """``ngettext``: the form of ``msgid``/``msgid_plural`` for ``n``, placeholders filled.

        The form is chosen by the catalog's ``Plural-Forms`` expression, as
        gettext does (French says "0 document", English "0 documents").
        """
        english = msgid if n == 1 else msgid_plural
        forms = self._catalog.plurals.get((context, msgid))
        message = english
        if forms:
            index = self._catalog.plural_index(n)
            message = forms[index] if 0 <= index < len(forms) else english
        return _fill(message, english, fields)


def _fill(message: str, english: str, fields: dict[str, object]) -> str:
    """``message`` with its placeholders filled; ``english`` when they do not match."""
    if message is not english and placeholders(message) != placeholders(english):
        message = english
    return message.format(**fields) if fields else message


@functools.lru_cache(maxsize=1024)
def language_name(language: str, in_language: str, capitalise: bool = True) -> str:
    """Name of ``language`` written in ``in_language`` ("anglais").

    Capitalised for use as a label ("Anglais"); ``capitalise=False`` keeps
    the locale's own casing for use inside a sentence.
    """
    locale = _locale(language)
    shown_in = _locale(in_language) or _locale("en")
    name = locale.get_display_name(shown_in) if locale else None
    if not name:
        return language
    return name[0].upper() + name[1:] if capitalise else name


def text_direction(language: str) -> str:
    """``"rtl"`` for right-to-left scripts (Arabic, Hebrew, Persian, Urdu …), else ``"ltr"``."""
    locale = _locale(language)
    if locale is not None:
        return "rtl" if locale.character_order == "right-to-left" else "ltr"
    return "rtl" if language_candidates(language)[-1] in RTL_FALLBACK else "ltr"


@functools.lru_cache(maxsize=4096)
def format_date(value: dt.date, language: str) -> str:
    """A date in the locale's medium format: "18 févr. 2021" in French."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format="medium", locale=babel_locale(language))


@functools.lru_cache(maxsize=4096)
def format_time(value: dt.datetime | dt.time, language: str) -> str:
    """A time of day in the locale's short format: "18:22" in French, "6:22 PM" in English."""
    from babel.dates import format_time as babel_format_time

    return babel_format_time(value, format="short", locale=babel_locale(language))


@functools.lru_cache(maxsize=4096)
def format_timestamp(value: dt.datetime, language: str) -> str:
    """A UTC moment as a localised date and time: "18 févr. 2021, 18:22 UTC"."""
    locale = babel_locale(language)
    utc = value.astimezone(dt.timezone.utc)
    pattern = locale.datetime_formats.get("medium", "{1} {0}")
    return pattern.format(format_time(utc, language), format_date(utc.date(), language)) + " UTC"


def og_locale(language: str) -> str:
    """The Open Graph locale (``language_TERRITORY``) of a code: ``fr`` → ``fr_FR``."""
    from babel.core import get_global

    code = language.replace("-", "_")
    likely = get_global("likely_subtags").get(code.split("_")[0], code)
    parts = likely.split("_")
    territory = next((p for p in reversed(code.split("_")[1:]) if p.isupper()), None)
    territory = territory or next((p for p in reversed(parts[1:]) if len(p) == 2), None)
    return f"{parts[0]}_{territory}" if territory else parts[0]


@functools.lru_cache(maxsize=4096)
def format_percent(ratio: float, language: str) -> str:
    """A share as a whole percentage, rounded down so that "100 %" means everything.

    Rounding down matters here: a document 99.6 % reviewed must not claim to
    be fully reviewed.
    """
    from babel.numbers import format_percent as babel_format_percent

    floored = math.floor(max(0.0, min(1.0, ratio)) * 100 + 1e-9) / 100
    return babel_format_percent(floored, locale=babel_locale(language))


def updated_line(
    language: str,
    updated: dt.datetime | None,
    text: str | None = None,
) -> str | None:
    """The localised "Last updated …" line, or None when the source had no update line.

    ``text`` (the date as written) is shown verbatim, after the localised
    label, when the source's date could not be parsed.
    """
    labels = Labels(language)
    if updated is not None:
        return labels(
            "Last updated: {date}, {time}",
            date=format_date(updated.date(), language),
            time=format_time(updated, language),
        )
    if text:
        return labels("Last updated: {date}", date=text)
    return None
