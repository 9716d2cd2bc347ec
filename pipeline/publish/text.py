"""Plain-text and Markdown writers (monolingual ``.txt``/``.md`` and bilingual ``.md``).

The text layout mirrors the source transcript: header lines as paragraphs of
their own, then the metadata, then the body with each paragraph's lines joined
by a newline and paragraphs separated by a blank line.

Markdown treats the transcript as data: every character Markdown (or GitHub
Flavoured Markdown, or a static-site generator's template language) would
interpret is backslash-escaped, so ``[link](javascript:…)``, ``*``, ``#`` at
the start of a line, ``<script>`` or ``{{ }}`` render as the text they are.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable

from pipeline import __version__
from pipeline.publish.view import Group, Line, Sentence, View
from pipeline.text.document import BlockKind, Status

# Characters with a meaning somewhere in CommonMark/GFM (emphasis, links, HTML,
# entities, code, tables, strikethrough, math) or in Liquid/Jinja-style
# templates ({ }); all are valid CommonMark backslash escapes.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&{}|~$])")
# Line starts that open a block: headings, quotes, lists, thematic breaks, setext underlines.
_MD_LINE_START = re.compile(r"^([#>+=-])")
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def md_escape(text: str) -> str:
    """Escape ``text`` so that Markdown renders it literally.

    Inline syntax is escaped everywhere, block syntax at the start of each
    physical line; lines are stripped (leading spaces would open a code block),
    blank ones dropped (they would end the paragraph), the rest stay soft breaks.
    """
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        line = _MD_INLINE.sub(r"\\\1", line.strip())
        line = _MD_LINE_START.sub(r"\\\1", line)
        out.append(_MD_ORDERED.sub(r"\1\\\2", line))
    return "\n".join(out)


def _yaml_value(value: object) -> str:
    """A YAML scalar: strings as JSON double-quoted strings (a YAML subset), numbers as is."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def front_matter(view: View, bilingual: bool = False) -> str:
    """YAML front matter recording language, dates and how much of the text is reviewed."""
    meta = view.metadata
    fields: dict[str, object] = {"title": view.title()}
    if bilingual:
        fields["source_title"] = view.title("source")
    fields["lang"] = view.target_lang
    fields["source_language"] = view.source_lang
    if meta.date is not None:
        fields["date"] = meta.date.isoformat()
    if meta.updated is not None:
        fields["updated"] = meta.updated.isoformat()
    fields["as_delivered"] = meta.as_delivered
    fields["reviewed_ratio"] = round(view.reviewed_ratio, 4)
    fields["sentences"] = view.total
    fields["sentences_reviewed"] = view.reviewed
    fields["sentences_machine_translated"] = view.machine
    fields["sentences_untranslated"] = view.untranslated
    fields["generator"] = f"transcript-pipeline {__version__}"
    body = "".join(f"{key}: {_yaml_value(value)}\n" for key, value in fields.items())
    return f"---\n{body}---\n"


def _header_lines(view: View) -> list[Line]:
    """Header lines (kind, title, by-line) in document order."""
    header = set(view.target.kind + view.target.title + view.target.byline)
    return [line for line in view.lines if line in header]


def _monolingual_meta(view: View) -> list[str]:
    """Metadata lines of a translated document, ending with the review line (review
    style) or the notice of remaining machine translation (public style)."""
    if view.marks:
        return [*view.target.meta, view.original_line, view.reviewed_line]
    return [*view.target.meta, view.original_line, *view.notices]


def render_txt(view: View) -> str:
    """The translated document as plain text, in the source's paragraph layout."""
    paragraphs = [line.text("target") for line in _header_lines(view)]
    paragraphs.append("\n".join(_monolingual_meta(view)))
    for group in view.body:
        paragraphs.append("\n".join(line.text("target") for line in group.lines))
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def _md_sentences(sentences: Iterable[Sentence], mark_machine: bool) -> str:
    """A line's sentences, escaped; runs of machine translations in *italics* if asked.

    Separators keep the source's spacing, except that a line break inside a
    block becomes a space (a blank line would split the Markdown paragraph).
    """
    parts = []
    for machine, run in itertools.groupby(
        sentences, key=lambda s: mark_machine and s.status is Status.MACHINE
    ):
        body = "".join(md_escape(s.text) + _inline_space(s.separator) for s in run)
        core = body.rstrip()
        if core:
            parts.append((f"*{core}*" if machine else core) + body[len(core) :])
    return "".join(parts).strip()


def _inline_space(separator: str) -> str:
    """A separator that cannot end a Markdown paragraph."""
    return " " if "\n" in separator or "\r" in separator else separator


def _md_group(lines: Iterable[Line], side: str, heading: str = "", mark: bool = False) -> str:
    """One paragraph: its lines joined by hard line breaks (a trailing backslash)."""
    texts = []
    for line in lines:
        sentences = line.source if side == "source" else line.target
        text = _md_sentences(sentences, mark)
        if text:
            texts.append(text)
    if not texts:
        return ""
    return heading + "\\\n".join(texts)


def _md_header(view: View, side: str, mark: bool = False) -> list[str]:
    """Kind line, title as a level-1 heading (the kind when there is no title), by-line."""
    page = view.side(side)
    kind = _md_group(page.kind, side, mark=mark)
    if page.title:
        return [
            kind,
            _md_group(page.title, side, "# ", mark),
            _md_group(page.byline, side, "", mark),
        ]
    return [_md_group(page.kind, side, "# ", mark), _md_group(page.byline, side, "", mark)]


def _md_body(group: Group, side: str, mark: bool = False) -> str:
    """A body group as Markdown: a level-2 heading or a paragraph."""
    prefix = "## " if group.kind is BlockKind.HEADING else ""
    return _md_group(group.lines, side, prefix, mark)


def _md_meta(lines: Iterable[str]) -> str:
    """Metadata lines as one muted paragraph with hard line breaks."""
    return "\\\n".join(md_escape(line) for line in lines if line)


def render_md(view: View) -> str:
    """The translated document as Markdown with front matter and an escaped body."""
    blocks = [*_md_header(view, "target"), _md_meta(_monolingual_meta(view))]
    blocks += [_md_body(group, "target") for group in view.body]
    return front_matter(view) + "\n" + "\n\n".join(b for b in blocks if b) + "\n"


def _quote(text: str) -> str:
    """A Markdown block quote of ``text`` (the source side of a bilingual pair); "" stays ""."""
    return "\n".join("> " + line if line else ">" for line in text.split("\n")) if text else ""


def render_bilingual_md(view: View) -> str:
    """Source paragraph (as a block quote) followed by its translation, for review and diffs.

    In the review style machine-translated sentences are in *italics* until a
    translator reviews them, and the legend under the metadata says so; the
    public style has no marks, only the notice of remaining machine translation.
    """
    mark = view.marks
    pairs: list[tuple[str, str]] = []
    source_header = _md_header(view, "source")
    target_header = _md_header(view, "target", mark=mark)
    pairs += list(zip(source_header, target_header, strict=True))
    pairs.append((_md_meta(view.source.meta), _md_meta(view.target.meta)))
    legend = [md_escape(view.reviewed_line)] if mark else [md_escape(n) for n in view.notices]
    if view.machine and mark:
        legend.append("*" + md_escape(view.labels("Machine translation, not yet reviewed")) + "*")
    out = [front_matter(view, bilingual=True).rstrip("\n")]
    for source, target in pairs:
        out += [_quote(source), target]
    out.append("\\\n".join(legend))
    for group in view.body:
        out += [_quote(_md_body(group, "source")), _md_body(group, "target", mark=mark)]
    return "\n\n".join(x for x in out if x) + "\n"
