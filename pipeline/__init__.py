"""Offline translation and multilingual publishing pipeline for transcripts.

Packages by layer, in the order of the data flow (see ``docs/architecture.md``):
``text`` (ingest, segment) → ``gettext`` (POT/PO catalogs, merge) → ``memory`` and
``terms`` → ``mt`` (CTranslate2 engine, Argos model store, MT cache) → ``publish``;
``qa`` checks translations, ``reports`` renders review reports, ``project`` reads
``pipeline.toml`` and ``steps`` runs the jobs. :mod:`pipeline.api` is the library's
entry point and ``cli`` a thin Typer shell over it.
"""

__version__ = "0.1.0"
