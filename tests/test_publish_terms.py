"""Glossary terms and the least confident machine translations on published pages.

The steps hand the writers plain data (:class:`~pipeline.text.document.TermMark` spans
and a confidence on each :class:`~pipeline.text.document.TranslatedSegment`); these tests
build such documents by hand and read the pages back with lxml. The whole chain, from a
glossary and a real model to the page in Chromium, is in ``test_publish_browser_terms.py``.
"""

from __future__ import annotations

import dataclasses

import lxml.html
import pytest
from test_publish_samples import HOSTILE_SOURCE, HOSTILE_TARGET, seed_translation

from pipeline.errors import UserError
from pipeline.publish import PublishOptions
from pipeline.publish.html import render_bilingual_html, render_html
from pipeline.publish.view import Sentence, build_view
from pipeline.text.document import Status, TermMark, TranslatedDocument


def _mark(text: str, word: str, title: str) -> TermMark:
    start = text.index(word)
    return TermMark(start, start + len(word), title)


def with_terms_and_confidence(tdoc: TranslatedDocument) -> TranslatedDocument:
    """The seed with NATO / Allies marked wherever they occur, and a confidence on every
    machine translation (the n-th machine sentence: 0.1 × n)."""
    count = 0
    blocks = []
    for block in tdoc.blocks:
        segments = []
        for seg in block.segments:
            source_terms = tuple(
                _mark(seg.source, word, title)
                for word, title in (("NATO", "NATO → OTAN"), ("Allies", "Ally → Allié"))
                if word in seg.source
            )
            target_terms = tuple(
                _mark(seg.target, word, title)
                for word, title in (("OTAN", "NATO → OTAN"), ("Alliés", "Ally → Allié"))
                if word in seg.target and seg.status is not Status.SOURCE
            )
            confidence = None
            if seg.status is Status.MACHINE:
                count += 1
                confidence = round(0.1 * count, 2)
            segments.append(
                dataclasses.replace(
                    seg, source_terms=source_terms, target_terms=target_terms, confidence=confidence
                )
            )
        blocks.append(dataclasses.replace(block, segments=segments))
    return dataclasses.replace(tdoc, blocks=blocks)


def page(tdoc: TranslatedDocument, **options) -> lxml.html.HtmlElement:
    view = build_view(tdoc, **options)
    return lxml.html.fromstring(render_bilingual_html(view))


def test_terms_are_focusable_abbr_elements_in_both_columns():
    tree = page(with_terms_and_confidence(seed_translation(hostile=False)))
    source = tree.xpath('//div[contains(@class, "rows")]//div[contains(@class, "src")]//abbr')
    target = tree.xpath('//div[contains(@class, "rows")]//div[contains(@class, "tgt")]//abbr')
    assert {(a.text, a.get("title")) for a in source} == {
        ("NATO", "NATO → OTAN"),
        ("Allies", "Ally → Allié"),
    }
    assert {(a.text, a.get("title")) for a in target} == {
        ("OTAN", "NATO → OTAN"),
        ("Alliés", "Ally → Allié"),
    }
    assert all(a.get("tabindex") == "0" and a.get("class") == "term" for a in source + target)
    byline = tree.xpath('//p[@class="byline"]//abbr')
    assert [a.text for a in byline] == ["NATO", "OTAN"]  # both columns
    legend = tree.xpath('//p[@class="legend"]/abbr[@class="term"]')
    assert legend and "Terme du glossaire" in legend[0].text


def test_terms_only_on_interactive_review_pages():
    tdoc = with_terms_and_confidence(seed_translation(hostile=False))
    public = build_view(tdoc, style="public")
    assert "<abbr" not in render_bilingual_html(public)
    review = build_view(tdoc)
    assert "<abbr" not in render_html(review)  # the one-column page has no counterpart
    paper = render_bilingual_html(review, pdf=True, running_title="", page_numbers="")
    assert "<abbr" not in paper and 'class="seg mt lc"' in paper  # no tooltip on paper


def test_term_markup_escapes_the_text_around_and_the_title():
    text = HOSTILE_TARGET
    start = text.index("<b>b</b>")
    sentence = Sentence(1, text, Status.MACHINE, "fr", terms=(TermMark(start, start + 8, '"<i>&'),))
    fragment = lxml.html.fragment_fromstring(str(sentence.marked_text()), create_parent="div")
    assert fragment.text_content() == text  # nothing lost, nothing interpreted
    [abbr] = fragment.findall("abbr")
    assert (abbr.text, abbr.get("title")) == ("<b>b</b>", '"<i>&')
    assert not fragment.xpath("//script | //b | //i")
    overlapping = (TermMark(0, 5, "a"), TermMark(3, 8, "b"), TermMark(2, 999, "c"))
    cut = Sentence(1, HOSTILE_SOURCE, Status.REVIEWED, "en", terms=overlapping)
    fragment = lxml.html.fragment_fromstring(str(cut.marked_text()), create_parent="div")
    assert fragment.text_content() == HOSTILE_SOURCE
    assert [a.get("title") for a in fragment.findall("abbr")] == ["a"]


def least_confident(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """data-seg → data-confidence of the target sentences marked least confident."""
    marked = tree.xpath('//div[contains(@class, "tgt")]//span[contains(@class, " lc")]')
    return {s.get("data-seg"): s.get("data-confidence") for s in marked}


def test_the_least_confident_share_of_machine_translations_is_marked():
    tdoc = with_terms_and_confidence(seed_translation(hostile=False))
    machine = tdoc.count(Status.MACHINE)
    assert machine == 3  # confidences 0.1, 0.2, 0.3
    assert list(least_confident(page(tdoc)).values()) == ["0.10"]  # at least one: 10 % of 3
    assert sorted(least_confident(page(tdoc, least_confident=0.67)).values()) == ["0.10", "0.20"]
    assert least_confident(page(tdoc, least_confident=0)) == {}
    assert least_confident(page(tdoc, style="public")) == {}
    tree = page(tdoc)
    legend = tree.xpath('//p[@class="legend"]/span[@class="seg mt lc"]')
    assert legend and legend[0].text == "Traduction automatique, confiance la plus faible"


def test_mark_least_confident_is_a_percentage_setting():
    assert PublishOptions().mark_least_confident == 10
    with pytest.raises(UserError, match="mark_least_confident 150"):
        PublishOptions(mark_least_confident=150)
