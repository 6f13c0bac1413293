"""mndkg: the motor neuron disease knowledge graph, as a small Python API.

>>> import mndkg
>>> rows = mndkg.queries("cq02-upper-and-lower")
>>> "amyotrophic lateral sclerosis" in rows.values("disease")
True

Imports are lazy: ``import mndkg`` loads nothing heavy until a function runs.
"""

from __future__ import annotations

# Kept free of imports: ``mndkg`` runs this module before the quick query path
# (``mndkg.launch``), where ``pathlib`` or ``typing`` would cost 12 ms each.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from rdflib import Graph

    from mndkg.export.html import NotebookView
    from mndkg.queries import Result
    from mndkg.release import BuildResult
    from mndkg.validation import Report

__all__ = ["build", "html", "load", "query", "validate"]


def load(extra: Sequence[Path | str] = ()) -> Graph:
    """Return the knowledge graph as an rdflib ``Graph``, merged with ``extra`` RDF files."""
    from pathlib import Path

    from mndkg.release import assemble

    return assemble([Path(p) for p in extra])


def query(name_or_text: str, extra: Sequence[Path | str] = ()) -> Result:
    """Run a shipped query (by name), a ``.rq`` file, or SPARQL text; return its rows.

    The result has ``columns``, ``rows``, ``records()``, ``values(column)`` and
    ``to_dataframe()`` (with pandas installed).
    """
    from mndkg.queries import index, resolve, run
    from mndkg.store import open_store

    store = open_store(extra)
    if name_or_text in index() or name_or_text.endswith(".rq"):
        label, text = resolve(name_or_text)
        return run(store, text, label)
    return run(store, name_or_text, "query")


def validate(extra: Sequence[Path | str] = ()) -> Report:
    """Validate the graph merged with ``extra`` files; return a report of findings."""
    from pathlib import Path

    from mndkg.release import assemble
    from mndkg.validation import validate as run_validate

    return run_validate(assemble([Path(p) for p in extra]))


def build(out: Path | str = "dist") -> BuildResult:
    """Build, validate and write every artifact into ``out`` (all or nothing)."""
    from pathlib import Path

    from mndkg.release import build as run_build

    return run_build(Path(out))


def html(
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    relations: Sequence[str] | None = None,
    extra: Sequence[Path | str] = (),
) -> NotebookView:
    """Return the interactive graph as an object that displays inline in Jupyter or VS Code.

    ``focus`` and ``depth`` give the small graph for one lesson; ``kinds`` and
    ``relations`` filter it by name, as ``mndkg html`` does.
    """
    from pathlib import Path

    from mndkg.export.html import notebook_view
    from mndkg.release import assemble

    graph = assemble([Path(p) for p in extra])
    return notebook_view(graph, focus=focus, depth=depth, kinds=kinds, relations=relations)
