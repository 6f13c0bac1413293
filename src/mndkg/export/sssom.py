"""The cross-references as an SSSOM mapping set (``dist/mndkg.sssom.tsv``).

One row per ``skos:*Match`` of an mndkg entity, with the mapping justification
(semapv), a confidence and the author, under a YAML metadata block, so that
ontology maintainers can load, validate (``sssom validate``) and merge them.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from rdflib import Graph
from rdflib.namespace import RDFS, SKOS

from mndkg.paths import BASE, compress, context

PREDICATES = {
    SKOS.exactMatch: "skos:exactMatch",
    SKOS.closeMatch: "skos:closeMatch",
    SKOS.broadMatch: "skos:broadMatch",
    SKOS.narrowMatch: "skos:narrowMatch",
    SKOS.relatedMatch: "skos:relatedMatch",
}
#: Curated by hand and checked against the releases: exact matches are near-certain.
CONFIDENCE = {
    "skos:exactMatch": 0.95,
    "skos:closeMatch": 0.8,
    "skos:broadMatch": 0.8,
    "skos:narrowMatch": 0.8,
    "skos:relatedMatch": 0.6,
}
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "mapping_justification",
    "confidence",
    "author_label",
    "mapping_tool",
)
BUILT_IN = {"owl", "rdf", "rdfs", "skos", "semapv", "sssom", "oboInOwl", "dcterms", "xsd"}


def rows(graph: Graph) -> list[dict[str, str]]:
    """Return one SSSOM row per mapping of an mndkg entity, sorted."""
    found = []
    for predicate, name in PREDICATES.items():
        for subject, target in graph.subject_objects(predicate):
            subject_id, object_id = compress(str(subject)), compress(str(target))
            if not str(subject).startswith(BASE) or not subject_id or not object_id:
                continue
            if object_id.startswith(("biolink:", "RO:", "BFO:")):
                continue
            found.append(
                {
                    "subject_id": subject_id,
                    "subject_label": str(graph.value(subject, RDFS.label) or ""),
                    "predicate_id": name,
                    "object_id": object_id,
                    "mapping_justification": "semapv:ManualMappingCuration",
                    "confidence": str(CONFIDENCE[name]),
                    "author_label": "mndkg developers",
                    "mapping_tool": "mndkg",
                }
            )
    return sorted(found, key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))


def metadata(found: list[dict[str, str]], version: str) -> str:
    """Return the SSSOM metadata block (YAML lines prefixed by '#')."""
    used = {r[c].split(":", 1)[0] for r in found for c in ("subject_id", "object_id")}
    prefixes = {p: iri for p, iri in context().items() if p in used and p not in BUILT_IN}
    lines = [
        "curie_map:",
        *(f"  {p}: {iri}" for p, iri in sorted(prefixes.items())),
        f"mapping_set_id: {BASE}releases/{version}/mndkg.sssom.tsv",
        f"mapping_set_version: {version}",
        "mapping_set_title: Cross-references of the motor neuron disease knowledge graph",
        "license: https://creativecommons.org/licenses/by/4.0/",
        f"mapping_date: {date.today().isoformat()}",
        "creator_label:",
        "  - mndkg developers",
    ]
    return "".join(f"#{line}\n" for line in lines)


def to_tsv(graph: Graph, version: str) -> str:
    """Return the whole SSSOM/TSV file: metadata block, header, rows."""
    found = rows(graph)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(found)
    return metadata(found, version) + buffer.getvalue()
