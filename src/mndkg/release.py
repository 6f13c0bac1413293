"""The build: load -> derive -> reason -> validate -> checks -> write every ``dist/`` artifact.

Nothing is written when the asserted or the inferred graph does not conform, a
violation check returns rows, or the quality report has an ERROR row: the
previous ``dist/`` stays whole (see ``atomic.staged_folder``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from mndkg.errors import InputError, ValidationFailed

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

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


def verify(store: ox.Store, rows: list[Row]) -> None:
    """Raise ``ValidationFailed`` when a violation check returns rows or the report has an ERROR.

    These run on the asserted graph in pyoxigraph, in milliseconds; the shapes run
    apart (``shape_verdict``), in a second process while the files are written.
    """
    from mndkg import report

    problems = check_violations(store)
    problems += [
        f"{r.check}: {r.entity} {r.property} {r.value}".rstrip() for r in report.errors(rows)
    ]
    if problems:
        raise ValidationFailed("quality checks failed; nothing was written\n" + "\n".join(problems))


def shape_verdict(version: str) -> str | None:
    """Validate the release graph with its inferences; return the report text unless it conforms.

    The shapes run once, on the asserted graph plus its inferences (which contains
    every asserted triple): a fact counts as sourced when it, or a more specific
    statement of it, cites a source. ``build`` runs this in a second process, from
    the same files, so that validation overlaps writing the release.
    """
    from mndkg import validation
    from mndkg.reason import as_graph, close
    from mndkg.store import store_from_graph

    graph = assemble(version=version)
    full_store = store_from_graph(graph)
    closure = close(full_store)
    graph += as_graph(closure.inferred)  # in place: a union copy cost seconds at 3,000 genes
    result = validation.validate(graph, store=full_store)
    return None if result.conforms else validation.as_text(result)


def die_with_parent(parent: int) -> None:
    """Make this worker end when the build that started it ends, even by ``kill -9``.

    On Linux the kernel sends SIGKILL at the parent's death (``PR_SET_PDEATHSIG``);
    everywhere a daemon thread also polls ``os.getppid()``, which changes when the
    parent is gone (and covers a parent that died before the ``prctl``). Once the
    worker is gone, the multiprocessing resource tracker, which waits for every
    holder of its pipe to close it, ends too.
    """
    import threading
    import time

    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, name="mndkg-parent-watch", daemon=True).start()


def verdict_worker(version: str, parent: int, channel: Connection) -> None:
    """Run ``shape_verdict`` in the worker and send ``(ok, value)`` back to the build."""
    die_with_parent(parent)
    try:
        answer: tuple[bool, object] = (True, shape_verdict(version))
    except BaseException as err:  # every failure goes back to the build
        answer = (False, f"{type(err).__name__}: {err}")
    channel.send(answer)
    channel.close()


@contextmanager
def in_background(version: str) -> Iterator[Callable[[], str | None]]:
    """Start ``shape_verdict`` in a second process; yield a function that waits for it.

    A fresh interpreter (spawn, never fork: pyoxigraph may hold threads) on a
    machine with two or more cores; on one core, or where no process can be
    started, the verdict is computed in this process when asked for. The worker
    never outlives the build: it is terminated when the block ends, however it
    ends, and it dies by itself when the build is killed (``die_with_parent``).
    """
    if (os.cpu_count() or 1) < 2:
        yield lambda: shape_verdict(version)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    try:
        receiver, sender = context.Pipe(duplex=False)
        worker = context.Process(
            target=verdict_worker, args=(version, os.getpid(), sender), daemon=True
        )
        worker.start()
    except OSError:
        yield lambda: shape_verdict(version)
        return
    sender.close()

    def wait() -> str | None:
        try:
            ok, value = receiver.recv()
        except EOFError:
            msg = f"the SHACL worker ended without a verdict (exit code {worker.exitcode})"
            raise RuntimeError(msg) from None
        if not ok:
            raise RuntimeError(f"the SHACL worker failed: {value}")
        return value  # type: ignore[return-value]

    try:
        with terminating():
            yield wait
    finally:
        receiver.close()
        if worker.is_alive():
            worker.terminate()
        worker.join(5)
        if worker.is_alive():
            worker.kill()
            worker.join()


@contextmanager
def terminating() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit`` for the block, so that cleanup runs as on Ctrl-C.

    Only the main thread may set a handler; elsewhere the block runs as it is.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class Built:
    """One build's graphs, each in the form its consumers need.

    The rdflib graph serves the exports that walk triples in Python (HTML, SSSOM,
    KGX, GraphML, JSON-LD); the pyoxigraph triples serve the RDF files, which
    pyoxigraph writes; ``store`` answers the checks, the report and VoID.
    """

    graph: Graph
    store: ox.Store
    asserted: list[ox.Triple]
    inferred: list[ox.Triple]
    rows: list[Row]
    version: str


def write(folder: Path, built: Built) -> list[Path]:
    """Write every artifact of a release into ``folder``; return the paths written."""
    from mndkg import report
    from mndkg.declare import is_declaration
    from mndkg.export import examples, graphml, kgx, rdf, sssom, void
    from mndkg.export.html import write_html
    from mndkg.network import build_network

    graph = built.graph
    net = build_network(graph)  # one network for the HTML, KGX and GraphML exports
    asserted, inferred = rdf.canonical_release(built.asserted, built.inferred)
    files = rdf.write_all(graph, folder, canonical=asserted)
    files.append(write_html(graph, folder / "mndkg.html", net=net).path)
    variants = {
        # our axioms, and the declarations of the imported terms they use (OWL 2 DL)
        "mndkg-base": [t for t in asserted if rdf.is_own(t) or is_declaration(t)],
        "mndkg-full": sorted(set(asserted).union(inferred), key=rdf.sort_key),
        "mndkg-inferred": inferred,
    }
    for stem, formats in VARIANTS.items():
        files += rdf.write_all(graph, folder, stem, formats, canonical=variants[stem])
    described = void.describe(built.store, built.version, [f.name for f in files])
    files.append(folder / "void.ttl")
    files[-1].write_text(described.serialize(format="turtle"), encoding="utf-8")
    (folder / "examples").mkdir()
    for name, example in examples.examples().items():
        (folder / "examples" / name).write_text(example.serialize(format="turtle"), "utf-8")
    files.append(folder / "examples")
    files.append(folder / "report.tsv")
    files[-1].write_text(report.as_tsv(built.rows), encoding="utf-8")
    files.append(folder / "mndkg.sssom.tsv")
    files[-1].write_text(sssom.to_tsv(graph, built.version), encoding="utf-8")
    kgx.write(graph, folder / "kgx", net)
    files.append(folder / "kgx")
    files.append(graphml.write(graph, folder / "mndkg.graphml", net))
    return files


def build(out: Path, version: str | None = None) -> BuildResult:
    """Build, reason, validate and write every artifact into ``out``; all or nothing.

    The SHACL shapes run in a second process (``in_background``) while this one
    reasons, runs the checks and writes the files into a staging folder; the
    staging folder replaces ``out`` only once the shapes' verdict is in and clean.
    The RDF files are written by pyoxigraph, so no rdflib serializer runs except
    JSON-LD's. ``out`` must be absent, empty or a previous release (its
    ``.mndkg-release`` manifest lists exactly what it holds), else ``InputError``;
    a write that fails (a full disk) is an ``InputError`` too, with nothing written.
    """
    from mndkg.atomic import staged_folder
    from mndkg.derive import package_version
    from mndkg.prepared import prepared_store
    from mndkg.reason import close
    from mndkg.report import report
    from mndkg.store import to_quads

    version = version or package_version()
    with in_background(version) as verdict:
        graph = assemble(version=version)
        quads = to_quads(graph)  # converted once: two stores and the release files use them
        store, full_store = ox.Store(), ox.Store()
        store.extend(quads)
        full_store.extend(quads)
        closure = close(full_store)
        rows = report(graph, store)
        verify(store, rows)
        built = Built(
            graph=graph,
            store=store,
            # From the quads, not the store: the store keeps values, not lexical forms
            # ("2.0"^^xsd:decimal comes back as "2"), and the files keep what was written.
            asserted=[ox.Triple(q.subject, q.predicate, q.object) for q in quads],
            inferred=closure.inferred,
            rows=rows,
            version=version,
        )
        try:
            with staged_folder(out, release=True) as folder:
                files = write(folder, built)
                problems = verdict()  # before the new folder takes the old one's place
                if problems is not None:
                    raise ValidationFailed(
                        f"the graph does not conform; nothing was written\n{problems}"
                    )
        except OSError as err:
            # a full disk, a read-only folder: the staging folder is gone, the old release whole
            raise InputError(f"cannot write {out}: {err.strerror or err}") from err
    prepared_store()  # so that the next `mndkg query` loads one prepared file
    return BuildResult(
        out=out,
        version=version,
        triples=len(graph),
        inferred=len(closure.inferred),
        files=[out / f.name for f in files],
    )
