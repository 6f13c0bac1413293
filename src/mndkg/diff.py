"""What changed between two releases: entities, facts and annotations added, removed or changed.

Both releases are read as RDF (any format the loader knows). Entities are the
mndkg IRIs that carry a label; facts are triples between two mndkg IRIs
through an mndkg relation (or the class hierarchy); annotations are the single-
valued texts a curator edits (label, plain label, definition).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from mndkg.paths import BASE, compress

DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
ANNOTATIONS = (RDFS.label, URIRef(BASE + "plainLabel"), DEFINITION)


@dataclass(frozen=True)
class Change:
    """One difference: added, removed or changed; of an entity, a fact or an annotation."""

    change: str
    what: str
    subject: str
    predicate: str
    old: str
    new: str


def curie(node: Node) -> str:
    """Return an IRI as a CURIE where the prefix map allows."""
    return compress(str(node)) or str(node)


def ours(node: Node) -> bool:
    """Return whether ``node`` is an mndkg IRI."""
    return isinstance(node, URIRef) and str(node).startswith(BASE)


def entities(graph: Graph) -> set[Node]:
    """Return the mndkg IRIs that carry a label."""
    return {s for s in graph.subjects(RDFS.label, None) if ours(s)}


def facts(graph: Graph) -> set[tuple[Node, Node, Node]]:
    """Return the triples between mndkg IRIs through mndkg relations or rdfs:subClassOf."""
    return {
        (s, p, o) for s, p, o in graph if ours(s) and ours(o) and (ours(p) or p == RDFS.subClassOf)
    }


def annotation_changes(old: Graph, new: Graph, common: Iterable[Node]) -> list[Change]:
    """Return the label, plain label and definition changes of entities in both releases."""
    changes = []
    for entity in sorted(common):
        for predicate in ANNOTATIONS:
            before, after = old.value(entity, predicate), new.value(entity, predicate)
            if before != after:
                changes.append(
                    Change(
                        "changed",
                        "annotation",
                        curie(entity),
                        curie(predicate),
                        str(before or ""),
                        str(after or ""),
                    )
                )
    return changes


def diff(old: Graph, new: Graph) -> list[Change]:
    """Return every change from ``old`` to ``new``, entities first, then facts, then annotations."""
    old_e, new_e = entities(old), entities(new)
    changes = [
        Change("added", "entity", curie(e), "", "", str(new.value(e, RDFS.label)))
        for e in sorted(new_e - old_e)
    ]
    changes += [
        Change("removed", "entity", curie(e), "", str(old.value(e, RDFS.label)), "")
        for e in sorted(old_e - new_e)
    ]
    old_f, new_f = facts(old), facts(new)
    changes += [
        Change("added", "fact", curie(s), curie(p), "", curie(o))
        for s, p, o in sorted(new_f - old_f)
    ]
    changes += [
        Change("removed", "fact", curie(s), curie(p), curie(o), "")
        for s, p, o in sorted(old_f - new_f)
    ]
    return changes + annotation_changes(old, new, old_e & new_e)


def diff_files(old: Path, new: Path) -> list[Change]:
    """Return the changes between two release files."""
    from mndkg.loader import load_files

    return diff(load_files([old]), load_files([new]))


def as_tsv(changes: list[Change]) -> str:
    """Return the changes as TSV with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(["change", "what", "subject", "predicate", "old", "new"])
    writer.writerows([[c.change, c.what, c.subject, c.predicate, c.old, c.new] for c in changes])
    return buffer.getvalue()


def as_text(changes: list[Change]) -> str:
    """Return the changes for people, one line each, and a summary."""
    signs = {"added": "+", "removed": "-", "changed": "~"}
    lines = []
    for c in changes:
        if c.what == "entity":
            lines.append(f"{signs[c.change]} entity {c.subject} ({c.new or c.old})")
        elif c.what == "fact":
            lines.append(f"{signs[c.change]} fact {c.subject} {c.predicate} {c.new or c.old}")
        else:
            lines.append(f"~ {c.subject} {c.predicate}: {c.old!r} -> {c.new!r}")
    counts = {k: sum(c.change == k for c in changes) for k in signs}
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    return "\n".join([*lines, f"{len(changes)} changes: {summary}"]) + "\n"


DIFF_WRITERS: dict[str, Callable[[list[Change]], str]] = {"text": as_text, "tsv": as_tsv}
