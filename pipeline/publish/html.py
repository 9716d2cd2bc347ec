"""HTML writers: the monolingual page and the bilingual side-by-side page.

Pages are rendered with Jinja2 from templates shipped as package data
(``pipeline/templates``), with autoescaping on: transcript text is always data,
so ``<script>``, ``{{ }}`` or ``{% %}`` in a transcript render as text. Each
page is one self-contained file (inline CSS, an optional inline script, no
external requests) and carries no generation timestamp, so re-publishing an
unchanged document produces identical bytes.
"""

from __future__ import annotations

import functools

from pipeline import __version__
from pipeline.publish import labels as lab
from pipeline.publish.view import View


@functools.lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment: package templates, autoescape, undefined names are errors."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["direction"] = lab.text_direction
    env.filters["og_locale"] = lab.og_locale
    env.globals["version"] = __version__
    env.globals["pdf"] = False  # pages rendered for WeasyPrint set it (pipeline.publish.pdf)
    env.globals["page_size"] = "A4"
    return env


def render_html(view: View, **extra: object) -> str:
    """The translated document as a one-column page."""
    template = environment().get_template("document.html.j2")
    return template.render(_context(view, extra))


def render_bilingual_html(view: View, **extra: object) -> str:
    """Source and translation side by side, aligned per block and per sentence."""
    template = environment().get_template("bilingual.html.j2")
    return template.render(_context(view, extra))


def _context(view: View, extra: dict[str, object]) -> dict[str, object]:
    """Template variables of a document page; ``extra`` adds the PDF's (see pdf.py)."""
    return {
        "view": view,
        "lang": view.target.lang,
        "dir": view.target.dir,
        "page_size": view.page_size,
        **extra,
    }
