"""Quality checks on translated PO entries (``pipeline check``), in the spirit of ``pofilter``.

Each PO file (``translations/<lang>/<name>.po``) is checked entry by entry with
:func:`check_text`, plus once as a whole with ``msgfmt -c``;
:func:`check_catalogs` does a whole run and returns a :class:`CheckReport`
(filtered by severity, check ids and ``reviewed_only``), which
:func:`print_report` prints as compiler-style lines, a table or JSON. A check has
a fixed severity: an *error* means the published text would say something
different from the source (a changed number or URL, broken brackets) or the file
is invalid; a *warning* is worth a look but may be a legitimate translation choice.

==================  ========  ====================================================
check               severity  what it flags
==================  ========  ====================================================
msgfmt              error     ``msgfmt -c --use-fuzzy`` rejects the file (its own
                              warnings, e.g. missing header fields, stay warnings)
syntax              error     polib cannot parse the file (other checks skipped;
                              always reported, whatever ``--check`` selects)
numbers             error     the multiset of numeric values differs; each side is
                              read in its own locale (CLDR via Babel: "4,000" ==
                              "4 000"; "4,000" in French is 4). A token that is
                              no number of its language ("4.000" in French) only
                              equals the same text. The message names what was
                              expected: "'4,000' should be '4 000' in French";
                              missing and unexpected values are paired, never
                              the same string on both sides
urls                error     a URL is missing, changed or added
emails              error     an e-mail address is missing, changed or added
brackets            error     the target's () [] and double quotes (" “” «») do not
                              pair up, unless the source segment is unbalanced alike
untranslated        warning   empty (or whitespace-only) msgstr
identical           warning   msgstr equals msgid (ignoring case); strings made only
                              of names, numbers or URLs are not flagged
whitespace          warning   leading or trailing whitespace differs
end-punctuation     warning   final punctuation differs ("..." == "…", spaces and
                              closing quotes/brackets before or after it ignored)
length-ratio        warning   len(target) / len(source) outside 0.5 .. 2.5 for a
                              source of at least 20 characters
french-typography   warning   (target ``fr*`` only) no no-break space (U+00A0 or
                              U+202F) before ; : ! ?, inside « », or between digit
                              groups ("4 000"): a plain space is flagged as CLDR
                              asks, missing or plain alike
doublequoting       warning   (target ``fr*`` only) straight double quotes ``"``:
                              French uses « » with no-break spaces inside
==================  ========  ====================================================

Extra checks come from other packages through :class:`ExtraCheck` (a per-entry
callable and/or a whole-run callable, with the ids they report): ``pipeline check``
adds the glossary's ``terminology`` and ``do-not-translate`` warnings
(:data:`pipeline.terms.TERM_CHECKS`, passed by :mod:`pipeline.steps.check`).

translate-toolkit's ``StandardChecker`` supplies ``startwhitespace``/``endwhitespace``
(whitespace), ``unchanged`` (identical, filtered further for names) and ``blank``
(untranslated); ``doublequoting`` takes its name from translate-toolkit's check
but is our own rule (theirs compares quote counts and counts apostrophes). Its
other checks misfire on French transcripts and are not used: ``numbers`` ("3.5" vs
"3,5" fails), ``urls``/``emails`` (sentence punctuation is part of the URL, so
"example.org?" vs "example.org ?" fails), ``endpunc`` ("..." vs "…", « oui ». vs
"yes."), ``brackets`` (compares counts, ignores quotes), ``singlequoting``
(apostrophes), ``puncspacing`` ("2%" vs "2 %"), ``doublewords`` ("nous nous"),
``sentencecount``, ``acronyms``, ``printf`` and the other software-string checks.

Every regular expression applied to user text is linear (tested with 1 MB
tokens); translate-toolkit, Babel and rich are imported lazily: ``pipeline
--help`` must stay fast.

Modules: :mod:`~pipeline.qa.rules` (the catalogue above), :mod:`~pipeline.qa.checks`
(per-entry rules), :mod:`~pipeline.qa.numbers`, :mod:`~pipeline.qa.links`,
:mod:`~pipeline.qa.typography`, :mod:`~pipeline.qa.msgfmt`,
:mod:`~pipeline.qa.catalogs` (files and runs), :mod:`~pipeline.qa.findings`
(findings, grouping, filters), :mod:`~pipeline.qa.render` (output).
"""

from pipeline.qa.catalogs import (
    CatalogRef,
    CheckRun,
    ExtraCheck,
    check_catalogs,
    check_po_file,
    entry_finding,
    has_errors,
    is_reviewed,
    known_checks,
)
from pipeline.qa.checks import check_text
from pipeline.qa.findings import CheckReport, Finding, FindingGroup, group_findings
from pipeline.qa.render import FORMATS, print_report, validate_format
from pipeline.qa.rules import CHECKS, ERROR, SEVERITY, WARNING, Problem, problem

__all__ = [
    "CHECKS",
    "ERROR",
    "FORMATS",
    "SEVERITY",
    "WARNING",
    "CatalogRef",
    "CheckReport",
    "CheckRun",
    "ExtraCheck",
    "Finding",
    "FindingGroup",
    "Problem",
    "check_catalogs",
    "check_po_file",
    "check_text",
    "entry_finding",
    "group_findings",
    "has_errors",
    "is_reviewed",
    "known_checks",
    "print_report",
    "problem",
    "validate_format",
]
