"""Hand-built translated documents for the publish tests (no ingest or model needed).

The English text is the start of the seed transcript (examples/transcript.txt);
the French is a human translation, with statuses mixed so that every kind of
mark (reviewed, machine, untranslated) appears. One paragraph is hostile: it
carries markup, template syntax, CDATA terminators and Markdown links that
every writer must publish as plain text.
"""

from __future__ import annotations

import datetime as dt

from pipeline.text.document import (
    Block,
    BlockKind,
    Document,
    Metadata,
    Status,
    TranslatedBlock,
    TranslatedDocument,
    TranslatedSegment,
)

R, M, S = Status.REVIEWED, Status.MACHINE, Status.SOURCE

HOSTILE_SOURCE = (
    "A reader wrote <script>window.__pwned=1</script> and {{ 7*7 }} {% if x %} ]]> "
    "[click](javascript:alert(1)) *bold* <b>b</b> &amp; `code`."
)
HOSTILE_TARGET = (
    "Un lecteur a écrit <script>window.__pwned=1</script> et {{ 7*7 }} {% if x %} ]]> "
    "[cliquez](javascript:alert(1)) *gras* <b>b</b> &amp; `code`."
)
HEADING_LIKE = "# not a heading"

SEED_METADATA = Metadata(
    date=dt.date(2021, 2, 18),
    date_text="18 Feb. 2021",
    updated=dt.datetime(2021, 2, 18, 18, 22),
    updated_text="18 Feb. 2021 18:22",
    updated_label="Mis à jour le",
    as_delivered=True,
    delivery_note_text="(As delivered)",
)

# (kind, line, paragraph, [(source, target, status), ...])
SEED_BLOCKS = [
    (BlockKind.KIND, 1, 0, [("Online press conference", "Conférence de presse en ligne", R)]),
    (BlockKind.BYLINE, 3, 1, [(
        "by NATO Secretary General Jens Stoltenberg following the second day of the meetings "
        "of NATO Defence Ministers",
        "par le secrétaire général de l'OTAN, Jens Stoltenberg, à l'issue de la deuxième "
        "journée des réunions des ministres de la Défense des pays de l'OTAN",
        R,
    )]),
    (BlockKind.HEADING, 11, 2, [(
        "Press conference by NATO Secretary General Jens Stoltenberg after the second day of "
        "the Defence Ministers meetings",
        "Conférence de presse du secrétaire général de l'OTAN, Jens Stoltenberg, après la "
        "deuxième journée des réunions des ministres de la Défense",
        M,
    )]),
    (BlockKind.PARAGRAPH, 13, 3, [("Good afternoon.", "Bonjour.", R)]),
    (BlockKind.PARAGRAPH, 15, 4, [(
        "On the agenda of our meeting today were our training missions in Afghanistan and Iraq.",
        "Nos missions de formation en Afghanistan et en Irak étaient aujourd'hui à l'ordre du "
        "jour de notre réunion.",
        R,
    )]),
    (BlockKind.PARAGRAPH, 16, 4, [(
        "Both are key contributions to the fight against international terrorism.",
        "Toutes deux contribuent de manière essentielle à la lutte contre le terrorisme "
        "international.",
        M,
    )]),
    (BlockKind.PARAGRAPH, 18, 5, [(
        "Defence Ministers had a thorough discussion on the situation in Afghanistan.",
        "Les ministres de la Défense ont eu une discussion approfondie sur la situation en "
        "Afghanistan.",
        M,
    )]),
    (BlockKind.PARAGRAPH, 19, 5, [(
        "We are faced with many dilemmas and there are no easy options.",
        "Nous sommes confrontés à de nombreux dilemmes et il n'y a pas d'options faciles.",
        R,
    )]),
    (BlockKind.PARAGRAPH, 21, 6, [(
        "At this stage, we have made no final decision on the future of our presence, but, as "
        "the May 1 deadline is approaching, NATO Allies will continue to closely consult and "
        "coordinate in the coming weeks.",
        "À ce stade, nous n'avons pris aucune décision définitive quant à l'avenir de notre "
        "présence, mais, à l'approche de l'échéance du 1er mai, les Alliés continueront de se "
        "consulter et de se coordonner étroitement au cours des prochaines semaines.",
        R,
    )]),
    (BlockKind.PARAGRAPH, 27, 7, [
        ("The peace process is the best chance to end years of suffering and violence.",
         "Le processus de paix est la meilleure chance de mettre fin à des années de "
         "souffrance et de violence.", R),
        ("And bring lasting peace.", "And bring lasting peace.", S),
    ]),
]
HOSTILE_BLOCKS = [
    (BlockKind.PARAGRAPH, 30, 8, [(HOSTILE_SOURCE, HOSTILE_TARGET, M)]),
    (BlockKind.PARAGRAPH, 31, 8, [(HEADING_LIKE, HEADING_LIKE, R)]),
]


def make_block(kind: BlockKind, line: int, paragraph: int, segments: list) -> TranslatedBlock:
    """A block whose sentences are separated by one space, as the segmenter reports them."""
    text = " ".join(source for source, _, _ in segments)
    translated = [
        TranslatedSegment(source, target, status, " " if i < len(segments) - 1 else "")
        for i, (source, target, status) in enumerate(segments)
    ]
    return TranslatedBlock(Block(kind, text, line, paragraph), translated)


def make_document(
    rows: list,
    *,
    name: str = "defence-ministers",
    source: str = "en",
    target: str = "fr",
    metadata: Metadata = SEED_METADATA,
) -> TranslatedDocument:
    """A TranslatedDocument from ``(kind, line, paragraph, segments)`` rows."""
    blocks = [make_block(*row) for row in rows]
    document = Document(name, f"{name}.txt", source, metadata, [b.block for b in blocks])
    return TranslatedDocument(document, target, blocks)


def seed_translation(target: str = "fr", hostile: bool = True, **kwargs) -> TranslatedDocument:
    """The seed's opening in French (statuses mixed), optionally with the hostile paragraph."""
    rows = SEED_BLOCKS + (HOSTILE_BLOCKS if hostile else [])
    return make_document(rows, target=target, **kwargs)


def titled_translation() -> TranslatedDocument:
    """A French speech with a title line (nato-2019-04-03-congress-fr) published in English."""
    rows = [
        (BlockKind.TITLE, 1, 0, [(
            "L’OTAN : un atout pour l’Europe, un atout pour l’Amérique",
            "NATO: an asset for Europe, an asset for America", R,
        )]),
        (BlockKind.BYLINE, 3, 1, [(
            "Discours du secrétaire général de l’OTAN, Jens Stoltenberg, devant le Congrès des "
            "États-Unis",
            "Speech by NATO Secretary General Jens Stoltenberg to the United States Congress", R,
        )]),
        (BlockKind.PARAGRAPH, 9, 2, [("Madame la Présidente,", "Madam Speaker,", R)]),
        (BlockKind.PARAGRAPH, 10, 2, [("Monsieur le Vice-président,", "Mr Vice President,", M)]),
    ]
    metadata = Metadata(
        date=dt.date(2019, 4, 3), updated=dt.datetime(2019, 4, 5, 16, 53),
        updated_label="Mis à jour le",
    )
    return make_document(rows, name="speeches/congress", source="fr", target="en",
                         metadata=metadata)
