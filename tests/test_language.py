"""Language codes: one spelling, whatever the user or a header wrote."""

from __future__ import annotations

import pytest

from pipeline.text.languages import same_language, spelling


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("FR", "fr"),
        ("fr", "fr"),
        ("fr-FR", "fr_FR"),
        ("fr_fr", "fr_FR"),
        ("pt-br", "pt_BR"),
        ("zh-hant-tw", "zh_Hant_TW"),
        ("es-419", "es_419"),
        ("sr@latin", "sr@latin"),
        (" de ", "de"),
    ],
)
def test_codes_are_normalised(code: str, expected: str) -> None:
    assert spelling(code) == expected
    assert spelling(expected) == expected  # idempotent


@pytest.mark.parametrize("code", ["12", "fr-", "", "fr--FR"])
def test_malformed_codes_raise(code: str) -> None:
    with pytest.raises(ValueError, match="not a language code"):
        spelling(code)


def test_same_language() -> None:
    assert same_language("FR", "fr") and same_language("pt-br", "pt_BR")
    assert not same_language("pt", "pt_BR")
    assert same_language("French", "french") and not same_language("French", "fr")
