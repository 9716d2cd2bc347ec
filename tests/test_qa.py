"""Tests for pipeline.qa: each per-entry check (positive and negative) and file-level checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest

from pipeline import qa
from pipeline.errors import UserError
from pipeline.qa import CHECKS, Finding, check_po_file, check_text

NBSP = "\u00a0"
NNBSP = "\u202f"

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext missing")


def ids(source: str, target: str, src: str = "en", tgt: str = "fr") -> set[str]:
    """The check ids that fire for one pair."""
    return {check for check, _, _ in check_text(source, target, src, tgt)}


def problem(source: str, target: str, check: str, src: str = "en", tgt: str = "fr") -> tuple:
    """The single (check, severity, message) of ``check`` for one pair."""
    found = [p for p in check_text(source, target, src, tgt) if p[0] == check]
    assert len(found) == 1, check_text(source, target, src, tgt)
    return found[0]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("space", [" ", NBSP, NNBSP])
def test_grouped_thousands_in_french_match_english(space: str) -> None:
    assert (
        check_text("We raised 4,000 dollars.", f"Nous avons levé 4{space}000 dollars.", "en", "fr")
        == []
    )


def test_changed_number_is_an_error() -> None:
    check, severity, message = problem(
        "We raised 4,000 dollars.", "Nous avons levé 400 dollars.", "numbers"
    )
    assert severity == "error"
    assert "4,000" in message and "400" in message


def test_english_grouping_left_in_french_reads_as_decimal() -> None:
    # "4,000" in French is four: the machine kept the English format.
    _, _, message = problem("We raised 4,000 dollars.", "Nous avons levé 4,000 dollars.", "numbers")
    assert "(= 4)" in message


def test_decimal_comma() -> None:
    assert "numbers" not in ids("It grew 3.5 percent.", "Il a augmenté de 3,5 pour cent.")
    assert "numbers" in ids("It grew 3.5 percent.", "Il a augmenté de 3.5 pour cent.")
    assert "numbers" in ids("It grew 3.5 percent.", "Il a augmenté de 35 pour cent.")


def test_percent_sign_spacing_and_years() -> None:
    src = "In 2019, 2% of GDP went to 2,500 projects."
    assert "numbers" not in ids(src, f"En 2019, 2{NNBSP}% du PIB est allé à 2{NBSP}500 projets.")
    assert "numbers" not in ids(src, "En 2019, 2 % du PIB est allé à 2500 projets.")
    assert "numbers" in ids(src, "En 2018, 2 % du PIB est allé à 2 500 projets.")


def test_missing_and_extra_numbers() -> None:
    assert "numbers" in ids("We have 28 allies.", "Nous avons des alliés.")
    assert "numbers" in ids("We have allies.", "Nous avons 28 alliés.")
    assert "numbers" not in ids("We have 28 allies.", "Nous avons 28 alliés.")


def test_slash_dates_and_ratios() -> None:
    assert "numbers" not in ids("After 9/11, we acted.", "Après le 11 septembre, nous avons agi.")
    assert "numbers" not in ids("After 9/11, we acted.", "Après le 11/9, nous avons agi.")
    assert "numbers" not in ids("After 9/11, we acted.", "Après le 9/11, nous avons agi.")
    assert "numbers" in ids("After 9/11, we acted.", "Après le 12 septembre, nous avons agi.")
    assert "numbers" in ids("After 9/11, we acted.", "Après le 11 octobre, nous avons agi.")
    expanded = "Nous travaillons 24 heures sur 24, 7 jours sur 7."
    assert "numbers" not in ids("We work 24/7.", expanded)
    assert "numbers" in ids("We work 24/7.", "Nous travaillons 24 heures sur 24.")


def test_times_ordinals_and_numbers_inside_urls() -> None:
    assert "numbers" not in ids("At 18:22 on 21-Nov-2019.", "À 18 h 22 le 21 novembre 2019.")
    assert "numbers" not in ids("The 1st meeting.", "La 1re réunion.")
    # Digits of a URL belong to the URL check, not to the numbers check.
    src, tgt = "See https://nato.int/2019/x.", "Voir https://nato.int/2018/x."
    assert ids(src, tgt) == {"urls"}


def test_numbers_french_source_to_english() -> None:
    src = "Nous avons levé 4 000 euros, soit 3,5 %."
    assert "numbers" not in ids(src, "We raised 4,000 euros, or 3.5%.", "fr", "en")
    assert "numbers" in ids(src, "We raised 4,000 euros, or 35%.", "fr", "en")


# --------------------------------------------------------------------------- URLs and e-mails


def test_urls_preserved_exactly() -> None:
    src = "Details are at https://www.nato.int/cps/en/natohq/opinions.htm?selectedLocale=en."
    same = "Les détails sont sur https://www.nato.int/cps/en/natohq/opinions.htm?selectedLocale=en."
    assert "urls" not in ids(src, same)
    changed = (
        "Les détails sont sur https://www.nato.int/cps/fr/natohq/opinions.htm?selectedLocale=fr."
    )
    check, severity, message = problem(src, changed, "urls")
    assert severity == "error"
    assert "selectedLocale=fr" in message
    assert "urls" in ids(src, "Les détails sont sur le site de l'OTAN.")


def test_url_followed_by_french_punctuation_is_the_same_url() -> None:
    src = "Did you see https://example.org/a?"
    assert "urls" not in ids(src, f"Avez-vous vu https://example.org/a{NNBSP}?")
    assert "urls" not in ids("(see https://example.org/a).", "(voir https://example.org/a).")


def test_emails_preserved_exactly() -> None:
    src = "Write to press@hq.nato.int."
    assert "emails" not in ids(src, "Écrivez à press@hq.nato.int.")
    check, severity, _ = problem(src, "Écrivez à presse@hq.nato.int.", "emails")
    assert severity == "error"
    assert "emails" in ids(src, "Écrivez au service de presse.")


# --------------------------------------------------------------------------- brackets


def test_unbalanced_brackets_in_target() -> None:
    src = 'He said "no" (twice).'
    assert "brackets" not in ids(src, f"Il a dit «{NBSP}non{NBSP}» (deux fois).")
    check, severity, message = problem(src, f"Il a dit «{NBSP}non{NBSP}» (deux fois.", "brackets")
    assert severity == "error" and "unclosed '('" in message
    assert "brackets" in ids(src, f"Il a dit «{NBSP}non (deux fois).")
    assert "brackets" in ids(src, 'Il a dit "non (deux fois).')
    assert "brackets" in ids("[Applause]", "Applaudissements]")
    assert "brackets" in ids("It (the plan) works.", "Il (le plan] marche.")


def test_quote_spanning_sentences_is_inherited_from_the_source() -> None:
    # Transcript segments are sentences: a quotation may open in one and close in the next.
    src = 'He said: "We will win.'
    assert "brackets" not in ids(src, f"Il a dit{NBSP}: «{NBSP}Nous gagnerons.")
    assert "brackets" in ids(src, f"Il a dit{NBSP}: Nous gagnerons (bientôt.")


def test_apostrophes_are_not_quotes() -> None:
    assert ids("It's the president's view.", "C’est l’avis du président.") == set()
    assert ids("It's the president's view.", "C'est l'avis du président.") == set()


# --------------------------------------------------------------------------- untranslated


def test_untranslated() -> None:
    assert check_text("Thank you.", "", "en", "fr") == [
        ("untranslated", "warning", "no translation")
    ]
    assert ids("Thank you.", "   ") == {"untranslated"}
    assert "untranslated" not in ids("Thank you.", "Merci.")


# --------------------------------------------------------------------------- identical


def test_identical_to_source() -> None:
    check, severity, _ = problem("Thank you very much.", "Thank you very much.", "identical")
    assert severity == "warning"
    assert "identical" in ids("Thank you very much.", "thank you very much.")
    assert "identical" not in ids("Thank you very much.", "Merci beaucoup.")


@pytest.mark.parametrize(
    "text", ["Barack Obama.", "NATO", "Jens Stoltenberg", "Bank of America", "2019", "1,000", "OK."]
)
def test_identical_names_and_numbers_are_fine(text: str) -> None:
    assert "identical" not in ids(text, text)


# --------------------------------------------------------------------------- whitespace


def test_whitespace_mismatch() -> None:
    assert ids(" Thank you.", "Merci.") == {"whitespace"}
    assert ids("Thank you. ", "Merci.") == {"whitespace"}
    assert ids(" Thank you. ", " Merci. ") == set()


# --------------------------------------------------------------------------- end punctuation


def test_final_punctuation() -> None:
    check, severity, message = problem("Thank you.", "Merci", "end-punctuation")
    assert severity == "warning" and "'.'" in message
    assert "end-punctuation" in ids("Is it true?", "C'est vrai.")
    assert "end-punctuation" in ids("Wait:", "Attendez.")
    assert "end-punctuation" not in ids("Is it true?", f"Est-ce vrai{NNBSP}?")
    assert "end-punctuation" not in ids("Wait...", "Attendez…")
    assert "end-punctuation" not in ids("Really?!", f"Vraiment{NNBSP}?!")
    assert "end-punctuation" not in ids('He said "yes."', f"Il a dit «{NBSP}oui{NBSP}».")


# --------------------------------------------------------------------------- length ratio


def test_length_ratio() -> None:
    src = "The Secretary General met the defence ministers in Brussels today."
    check, severity, message = problem(src, "Oui.", "length-ratio")
    assert severity == "warning" and "0.5..2.5" in message
    assert "length-ratio" in ids(src, "Le secrétaire général " * 10 + "a parlé.")
    good = "Le secrétaire général a rencontré les ministres de la Défense à Bruxelles aujourd'hui."
    assert "length-ratio" not in ids(src, good)
    # Short sources are not length-checked: "Yes." -> "Oui, absolument." is fine.
    assert "length-ratio" not in ids("Yes.", "Oui, tout à fait, absolument.")


# --------------------------------------------------------------------------- French typography


def test_french_missing_no_break_space_before_question_mark() -> None:
    check, severity, message = problem("Is it true?", "Est-ce vrai?", "french-typography")
    assert severity == "warning" and "no space before '?'" in message
    _, _, message = problem("Is it true?", "Est-ce vrai ?", "french-typography")
    assert "plain space before '?'" in message
    assert "french-typography" not in ids("Is it true?", f"Est-ce vrai{NNBSP}?")
    assert "french-typography" not in ids("Is it true?", f"Est-ce vrai{NBSP}?")


@pytest.mark.parametrize("mark", [";", ":", "!"])
def test_french_other_high_punctuation(mark: str) -> None:
    assert "french-typography" in ids(f"Yes{mark} no", f"Oui{mark} non")
    assert "french-typography" not in ids(f"Yes{mark} no", f"Oui{NBSP}{mark} non")


def test_french_guillemets_spacing() -> None:
    src = 'He said "no".'
    assert "french-typography" not in ids(src, f"Il a dit «{NBSP}non{NNBSP}».")
    _, _, message = problem(src, "Il a dit « non ».", "french-typography")
    assert "plain space after '«'" in message and "plain space before '»'" in message
    _, _, message = problem(src, "Il a dit «non».", "french-typography")
    assert "no space after '«'" in message and "no space before '»'" in message


def test_french_typography_exceptions() -> None:
    assert "french-typography" not in ids("It is 10:30.", "Il est 10:30.")
    assert "french-typography" not in ids("What?!", f"Quoi{NNBSP}?!")
    assert "french-typography" not in ids("See https://x.org/?a=1", "Voir https://x.org/?a=1")
    # Only French targets: English typography has no space before "?".
    assert "french-typography" not in ids("Est-ce vrai ?", "Is it true?", "fr", "en")
    assert "french-typography" in ids("Is it true?", "Est-ce vrai?", "en", "fr-CA")


# --------------------------------------------------------------------------- the API


def test_checks_catalogue_documents_severities() -> None:
    errors = {"msgfmt", "syntax", "numbers", "urls", "emails", "brackets"}
    assert {c for c, text in CHECKS.items() if text.startswith("error:")} == errors
    warnings = {c for c, text in CHECKS.items() if text.startswith("warning:")}
    assert warnings == set(CHECKS) - errors
    all_problems = check_text(" Hello world?", "Hello world 5 (?", "en", "fr")
    assert {c for c, _, _ in all_problems} <= set(CHECKS)
    assert all(severity == qa.SEVERITY[c] for c, severity, _ in all_problems)


def test_finding_to_dict_is_json_ready() -> None:
    finding = Finding(
        "doc", "fr", "translations/fr/doc.po", 12, "a.txt:3", "Hi", "urls", "error", "missing URL"
    )
    data = json.loads(json.dumps(finding.to_dict()))
    assert data == {
        "document": "doc",
        "language": "fr",
        "po_path": "translations/fr/doc.po",
        "po_line": 12,
        "source_ref": "a.txt:3",
        "msgid": "Hi",
        "check": "urls",
        "severity": "error",
        "message": "missing URL",
    }


# --------------------------------------------------------------------------- files


HEADER = {
    "Project-Id-Version": "transcripts 1",
    "Report-Msgid-Bugs-To": "",
    "POT-Creation-Date": "2024-01-01 00:00+0000",
    "PO-Revision-Date": "2024-01-02 00:00+0000",
    "Last-Translator": "Test <test@example.org>",
    "Language-Team": "French",
    "Language": "fr",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


def _entry(msgid: str, msgstr: str, line: int, *, machine: bool) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=msgid, msgstr=msgstr, occurrences=[("examples/transcript.txt", str(line))]
    )
    if machine:
        entry.comment = "machine translation: argos en->fr 1.9"
        entry.flags.append("fuzzy")
    return entry


def _write_po(path: Path, entries: list[polib.POEntry]) -> Path:
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(HEADER)
    for entry in entries:
        po.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def _entry_start_lines(path: Path) -> dict[str, int]:
    """msgid text -> 1-based line where its block starts (independent of polib's parser)."""
    starts: dict[str, int] = {}
    block_start = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            block_start = None
            continue
        if block_start is None:
            block_start = number
        if line.startswith('msgid "'):
            starts[line[len('msgid "') : -1]] = block_start
    return starts


@pytest.fixture
def mixed_po(tmp_path: Path) -> Path:
    """A French PO with good and bad entries, reviewed and machine, plus an obsolete one."""
    good = _entry(
        "We raised 4,000 dollars.", f"Nous avons levé 4{NNBSP}000 dollars.", 3, machine=False
    )
    bad_number = _entry("It grew 3.5 percent.", "Il a augmenté de 35 pour cent.", 5, machine=True)
    untranslated = _entry("Thank you.", "", 7, machine=False)
    bad_url = _entry("See https://nato.int/a.", "Voir https://nato.int/b.", 9, machine=False)
    typo = _entry("Is it true?", "Est-ce vrai ?", 11, machine=True)
    obsolete = polib.POEntry(msgid="Old 4,000.", msgstr="Vieux 3.", obsolete=True)
    return _write_po(
        tmp_path / "translations" / "fr" / "transcript.po",
        [good, bad_number, untranslated, bad_url, typo, obsolete],
    )


@needs_msgfmt
def test_file_findings_name_document_line_reference_and_msgid(mixed_po: Path) -> None:
    findings = check_po_file(mixed_po, "transcript", "fr")
    got = {(f.check, f.msgid) for f in findings}
    assert got == {
        ("numbers", "It grew 3.5 percent."),
        ("untranslated", "Thank you."),
        ("urls", "See https://nato.int/a."),
        ("french-typography", "Is it true?"),
    }
    starts = _entry_start_lines(mixed_po)
    refs = {
        "It grew 3.5 percent.": 5,
        "Thank you.": 7,
        "See https://nato.int/a.": 9,
        "Is it true?": 11,
    }
    for f in findings:
        assert f.document == "transcript" and f.language == "fr"
        assert f.po_path == str(mixed_po)
        assert f.po_line == starts[f.msgid]
        assert f.source_ref == f"examples/transcript.txt:{refs[f.msgid]}"
        assert f.severity == qa.SEVERITY[f.check]
    assert [f.po_line for f in findings] == sorted(f.po_line for f in findings)
    assert qa.has_errors(findings)


@needs_msgfmt
def test_reviewed_only_skips_machine_and_untranslated(mixed_po: Path) -> None:
    findings = check_po_file(mixed_po, "transcript", "fr", reviewed_only=True)
    assert {(f.check, f.msgid) for f in findings} == {("urls", "See https://nato.int/a.")}


@needs_msgfmt
def test_clean_file_has_no_findings(tmp_path: Path) -> None:
    path = _write_po(
        tmp_path / "ok.po",
        [
            _entry("Is it true?", f"Est-ce vrai{NNBSP}?", 1, machine=False),
            _entry("We raised 4,000 dollars.", "Nous avons levé 4 000 dollars.", 2, machine=True),
        ],
    )
    findings = check_po_file(path, "ok", "fr")
    assert findings == []
    assert not qa.has_errors(findings)


BROKEN_PO = """\
msgid ""
msgstr ""
"Project-Id-Version: t 1\\n"
"PO-Revision-Date: 2024-01-02 00:00+0000\\n"
"Last-Translator: T <t@example.org>\\n"
"Language-Team: French\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

#: examples/transcript.txt:4
msgid "Good."
msgstr "Bien."

#: examples/transcript.txt:5
{flag}msgid "a\\n"
msgstr "b"
"""


@needs_msgfmt
@pytest.mark.parametrize("flag", ["", "#, fuzzy\n"])
def test_msgfmt_error_is_attributed_to_its_entry(tmp_path: Path, flag: str) -> None:
    text = BROKEN_PO.format(flag=flag)
    path = tmp_path / "broken.po"
    path.write_text(text, encoding="utf-8")
    msgstr_line = text.splitlines().index('msgstr "b"') + 1
    findings = [f for f in check_po_file(path, "broken", "fr") if f.check == "msgfmt"]
    assert len(findings) == 1, findings
    f = findings[0]
    assert f.severity == "error"
    assert f.msgid == "a\n" and f.po_line == 16  # the "#:" line that starts the entry
    assert f.source_ref == "examples/transcript.txt:5"
    assert "end with '\\n'" in f.message and f"line {msgstr_line}:" in f.message


@needs_msgfmt
def test_msgfmt_header_warnings_are_merged(tmp_path: Path) -> None:
    path = tmp_path / "bare.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Good."\nmsgstr "Bien."\n',
        encoding="utf-8",
    )
    findings = check_po_file(path, "bare", "fr")
    assert len(findings) == 1
    f = findings[0]
    assert (f.check, f.severity, f.msgid) == ("msgfmt", "warning", "")
    assert "Project-Id-Version" in f.message and "Language-Team" in f.message
    assert not qa.has_errors(findings)


@needs_msgfmt
def test_unparseable_file_gives_syntax_and_msgfmt_errors(tmp_path: Path) -> None:
    path = tmp_path / "garbage.po"
    path.write_text('msgid "x"\nmsgstr "y"\nmsgstr "z"\nfoo\n', encoding="utf-8")
    findings = check_po_file(path, "garbage", "fr")
    checks = {f.check for f in findings}
    assert "syntax" in checks and "msgfmt" in checks
    assert all(f.severity == "error" for f in findings if f.check != "msgfmt")


def test_missing_msgfmt_is_a_warning(mixed_po: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qa, "_msgfmt_binary", lambda: None)
    findings = [f for f in check_po_file(mixed_po, "transcript", "fr") if f.check == "msgfmt"]
    assert [(f.severity, f.message) for f in findings] == [
        ("warning", "msgfmt not found; validity not checked")
    ]


def test_missing_po_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="nope.po"):
        check_po_file(tmp_path / "nope.po", "nope", "fr")


def test_parse_msgfmt_output() -> None:
    stderr = (
        "x.po:3: warning: header field 'Language' missing in header\n"
        "x.po:3: warning: header field 'MIME-Version' missing in header\n"
        "x.po:11: 'msgid' and 'msgstr' entries do not both end with '\\n'\n"
        "x.po:20:7: invalid multibyte sequence\n"
        "                 more detail\n"
        "msgfmt: found 2 fatal errors\n"
    )
    assert qa._parse_msgfmt(stderr) == [
        (11, "error", "'msgid' and 'msgstr' entries do not both end with '\\n'"),
        (20, "error", "invalid multibyte sequence more detail"),
        (3, "warning", "header fields missing: Language, MIME-Version"),
    ]


@needs_msgfmt
def test_check_translations_dir_names_documents(tmp_path: Path) -> None:
    root = tmp_path / "translations"
    _write_po(root / "fr" / "press" / "2019.po", [_entry("Thanks.", "", 1, machine=False)])
    _write_po(root / "de" / "a.po", [_entry("Thanks.", "Danke.", 1, machine=False)])
    findings = qa.check_translations_dir(root)
    assert [(f.document, f.language, f.check) for f in findings] == [
        ("press/2019", "fr", "untranslated")
    ]
    assert qa.check_translations_dir(root, ["de"]) == []


def test_render_findings_table_keeps_brackets_literal() -> None:
    from rich.console import Console

    findings = [
        Finding(
            "doc",
            "fr",
            "p.po",
            7,
            "t.txt:2",
            "[Applause]",
            "brackets",
            "error",
            "unbalanced brackets/quotes: unexpected ']'",
        ),
        Finding(
            "doc",
            "fr",
            "p.po",
            9,
            "t.txt:3",
            "Why?",
            "french-typography",
            "warning",
            "no space before '?'",
        ),
    ]
    console = Console(record=True, width=200)
    console.print(qa.render_findings_table(findings))
    text = console.export_text()
    assert "[Applause]" in text and "french-typography" in text
    assert "1 errors, 1 warnings" in text


def test_url_extraction_keeps_balanced_parentheses() -> None:
    wiki = "https://en.wikipedia.org/wiki/NATO_(disambiguation)"
    assert qa._find_urls(f"See {wiki}.") == [wiki]
    assert qa._find_urls("(see https://x.org/a).") == ["https://x.org/a"]
    assert qa._find_urls(f"Voir {wiki}{NNBSP}!") == [wiki]
