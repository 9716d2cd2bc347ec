"""Offline translation and multilingual publishing pipeline for transcripts.

Stages (one module each): ``ingest`` → ``segment`` → ``catalog`` →
``engine`` (machine translation) → ``publish``; ``models`` manages Argos
packages, ``qa`` checks translations and ``cli`` is a thin Typer shell over
:mod:`pipeline.api`.
"""

__version__ = "0.1.0"
