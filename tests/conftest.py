"""Shared fixtures: the knowledge graph parsed once per run, a store, and a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the prepared store (and anything else cached) out of the user's home folder.

    Set in the environment, so the CLI subprocesses inherit it too.
    """
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MNDKG_CACHE", str(folder))
        yield folder


@pytest.fixture(scope="session")
def kg() -> Graph:
    """The shipped graph with its derived triples, as rdflib sees it."""
    from mndkg.release import assemble

    return assemble()


@pytest.fixture(scope="session")
def store() -> ox.Store:
    """The shipped graph in the embedded SPARQL store."""
    from mndkg.store import shipped_store

    return shipped_store()


@pytest.fixture(scope="session")
def shapes() -> Graph:
    """The shipped SHACL shapes."""
    from mndkg.validation import load_shapes

    return load_shapes()


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def mndkg_cli(tmp_path: Path) -> Runner:
    """Run the installed ``mndkg`` command in a subprocess, from a scratch folder."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mndkg", *args],
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            timeout=120,
            check=False,
        )

    return run
