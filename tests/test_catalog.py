"""Catalog: templates, msgmerge-style merging, entry states, safe loading."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from po_files import msgfmt_check

from pipeline.errors import UserError
from pipeline.gettext import catalog, merge, provenance, states, template
from pipeline.gettext.states import Origin
from pipeline.text.document import Block, BlockKind, Document, Segment


def _template(*sentences: str, name: str = "doc") -> polib.POFile:
    doc = Document(name=name, source_path=f"{name}.txt", language="en")
    blocks = [
        (Block(BlockKind.PARAGRAPH, s, i + 1, i), [Segment(s, 0, len(s))])
        for i, s in enumerate(sentences)
    ]
    return template.build_template(doc, blocks)


def _reviewed(po: polib.POFile, msgid: str, msgstr: str, comment: str = "") -> None:
    entry = po.find(msgid)
    entry.msgstr = msgstr
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.tcomment = comment


def _machine(po: polib.POFile, label: str = "argos en→fr 1.0") -> None:
    for entry in po:
        if states.writes_machine_translation(states.classify(entry)):
            comment = provenance.machine_comment(label)
            states.set_machine_translation(entry, f"MT({entry.msgid})", comment)


def test_template_dedupes_and_references() -> None:
    doc = Document(name="d", source_path="dir/d.txt", language="en")
    blocks = [
        (Block(BlockKind.TITLE, "Hello.", 1, 0), [Segment("Hello.", 0, 6)]),
        (
            Block(BlockKind.PARAGRAPH, "Hello. Bye.", 3, 1),
            [Segment("Hello.", 0, 6), Segment("Bye.", 7, 11)],
        ),
    ]
    pot = template.build_template(doc, blocks)
    assert [e.msgid for e in pot] == ["Hello.", "Bye."]
    assert pot[0].occurrences == [("dir/d.txt", "1"), ("dir/d.txt", "3")]
    assert pot[0].comment == "title, paragraph"
    assert pot.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_merge_keeps_reviewed_and_suggests_for_changes() -> None:
    old = merge.merge(
        _template("We met today.", "The size will grow to 4,000.", "Gone soon."), None, "fr"
    )
    _machine(old)
    _reviewed(old, "We met today.", "Nous nous sommes réunis aujourd'hui.", "checked by Anne")
    _reviewed(old, "The size will grow to 4,000.", "La taille passera à 4 000.")
    new = merge.merge(
        _template("We met today.", "The size will grow to 5,000.", "Brand new."), old, "fr"
    )

    kept = new.find("We met today.")
    assert kept.msgstr == "Nous nous sommes réunis aujourd'hui." and kept.flags == []
    assert kept.tcomment == "checked by Anne"
    assert states.classify(kept) is Origin.REVIEWED

    changed = new.find("The size will grow to 5,000.")
    assert changed.msgstr == "La taille passera à 4 000." and "fuzzy" in changed.flags
    assert changed.previous_msgid == "The size will grow to 4,000."
    assert states.classify(changed) is Origin.SUGGESTION
    # reviewed text is not overwritten; the new sentence's MT is only published meanwhile
    assert not states.writes_machine_translation(states.classify(changed))
    assert states.needs_machine_text(states.classify(changed))

    assert states.writes_machine_translation(states.classify(new.find("Brand new.")))
    obsolete = {e.msgid: e for e in new.obsolete_entries()}
    assert "Gone soon." not in obsolete  # a machine translation of a removed sentence
    # the reviewed entry consumed by the fuzzy match is kept too, for a revert
    assert obsolete["The size will grow to 4,000."].msgstr == "La taille passera à 4 000."


def test_changed_machine_translation_is_retranslated() -> None:
    old = merge.merge(_template("The peace process is fragile."), None, "fr")
    _machine(old)
    new = merge.merge(_template("The peace process is very fragile."), old, "fr")
    entry = new.find("The peace process is very fragile.")
    assert entry.msgstr == "" and entry.previous_msgid is None  # MT is no suggestion
    assert states.writes_machine_translation(states.classify(entry))
    states.set_machine_translation(entry, "X", provenance.machine_comment("argos en→fr 1.0"))
    assert states.classify(entry) is Origin.MACHINE
    assert not new.obsolete_entries()  # the old sentence's MT is in the MT cache


def test_removed_sentence_comes_back_reviewed() -> None:
    old = merge.merge(_template("Stay.", "Leave and return."), None, "fr")
    _reviewed(old, "Leave and return.", "Partir et revenir.")
    middle = merge.merge(_template("Stay."), old, "fr")
    assert [e.msgid for e in middle.obsolete_entries()] == ["Leave and return."]
    back = merge.merge(_template("Stay.", "Leave and return."), middle, "fr")
    entry = back.find("Leave and return.")
    assert (
        entry.msgstr == "Partir et revenir."
        and states.classify(entry) is Origin.REVIEWED
    )
    assert not back.obsolete_entries()


def test_unrelated_sentence_gets_no_suggestion() -> None:
    old = merge.merge(_template("The peace process is fragile."), None, "fr")
    _reviewed(old, "The peace process is fragile.", "Le processus de paix est fragile.")
    new = merge.merge(_template("Good afternoon."), old, "fr")
    assert new.find("Good afternoon.").msgstr == ""
    assert (
        merge.similarity("The peace process is fragile.", "Good afternoon.")
        < merge.FUZZY_THRESHOLD
    )


def test_counts_and_header() -> None:
    po = merge.merge(_template("A one.", "B two.", "C three."), None, "fr")
    _machine(po)
    _reviewed(po, "A one.", "Un.")
    po.find("C three.").msgstr = ""
    found = states.counts((e, states.classify(e)) for e in po)
    assert {k: v for k, v in found.items() if v} == {
        "translated": 1,
        "fuzzy": 1,
        "reviewed": 1,
        "machine": 1,
        "untranslated": 1,
        "total": 3,
    }
    assert po.metadata["Language"] == "fr"
    assert po.metadata["Plural-Forms"].startswith("nplurals=")


def test_saved_catalog_passes_msgfmt(tmp_path: Path) -> None:
    po = merge.merge(_template('A "quoted" one.', "Tab\there."), None, "fr")
    _machine(po)
    path = tmp_path / "fr" / "doc.po"
    assert catalog.save_catalog(po, path, None)
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
    again = catalog.load_catalog(path, "fr")
    assert [e.msgstr for e in again.po] == [e.msgstr for e in po]
    assert not catalog.save_catalog(again.po, path, again.fingerprint)  # unchanged: not rewritten


def test_concurrent_edit_refused(tmp_path: Path) -> None:
    path = tmp_path / "doc.po"
    po = merge.merge(_template("A."), None, "fr")
    catalog.save_catalog(po, path, None)
    loaded = catalog.load_catalog(path, "fr")
    path.write_text(path.read_text() + "\n# edited in Poedit\n")
    before = path.read_bytes()
    loaded.po.find("A.").msgstr = "Un."
    with pytest.raises(UserError, match="changed on disk"):
        catalog.save_catalog(loaded.po, path, loaded.fingerprint)
    assert path.read_bytes() == before


def test_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "a"\nmsgstr "b\n'
    )
    with pytest.raises(UserError, match=r"bad.po:6: PO syntax error"):
        catalog.load_catalog(path, "fr")


def test_wrong_language_or_charset_refused(tmp_path: Path) -> None:
    path = tmp_path / "doc.po"
    catalog.save_catalog(merge.merge(_template("A."), None, "de"), path, None)
    with pytest.raises(UserError, match="Language: de"):
        catalog.load_catalog(path, "fr")
    latin = tmp_path / "latin.po"
    latin.write_text(path.read_text().replace("charset=UTF-8", "charset=ISO-8859-1"))
    with pytest.raises(UserError, match="charset=ISO-8859-1"):
        catalog.load_catalog(latin, "de")


def test_duplicate_message_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n\n'
        'msgid "Hello."\nmsgstr "Bonjour."\n\nmsgid "Bye."\nmsgstr "Salut."\n\n'
        'msgid "Hello."\nmsgstr "Allô."\n'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=r"fr\.po:12: duplicate message definition 'Hello\.'"):
        catalog.load_catalog(path, "fr")
    assert path.read_text(encoding="utf-8") == text


# --------------------------------------------------------------------------
# Headers, duplicates and language codes (issue #12, "small things")
# --------------------------------------------------------------------------
_HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n"Language: fr\\n"\n\n'
)


def test_ascii_and_template_charsets_are_read_as_msgfmt_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    for charset in ("ASCII", "US-ASCII", "CHARSET"):
        path.write_text(_HEADER.format(charset=charset) + 'msgid "A."\nmsgstr "Un."\n')
        assert catalog.load_catalog(path, "fr").po[0].msgstr == "Un."
    # CHARSET, like msgfmt, also with UTF-8 text; ASCII only while the file is ASCII
    path.write_text(_HEADER.format(charset="CHARSET") + 'msgid "A."\nmsgstr "Été."\n')
    assert catalog.load_catalog(path, "fr").po[0].msgstr == "Été."
    path.write_text(_HEADER.format(charset="ASCII") + 'msgid "A."\nmsgstr "Été."\n')
    with pytest.raises(UserError, match=r"fr\.po:7: not ASCII, but the header says charset"):
        catalog.load_catalog(path, "fr")


def test_non_ascii_text_in_an_ascii_catalog_is_saved_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text(_HEADER.format(charset="ASCII") + 'msgid "A."\nmsgstr ""\n')
    loaded = catalog.load_catalog(path, "fr")
    loaded.po[0].msgstr = "Été."
    catalog.save_catalog(loaded.po, path, loaded.fingerprint)
    assert "charset=UTF-8" in path.read_text(encoding="utf-8")
    msgfmt_check(path)


def test_nul_in_a_msgstr_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    text = _HEADER.format(charset="UTF-8") + 'msgid "A."\nmsgstr "Un\\0."\n'
    path.write_text(text)
    with pytest.raises(UserError, match=r"fr\.po:7: the string holds a NUL character"):
        catalog.load_catalog(path, "fr")
    assert path.read_text() == text


def test_hand_made_catalog_without_header_gets_a_complete_one(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text('msgid "A."\nmsgstr "Un."\n', encoding="utf-8")
    loaded = catalog.load_catalog(path, "fr")
    merged = merge.merge(_template("A."), loaded.po, "fr")
    catalog.save_catalog(merged, path, loaded.fingerprint)
    again = catalog.load_catalog(path, "fr").po
    for field in ("Content-Type", "Language", "Plural-Forms", "Language-Team", "MIME-Version"):
        assert again.metadata.get(field), field
    assert again.metadata["Language"] == "fr" and again[0].msgstr == "Un."
    msgfmt_check(path)


@pytest.mark.parametrize(
    ("entries", "line"),
    [
        ('#~ msgid "Gone."\n#~ msgstr "Parti."\n\n#~ msgid "Gone."\n#~ msgstr "Disparu."\n', 9),
        ('msgid "Gone."\nmsgstr "Parti."\n\n#~ msgid "Gone."\n#~ msgstr "Disparu."\n', 9),
    ],
)
def test_duplicate_obsolete_entries_are_refused_as_gettext_does(
    tmp_path: Path, entries: str, line: int
) -> None:
    """msgfmt, msgcat and msgmerge refuse them; merging would have dropped one silently."""
    path = tmp_path / "fr.po"
    text = _HEADER.format(charset="UTF-8") + entries
    path.write_text(text, encoding="utf-8")
    assert subprocess.run(["msgfmt", "-o", "/dev/null", str(path)]).returncode != 0
    with pytest.raises(
        UserError, match=rf"fr\.po:{line}: duplicate message definition 'Gone\.' \(first .* 6\)"
    ):
        catalog.load_catalog(path, "fr")
    assert path.read_text(encoding="utf-8") == text


def test_language_header_is_compared_as_normalised_codes(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    path.write_text(_HEADER.format(charset="UTF-8").replace("fr", "fr_FR"))
    for code in ("fr-FR", "fr_fr", "FR-fr"):
        assert catalog.load_catalog(path, code) is not None
    with pytest.raises(UserError, match="Language: fr_FR"):
        catalog.load_catalog(path, "fr-CA")
    assert catalog.plural_forms("FR") == catalog.plural_forms("fr")
    assert catalog.language_team("pt-br") == "Portuguese (Brazil)"


def test_template_comparison_sees_context_and_plural() -> None:
    a, b, c = _template("A."), _template("A."), _template("A.")
    assert template.same_entries(a, b)
    b[0].msgctxt = "menu"
    c[0].msgid_plural = "As."
    assert not template.same_entries(a, b) and not template.same_entries(a, c)
