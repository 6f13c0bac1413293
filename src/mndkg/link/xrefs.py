"""Check every cross-reference: it exists, unobsoleted, and names the same concept.

``mndkg check-xrefs`` and the tests call ``check``. A mapping passes when a
release knows the identifier and, for ``skos:exactMatch``, one of its names
matches one of ours, unless the pair is listed as a reviewed difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from mndkg.derive import OBOINOWL
from mndkg.link.names import same_concept
from mndkg.link.releases import names_in_release, read_reference, read_table, require
from mndkg.paths import BASE, compress

NAME_PROPERTIES = (
    RDFS.label,
    OBOINOWL.hasExactSynonym,
    OBOINOWL.hasRelatedSynonym,
    URIRef(BASE + "plainLabel"),
)
SKIPPED_PREFIXES = ("RO:", "BFO:", "biolink:")


@dataclass(frozen=True)
class XrefCheck:
    """The verdict on one mapping."""

    entity: str
    curie: str
    match: str
    status: str  # "ok", "unknown", "name-mismatch", "reviewed"
    detail: str = ""


def mappings(graph: Graph) -> Iterator[tuple[URIRef, str, str]]:
    """Yield (entity, CURIE, exact|close) for every skos mapping of an mndkg entity."""
    for predicate, kind in ((SKOS.exactMatch, "exact"), (SKOS.closeMatch, "close")):
        for entity, target in sorted(graph.subject_objects(predicate)):
            curie = compress(str(target)) if str(entity).startswith(BASE) else None
            if curie and not curie.startswith(SKIPPED_PREFIXES):
                yield entity, curie, kind  # type: ignore[misc]


def read_reviewed(path: Path | None) -> set[tuple[str, str]]:
    """Read the reviewed name differences: entity local name, CURIE (and a reason)."""
    if path is None:
        return set()
    return {(r["entity"], r["curie"]) for _, r in read_table(path, ("entity", "curie"))}


def verdict(
    graph: Graph,
    entity: URIRef,
    curie: str,
    kind: str,
    reference: dict[str, set[str]],
    reviewed: set[tuple[str, str]],
) -> XrefCheck:
    """Check one mapping."""
    local = str(entity).removeprefix(BASE)
    theirs = names_in_release(curie, reference)
    if theirs is None:
        return XrefCheck(local, curie, kind, "unknown", "unknown or obsolete in the releases")
    ours = {str(o) for p in NAME_PROPERTIES for o in graph.objects(entity, p)}
    if kind == "exact" and not same_concept(ours, theirs):
        status = "reviewed" if (local, curie) in reviewed else "name-mismatch"
        return XrefCheck(
            local, curie, kind, status, f"ours: {sorted(ours)}; theirs: {sorted(theirs)}"
        )
    return XrefCheck(local, curie, kind, "ok")


def check(
    graph: Graph, reference: Path | None = None, reviewed: Path | None = None
) -> list[XrefCheck]:
    """Check every mapping of ``graph`` against the offline releases (and a reference table)."""
    require()
    table = read_reference(reference) if reference else {}
    accepted = read_reviewed(reviewed)
    return [verdict(graph, e, c, k, table, accepted) for e, c, k in mappings(graph)]


def problems(results: list[XrefCheck]) -> list[XrefCheck]:
    """Return the failed checks."""
    return [r for r in results if r.status in {"unknown", "name-mismatch"}]


def as_text(results: list[XrefCheck]) -> str:
    """Return the failed checks, one per line, and a summary of all."""
    lines = [f"{r.status:13}  {r.entity}  {r.curie}  {r.detail}" for r in problems(results)]
    counts = {
        s: sum(r.status == s for r in results)
        for s in ("ok", "reviewed", "unknown", "name-mismatch")
    }
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    return "\n".join([*lines, f"{len(results)} cross-references: {summary}"]) + "\n"
