"""Catalog: POT templates and per-language PO files, merged the way msgmerge does.

* :func:`build_template` turns a segmented document into a POT catalog: one
  entry per distinct sentence in source order, ``#:`` references
  ``file:line``, an extracted comment naming the block kind.
* :func:`merge` brings an existing PO file up to date with a new template and
  never loses a translator's work:

  - exact msgid match: msgstr, flags, translator comments and previous msgid
    are kept byte for byte (``#:`` and ``#.`` come from the template);
  - an obsolete entry (``#~``) whose msgid is back is revived with its
    translation;
  - otherwise the most similar old entry (similarity ≥ :data:`FUZZY_THRESHOLD`,
    msgmerge's own 0.6) becomes a fuzzy suggestion with ``#| msgid``;
  - old entries no longer in the template become obsolete. A *reviewed* old
    entry consumed by a fuzzy match is also kept as obsolete, so that
    reverting the edit later revives the reviewed text.

* Machine translations are fuzzy and carry the extracted comment line
  ``machine translation: <engine> <from>→<to> <version>``. :func:`entry_state`
  classifies entries as reviewed, machine, fuzzy (a suggestion from an older
  source sentence, or a translator's own "needs work") or untranslated.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.errors import UserError
from pipeline.text.document import Block, Document, Segment

if TYPE_CHECKING:
    import polib

FUZZY_THRESHOLD = 0.6  # msgmerge's FUZZY_THRESHOLD: fstrcmp similarity of old and new msgid
MACHINE_PREFIX = "machine translation: "
GENERATOR = f"transcript-pipeline {__version__}"
_PO_DATE_FORMAT = "%Y-%m-%d %H:%M%z"


class EntryState(str, Enum):
    REVIEWED = "reviewed"
    MACHINE = "machine"
    FUZZY = "fuzzy"
    UNTRANSLATED = "untranslated"


@dataclass(frozen=True)
class LoadedCatalog:
    """A PO/POT file as read, with the fingerprint used to detect concurrent edits."""

    po: polib.POFile
    path: Path
    fingerprint: str | None  # sha256 of the bytes read; None for a new file


# ---------------------------------------------------------------------------
# Paths


def template_path(translations_dir: Path, name: str) -> Path:
    return Path(translations_dir) / "templates" / f"{name}.pot"


def catalog_path(translations_dir: Path, language: str, name: str) -> Path:
    return Path(translations_dir) / language / f"{name}.po"


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
        return get_plural(language.replace("-", "_")).plural_forms
    except Exception:  # unknown to Babel: gettext's safe default
        return "nplurals=2; plural=(n != 1);"


def language_team(language: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(language.replace("-", "_")).get_display_name("en") or language
    except Exception:
        return language


# ---------------------------------------------------------------------------
# Template


def build_template(
    document: Document, segmented: Sequence[tuple[Block, Sequence[Segment]]]
) -> polib.POFile:
    """A POT catalog of the document's sentences (one entry per distinct sentence)."""
    import polib

    pot = polib.POFile(wrapwidth=79)
    pot.metadata = template_metadata(document.name, document.language)
    pot.metadata_is_fuzzy = True
    by_msgid: dict[str, polib.POEntry] = {}
    reference_file = _reference_file(document.source_path)
    for block, segments in segmented:
        for segment in segments:
            entry = by_msgid.get(segment.text)
            if entry is None:
                entry = polib.POEntry(msgid=segment.text, msgstr="", comment=block.kind.value)
                by_msgid[segment.text] = entry
                pot.append(entry)
            elif block.kind.value not in entry.comment.split(", "):
                entry.comment += f", {block.kind.value}"
            occurrence = (reference_file, str(block.line))
            if occurrence not in entry.occurrences:
                entry.occurrences.append(occurrence)
    return pot


def _reference_file(path: str) -> str:
    """gettext ≥ 0.20 wraps file names containing spaces in Unicode isolates."""
    return f"\u2068{path}\u2069" if re.search(r"\s", path) else path


def same_entries(a: polib.POFile, b: polib.POFile) -> bool:
    """True when two catalogs have the same entries (ignoring header dates)."""
    return [_entry_key(e) for e in a] == [_entry_key(e) for e in b] and [
        _entry_key(e) for e in a.obsolete_entries()
    ] == [_entry_key(e) for e in b.obsolete_entries()]


def _entry_key(entry: polib.POEntry) -> tuple:
    return (
        entry.msgid,
        entry.msgstr,
        tuple(entry.flags),
        entry.comment,
        entry.tcomment,
        tuple(entry.occurrences),
        entry.previous_msgid,
        entry.obsolete,
    )


# ---------------------------------------------------------------------------
# Loading and saving


_PO_LINE_RE = re.compile(
    r"^(?:(?:#~\s*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"
    r'"(?:[^"\\]|\\.)*"\s*$'
    r"|^\s*$|^#.*$"
)


def _check_syntax(text: str, path: Path) -> None:
    """Reject malformed lines (an editor crash, a bad merge) with the line number.

    polib tolerates some broken files (an unterminated string) and reads
    them wrongly; refusing them keeps the translator's file untouched.
    """
    for number, line in enumerate(text.splitlines(), 1):
        if not _PO_LINE_RE.match(line):
            raise UserError(f"{path}:{number}: PO syntax error: {line[:60]!r}; fix the file first")


def load_catalog(path: Path, language: str | None = None) -> LoadedCatalog | None:
    """Read a PO/POT file; None if it does not exist.

    Refuses (UserError naming file and line) a syntax error, a charset other
    than UTF-8, or a Language header naming another language than ``language``.
    """
    import polib

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
    _check_syntax(text, path)
    try:
        po = polib.pofile(text, wrapwidth=79)
    except (OSError, ValueError) as exc:
        match = re.search(r"\(line (\d+)\)", str(exc))
        where = f"{path}:{match.group(1)}" if match else str(path)
        raise UserError(
            f"{where}: cannot read PO file: {str(exc).split(':')[-1].strip()}"
        ) from None
    _check_duplicates(po, path)
    _check_header(po, path, language)
    return LoadedCatalog(po, path, hashlib.sha256(data).hexdigest())


def _check_duplicates(po: polib.POFile, path: Path) -> None:
    """Refuse a message defined twice (as msgfmt does), naming the second definition's line.

    polib's own ``check_for_duplicates`` scans the catalog for every entry it
    parses, quadratic in the catalog: 24 s of a 43 s run on a 1.5 MB transcript.
    """
    seen: set[tuple[str | None, str]] = set()
    for entry in po:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise UserError(
                f"{path}:{entry.linenum}: duplicate message definition {entry.msgid[:60]!r}; "
                "remove one of them first"
            )
        seen.add(key)


def _check_header(po: polib.POFile, path: Path, language: str | None) -> None:
    content_type = po.metadata.get("Content-Type", "text/plain; charset=UTF-8")
    charset = re.search(r"charset=([\w.-]+)", content_type)
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8", "charset"):
        raise UserError(
            f"{path}:1: header says charset={charset.group(1)}; convert it to UTF-8 "
            f"(msgconv -t UTF-8) before running the pipeline"
        )
    declared = po.metadata.get("Language", "").strip()
    if language and declared and _norm_lang(declared) != _norm_lang(language):
        raise UserError(
            f"{path}:1: header says Language: {declared}, but this is the {language} catalog; "
            f"refusing to mix languages"
        )


def _norm_lang(code: str) -> str:
    return code.replace("-", "_").lower()


def fingerprint_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def save_catalog(po: polib.POFile, path: Path, read_fingerprint: str | None) -> bool:
    """Write a catalog atomically if its text changed; refuse if edited meanwhile.

    ``read_fingerprint`` is the hash of the bytes read at the start of the run
    (None for a new file). If the file on disk no longer has it, someone saved
    it in an editor while we worked: overwriting would lose their edits.
    """
    from pipeline.gettext.po_format import write_po

    if fingerprint_of(path) != read_fingerprint:
        raise UserError(
            f"{path}: changed on disk while the run was in progress (saved in an editor?); "
            f"not overwriting it, run again"
        )
    return write_po(po, path)


def save_with_revision_date(
    po: polib.POFile, path: Path, read_fingerprint: str | None, date_field: str
) -> bool:
    """Save; only when the content really changed, stamp ``date_field`` with now.

    A run that changes nothing leaves the old date, so the file's bytes (and
    mtime) stay the same.
    """
    from pipeline.gettext.po_format import format_po

    try:
        unchanged = Path(path).read_text(encoding="utf-8") == format_po(po)
    except (FileNotFoundError, UnicodeDecodeError):
        unchanged = False
    if not unchanged:
        po.metadata[date_field] = po_date(now())
    return save_catalog(po, path, read_fingerprint)


# ---------------------------------------------------------------------------
# Entry states


def machine_label(entry: polib.POEntry) -> str | None:
    """The engine/model named in the entry's machine-translation comment, if any."""
    for line in entry.comment.splitlines():
        if line.startswith(MACHINE_PREFIX):
            return line[len(MACHINE_PREFIX) :]
    return None


def entry_state(entry: polib.POEntry) -> EntryState:
    if not entry.msgstr:
        return EntryState.UNTRANSLATED
    if "fuzzy" not in entry.flags:
        return EntryState.REVIEWED
    if machine_label(entry) is not None and not entry.previous_msgid:
        return EntryState.MACHINE
    return EntryState.FUZZY


STATE_RANK = {
    EntryState.REVIEWED: 3,
    EntryState.MACHINE: 2,
    EntryState.FUZZY: 1,
    EntryState.UNTRANSLATED: 0,
}


def state_rank(entry: polib.POEntry | None) -> int:
    """How good a translation is, for choosing between two of one msgid (None: 0)."""
    return STATE_RANK[entry_state(entry)] if entry is not None else 0


def needs_machine_translation(entry: polib.POEntry, retranslate_machine: bool = False) -> bool:
    """Untranslated entries, and machine translations made for an older source sentence.

    Reviewed entries and fuzzy suggestions from reviewed translations are
    never machine-translated over; with ``retranslate_machine`` every fuzzy
    machine entry is redone (after a model update).
    """
    if entry.obsolete:
        return False
    if not entry.msgstr:
        return True
    if "fuzzy" not in entry.flags or machine_label(entry) is None:
        return False
    return bool(entry.previous_msgid) or retranslate_machine


def set_machine_translation(entry: polib.POEntry, translation: str, label: str) -> None:
    """Store a machine translation: fuzzy, with the engine/model comment."""
    entry.msgstr = translation
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    lines = [ln for ln in entry.comment.splitlines() if not ln.startswith(MACHINE_PREFIX)]
    entry.comment = "\n".join([*lines, MACHINE_PREFIX + label])


def counts(po: polib.POFile) -> dict[str, int]:
    """Entry counts by state (obsolete entries and the header excluded)."""
    result = {state.value: 0 for state in EntryState}
    for entry in po:
        if not entry.obsolete:
            result[entry_state(entry).value] += 1
    result["total"] = sum(result[state.value] for state in EntryState)
    return result


# ---------------------------------------------------------------------------
# Merge


def new_catalog(template: polib.POFile, language: str) -> polib.POFile:
    """An empty PO file for ``language`` with a complete header."""
    import polib

    po = polib.POFile(wrapwidth=79)
    po.metadata = dict(template.metadata)
    po.metadata.update(
        {
            "PO-Revision-Date": po_date(now()),
            "Last-Translator": "",
            "Language-Team": language_team(language),
            "Language": language,
            "Plural-Forms": plural_forms(language),
        }
    )
    return po


def merge(
    template: polib.POFile,
    existing: polib.POFile | None,
    language: str,
    compendium: Callable[[str], polib.POEntry | None] | None = None,
) -> polib.POFile:
    """Bring ``existing`` (or a new catalog) up to date with ``template`` (msgmerge semantics).

    ``compendium`` (msgmerge's ``--compendium``) looks up a translation of an
    exact msgid in other catalogs (the other parts of a large file). It is
    asked before any fuzzy match, and its translation replaces the existing
    one only if it is better (reviewed beats machine beats fuzzy): a sentence a
    translator reviewed once is reviewed in every part, as it would be in one
    catalog, while a part's own reviewed translation is never replaced.
    """
    import polib

    po = (
        new_catalog(template, language) if existing is None else _updated_header(existing, template)
    )
    old_active = {e.msgid: e for e in existing or [] if not e.obsolete} if existing else {}
    old_obsolete = {e.msgid: e for e in existing.obsolete_entries()} if existing else {}
    template_ids = {e.msgid for e in template}
    unmatched = [e for e in old_active.values() if e.msgid not in template_ids]
    fuzzy_pool = [e for e in [*unmatched, *old_obsolete.values()] if e.msgstr]
    consumed: set[str] = set()

    for tentry in template:
        entry = polib.POEntry(
            msgid=tentry.msgid,
            msgstr="",
            comment=tentry.comment,
            occurrences=list(tentry.occurrences),
        )
        old = old_active.get(tentry.msgid) or old_obsolete.get(tentry.msgid)
        if compendium is not None and state_rank(old) < STATE_RANK[EntryState.REVIEWED]:
            other = compendium(tentry.msgid)
            if other is not None and state_rank(other) > state_rank(old):
                old = other
        if old is not None:
            _carry_translation(entry, old)
        else:
            match = best_fuzzy_match(tentry.msgid, fuzzy_pool)
            if match is not None:
                _carry_suggestion(entry, match)
                consumed.add(match.msgid)
        po.append(entry)

    for old in unmatched:
        if old.msgid in consumed and entry_state(old) is not EntryState.REVIEWED:
            continue  # its machine/fuzzy text lives on as the suggestion
        if old.msgstr:
            po.append(_as_obsolete(old))
    for old in old_obsolete.values():
        if old.msgid not in template_ids and old.msgid not in old_active:
            po.append(old)
    return po


def _updated_header(existing: polib.POFile, template: polib.POFile) -> polib.POFile:
    """Keep the translator's header (Last-Translator, X-Generator of their editor …)."""
    import polib

    po = polib.POFile(wrapwidth=79)
    po.header = existing.header
    po.metadata = dict(existing.metadata)
    po.metadata_is_fuzzy = existing.metadata_is_fuzzy
    po.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date", "")
    return po


def _carry_translation(entry: polib.POEntry, old: polib.POEntry) -> None:
    """Exact match: the old translation and its flags and comments, unchanged."""
    entry.msgstr = old.msgstr
    entry.msgstr_plural = dict(old.msgstr_plural)
    entry.flags = list(old.flags)
    entry.tcomment = old.tcomment
    entry.previous_msgid = old.previous_msgid
    entry.previous_msgctxt = old.previous_msgctxt
    label = machine_label(old)
    if label is not None:
        entry.comment = "\n".join([entry.comment, MACHINE_PREFIX + label])


def _carry_suggestion(entry: polib.POEntry, old: polib.POEntry) -> None:
    """Fuzzy match: the old translation as a suggestion showing the old source (#|)."""
    entry.msgstr = old.msgstr
    entry.flags = ["fuzzy", *[f for f in old.flags if f != "fuzzy"]]
    entry.tcomment = old.tcomment
    entry.previous_msgid = old.msgid
    label = machine_label(old)
    if label is not None and entry_state(old) is not EntryState.REVIEWED:
        entry.comment = "\n".join([entry.comment, MACHINE_PREFIX + label])


def _as_obsolete(old: polib.POEntry) -> polib.POEntry:
    import polib

    return polib.POEntry(
        msgid=old.msgid,
        msgstr=old.msgstr,
        flags=list(old.flags),
        tcomment=old.tcomment,
        comment=old.comment,
        previous_msgid=old.previous_msgid,
        obsolete=True,
    )


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def best_fuzzy_match(msgid: str, candidates: Iterable[polib.POEntry]) -> polib.POEntry | None:
    """The candidate most similar to ``msgid``, if at least FUZZY_THRESHOLD similar."""
    best, best_score = None, FUZZY_THRESHOLD
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, msgid, candidate.msgid, autojunk=False)
        if matcher.real_quick_ratio() < best_score or matcher.quick_ratio() < best_score:
            continue
        score = matcher.ratio()
        if score >= best_score:
            best, best_score = candidate, score
    return best
