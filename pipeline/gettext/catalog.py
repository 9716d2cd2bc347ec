"""Catalog files: where POT/PO files live, their headers, and reading and writing them.

* :func:`load_catalog` reads a PO/POT file with gettext's string syntax
  (:mod:`pipeline.gettext.po_read`) and refuses (one line naming file and
  line) what would make us misread it: a syntax error, an invalid escape, a
  NUL in a string, a duplicate message (obsolete ones included), a charset
  other than UTF-8 (ASCII and a template's CHARSET read as UTF-8), another
  language's header.
* :func:`save_catalog` writes atomically, in ``msgcat``'s layout
  (:mod:`pipeline.gettext.po_format`), and refuses to overwrite a file that a
  translator saved in an editor while the run was working.

Templates are built in :mod:`~pipeline.gettext.template`, merged in
:mod:`~pipeline.gettext.merge`; entry states live in :mod:`~pipeline.gettext.states`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.errors import UserError
from pipeline.fsutil import atomic_write_bytes
from pipeline.gettext.po_read import parse_po
from pipeline.text.languages import same_language, spelling

if TYPE_CHECKING:
    import polib

GENERATOR = f"transcript-pipeline {__version__}"
_PO_DATE_FORMAT = "%Y-%m-%d %H:%M%z"

MessageKey = tuple[str | None, str]
"""What identifies a message in gettext: (msgctxt, msgid). msgid_plural is not part of it."""


def message_key(entry: polib.POEntry) -> MessageKey:
    """The entry's identity, as msgmerge and msgfmt see it: (msgctxt, msgid)."""
    return (entry.msgctxt, entry.msgid)


@dataclass(frozen=True)
class LoadedCatalog:
    """A PO/POT file as read, with the fingerprint used to detect concurrent edits."""

    po: polib.POFile
    path: Path
    fingerprint: str | None  # sha256 of the bytes read; None for a new file


# ---------------------------------------------------------------------------
# Dates and headers


def now() -> dt.datetime:
    """Current UTC time, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)


def po_date(moment: dt.datetime) -> str:
    return moment.strftime(_PO_DATE_FORMAT)


def template_metadata(name: str, source_language: str) -> dict[str, str]:
    return {
        "Project-Id-Version": name,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": po_date(now()),
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": GENERATOR,
        "X-Source-Language": source_language,
    }


def plural_forms(language: str) -> str:
    """The Plural-Forms header for a language, from Babel's CLDR data."""
    from babel.messages.plurals import get_plural

    try:
        return get_plural(spelling(language)).plural_forms
    except Exception:  # unknown to Babel: gettext's safe default
        return "nplurals=2; plural=(n != 1);"


def language_team(language: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(spelling(language)).get_display_name("en") or language
    except Exception:
        return language


# ---------------------------------------------------------------------------
# Loading and saving


def load_catalog(path: Path, language: str | None = None) -> LoadedCatalog | None:
    """Read a PO/POT file; None if it does not exist.

    Refuses (UserError naming file and line) a syntax error, a charset other
    than UTF-8, or a Language header naming another language than ``language``.
    """

    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: is a directory, expected a PO file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(f"{path}:{line}: not UTF-8; only UTF-8 PO files are supported") from None
    po = parse_po(text, path)
    _check_duplicates(po, path)
    _check_header(po, path, language, text)
    return LoadedCatalog(po, path, hashlib.sha256(data).hexdigest())


def _check_duplicates(po: polib.POFile, path: Path) -> None:
    """Refuse a message defined twice, naming both lines, as msgfmt and msgmerge do.

    Obsolete (``#~``) entries count: gettext refuses two of one (msgctxt,
    msgid), obsolete or not, and merging would otherwise have to drop one
    silently. (``msguniq`` is gettext's tool to combine them.) polib's own
    ``check_for_duplicates`` scans the catalog for every entry it parses,
    quadratic in the catalog: 24 s of a 43 s run on a 1.5 MB transcript.
    """
    first_line: dict[MessageKey, int] = {}
    for entry in po:
        key = message_key(entry)
        if key in first_line:
            raise UserError(
                f"{path}:{entry.linenum}: duplicate message definition {entry.msgid[:60]!r} "
                f"(first defined at line {first_line[key]}); remove one of them first "
                "(msguniq merges them)"
            )
        first_line[key] = entry.linenum


_UTF8_NAMES = ("utf-8", "utf8")
_ASCII_NAMES = ("ascii", "us-ascii", "ansi-x3.4-1968")
_PLACEHOLDER_CHARSET = "charset"  # a fresh POT's "charset=CHARSET"


def declared_charset(po: polib.POFile) -> str | None:
    """The charset of the Content-Type header as written; None when absent."""
    found = re.search(r"charset=([^\s;]+)", po.metadata.get("Content-Type", ""))
    return found.group(1) if found else None


def _charset_key(po: polib.POFile) -> str | None:
    """declared_charset() lower-case with ``-``, for comparisons."""
    charset = declared_charset(po)
    return charset.lower().replace("_", "-") if charset else None


def _check_header(po: polib.POFile, path: Path, language: str | None, text: str) -> None:
    """Refuse a charset we cannot honour and a Language header of another language.

    As msgfmt: UTF-8 and CHARSET (a fresh template's placeholder) read as
    UTF-8; ASCII is accepted while the file is ASCII.
    """
    charset = _charset_key(po)
    if charset in _ASCII_NAMES and not text.isascii():
        line = next(n for n, t in enumerate(text.split("\n"), 1) if not t.isascii())
        raise UserError(
            f"{path}:{line}: not ASCII, but the header says charset=ASCII; "
            "change the header to charset=UTF-8"
        )
    if charset not in (None, *_UTF8_NAMES, *_ASCII_NAMES, _PLACEHOLDER_CHARSET):
        raise UserError(
            f"{path}:1: header says charset={declared_charset(po)}; convert it to UTF-8 "
            f"(msgconv -t UTF-8) before running the pipeline"
        )
    declared = po.metadata.get("Language", "").strip()
    if language and declared and not same_language(declared, language):
        raise UserError(
            f"{path}:1: header says Language: {declared}, but this is the {language} catalog; "
            f"refusing to mix languages"
        )


def declare_utf8(po: polib.POFile) -> None:
    """Declare UTF-8, which we write, where the header says CHARSET or says ASCII of non-ASCII.

    A catalog read as ASCII may receive a machine translation in French:
    written under its old header, msgfmt would refuse it.
    """
    from pipeline.gettext.po_format import format_po

    charset = _charset_key(po)
    if charset == _PLACEHOLDER_CHARSET or (charset in _ASCII_NAMES and not format_po(po).isascii()):
        content_type = po.metadata["Content-Type"]
        po.metadata["Content-Type"] = re.sub(r"charset=[^\s;]+", "charset=UTF-8", content_type)


def save_catalog(po: polib.POFile, path: Path, read_fingerprint: str | None) -> bool:
    """Write a catalog atomically if its text changed; refuse if edited meanwhile.

    ``read_fingerprint`` is the hash of the bytes read at the start of the run
    (None for a new file). If the file on disk no longer has it, someone saved
    it in an editor while we worked: overwriting would lose their edits.
    """
    from pipeline.gettext.po_format import format_po

    on_disk = _unedited(path, read_fingerprint)
    declare_utf8(po)
    return _replace(path, format_po(po).encode("utf-8"), on_disk)


def save_with_revision_date(
    po: polib.POFile, path: Path, read_fingerprint: str | None, date_field: str
) -> bool:
    """Save; only when the content really changed, stamp ``date_field`` with now.

    A run that changes nothing leaves the old date, so the file's bytes (and
    mtime) stay the same. The file is read once and, when unchanged, formatted once.
    """
    from pipeline.gettext.po_format import format_po

    on_disk = _unedited(path, read_fingerprint)
    declare_utf8(po)
    if format_po(po).encode("utf-8") == on_disk:
        return False
    po.metadata[date_field] = po_date(now())
    return _replace(path, format_po(po).encode("utf-8"), on_disk)


def _unedited(path: Path, read_fingerprint: str | None) -> bytes | None:
    """The file's bytes (None: no file), refusing when they are not the ones the run
    read (``read_fingerprint``, see :func:`save_catalog`)."""
    try:
        data: bytes | None = Path(path).read_bytes()
    except FileNotFoundError:
        data = None
    if (hashlib.sha256(data).hexdigest() if data is not None else None) != read_fingerprint:
        raise UserError(
            f"{path}: changed on disk while the run was in progress (saved in an editor?); "
            f"not overwriting it, run again"
        )
    return data


def _replace(path: Path, data: bytes, on_disk: bytes | None) -> bool:
    """Atomically write ``data`` unless the file already holds exactly it; True if written."""
    if data == on_disk:
        return False
    atomic_write_bytes(Path(path), data)
    return True
