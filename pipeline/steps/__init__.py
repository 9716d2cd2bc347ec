"""The steps a user asks for, each over a checked set of documents.

``extract`` → ``translate`` → ``publish`` (``run`` does all three), plus the
read-only ``status``, ``check`` and ``review`` (the review queue and report);
``terms`` keeps the project's glossary up to date and loads it once per job.
Every step receives a :class:`~pipeline.steps.job.Job`: the project, the
sources (already checked, large files already split into parts), the target
languages, the progress callbacks and the report to fill.
Validation and locking happen once, in :mod:`pipeline.api`, before a job is
built; the steps assume both.
"""
