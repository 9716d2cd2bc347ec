"""pipeline.qa's per-entry rules: each check on a correct and an incorrect sentence."""

from __future__ import annotations

import pytest
from po_files import NBSP, NNBSP

from pipeline import qa
from pipeline.qa import CHECKS, check_text
from pipeline.qa.links import find_urls


def ids(source: str, target: str, src: str = "en", tgt: str = "fr") -> set[str]:
    """The check ids that fire for one pair."""
    return {check for check, _, _ in check_text(source, target, src, tgt)}


def problem(source: str, target: str, check: str, src: str = "en", tgt: str = "fr") -> tuple:
    """The single (check, severity, message) of ``check`` for one pair."""
    found = [p for p in check_text(source, target, src, tgt) if p[0] == check]
    assert len(found) == 1, check_text(source, target, src, tgt)
    return found[0]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("space", [NBSP, NNBSP])
def test_grouped_thousands_in_french_match_english(space: str) -> None:
    src = "We raised 4,000 dollars."
    assert check_text(src, f"Nous avons levé 4{space}000 dollars.", "en", "fr") == []


def test_plain_space_between_digit_groups_is_flagged_like_punctuation() -> None:
    # CLDR: U+202F (or U+00A0) between groups; a plain space breaks "4 / 000" across lines.
    src = "We raised 4,000 dollars, is that right?"
    plain = "Nous avons levé 4 000 dollars, est-ce exact ?"
    check, severity, message = problem(src, plain, "french-typography")
    assert severity == "warning"
    assert message == (
        "plain space before '?', plain space in '4 000': use U+00A0 or U+202F"
    )
    assert "numbers" not in ids(src, plain)  # the value itself is right
    correct = f"Nous avons levé 4{NNBSP}000 dollars, est-ce exact{NNBSP}?"
    assert check_text(src, correct, "en", "fr") == []
    # English targets have no such rule.
    assert check_text("Nous levons 4 000 dollars.", "We raise 4,000 dollars.", "fr", "en") == []


def test_changed_number_names_the_expected_french_form() -> None:
    check, severity, message = problem(
        "We raised 4,000 dollars.", "Nous avons levé 400 dollars.", "numbers"
    )
    assert severity == "error"
    assert message == f"'400' should be '4{NNBSP}000' in French"


def test_english_grouping_left_in_french_is_not_both_missing_and_unexpected() -> None:
    # "4,000" in French is four: the machine kept the English format.
    _, _, message = problem("We raised 4,000 dollars.", "Nous avons levé 4,000 dollars.", "numbers")
    assert message == f"'4,000' should be '4{NNBSP}000' in French"
    assert "missing" not in message and "unexpected" not in message


@pytest.mark.parametrize("written", ["4.000", "4,000", "4'000", "4’000", "4000.0"])
def test_foreign_thousands_formats_in_french_name_what_was_expected(written: str) -> None:
    _, _, message = problem("About 4,000 troops.", f"Environ {written} soldats.", "numbers")
    assert message == f"'{written}' should be '4{NNBSP}000' in French"
    assert check_text("About 4,000 troops.", f"Environ 4{NNBSP}000 soldats.", "en", "fr") == []


def test_other_number_mismatches_name_what_was_expected() -> None:
    _, _, message = problem("It grew 3.5 percent.", "Il a augmenté de 3.5 pour cent.", "numbers")
    assert message == "'3.5' should be '3,5' in French"
    _, _, message = problem("It grew 3.5 percent.", "Il a augmenté de 35 pour cent.", "numbers")
    assert message == "'35' should be '3,5' in French"
    _, _, message = problem("In 2019, 28 allies met.", "En 2019, les alliés ont parlé.", "numbers")
    assert message == "missing '28'"
    _, _, message = problem("The allies met.", "Les 28 alliés se sont réunis.", "numbers")
    assert message == "unexpected '28'"
    # German writes four thousand "4.000": correct there.
    assert "numbers" not in ids("About 4,000 troops.", "Etwa 4.000 Soldaten.", "en", "de")
    _, _, message = problem("About 4,000 troops.", "Etwa 4,000 Soldaten.", "numbers", tgt="de")
    assert message == "'4,000' should be '4.000' in German"


def test_dotted_codes_compare_as_text() -> None:
    # Version numbers and addresses are no decimals in any language: same text, same thing.
    assert "numbers" not in ids("Version 1.9.2 is out.", "La version 1.9.2 est sortie.")
    _, _, message = problem("Version 1.9.2 is out.", "La version 1.9.3 est sortie.", "numbers")
    assert message == "'1.9.3' should be '1.9.2' in French"


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


def test_url_extraction_keeps_balanced_parentheses() -> None:
    wiki = "https://en.wikipedia.org/wiki/NATO_(disambiguation)"
    assert find_urls(f"See {wiki}.") == [wiki]
    assert find_urls("(see https://x.org/a).") == ["https://x.org/a"]
    assert find_urls(f"Voir {wiki}{NNBSP}!") == [wiki]
    assert find_urls("https://x.org/a(b).).") == ["https://x.org/a(b)"]
    assert find_urls("https://x.org/((b)))...") == ["https://x.org/((b))"]
    assert find_urls("https://x.org/" + ")" * 10) == ["https://x.org/"]
