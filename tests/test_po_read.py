"""Reading PO files: gettext's escape sequences exactly, checked against msgcat and msgfmt.

Issue #12 case 3: ``msgstr "\\x41\\101 Bonjour"`` (gettext: "AA Bonjour") was read
as the text ``\\x41\\101`` and ``"Go\\qod"`` (msgfmt: invalid) was accepted.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import UserError
from pipeline.gettext.catalog import load_catalog
from pipeline.gettext.po_format import format_po, write_po
from pipeline.gettext.po_read import parse_po

needs_gettext = pytest.mark.skipif(
    shutil.which("msgcat") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext (msgcat, msgfmt) is not installed",
)
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _po_text(*strings: str) -> str:
    """A PO file with one entry per msgstr line body (raw PO syntax, escapes as given)."""
    entries = [f'msgid "k{i}"\nmsgstr "{body}"\n' for i, body in enumerate(strings)]
    return HEADER + "\n".join(entries)


def _gettext(tool: str, path: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([tool, "-o", "-" if tool == "msgcat" else "/dev/null", str(path)],
                          capture_output=True)  # fmt: skip


@needs_gettext
@pytest.mark.parametrize(
    ("body", "value"),
    [
        (r"\x41\101 Bonjour", "AA Bonjour"),  # the example
        (r"\xc3\xa9t\303\251", "été"),  # escapes give bytes of UTF-8
        (r"\x414", "\x14"),  # hex takes every hex digit, modulo 256
        (r"a\x00b", "a\v"),  # ... so this is 0x00b, a vertical tab
        (r"\x0041", "A"),
        (r"\1012", "A2"),  # octal takes at most three digits
        (r"\7\a\b\f\v\r\t\n", "\a\a\b\f\v\r\t\n"),
        (r"Tab\there \"quoted\" back\\slash", 'Tab\there "quoted" back\\slash'),
    ],
)
def test_escapes_read_as_gettext_reads_them(tmp_path: Path, body: str, value: str) -> None:
    path = tmp_path / "fr.po"
    path.write_text(_po_text(body), encoding="utf-8")
    po = load_catalog(path).po
    assert po[0].msgstr == value
    # written back, the file is what msgcat makes of the original, byte for byte
    assert format_po(po).encode("utf-8") == _gettext("msgcat", path).stdout


@needs_gettext
def test_a_multibyte_character_may_span_escaped_lines(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text(HEADER + 'msgid "k"\nmsgstr ""\n"caf\\xc3"\n"\\xa9"\n', encoding="utf-8")
    assert load_catalog(path).po[0].msgstr == "café"
    assert _gettext("msgcat", path).stdout.endswith('msgstr "café"\n'.encode())


@needs_gettext
@pytest.mark.parametrize("body", [r"Go\qod", r"it\'s", r"why\?", r"\x", r"\8", r"\u00e9"])
def test_invalid_escape_is_one_line_with_file_and_line(tmp_path: Path, body: str) -> None:
    path = tmp_path / "fr.po"
    text = _po_text("fine", body)
    path.write_text(text, encoding="utf-8")
    assert _gettext("msgfmt", path).returncode != 0  # gettext refuses it too
    with pytest.raises(UserError, match=r"fr\.po:9: invalid escape sequence") as error:
        load_catalog(path)
    assert "\n" not in str(error.value)
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("body", [r"a\0b", r"a\000", r"\400", r"\x00", "raw\x00nul"])
def test_nul_is_refused_with_file_and_line(tmp_path: Path, body: str) -> None:
    """msgfmt 0.21 silently cuts the string at a NUL; we refuse rather than lose text."""
    path = tmp_path / "fr.po"
    path.write_text(_po_text("fine", body), encoding="utf-8")
    with pytest.raises(UserError, match=r"fr\.po:9: the string holds a NUL character"):
        load_catalog(path)


def test_nul_in_a_continuation_line_names_that_line(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text(HEADER + 'msgid "k"\nmsgstr ""\n"fine "\n"cut\\0here"\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"fr\.po:8: the string holds a NUL"):
        load_catalog(path)


@needs_gettext
def test_context_separator_and_invalid_utf8_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text(_po_text(r"a\004b"), encoding="utf-8")
    assert _gettext("msgfmt", path).returncode != 0
    with pytest.raises(UserError, match=r"fr\.po:6: the string holds U\+0004"):
        load_catalog(path)
    path.write_text(_po_text(r"\xff"), encoding="utf-8")
    with pytest.raises(UserError, match=r"fr\.po:6: escape sequences .* do not make UTF-8"):
        load_catalog(path)


@needs_gettext
def test_line_separators_inside_strings_and_comments_round_trip(tmp_path: Path) -> None:
    """U+2028, U+0085, form feed... are line ends for Python, not for gettext."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    odd = "a\u2028b\x85c\x1cd\x1de\x1ef\u2029g\fh\vi\rj"
    po.append(polib.POEntry(msgid=odd, msgstr=odd[::-1], tcomment="note\u2028here"))
    path = tmp_path / "fr.po"
    write_po(po, path)
    again = load_catalog(path).po
    entry = again[0]
    assert (entry.msgid, entry.msgstr, entry.tcomment) == (odd, odd[::-1], "note\u2028here")
    assert _gettext("msgcat", path).stdout == path.read_bytes()


def test_bom_and_crlf_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    text = _po_text("Bonjour", r"\x41")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    po = load_catalog(path).po
    assert [e.msgstr for e in po] == ["Bonjour", "A"]
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_syntax_errors_still_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text(HEADER + 'msgid "k"\nmsgstr "unterminated\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"fr\.po:6: PO syntax error"):
        load_catalog(path)


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x04"), max_size=60
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(msgid=_TEXT.filter(bool), msgstr=_TEXT, context=st.none() | _TEXT)
def test_what_we_write_we_read_back(msgid: str, msgstr: str, context: str | None) -> None:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, msgctxt=context))
    again = parse_po(format_po(po), "t.po")
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in again] == [(context, msgid, msgstr)]
