"""The build: load -> derive -> validate -> checks -> write every ``dist/`` artifact atomically.

Nothing is written when the graph does not conform: the previous ``dist/`` stays
whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from mndkg.errors import ValidationFailed


@dataclass
class BuildResult:
    """What a build wrote and measured."""

    out: Path
    version: str
    triples: int
    files: list[Path] = field(default_factory=list)


def check_violations(graph: Graph) -> list[str]:
    """Run every ``queries/checks/*-violation.rq`` and return one line per offending row."""
    from mndkg.queries import index, run
    from mndkg.store import store_from_graph

    store = store_from_graph(graph)
    problems = []
    for query in index().values():
        if query.group != "checks":
            continue
        result = run(store, query.text, query.name)
        problems += [
            f"{query.name}: {query.title}: " + ", ".join(f"{k}={v}" for k, v in rec.items())
            for rec in result.records()
        ]
    return problems


def assemble(extra: Sequence[Path] = (), version: str | None = None) -> Graph:
    """Load the ontology and graph (and extra files) and add the derived triples."""
    from mndkg.derive import prepare
    from mndkg.loader import load_graph

    return prepare(load_graph(extra), version)


def build(out: Path, version: str | None = None) -> BuildResult:
    """Build, validate and write every artifact into ``out``; nothing is written if invalid."""
    from mndkg.atomic import staged_folder
    from mndkg.derive import package_version
    from mndkg.export import rdf
    from mndkg.validation import as_text, validate

    version = version or package_version()
    graph = assemble(version=version)
    report = validate(graph)
    if not report.conforms:
        raise ValidationFailed(
            "the graph does not conform; nothing was written\n" + as_text(report)
        )
    problems = check_violations(graph)
    if problems:
        raise ValidationFailed(
            "violation checks returned rows; nothing was written\n" + "\n".join(problems)
        )
    with staged_folder(out) as folder:
        files = rdf.write_all(graph, folder)
    return BuildResult(
        out=out, version=version, triples=len(graph), files=[out / f.name for f in files]
    )
