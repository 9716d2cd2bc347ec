"""Exchange formats for CAT tools: TMX 1.4 translation memories and XLIFF 1.2 files.

TMX is written with translate-toolkit's :class:`~translate.storage.tmx.tmxfile`
(its header is completed with our tool name), holding one ``<tu>`` per distinct
reviewed sentence pair; machine translations are added only on request, each
marked ``<prop type="x-status">machine</prop>`` so that a CAT tool can apply a
penalty to them.

XLIFF 1.2 is written with lxml (translate-toolkit's own XML library) because
translate-toolkit's xlifffile writes the XLIFF 1.1 namespace: one ``<group>`` per block and one
``<trans-unit>`` per sentence, in document order, whose ``id`` is the sentence
number used on the bilingual page. States: reviewed → ``translated`` (and
``approved="yes"``), machine → ``needs-review-translation`` with
``state-qualifier="mt-suggestion"``, untranslated → no ``<target>``.

Both writers use XML libraries (never string concatenation), so markup or
``]]>`` in a transcript is escaped text; neither writes a timestamp.
"""

from __future__ import annotations

import io

from pipeline import __version__
from pipeline.publish.view import View
from pipeline.text.document import Status

TOOL = "transcript-pipeline"
XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def tmx_pairs(view: View, include_machine: bool = False) -> list[tuple[str, str, Status]]:
    """Distinct (source, target, status) sentence pairs that belong in the memory, in order."""
    wanted = {Status.REVIEWED, Status.MACHINE} if include_machine else {Status.REVIEWED}
    pairs: dict[tuple[str, str, Status], None] = {}
    for line in view.lines:
        for source, target in zip(line.source, line.target, strict=True):
            if target.status in wanted and source.text.strip() and target.text.strip():
                pairs.setdefault((source.text, target.text, target.status))
    return list(pairs)


def render_tmx(view: View, include_machine: bool = False) -> str:
    """A TMX 1.4 memory of the document's reviewed (and optionally machine) sentences."""
    from lxml import etree
    from translate.storage.tmx import tmxfile

    source_tag, target_tag = view.source.lang, view.target.lang
    store = tmxfile(sourcelanguage=source_tag, targetlanguage=target_tag)
    header = store.document.getroot().find("header")
    header.attrib.clear()
    header.attrib.update(
        {
            "creationtool": TOOL,
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "PO",
            "adminlang": "en",
            "srclang": source_tag,
            "datatype": "plaintext",
        }
    )
    ratio = etree.SubElement(header, "prop", type="x-reviewed-ratio")
    ratio.text = f"{view.reviewed_ratio:.4f}"
    for source, target, status in tmx_pairs(view, include_machine):
        store.addtranslation(source, source_tag, target, target_tag)
        if status is Status.MACHINE:
            unit = store.units[-1].xmlelement
            prop = etree.Element("prop", type="x-status")
            prop.text = "machine"
            unit.insert(0, prop)
    buffer = io.BytesIO()
    store.serialize(buffer)
    return buffer.getvalue().decode("utf-8")


def _q(tag: str) -> str:
    """Qualified XLIFF element name."""
    return f"{{{XLIFF_NS}}}{tag}"


def _xliff_unit(parent, source, target, where: str) -> None:
    """One ``<trans-unit>`` with its state, and a note saying where the sentence is."""
    from lxml import etree as ET

    attrs = {"id": str(source.seg), f"{{{XML_NS}}}space": "preserve"}
    if target.status is Status.REVIEWED:
        attrs["approved"] = "yes"
    unit = ET.SubElement(parent, _q("trans-unit"), attrs)
    ET.SubElement(unit, _q("source")).text = source.text
    if target.status is Status.REVIEWED:
        ET.SubElement(unit, _q("target"), {"state": "translated"}).text = target.text
    elif target.status is Status.MACHINE:
        state = {"state": "needs-review-translation", "state-qualifier": "mt-suggestion"}
        ET.SubElement(unit, _q("target"), state).text = target.text
    ET.SubElement(unit, _q("note"), {"from": TOOL}).text = where


def render_xliff(view: View) -> str:
    """An XLIFF 1.2 file of every sentence, grouped by block, with review states."""
    from lxml import etree as ET

    root = ET.Element(_q("xliff"), {"version": "1.2"}, nsmap={None: XLIFF_NS})
    file = ET.SubElement(
        root,
        _q("file"),
        {
            "original": view.name,
            "source-language": view.source.lang,
            "target-language": view.target.lang,
            "datatype": "plaintext",
            "tool-id": TOOL,
        },
    )
    header = ET.SubElement(file, _q("header"))
    ET.SubElement(
        header,
        _q("tool"),
        {
            "tool-id": TOOL,
            "tool-name": TOOL,
            "tool-version": __version__,
        },
    )
    ET.SubElement(header, _q("note"), {"from": TOOL}).text = (
        f"x-reviewed-ratio={view.reviewed_ratio:.4f}; sentences={view.total}; "
        f"reviewed={view.reviewed}; machine={view.machine}; untranslated={view.untranslated}"
    )
    body = ET.SubElement(file, _q("body"))
    for line in view.lines:
        group = ET.SubElement(
            body,
            _q("group"),
            {
                "id": f"b{line.index + 1}",
                "restype": f"x-{line.kind.value}",
            },
        )
        for source, target in zip(line.source, line.target, strict=True):
            _xliff_unit(group, source, target, f"line {line.line} ({line.kind.value})")
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"
