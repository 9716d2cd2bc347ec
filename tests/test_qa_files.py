"""pipeline.qa on real PO files: msgfmt -c, attribution to entries, check_catalogs, filters."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from po_files import NBSP, NNBSP, entry, entry_start_lines, needs_msgfmt, write_po

from pipeline import qa
from pipeline.errors import UserError
from pipeline.qa import ExtraCheck, check_catalogs, check_po_file, msgfmt


@pytest.fixture
def mixed_po(tmp_path: Path) -> Path:
    """A French PO with good and bad entries, reviewed and machine, plus an obsolete one."""
    good = entry(
        "We raised 4,000 dollars.", f"Nous avons levé 4{NNBSP}000 dollars.", 3, machine=False
    )
    bad_number = entry("It grew 3.5 percent.", "Il a augmenté de 35 pour cent.", 5, machine=True)
    untranslated = entry("Thank you.", "", 7)
    bad_url = entry("See https://nato.int/a.", "Voir https://nato.int/b.", 9)
    typo = entry("Is it true?", "Est-ce vrai ?", 11, machine=True)
    obsolete = polib.POEntry(msgid="Old 4,000.", msgstr="Vieux 3.", obsolete=True)
    return write_po(
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
    starts = entry_start_lines(mixed_po)
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
        assert f.source_ref == f"transcript.txt:{refs[f.msgid]}"
        assert f.severity == qa.SEVERITY[f.check]
    assert [f.po_line for f in findings] == sorted(f.po_line for f in findings)
    assert qa.has_errors(findings)


@needs_msgfmt
def test_reviewed_only_skips_machine_and_untranslated(mixed_po: Path) -> None:
    findings = check_po_file(mixed_po, "transcript", "fr", reviewed_only=True)
    assert {(f.check, f.msgid) for f in findings} == {("urls", "See https://nato.int/a.")}


@needs_msgfmt
def test_clean_file_has_no_findings(tmp_path: Path) -> None:
    path = write_po(
        tmp_path / "ok.po",
        [
            entry("Is it true?", f"Est-ce vrai{NNBSP}?", 1),
            entry("We raised 4,000 dollars.", f"Nous levons 4{NBSP}000 dollars.", 2, machine=True),
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
def test_msgfmt_error_is_attributed_to_itsentry(tmp_path: Path, flag: str) -> None:
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
    monkeypatch.setattr(msgfmt, "msgfmt_binary", lambda: None)
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
    assert msgfmt.parse_msgfmt(stderr) == msgfmt.parse_msgfmt(stderr, "x.po") == [
        (11, "error", "'msgid' and 'msgstr' entries do not both end with '\\n'"),
        (20, "error", "invalid multibyte sequence more detail"),
        (3, "warning", "header fields missing: Language, MIME-Version"),
    ]


# --------------------------------------------------------------------------- check_catalogs


@pytest.fixture
def archive(tmp_path: Path) -> list[tuple[str, str, Path]]:
    """Three French catalogs: the same numbers error in all, one reviewed URL error,
    machine typography warnings; plus a German catalog that is clean."""
    root = tmp_path / "translations"
    catalogs = []
    for name in ("a", "b", "c"):
        entries = [
            entry("About 4,000 troops.", "Environ 4,000 soldats.", 3, ref=f"{name}.txt"),
            entry("Is it true?", "Est-ce vrai ?", 5, machine=True, ref=f"{name}.txt"),
        ]
        if name == "b":
            entries.append(entry("See https://nato.int/a.", "Voir https://nato.int/b.", 7))
        catalogs.append((name, "fr", write_po(root / "fr" / f"{name}.po", entries)))
    german = [entry("Thanks.", "Danke.", 1)]
    catalogs.append(("a", "de", write_po(root / "de" / "a.po", german, language="de")))
    return catalogs


@needs_msgfmt
def test_identical_findings_form_one_group_with_every_place(archive: list) -> None:
    report = check_catalogs(archive, "en")
    assert report.files_checked == 4 and report.files_with_findings == 3
    assert (report.errors, report.warnings) == (4, 3)
    numbers = [g for g in report.groups() if g.first.check == "numbers"]
    assert len(numbers) == 1
    assert numbers[0].count == 3
    assert [f.po_path.rsplit("/", 1)[1] for f in numbers[0].findings] == ["a.po", "b.po", "c.po"]
    assert numbers[0].first.message == f"'4,000' should be '4{NNBSP}000' in French"
    assert numbers[0].first.msgstr == "Environ 4,000 soldats."
    assert len(report.groups()) == 3  # numbers x3, typography x3, urls x1
    assert report.summary() == (
        "4 errors, 3 warnings in 3 files (numbers 3, french-typography 3, urls 1); "
        "3 distinct, 4 files checked"
    )
    assert report.failed


@needs_msgfmt
def test_severity_and_check_filters(archive: list) -> None:
    errors = check_catalogs(archive, "en", severity="error")
    assert {f.check for f in errors.findings} == {"numbers", "urls"}
    assert {f.severity for f in errors.findings} == {"error"}
    only = check_catalogs(archive, "en", checks=["urls,french-typography"])
    assert {f.check for f in only.findings} == {"urls", "french-typography"}
    typography = check_catalogs(archive, "en", severity="error", checks=["french-typography"])
    assert typography.findings == [] and not typography.failed
    assert check_catalogs(archive, "en", severity="warning").findings == (
        check_catalogs(archive, "en").findings
    )


@needs_msgfmt
def test_reviewed_only_gates_what_a_person_confirmed(archive: list) -> None:
    report = check_catalogs(archive, "en", reviewed_only=True, severity="error")
    assert {f.check for f in report.findings} == {"numbers", "urls"}  # the machine ones are gone
    typography = ["french-typography"]
    assert len(check_catalogs(archive, "en", checks=typography).findings) == 3
    assert check_catalogs(archive, "en", reviewed_only=True, checks=typography).findings == []


def test_unknown_check_and_severity_are_user_errors(archive: list) -> None:
    with pytest.raises(UserError, match="unknown check 'number'; valid checks: msgfmt, syntax"):
        check_catalogs(archive, "en", checks=["number,urls"])
    with pytest.raises(UserError, match="--severity fatal: expected one of error, warning"):
        check_catalogs(archive, "en", severity="fatal")


@needs_msgfmt
def test_syntax_findings_survive_any_check_filter(tmp_path: Path) -> None:
    path = tmp_path / "garbage.po"
    path.write_text('msgid "x"\nmsgstr "y"\nmsgstr "z"\nfoo\n', encoding="utf-8")
    report = check_catalogs([("garbage", "fr", path)], "en", checks=["numbers"])
    assert [f.check for f in report.findings] == ["syntax"]


@needs_msgfmt
def test_reviewed_only_drops_msgfmt_diagnostics_inside_fuzzy_entries(tmp_path: Path) -> None:
    fuzzy = tmp_path / "fuzzy.po"
    fuzzy.write_text(BROKEN_PO.format(flag="#, fuzzy\n"), encoding="utf-8")
    assert "msgfmt" in [f.check for f in check_po_file(fuzzy, "fuzzy", "fr")]
    assert check_po_file(fuzzy, "fuzzy", "fr", reviewed_only=True) == []
    reviewed = tmp_path / "reviewed.po"
    reviewed.write_text(BROKEN_PO.format(flag=""), encoding="utf-8")
    assert "msgfmt" in [f.check for f in check_po_file(reviewed, "r", "fr", reviewed_only=True)]


@needs_msgfmt
def test_extra_checks_per_entry_and_per_run(archive: list) -> None:
    seen_runs = []

    def glossary(source: str, target: str, made: polib.POEntry, catalog: qa.CatalogRef) -> list:
        if "troops" in source and "troupes" not in target and catalog.language == "fr":
            return [qa.problem("terminology", "'troops' should be 'troupes'", "warning")]
        return []

    def consistency(run: qa.CheckRun) -> list:
        seen_runs.append(run)
        first = run.catalogs[0]
        found = qa.problem("consistency", "translated two ways", "warning")
        return [qa.entry_finding(first, None, found)]

    extras = [
        ExtraCheck({"terminology": "warning: glossary term not used"}, entry=glossary),
        ExtraCheck({"consistency": "warning: one source, two translations"}, run=consistency),
    ]
    report = check_catalogs(archive, "en", extra_checks=extras, checks=["terminology,consistency"])
    assert sorted(f.check for f in report.findings) == ["consistency"] + ["terminology"] * 3
    assert {f.message for f in report.findings if f.check == "terminology"} == {
        "'troops' should be 'troupes'"
    }
    assert len(seen_runs) == 1 and len(seen_runs[0].catalogs) == 4
    assert seen_runs[0].reviewed_only is False
    assert qa.known_checks(extras).keys() >= {"numbers", "terminology", "consistency"}
    with pytest.raises(UserError, match="terminology, consistency"):
        check_catalogs(archive, "en", extra_checks=extras, checks=["nope"])
