"""PDF writer (translated and bilingual documents), through WeasyPrint.

The PDF is the HTML page printed: the same templates and stylesheet, rendered
with ``pdf=True`` (no script, no focus targets) plus ``pdf.css`` for the
paper (A4 or US Letter), a running header with the document's title and
"Page 2 of 5" on every page. WeasyPrint lays the page out with Pango, embeds
(subsets of) the fonts it uses and writes text as real text, so the PDF is
searchable and ``pdftotext`` reads it back sentence by sentence.

Why WeasyPrint: it is a maintained, pure-Python HTML/CSS-to-PDF renderer with
paged-media CSS (margin boxes, ``counter(pages)``) and no browser to drive; a
regular dependency, imported only when a PDF is asked for (``import
weasyprint`` measured at 1.5 s on the shared 2-core test machine, ``python -X
importtime``). It needs the system's Pango libraries; where they are missing,
:func:`require_weasyprint` says which Debian packages to install. Rendering
takes about a second per short document (a few pages).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import string
from collections.abc import Iterator

from pipeline.errors import UserError
from pipeline.publish.view import PAGE_SIZES, View

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
PDF_IDENTIFIER = b"transcript-pipeline"  # a fixed /ID: unchanged documents, identical bytes


@functools.lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """Why PDF output cannot be produced here (one line), or None when it can."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return "PDF output needs WeasyPrint: pip install weasyprint"
    except OSError as error:  # cffi could not dlopen Pango, HarfBuzz or fontconfig
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        return (
            f"PDF output needs the Pango text libraries ({detail}); "
            f"install the Debian packages {PANGO_PACKAGES} "
            f"(apt-get install {PANGO_PACKAGES})"
        )
    return None


def require_weasyprint() -> None:
    """Raise a one-line UserError unless WeasyPrint and Pango load."""
    reason = unavailable_reason()
    if reason:
        raise UserError(reason)


def css_string(text: str) -> str:
    """``text`` as a CSS string literal, safe inside a ``<style>`` element."""
    out = []
    for char in text:
        if char in '\\"<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def page_counter_css(label: str) -> str:
    """A label like "Page {page} of {pages}" as CSS ``content``: strings and counters."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(label):
        if literal:
            parts.append(css_string(literal))
        if name in ("page", "pages"):
            parts.append(f"counter({name})")
    return " ".join(parts) or '""'


def render_pdf(view: View, paper: str = "a4", bilingual: bool = False) -> bytes:
    """The translated (or bilingual) document as PDF bytes on ``paper`` (a4 or letter)."""
    from markupsafe import Markup

    from pipeline.publish.html import render_bilingual_html, render_html

    require_weasyprint()
    import weasyprint

    title = view.page_title()
    if bilingual:
        title = f"{title} ({view.source.native_name} – {view.target.native_name})"
    extra = {
        "pdf": True,
        "page_size": PAGE_SIZES[paper],
        "running_title": Markup(css_string(title)),
        "page_numbers": Markup(page_counter_css(view.labels("Page {page} of {pages}"))),
    }
    render = render_bilingual_html if bilingual else render_html
    with _quiet(logging.getLogger("weasyprint")):
        document = weasyprint.HTML(string=render(view, **extra), base_url=None)
        return document.write_pdf(pdf_identifier=PDF_IDENTIFIER)


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Silence WeasyPrint's warnings about the screen-only CSS of the shared stylesheet
    (hover media queries, ``text-wrap`` …): it ignores them, as it should."""
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
