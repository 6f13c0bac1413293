"""The build: load -> derive -> reason -> validate -> checks -> write every ``dist/`` artifact.

Nothing is written when the asserted or the inferred graph does not conform, a
violation check returns rows, or the quality report has an ERROR row: the
previous ``dist/`` stays whole (see ``atomic.staged_folder``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from mndkg.errors import ValidationFailed

if TYPE_CHECKING:
    import pyoxigraph as ox

    from mndkg.report import Row

#: The release files besides the main graph: stem -> formats (file name pattern -> rdflib format).
VARIANTS: dict[str, dict[str, str]] = {
    "mndkg-base": {"mndkg.ttl": "turtle", "mndkg.owl": "xml"},
    "mndkg-full": {"mndkg.ttl": "turtle", "mndkg.owl": "xml"},
    "mndkg-inferred": {"mndkg.ttl": "turtle"},
}


@dataclass
class BuildResult:
    """What a build wrote and measured."""

    out: Path
    version: str
    triples: int
    inferred: int = 0
    files: list[Path] = field(default_factory=list)


def check_violations(store: ox.Store) -> list[str]:
    """Run every ``queries/checks/*-violation.rq`` and return one line per offending row."""
    from mndkg.queries import index, run

    problems = []
    for query in (q for q in index().values() if q.group == "checks"):
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


def verify(full: Graph, store: ox.Store, rows: list[Row]) -> None:
    """Raise ``ValidationFailed`` unless the graph with its inferences conforms and the checks pass.

    The shapes run once, on the asserted graph plus its inferences (which contains
    every asserted triple): a fact counts as sourced when it, or a more specific
    statement of it, cites a source.
    """
    from mndkg import report, validation

    result = validation.validate(full)
    if not result.conforms:
        text = validation.as_text(result)
        raise ValidationFailed(f"the graph does not conform; nothing was written\n{text}")
    problems = check_violations(store)
    problems += [
        f"{r.check}: {r.entity} {r.property} {r.value}".rstrip() for r in report.errors(rows)
    ]
    if problems:
        raise ValidationFailed("quality checks failed; nothing was written\n" + "\n".join(problems))


def write(
    folder: Path, graph: Graph, inferred: Graph, store: ox.Store, rows: list[Row], version: str
) -> list[Path]:
    """Write every artifact of a release into ``folder``; return the paths written."""
    from mndkg import report
    from mndkg.export import examples, graphml, kgx, rdf, sssom, void
    from mndkg.export.html import write_html

    files = rdf.write_all(graph, folder)
    files.append(write_html(graph, folder / "mndkg.html").path)
    graphs = {
        "mndkg-base": rdf.base(graph),
        "mndkg-full": graph + inferred,
        "mndkg-inferred": inferred,
    }
    for stem, formats in VARIANTS.items():
        files += rdf.write_all(graphs[stem], folder, stem, formats)
    described = void.describe(store, version, [f.name for f in files])
    files.append(folder / "void.ttl")
    files[-1].write_text(described.serialize(format="turtle"), encoding="utf-8")
    (folder / "examples").mkdir()
    for name, example in examples.examples().items():
        (folder / "examples" / name).write_text(example.serialize(format="turtle"), "utf-8")
    files.append(folder / "examples")
    files.append(folder / "report.tsv")
    files[-1].write_text(report.as_tsv(rows), encoding="utf-8")
    files.append(folder / "mndkg.sssom.tsv")
    files[-1].write_text(sssom.to_tsv(graph, version), encoding="utf-8")
    kgx.write(graph, folder / "kgx")
    files.append(folder / "kgx")
    files.append(graphml.write(graph, folder / "mndkg.graphml"))
    return files


def build(out: Path, version: str | None = None) -> BuildResult:
    """Build, reason, validate and write every artifact into ``out``; all or nothing."""
    from mndkg.atomic import staged_folder
    from mndkg.derive import package_version
    from mndkg.reason import infer
    from mndkg.report import report
    from mndkg.store import store_from_graph

    version = version or package_version()
    graph = assemble(version=version)
    inferred = infer(graph)
    store = store_from_graph(graph)  # one copy for the checks, the report and VoID
    rows = report(graph, store)
    verify(graph + inferred, store, rows)
    with staged_folder(out) as folder:
        files = write(folder, graph, inferred, store, rows, version)
    return BuildResult(
        out=out,
        version=version,
        triples=len(graph),
        inferred=len(inferred),
        files=[out / f.name for f in files],
    )
