"""The cross-references as an SSSOM mapping set (``dist/mndkg.sssom.tsv``).

One row per ``skos:*Match`` of an mndkg entity, with the mapping justification
(semapv), a confidence and the author, under a YAML metadata block, so that
ontology maintainers can load, validate (``sssom validate``) and merge them.
CURIEs use the prefixes of MONDO's own mapping sets where ours differ
(``ontology/sssom-prefixes.tsv``: ``Orphanet:``, not ``ORPHA:``), so that a merge
with MONDO's sets keeps one prefix per namespace; ``mapping_date`` is the
curated data's ``dcterms:modified`` (or ``SOURCE_DATE_EPOCH``), never the day of
the build, so two builds of the same data write the same bytes.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from mndkg.paths import BASE, ONTOLOGY_IRI, compress, context, data_dir

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


@cache
def renamed_prefixes() -> dict[str, tuple[str, str]]:
    """Return our prefix -> (the prefix MONDO's mapping sets use, its namespace)."""
    path = data_dir("ontology") / "sssom-prefixes.tsv"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return {
        row["ours"]: (row["sssom_prefix"], row["sssom_namespace"])
        for row in csv.DictReader(lines, delimiter="\t")
    }


def sssom_curie(iri: str) -> str | None:
    """Return the CURIE of ``iri`` as the SSSOM file writes it (MONDO's prefix where it differs)."""
    curie = compress(iri)
    if curie is None:
        return None
    prefix, local = curie.split(":", 1)
    renamed = renamed_prefixes().get(prefix)
    return f"{renamed[0]}:{local}" if renamed else curie


def namespaces() -> dict[str, str]:
    """Return the prefix map of the SSSOM file: ours, with MONDO's prefixes where they differ."""
    found = {p: iri for p, iri in context().items() if isinstance(iri, str)}
    for ours, (prefix, namespace) in renamed_prefixes().items():
        found.pop(ours, None)
        found[prefix] = namespace
    return found


def mapping_date(graph: Graph) -> str | None:
    """Return the date the curated data last changed: ``SOURCE_DATE_EPOCH``, else the header's."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    modified = graph.value(URIRef(ONTOLOGY_IRI), DCTERMS.modified)
    return str(modified) if modified is not None else None


def rows(graph: Graph) -> list[dict[str, str]]:
    """Return one SSSOM row per mapping of an mndkg entity, sorted."""
    found = []
    for predicate, name in PREDICATES.items():
        for subject, target in graph.subject_objects(predicate):
            subject_id, object_id = sssom_curie(str(subject)), sssom_curie(str(target))
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


def metadata(found: list[dict[str, str]], version: str, date: str | None) -> str:
    """Return the SSSOM metadata block (YAML lines prefixed by '#')."""
    used = {r[c].split(":", 1)[0] for r in found for c in ("subject_id", "object_id")}
    prefixes = {p: iri for p, iri in namespaces().items() if p in used and p not in BUILT_IN}
    lines = [
        "curie_map:",
        *(f"  {p}: {iri}" for p, iri in sorted(prefixes.items())),
        f"mapping_set_id: {BASE}releases/{version}/mndkg.sssom.tsv",
        f"mapping_set_version: {version}",
        "mapping_set_title: Cross-references of the motor neuron disease knowledge graph",
        "license: https://creativecommons.org/licenses/by/4.0/",
        *([f"mapping_date: {date}"] if date else []),
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
    return metadata(found, version, mapping_date(graph)) + buffer.getvalue()
