"""How the translation memory compares sentences: keys, hashes and index words.

Two sentences are *the same* for the memory when their keys are equal: the
MT cache's normalisation (NFC, no-break spaces as spaces,
:func:`pipeline.mt.cache.normalise`) plus collapsed and trimmed whitespace, so
that a re-wrapped or re-spaced sentence still matches exactly. Case and
punctuation are kept: "Thank you." and "Thank you!" are different sentences
(a 90 % fuzzy match).

Keys are looked up through a 64-bit hash (an index on the hash is a quarter of
the size of one on the text); the text is compared after the hash matches, so
a collision costs a lookup, never a wrong match. Neighbour sentences (for
in-context matches) are stored as hashes only.
"""

from __future__ import annotations

import hashlib
import re

from pipeline.mt.cache import normalise

_WORD_RE = re.compile(r"[^\W_]+")


def sentence_key(sentence: str) -> str:
    """The normalised form exact matches compare: NFC, plain spaces, whitespace collapsed."""
    return " ".join(normalise(sentence).split())


def key_hash(key: str) -> int:
    """A stable signed 64-bit hash of a key (SQLite's INTEGER range)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def neighbour_hash(sentence: str | None) -> int | None:
    """The hash of a neighbouring sentence's key; None where there is no neighbour."""
    if sentence is None:
        return None
    key = sentence_key(sentence)
    return key_hash(key) if key else None


def index_words(key: str) -> list[str]:
    """The distinct words of a key, lower-cased, in first-seen order: what the index holds.

    Words are runs of letters and digits; every other character separates.
    The index stores them joined by spaces under SQLite's ``ascii`` tokenizer,
    which splits on ASCII punctuation and spaces only and so gives back exactly
    these words: the document frequencies counted here and the index agree.
    """
    return list(dict.fromkeys(_WORD_RE.findall(key.lower())))
