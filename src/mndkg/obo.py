"""Read an OBO file (e.g. the whole ``hp.obo``) as RDF, so ``--with`` can merge it.

pronto parses the file; each term becomes an OWL class with the OBO-to-OWL
mapping's usual annotations: label, definition (IAO:0000115), synonyms by scope
(oboInOwl), database cross-references, ``owl:deprecated`` for obsolete terms and
``rdfs:subClassOf`` for its direct ``is_a`` parents. Relationships other than
``is_a`` are left out.

Nothing is fetched: pronto follows ``import:`` lines by default (downloading
them, or reading files beside this one, and merging their terms silently), so
imports are switched off and a warning names the lines left unfollowed. The
file must be an OBO flat file in UTF-8 (as the OBO 1.4 format says): pronto
would otherwise guess an encoding, or read XML or JSON that happens to be
named ``.obo`` with parsers this package does not guard.
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import pyoxigraph as ox

from mndkg.errors import InputError
from mndkg.xmlguard import column, line_breaks

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DEFINITION = ox.NamedNode("http://purl.obolibrary.org/obo/IAO_0000115")
SCOPES = {
    "EXACT": "hasExactSynonym",
    "RELATED": "hasRelatedSynonym",
    "BROAD": "hasBroadSynonym",
    "NARROW": "hasNarrowSynonym",
}


def term_iri(identifier: str) -> ox.NamedNode:
    """Return the IRI of an OBO identifier: the prefix map's, else the OBO PURL."""
    from mndkg.paths import converter

    expanded = converter().expand(identifier) if ":" in identifier else None
    if expanded is None:
        expanded = "http://purl.obolibrary.org/obo/" + identifier.replace(":", "_", 1)
    return ox.NamedNode(expanded)


def term_triples(term: object) -> list[ox.Triple]:
    """Return the triples of one pronto term."""
    node = term_iri(term.id)  # type: ignore[attr-defined]
    out = [ox.Triple(node, RDF_TYPE, ox.NamedNode(OWL + "Class"))]
    if term.name:  # type: ignore[attr-defined]
        out.append(
            ox.Triple(node, ox.NamedNode(RDFS + "label"), ox.Literal(term.name, language="en"))
        )  # type: ignore[attr-defined]
    if term.definition:  # type: ignore[attr-defined]
        out.append(ox.Triple(node, DEFINITION, ox.Literal(str(term.definition), language="en")))  # type: ignore[attr-defined]
    for synonym in term.synonyms:  # type: ignore[attr-defined]
        predicate = ox.NamedNode(OBOINOWL + SCOPES.get(synonym.scope, "hasRelatedSynonym"))
        out.append(ox.Triple(node, predicate, ox.Literal(synonym.description, language="en")))
    for xref in term.xrefs:  # type: ignore[attr-defined]
        out.append(ox.Triple(node, ox.NamedNode(OBOINOWL + "hasDbXref"), ox.Literal(xref.id)))
    if term.obsolete:  # type: ignore[attr-defined]
        out.append(ox.Triple(node, ox.NamedNode(OWL + "deprecated"), ox.Literal(True)))
    for parent in term.superclasses(distance=1, with_self=False):  # type: ignore[attr-defined]
        out.append(ox.Triple(node, ox.NamedNode(RDFS + "subClassOf"), term_iri(parent.id)))
    return out


CHUNK = 1 << 20
#: How an OBO flat file begins (after a byte order mark and white space), as pronto checks.
OBO_STARTS = (b"format-version:", b"[Term", b"[Typedef")


def check_text(path: Path) -> None:
    """Refuse a file that is not an OBO flat file in UTF-8, naming the line of a bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, offset = 1, 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if offset == 0 and not chunk.removeprefix(codecs.BOM_UTF8).lstrip().startswith(
                OBO_STARTS
            ):
                raise InputError(
                    "not an OBO flat file (it should begin with format-version: or a stanza)",
                    path,
                    1,
                )
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                data = pending + chunk
                line += line_breaks(data, 0, err.start)
                raise InputError(
                    f"not UTF-8 (byte 0x{data[err.start]:02x}); OBO files are read as UTF-8",
                    path,
                    line,
                    column(data, err.start),
                ) from None
            line += line_breaks(chunk)
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise InputError("not UTF-8: the file ends inside a character", path, line) from None


def read(path: Path) -> list[ox.Triple]:
    """Return the triples of an OBO file, or raise an ``InputError`` naming it."""
    import warnings

    import pronto

    check_text(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ontology = pronto.Ontology(str(path), import_depth=0, encoding="utf-8")
    except (SyntaxError, ValueError, OSError) as err:
        line = getattr(err, "lineno", None)
        raise InputError(f"cannot parse OBO: {err}", path, line) from err
    warn_imports(path, sorted(ontology.metadata.imports))
    return [t for term in ontology.terms() for t in term_triples(term)]


def warn_imports(path: Path, imports: list[str]) -> None:
    """Say on stderr that ``import:`` lines were not followed (their terms are not merged)."""
    if imports:
        sys.stderr.write(
            f"mndkg: warning: {path}: import: lines are not followed "
            f"(merge those ontologies with --with): {', '.join(imports)}\n"
        )
