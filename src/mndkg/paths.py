"""Where the shipped data lives, the namespaces, and the one prefix map.

Every path the package reads is resolved here, as ``Path`` objects over the
look-ups of ``mndkg.layout`` (which finds the data in a source checkout or an
installed wheel, and which the quick query path uses directly). Nothing happens
at import time: each function resolves its path when it is called.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from mndkg import layout

if TYPE_CHECKING:
    from collections.abc import Callable

    import curies

#: The persistent IRI base of every mndkg term.
BASE = "https://w3id.org/mndkg/"
#: The ontology IRI; the build adds a versioned ``owl:versionIRI`` beside it.
ONTOLOGY_IRI = BASE + "mndkg.owl"

DATA_FOLDERS = layout.DATA_FOLDERS


def data_dir(name: str) -> Path:
    """Return one of the shipped data folders by name (``ontology``, ``graph``, ...)."""
    return Path(layout.data_dir(name))


def turtle_files(name: str) -> list[Path]:
    """Return the Turtle files of a data folder, sorted so every run loads them in one order."""
    return [Path(p) for p in layout.data_files(name, ".ttl")]


def knowledge_files() -> list[Path]:
    """Return the files that make up the knowledge graph: the model, then the facts."""
    return [Path(p) for p in layout.knowledge_files()]


@cache
def context() -> dict[str, str]:
    """Return the curated prefix map (``ontology/context.jsonld``) as prefix -> IRI base."""
    text = Path(layout.context_file()).read_text(encoding="utf-8")
    ctx: dict[str, str] = json.loads(text)["@context"]
    return ctx


def compress(iri: str) -> str | None:
    """Return the CURIE of ``iri`` under the curated prefix map, or ``None`` (``mndkg.curie``)."""
    return _compressor()(iri)


@cache
def _compressor() -> Callable[[str], str | None]:
    from mndkg.curie import compressor

    return compressor(context())


@cache
def converter() -> curies.Converter:
    """Return a ``curies`` converter over the curated prefix map (no network), to expand CURIEs."""
    import curies

    return curies.Converter.from_prefix_map(context())
