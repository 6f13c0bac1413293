"""Where the shipped data lives, the namespaces, and the one prefix map.

Every path the package reads is resolved here, so that the same code finds the
data in a source checkout (``ontology/`` beside ``src/``) and in an installed
wheel (``mndkg/data/ontology``). Nothing happens at import time: each function
resolves its path when it is called.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import curies

#: The persistent IRI base of every mndkg term.
BASE = "https://w3id.org/mndkg/"
#: The ontology IRI; the build adds a versioned ``owl:versionIRI`` beside it.
ONTOLOGY_IRI = BASE + "mndkg.owl"

DATA_FOLDERS = ("ontology", "graph", "shapes", "queries")


@cache
def data_root() -> Path:
    """Return the folder that holds ``ontology/``, ``graph/``, ``shapes/`` and ``queries/``.

    An installed wheel carries them in ``mndkg/data``; an editable install or a
    source checkout has them at the repository root, two levels above ``src/mndkg``.
    """
    packaged = Path(__file__).resolve().parent / "data"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    msg = f"mndkg data folders not found in {packaged} or {checkout}; reinstall the package"
    raise FileNotFoundError(msg)


def data_dir(name: str) -> Path:
    """Return one of the shipped data folders by name (``ontology``, ``graph``, ...)."""
    if name not in DATA_FOLDERS:
        msg = f"unknown data folder {name!r}; expected one of {', '.join(DATA_FOLDERS)}"
        raise ValueError(msg)
    return data_root() / name


def turtle_files(name: str) -> list[Path]:
    """Return the Turtle files of a data folder, sorted so every run loads them in one order."""
    return sorted(data_dir(name).glob("*.ttl"))


def knowledge_files() -> list[Path]:
    """Return the files that make up the knowledge graph: the model, then the facts."""
    return turtle_files("ontology") + turtle_files("graph")


@cache
def context() -> dict[str, str]:
    """Return the curated prefix map (``ontology/context.jsonld``) as prefix -> IRI base."""
    text = (data_dir("ontology") / "context.jsonld").read_text(encoding="utf-8")
    ctx: dict[str, str] = json.loads(text)["@context"]
    return ctx


@cache
def converter() -> curies.Converter:
    """Return a ``curies`` converter over the curated prefix map (no network)."""
    import curies

    return curies.Converter.from_prefix_map(context())
