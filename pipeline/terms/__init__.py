"""Terminology (issue #17): glossaries imported into ``translations/terms.sqlite3``,
found in source sentences, shown to translators and checked in translations.

* :func:`import_glossary` / :func:`list_terms` (``pipeline terms import|list``),
  :func:`sync_glossaries` (the ``[terms] files`` of ``pipeline.toml``, before a run),
  :mod:`pipeline.terms.store`; readers in :mod:`~pipeline.terms.delimited` (CSV,
  TSV) and :mod:`~pipeline.terms.tbx` (TBX through translate-toolkit);
* :class:`Glossary`: ``comment`` (the ``#. terms:`` line), ``check``
  (``terminology``/``do-not-translate`` warnings), ``spans`` (for the bilingual
  HTML), :mod:`pipeline.terms.glossary`; matching rules in
  :mod:`pipeline.terms.matching`.

Nothing heavy is imported here: Babel, PyStemmer and translate-toolkit load when used.
"""

from pipeline.terms.glossary import (
    TERM_CHECKS,
    Glossary,
    SentenceSpans,
    TermSpan,
    update_term_comment,
)
from pipeline.terms.model import COMMENT_PREFIX, ImportResult, Term
from pipeline.terms.store import (
    TERMS_FILE,
    SyncResult,
    import_glossary,
    list_terms,
    sync_glossaries,
    terms_fingerprint,
    terms_path,
)

__all__ = [
    "COMMENT_PREFIX",
    "TERMS_FILE",
    "TERM_CHECKS",
    "Glossary",
    "ImportResult",
    "SentenceSpans",
    "SyncResult",
    "Term",
    "TermSpan",
    "import_glossary",
    "list_terms",
    "sync_glossaries",
    "terms_fingerprint",
    "terms_path",
    "update_term_comment",
]
