"""po_format: our PO files are fixpoints of GNU ``msgcat`` and read back by polib.

The reference is the real gettext on the machine: each catalog is written with
:func:`format_po`, passed through ``msgcat`` and must come back byte for byte.
The line-breaking engine is also compared with libunistring itself (the library
gettext uses) through ctypes.
"""

from __future__ import annotations

import copy
import ctypes
import ctypes.util
import difflib
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import UserError
from pipeline.gettext import po_directives, po_format
from pipeline.gettext.po_format import format_po, write_po

MSGCAT = shutil.which("msgcat")
MSGFMT = shutil.which("msgfmt")
needs_gettext = pytest.mark.skipif(
    MSGCAT is None or MSGFMT is None, reason="GNU gettext (msgcat, msgfmt) is not installed"
)

NBSP, NNBSP = "\u00a0", "\u202f"
LONG_EN = (
    "Allies agreed today to step up their support, and we will continue to stand with our "
    "partners for as long as it takes, because what is at stake is not only the security of "
    "one nation but the principles on which the whole Euro-Atlantic order has been built."
)
LONG_FR = (
    f"« Les Alliés ont convenu aujourd’hui de renforcer leur soutien{NNBSP}; nous resterons "
    f"aux côtés de nos partenaires aussi longtemps qu’il le faudra{NNBSP}! » a déclaré le "
    f"secrétaire général, ajoutant que l’été serait décisif{NBSP}: « c’est l’essentiel… »"
)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def header_metadata() -> dict[str, str]:
    """A complete header, as a translation team would have it."""
    return {
        "Project-Id-Version": "nato-press-conference 1.0",
        "Report-Msgid-Bugs-To": "translations@example.org",
        "POT-Creation-Date": "2024-05-02 10:00+0000",
        "PO-Revision-Date": "2024-05-03 14:30+0200",
        "Last-Translator": "Camille Dupré <camille@example.org>",
        "Language-Team": "French <fr@example.org>",
        "Language": "fr",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
        "X-Generator": "pipeline 0.1.0",
    }


def new_catalog(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    po.metadata = header_metadata()
    for entry in entries:
        po.append(entry)
    return po


def realistic_catalog() -> polib.POFile:
    """A French catalog with every construct gettext's writer has a rule for."""
    refs = [(f"transcripts/2019-04-03-congress-{i:02d}.txt", str(17 * i + 3)) for i in range(14)]
    po = new_catalog(
        polib.POEntry(msgid=LONG_EN, msgstr=LONG_FR, occurrences=refs[:3]),
        polib.POEntry(
            msgid=" ".join([LONG_EN, LONG_EN]),  # > 400 chars, many spaces
            msgstr=" ".join([LONG_FR, LONG_FR]),
            tcomment="Checked against the video.\nKeep the quotation marks.",
            comment="Paragraph 4 of the transcript.\nSpeaker: Secretary General",
            occurrences=refs,
        ),
        polib.POEntry(
            msgid="See https://www.nato.int/cps/en/natohq/opinions_123456789.htm?"
            "selectedLocale=en&mode=pressconference&speaker=secretary_general",
            msgstr="Voir https://www.nato.int/cps/fr/natohq/opinions_123456789.htm?"
            "selectedLocale=fr&mode=pressconference&speaker=secretary_general",
        ),
        polib.POEntry(
            msgid='He said "Article 5" applies; the path is C:\\nato\\docs\\article5.txt',
            msgstr="Il a dit « l’article 5 » s’applique ; le chemin est "
            "C:\\nato\\docs\\article5.txt",
        ),
        polib.POEntry(
            msgid="Column one\tColumn two\tColumn three\n"
            "Row one\tfirst value\tsecond value\n"
            "Row two\tthird value\tfourth value that is long enough to need wrapping here\n",
            msgstr="Colonne un\tColonne deux\tColonne trois\n"
            "Ligne un\tpremière valeur\tdeuxième valeur\n"
            "Ligne deux\ttroisième valeur\tquatrième valeur assez longue pour être coupée\n",
        ),
        polib.POEntry(
            msgid="North Atlantic Treaty Organization summit in Washington",
            msgstr="北大西洋公约组织华盛顿峰会" * 4 + "。北约秘书长表示，盟国将继续支持乌克兰。",
            tcomment="CJK counts two columns per character.",
        ),
        polib.POEntry(
            msgid="Thank you 👍🏽 🇫🇷🇺🇦 " * 6,
            msgstr="Merci 👍🏽 🇫🇷🇺🇦 " * 6,
        ),
        polib.POEntry(
            msgid="%(count)d Allies signed the declaration on %(date)s in %(city)s, "
            "as agreed by the Defence Ministers",
            msgstr="%(count)d Alliés ont signé la déclaration le %(date)s à %(city)s, "
            "comme convenu par les ministres de la Défense",
            flags=["fuzzy", "python-format"],
            previous_msgid="%(count)d Allies signed the declaration on %(date)s in %(city)s",
            occurrences=[("transcripts/2017-05-24.txt", "12")],
        ),
        polib.POEntry(
            msgid="Question from the press",
            msgstr="Question de la presse",
            msgctxt="speaker label",
            flags=["fuzzy"],
            previous_msgctxt="speaker",
            previous_msgid="Question",
        ),
        polib.POEntry(
            msgid="one Ally",
            msgid_plural="%d Allies, all of them committed to spending two percent of GDP",
            msgstr_plural={
                0: "un Allié",
                1: "%d Alliés, tous engagés à consacrer deux pour cent de leur PIB à la défense",
            },
            flags=["c-format"],
        ),
        polib.POEntry(msgid="Antidisestablishmentarianism" * 4, msgstr="X" * 120),
        polib.POEntry(msgid="Untranslated sentence that nobody has looked at yet.", msgstr=""),
        polib.POEntry(
            msgid="An obsolete sentence that was removed from the transcript later on",
            msgstr="Une phrase obsolète retirée ensuite de la transcription",
            obsolete=True,
        ),
        polib.POEntry(
            msgid="Another obsolete sentence",
            msgstr="Une autre phrase obsolète",
            obsolete=True,
            flags=["fuzzy"],
            previous_msgid="An older wording of another obsolete sentence",
            tcomment="Kept for reference.",
        ),
    )
    po.header = "French translation of NATO press conferences.\nCopyright (C) 2024 The Team."
    po.metadata_is_fuzzy = False
    return po


def msgcat(text: str, tmp_path: Path, width: int = 79) -> str:
    """What GNU msgcat writes for a file holding ``text``."""
    source, target = tmp_path / "in.po", tmp_path / "out.po"
    source.write_bytes(text.encode("utf-8"))
    target.unlink(missing_ok=True)
    proc = subprocess.run(
        [MSGCAT, f"--width={width}", "-o", str(target), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return target.read_bytes().decode("utf-8")


def assert_msgcat_fixpoint(text: str, tmp_path: Path, width: int = 79) -> None:
    result = msgcat(text, tmp_path, width)
    if result != text:
        diff = difflib.unified_diff(
            text.split("\n"), result.split("\n"), "format_po", "msgcat", lineterm=""
        )
        pytest.fail("msgcat rewrote our file:\n" + "\n".join(diff))


def entry_fields(entry: polib.POEntry) -> tuple:
    """Everything polib keeps about an entry, normalised for comparison."""
    return (
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural or "",
        entry.msgstr,
        {int(k): v for k, v in entry.msgstr_plural.items()},
        list(entry.flags),
        entry.tcomment or "",
        entry.comment or "",
        [(path, str(line)) for path, line in entry.occurrences],
        entry.previous_msgctxt,
        entry.previous_msgid,
        bool(entry.obsolete),
    )


def read_back(text: str, tmp_path: Path) -> polib.POFile:
    path = tmp_path / "readback.po"
    path.write_bytes(text.encode("utf-8"))
    return polib.pofile(str(path), wrapwidth=0)


# --------------------------------------------------------------------------
# The realistic catalog against gettext and polib
# --------------------------------------------------------------------------
@needs_gettext
def test_realistic_catalog_is_a_msgcat_fixpoint(tmp_path: Path) -> None:
    text = format_po(realistic_catalog())
    assert_msgcat_fixpoint(text, tmp_path)
    # It really exercises wrapping, CJK and escapes (guards against a trivial file).
    assert 'msgid ""\n"Allies agreed today' in text
    assert "\\t" in text and '\\"' in text and "\\\\" in text and "北大西洋" in text
    breakable = [line for line in text.split("\n") if line.startswith('"') and " " in line]
    assert max(len(line) for line in breakable) <= 79


@needs_gettext
def test_realistic_catalog_passes_msgfmt_check(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text(format_po(realistic_catalog()), encoding="utf-8")
    proc = subprocess.run(
        [MSGFMT, "-c", "-o", os.devnull, str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_polib_reads_back_identical_entries(tmp_path: Path) -> None:
    po = realistic_catalog()
    back = read_back(format_po(po), tmp_path)
    assert back.metadata == po.metadata
    assert back.header == po.header
    assert not back.metadata_is_fuzzy
    expected = [e for e in po if not e.obsolete] + [e for e in po if e.obsolete]
    got = list(back)
    assert len(got) == len(expected)
    for old, new in zip(expected, got, strict=True):
        if old.obsolete:
            # polib skips "#~|" lines: an obsolete entry's previous msgid is not read back.
            old = copy.copy(old)
            old.previous_msgid = None
        assert entry_fields(new) == entry_fields(old)


def test_reading_and_rewriting_is_stable(tmp_path: Path) -> None:
    po = realistic_catalog()
    for entry in po:
        if entry.obsolete:
            entry.previous_msgid = None  # polib cannot read "#~|" lines back
    text = format_po(po)
    assert format_po(read_back(text, tmp_path)) == text


# --------------------------------------------------------------------------
# gettext's rules, spelled out (these run without gettext installed)
# --------------------------------------------------------------------------
def body(po: polib.POFile, width: int = 79) -> str:
    """The file without its header entry."""
    return format_po(po, width).split("\n\n", 1)[1]


def test_short_string_stays_on_one_line_and_long_one_starts_empty() -> None:
    fits = "x" * 71  # msgid "…" is exactly 79 columns
    one_more = "x" * 72
    words = "x " * 40  # 77 columns of text fit between the quotes of a continuation line
    po = new_catalog(*(polib.POEntry(msgid=m, msgstr="") for m in (fits, one_more, words)))
    text = body(po)
    assert f'msgid "{fits}"\nmsgstr ""\n' in text
    assert f'msgid "{one_more}"\nmsgstr ""\n' in text  # no break opportunity: one line
    assert f'msgid ""\n"{"x " * 38}"\n"x x "\nmsgstr ""\n' in text


def test_lines_break_after_spaces_and_embedded_newlines() -> None:
    msgid = "first line\nsecond " + "word " * 20 + "end"
    text = body(new_catalog(polib.POEntry(msgid=msgid, msgstr="")))
    assert text.startswith(
        'msgid ""\n"first line\\n"\n"second word word word word word word word word word word '
        'word word word word "\n"word word word word word word end"\n'
    )


def test_a_word_longer_than_the_line_is_not_split() -> None:
    word = "y" * 100
    text = body(new_catalog(polib.POEntry(msgid=f"a {word} b", msgstr="")))
    assert f'msgid ""\n"a "\n"{word} "\n"b"\n' in text


def test_escape_sequences_are_never_split() -> None:
    values = ['\\"' * 60, "a \\" * 70, '" ' * 90, "\t " * 50, "x" * 76 + '"y', "é \\" * 50 + "\n"]
    text = body(new_catalog(*(polib.POEntry(msgid=v, msgstr="") for v in values)))
    lines = [line for line in text.split("\n") if line.startswith('"')]
    assert len(lines) > 15
    for line in lines:
        content = line[1:-1]
        trailing = len(content) - len(content.rstrip("\\"))
        assert trailing % 2 == 0, line  # a line never ends in the middle of an escape


def test_cjk_counts_two_columns() -> None:
    text = body(new_catalog(polib.POEntry(msgid="中" * 50, msgstr="")))
    lines = text.split("\n")
    assert lines[0] == 'msgid ""'
    assert lines[1] == '"' + "中" * 38 + '"'  # 76 columns of text + quotes = 78 < 79
    assert lines[2] == '"' + "中" * 12 + '"'


def test_french_spaces_glue_punctuation() -> None:
    glued = [f"«{NBSP}mot{NBSP}»", f"et{NNBSP};", f"«{NBSP}encore{NBSP}»", f"fin{NNBSP}!"]
    for padding in range(50, 80):
        msgid = "m" * padding + " " + " ".join(glued)
        lines = body(new_catalog(polib.POEntry(msgid=msgid, msgstr=""))).split("\n")
        assert lines[0] == 'msgid ""'
        for group in glued:  # never broken at a no-break space
            assert any(group in line for line in lines), (padding, group)


def test_comment_order_and_markers() -> None:
    entry = polib.POEntry(
        msgid="m",
        msgstr="s",
        tcomment="translator\n\n  indented",
        comment="extracted",
        occurrences=[("a.txt", "1")],
        flags=["python-format", "fuzzy"],
        previous_msgctxt="old ctx",
        previous_msgid="old",
    )
    assert body(new_catalog(entry)) == (
        "# translator\n#\n#   indented\n#. extracted\n#: a.txt:1\n#, fuzzy, python-format\n"
        '#| msgctxt "old ctx"\n#| msgid "old"\nmsgid "m"\nmsgstr "s"\n'
    )


def test_references_fill_lines_strip_dot_slash_and_drop_duplicates() -> None:
    refs = [(f"./dir/file{i}.txt", str(1000 + i)) for i in range(8)]
    refs += [("dir/file0.txt", "1000"), ("notes.txt", "")]
    text = body(new_catalog(polib.POEntry(msgid="m", msgstr="s", occurrences=refs)))
    assert text.split("msgid")[0] == (
        "#: dir/file0.txt:1000 dir/file1.txt:1001 dir/file2.txt:1002 dir/file3.txt:1003\n"
        "#: dir/file4.txt:1004 dir/file5.txt:1005 dir/file6.txt:1006 dir/file7.txt:1007\n"
        "#: notes.txt\n"
    )


@needs_gettext
def test_reference_lines_may_reach_exactly_79_columns(tmp_path: Path) -> None:
    refs = [(f"a/f{i:02d}.c", "10") for i in range(8)]  # " a/f00.c:10" is 11 columns
    text = format_po(new_catalog(polib.POEntry(msgid="m", msgstr="s", occurrences=refs)))
    first = "#:" + "".join(f" a/f{i:02d}.c:10" for i in range(7))
    assert len(first) == 79
    assert f"{first}\n#: a/f07.c:10\nmsgid" in text
    assert_msgcat_fixpoint(text, tmp_path)


def test_flags_follow_gettext_order_and_drop_what_gettext_drops() -> None:
    entries = [
        polib.POEntry(msgid="a", msgstr="x", flags=["no-wrap", "my-tool-flag", "python-format",
                                                   "range: 1..5", "fuzzy", "c-format"]),
        polib.POEntry(msgid="b", msgstr="", flags=["fuzzy", "python-format"]),
        polib.POEntry(msgid="c", msgstr="x", flags=["python-format", "no-python-format"]),
        polib.POEntry(msgid="d", msgstr="x", obsolete=True,
                      flags=["range: 1..5", "no-wrap", "python-format", "fuzzy"]),
    ]  # fmt: skip
    text = body(new_catalog(*entries))
    assert '#, fuzzy, python-format, no-wrap\n#~ msgid "d"' in text  # no range when obsolete
    assert '#, fuzzy, c-format, python-format, range: 1..5, no-wrap\nmsgid "a"' in text
    assert '#, python-format\nmsgid "b"' in text  # fuzzy on an untranslated entry is dropped
    assert '#, no-python-format\nmsgid "c"' in text


def test_no_wrap_flag_keeps_strings_on_one_line() -> None:
    text = body(new_catalog(polib.POEntry(msgid="w " * 60, msgstr="", flags=["no-wrap"])))
    assert f'msgid "{"w " * 60}"' in text


def test_obsolete_entries_go_last_and_untranslated_ones_are_dropped() -> None:
    po = new_catalog(
        polib.POEntry(msgid="gone", msgstr="parti", obsolete=True, previous_msgid="went"),
        polib.POEntry(msgid="never translated", msgstr="", obsolete=True),
        polib.POEntry(msgid="live", msgstr="vivant"),
    )
    assert body(po) == (
        'msgid "live"\nmsgstr "vivant"\n\n#~| msgid "went"\n#~ msgid "gone"\n#~ msgstr "parti"\n'
    )


def test_header_comment_and_fuzzy_header() -> None:
    po = new_catalog()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    po.header = "SOME TITLE\n\nFIRST AUTHOR"
    po.metadata_is_fuzzy = True
    assert format_po(po) == (
        '# SOME TITLE\n#\n# FIRST AUTHOR\n#, fuzzy\nmsgid ""\nmsgstr ""\n'
        '"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    )


def test_rejects_what_a_po_file_cannot_hold() -> None:
    with pytest.raises(UserError, match="NUL or U\\+0004"):
        format_po(new_catalog(polib.POEntry(msgid="a\x04b", msgstr="")))
    latin = new_catalog(polib.POEntry(msgid="é", msgstr=""))
    latin.metadata["Content-Type"] = "text/plain; charset=ISO-8859-1"
    with pytest.raises(UserError, match="charset=ISO-8859-1"):
        format_po(latin)


def test_write_po_writes_only_when_the_text_changes(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "fr.po"
    po = realistic_catalog()
    assert write_po(po, path) is True
    assert path.read_bytes() == format_po(po).encode("utf-8")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert write_po(po, path) is False
    assert path.stat().st_mtime == 1_000_000_000
    po[0].msgstr = "changé"
    assert write_po(po, path) is True
    assert 'msgstr "changé"' in path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# More cases checked against msgcat itself
# --------------------------------------------------------------------------
@needs_gettext
@pytest.mark.parametrize("width", [30, 60, 79, 120])
def test_width_matches_msgcat_width_option(tmp_path: Path, width: int) -> None:
    assert_msgcat_fixpoint(format_po(realistic_catalog(), width), tmp_path, width)


@needs_gettext
def test_format_directives_are_not_split(tmp_path: Path) -> None:
    padding = "x" * 70
    po = new_catalog(
        polib.POEntry(msgid=f"{padding} 100% of them", msgstr="", flags=["python-format"]),
        polib.POEntry(msgid=f"{padding} 100% of them", msgstr="", flags=["no-python-format"],
                      msgctxt="plain"),
        polib.POEntry(msgid="word " * 13 + "%(first name)s and %(last name)s", msgstr="",
                      flags=["python-format"]),
        polib.POEntry(msgid="word " * 13 + "ab {0} and {x:>10} and {y. z} done", msgstr="",
                      flags=["python-brace-format"]),
    )  # fmt: skip
    text = format_po(po)
    assert f'#, python-format\nmsgid ""\n"{padding} "\n"100% of them"' in text  # "% o" is whole
    assert f'msgctxt "plain"\nmsgid ""\n"{padding} 100% "\n"of them"' in text
    assert "%(first name)s" in text and "%(last name)s" in text
    assert_msgcat_fixpoint(text, tmp_path)


@needs_gettext
def test_mixed_scripts_and_symbols_match_msgcat(tmp_path: Path) -> None:
    rnd = random.Random(20240502)
    pieces = [
        "NATO", "Secretary-General", "l’Alliance", "«", "»", NBSP, NNBSP, "naïve", "中文",
        "日本語の文章です。", "한국어", "😀", "👍🏽", "🇫🇷", "e\u0301", "\t", "\n", '"', "\\", "—",
        "-", "/", "(", ")", "!", "?", "…", "€100", "3.14", "Привет", "مرحبا", "שלום", "नमस्ते",
        "ไทย", "\u200b", "\u2028", "x" * 90, " ", " ", " ",
    ]  # fmt: skip

    def text() -> str:
        return "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 60)))

    entries = []
    for i in range(120):
        entry = polib.POEntry(msgid=f"{text()} {i}", msgstr=text())
        if i % 5 == 0:
            entry.previous_msgid = text()
            entry.flags = ["fuzzy"]
        if i % 7 == 0:
            entry.msgctxt = text()
        if i % 11 == 0:
            entry.obsolete = True
        entries.append(entry)
    assert_msgcat_fixpoint(format_po(new_catalog(*entries)), tmp_path)


# --------------------------------------------------------------------------
# The line-breaking engine against libunistring itself
# --------------------------------------------------------------------------
def _libunistring() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("unistring")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    lib.u8_width_linebreaks.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
        ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
    ]  # fmt: skip
    return lib


def test_line_breaks_match_libunistring() -> None:
    lib = _libunistring()
    if lib is None:
        pytest.skip("libunistring is not installed")
    rnd = random.Random(7)
    pool = [chr(c) for c in range(0x20, 0x7F)] + list(
        f"{NBSP}{NNBSP}«»‘’“”…—–‐\u00ad\u200b\u200d\u2060\u2028\u0301\u3000、。「」（）"
        "中文한국Ω\u05d0\u0e01\u0e31🇫🇷🇺👍🏽😀\U0001fa70\ufeff"
    )
    for _ in range(3000):
        text = "".join(rnd.choice(pool) for _ in range(rnd.randint(1, 40)))
        width, start = rnd.randint(1, 30), rnd.randint(0, 10)
        overrides = [rnd.choice([0, 0, 0, 0, 1, 2]) for _ in text]
        data = text.encode("utf-8")
        starts = [i for i, b in enumerate(data) if b & 0xC0 != 0x80]
        raw_overrides = bytearray(len(data))
        for index, offset in enumerate(starts):
            raw_overrides[offset] = overrides[index]
        out = ctypes.create_string_buffer(len(data))
        lib.u8_width_linebreaks(
            data, len(data), width, start, 0, bytes(raw_overrides), b"UTF-8", out
        )
        expected = [out.raw[offset] for offset in starts]
        assert po_format._width_breaks(text, width, start, overrides) == expected, repr(text)


# --------------------------------------------------------------------------
# The fast paths against the per-character engine, libunistring and msgcat
# --------------------------------------------------------------------------
def reference_wrap(
    prefix: str, name: str, value: str, wrap: bool, page_width: int, fmt: str | None
) -> list[str]:
    """write-po.c's wrap() computed character by character, without any fast path.

    This is the layout code as it was before the fast paths; it uses only the
    per-character engine (_escape, _width_breaks), itself checked against
    libunistring above.
    """
    lines: list[str] = []
    first_line = True
    inside = po_directives.no_break_inside(value, fmt)
    offset = 0
    portions = re.findall(r"[^\n]*\n|[^\n]+", value) or [""]
    for index, portion in enumerate(portions):
        text, overrides = po_format._escape(portion, inside[offset : offset + len(portion)])
        offset += len(portion)
        after_break = len(prefix) + 1
        limit = (len(text.encode("utf-8")) + 1000 if not wrap else page_width) - 1 - after_break
        more_follows = index < len(portions) - 1
        while True:
            start = len(name) + 1 if first_line else 0
            breaks = po_format._width_breaks(text, limit, start, overrides)
            needs_own_lines = more_follows or start > limit or po_format._POSSIBLE in breaks
            if not (first_line and text and needs_own_lines):
                break
            lines.append(f'{prefix}{name} ""')
            first_line = False
        line = (f"{prefix}{name} " if first_line else prefix) + '"'
        first_line = False
        for char, brk in zip(text, breaks, strict=True):
            if brk == po_format._POSSIBLE:
                lines.append(line + '"')
                line = prefix + '"'
            line += char
        lines.append(line + '"')
    return lines


# Characters of every line-break class the fast engine handles, and of the
# classes it hands to the reference engine (marks, ZWJ, ZWSP, flags, Hebrew,
# line separators, controls), with escapes and wide characters.
_MIXED = st.sampled_from(
    list(" \t\n\\\"'abcXYZ019,.;:!?-/()[]{}%$+#&*|~<>=@_`^")
    + list(f" {NBSP}{NNBSP}«»‘’“”…—–‐\u00ad\u3000、。「」（）中文한국Ωéàç\u0e01€£")
    + ["\u0301", "\u200d", "\u200b", "\u2060", "\u2028", "\u05d0", "\x01", "\x7f", "\ufeff"]
    + ["🇫🇷", "👍🏽", "😀", "\U0001fa70", "%(name)s", "%d", "{0}", "{x:>4}", "\r", "\v"]
)
_MIXED_TEXT = st.one_of(
    st.lists(_MIXED, max_size=120).map("".join),
    st.lists(st.sampled_from(["word", "mot", "l’OTAN", "twenty-nine", "a/b", "x"]), max_size=40)
    .map(" ".join)
    .flatmap(lambda s: st.sampled_from([s, s + "\n", s + " \\", f'"{s}"', s.replace("o", "中")])),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=100),
)


def test_fast_break_opportunities_match_reference_for_every_class_pair() -> None:
    # The fast engine's premise: outside the complex classes, an opportunity
    # depends only on the two non-space characters around it and on whether
    # spaces separate them.  Every such pair, every width variant of each
    # class, with no, one or two spaces, and before it nothing, a letter or spaces.
    complex_classes = {"BK", "CM", "ZWJ", "ZW", "RI", "HL"}
    codes = {
        code: cls
        for (cls, _), code in po_format._PROP_CODES.items()
        if cls not in complex_classes and cls != "SP"
    }
    assert len(codes) > 35
    letter = po_format._PROP_CODES["AL", 1]
    checked = 0
    for head_classes, head in (([], ""), (["AL"], letter), (["SP", "SP"], "  ")):
        for before, before_cls in codes.items():
            for after, after_cls in codes.items():
                for spaces in (0, 1, 2):
                    classes = [*head_classes, before_cls, *["SP"] * spaces, after_cls]
                    text = head + before + " " * spaces + after
                    assert po_format._COMPLEX.search(text) is None
                    expected = [
                        i
                        for i, brk in enumerate(po_format._possible_breaks(classes))
                        if brk == po_format._POSSIBLE
                    ]
                    assert po_format._fast_opportunities(text) == expected, (classes, text)
                    checked += 1
    assert checked > 10_000


def test_fast_engine_matches_libunistring() -> None:
    lib = _libunistring()
    if lib is None:
        pytest.skip("libunistring is not installed")
    rnd = random.Random(11)
    pool = [chr(c) for c in range(0x20, 0x7F)] + list(
        f"{NBSP}{NNBSP}«»‘’“”…—–‐\u00ad\u3000、。「」（）中文한국Ωéàç€" + "    "
    )
    fast = 0
    for _ in range(3000):
        text = "".join(rnd.choice(pool) for _ in range(rnd.randint(1, 90)))
        width, start = rnd.randint(1, 40), rnd.randint(0, 10)
        data = text.encode("utf-8")
        out = ctypes.create_string_buffer(len(data))
        lib.u8_width_linebreaks(data, len(data), width, start, 0, None, b"UTF-8", out)
        starts = [i for i, b in enumerate(data) if b & 0xC0 != 0x80]
        expected = [k for k, offset in enumerate(starts) if out.raw[offset] == po_format._POSSIBLE]
        codes = text.translate(po_format._CODE_TABLE)
        if po_format._COMPLEX.search(codes):
            continue
        fast += 1
        columns = [0]
        for char in text:
            columns.append(columns[-1] + po_format._char_props(char)[1])
        opportunities = po_format._fast_opportunities(codes)
        cuts = po_format._fit_cuts(opportunities, columns, width, start)
        assert cuts == expected, repr(text)
    assert fast > 2500


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(
    raw=_MIXED_TEXT,
    width=st.integers(min_value=1, max_value=100),
    start=st.integers(min_value=0, max_value=30),
)
def test_fast_cuts_equal_reference_cuts(raw: str, width: int, start: int) -> None:
    for portion in re.findall(r"[^\n]*\n|[^\n]+", raw) or [""]:
        expected = po_format._reference_cuts(portion, [False] * len(portion), width, start)
        assert po_format._Portion(portion, None).cuts(width, start) == expected


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(
    value=_MIXED_TEXT,
    prefix=st.sampled_from(["", "#~ ", "#| ", "#~| "]),
    name=st.sampled_from(["msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr[1]"]),
    wrap=st.sampled_from([True, True, True, False]),
    page_width=st.sampled_from([79, 79, 79, 10, 30, 76, 77, 78, 80, 120]),
    fmt=st.sampled_from([None, None, "python", "python-brace", "c"]),
)
def test_wrap_equals_the_character_by_character_layout(
    value: str, prefix: str, name: str, wrap: bool, page_width: int, fmt: str | None
) -> None:
    expected = reference_wrap(prefix, name, value, wrap, page_width, fmt)
    assert po_format._wrap(prefix, name, value, wrap, page_width, fmt) == expected
    # A second call is answered by the cache: same lines, and a list of its own.
    again = po_format._wrap(prefix, name, value, wrap, page_width, fmt)
    assert again == expected
    again.append("mutated")
    assert po_format._wrap(prefix, name, value, wrap, page_width, fmt) == expected


@pytest.mark.parametrize(
    ("value", "fmt"),
    [
        ("\u05d0\u05d1-\u05d2 \u05d3\u05d4\u2010\u05d5 " * 8, None),  # LB21a: Hebrew + hyphen
        ("🇫🇷🇺🇦🇫🇷 🇫🇷🇺🇦🇫🇷🇺🇦 x🇫🇷🇺" * 6, None),  # LB30a: regional indicators pair up
        ("e\u0301\u0301 \u0301x (\u0301 y \u0301\u0301 " * 8, None),  # LB9, LB10: marks
        ("a \u200dy 👍\u200d🔥 x\u200d-\u200dy (\u200d) " * 8, None),  # LB8a, LB9: joiners
        ("a\u200bb\u200b \u200b c \u200b\u200b-d( \u200b " * 8, None),  # LB8: zero width space
        ("ab\u2028cd \u2029 e\x0c \u2028\u2028f " * 8, None),  # mandatory breaks
        ("%(first name)s and %(last name)s, 100% of %d items; " * 4, "python"),
        ("{0} and {x:>10} and {y.z} and {w[0]}; " * 5, "python-brace"),
    ],
)
def test_wrap_applies_the_rules_outside_the_fast_engine(value: str, fmt: str | None) -> None:
    # Strings the fast engine must hand over to the per-character one, at every width.
    for page_width in range(8, 60):
        expected = reference_wrap("", "msgid", value, True, page_width, fmt)
        assert po_format._wrap("", "msgid", value, True, page_width, fmt) == expected, page_width


def _boundary_values() -> list[str]:
    """Strings that end right at, or one column past, the edge of a line.

    ``msgid "`` + text + ``"`` reaches column 79 when the text is 71 columns
    wide; a continuation line holds 77.  Each filler is tried at every width
    around both edges, with spaces to break at and escapes, tabs, no-break
    spaces, accented and two-column characters next to the edge.
    """
    tails = ["", "\\", '"', "\t", "é", NBSP, "中", "中文", "x\n", " \\n", "a b", "😀", "-x", "/"]
    values = []
    for tail in tails:
        for size in range(66, 84):
            for filler in ("x" * size, ("word " * 20)[:size], ("mot-clé " * 20)[:size]):
                values.append(filler + tail)
                values.append("a " + filler[2:] + tail)
    return values


@needs_gettext
def test_line_edges_match_msgcat(tmp_path: Path) -> None:
    values = _boundary_values()
    entries = [
        polib.POEntry(msgid=f"{i:04d} {value}", msgstr=value, msgctxt="c" if i % 3 == 0 else None)
        for i, value in enumerate(values)
    ]
    entries += [
        polib.POEntry(msgid=f"old {i:04d} {value}", msgstr=value, obsolete=True)
        for i, value in enumerate(values[::7])
    ]
    text = format_po(new_catalog(*entries))
    assert_msgcat_fixpoint(text, tmp_path)
    # The catalog does straddle the edges: some lines end exactly at column 79.
    assert any(len(line) == 79 for line in text.split("\n") if line.startswith('"'))
    assert any(len(line) == 79 for line in text.split("\n") if line.startswith('msgstr "'))


# --------------------------------------------------------------------------
# Property: arbitrary strings survive msgcat and polib unchanged
# --------------------------------------------------------------------------
# Excluded: surrogates (not UTF-8), NUL and U+0004 (gettext cannot hold them),
# U+0007 (gettext writes "\a", which polib does not unescape).
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x04\x07")
_SPECIAL = st.sampled_from(
    [" ", " ", " ", '"', "\\", "\t", "\n", NBSP, NNBSP, "«", "»", "中", "😀"]
)
_TEXT = st.one_of(
    st.text(st.one_of(_CHARS, _SPECIAL), max_size=200),
    st.lists(st.text(st.one_of(_CHARS, _SPECIAL), min_size=1, max_size=14), max_size=30).map(
        " ".join
    ),
)
_MESSAGES = st.lists(
    st.tuples(
        _TEXT.filter(bool), _TEXT, st.sampled_from([[], ["python-format"], ["python-brace-format"]])
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda message: message[0],
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(messages=_MESSAGES)
def test_arbitrary_strings_survive_msgcat_and_polib(
    tmp_path: Path, messages: list[tuple[str, str, list[str]]]
) -> None:
    po = new_catalog(*(polib.POEntry(msgid=i, msgstr=s, flags=f) for i, s, f in messages))
    text = format_po(po)
    if MSGCAT is not None:
        assert_msgcat_fixpoint(text, tmp_path)
    back = read_back(text, tmp_path)
    assert [(e.msgid, e.msgstr, e.flags) for e in back] == [tuple(m) for m in messages]


# --------------------------------------------------------------------------
# The committed Unicode table is what tools/unicode_table.py makes of libunistring
# --------------------------------------------------------------------------
def test_unicode_table_is_the_scripts_output() -> None:
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "tools" / "unicode_table.py"
    spec = importlib.util.spec_from_file_location("unicode_table_tool", script)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    lib = tool.load_libunistring()
    if lib is None:
        pytest.skip("libunistring is not installed: the table cannot be regenerated here")
    if tool.version(lib) != tool.EXPECTED_VERSION:
        pytest.skip(f"libunistring {tool.version(lib)}: the committed table is from 1.0")
    assert tool.generate(lib) == tool.MODULE.read_text(encoding="utf-8")
