"""Where the shipped data files are, found with ``os`` alone.

A query from the command line must start within twice the time of starting
Python and importing pyoxigraph (about 19 ms here), and ``pathlib`` alone costs
about 12 ms to import, ``re`` about 7 ms. So the few look-ups that a query
needs live here, on plain string paths, and ``mndkg.paths`` wraps them in
``Path`` objects for the rest of the package: one implementation, two faces.
"""

from __future__ import annotations

import os

#: The data folders that every install carries.
DATA_FOLDERS = ("ontology", "graph", "shapes", "queries")
#: The curated prefix map, beside the ontology.
CONTEXT = "context.jsonld"

_root: str | None = None


def data_root() -> str:
    """Return the folder that holds ``ontology/``, ``graph/``, ``shapes/`` and ``queries/``.

    An installed wheel carries them in ``mndkg/data``; an editable install or a
    source checkout has them at the repository root, two levels above ``src/mndkg``.
    """
    global _root  # found once per process (functools.cache costs 3 ms to import)
    if _root is not None:
        return _root
    here = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(here, "data")
    checkout = os.path.dirname(os.path.dirname(here))
    for root in (packaged, checkout):
        if os.path.isdir(os.path.join(root, "ontology")):
            _root = root
            return root
    msg = f"mndkg data folders not found in {packaged} or {checkout}; reinstall the package"
    raise FileNotFoundError(msg)


def data_dir(name: str) -> str:
    """Return one of the shipped data folders by name (``ontology``, ``graph``, ...)."""
    if name not in DATA_FOLDERS:
        msg = f"unknown data folder {name!r}; expected one of {', '.join(DATA_FOLDERS)}"
        raise ValueError(msg)
    return os.path.join(data_root(), name)


def data_files(name: str, suffix: str = ".ttl") -> list[str]:
    """Return the files of a data folder ending in ``suffix``, sorted: every run reads one order."""
    folder = data_dir(name)
    return sorted(
        entry.path
        for entry in os.scandir(folder)
        if entry.name.endswith(suffix) and entry.is_file()
    )


def knowledge_files() -> list[str]:
    """Return the files that make up the knowledge graph: the model, then the facts."""
    return data_files("ontology") + data_files("graph")


def context_file() -> str:
    """Return the path of the curated prefix map (``ontology/context.jsonld``)."""
    return os.path.join(data_dir("ontology"), CONTEXT)


def shipped_query(name: str) -> str | None:
    """Return the file of a shipped query by name (its stem), or ``None``.

    Names are plain words: anything with a path separator, or a leading dot, is
    never a shipped query, so a name cannot reach outside ``queries/``.
    """
    if not name or name[0] == "." or not all(c.isalnum() or c in "_.-" for c in name):
        return None
    wanted = name + ".rq"
    found = [
        os.path.join(folder, wanted)
        for folder, _dirs, files in os.walk(data_dir("queries"))
        if wanted in files
    ]
    return min(found) if found else None
