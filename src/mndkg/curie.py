"""CURIEs for IRIs: the longest namespace of the prefix map that an IRI starts with.

This is what ``curies.Converter.compress`` answers for our prefix map, and a test
compares the two on every IRI of the graph. Compressing is all the build, the
report and the query path need, and importing ``curies`` (with pydantic) costs
0.3 s here, in both processes of a build and on every query; so ``curies`` is
imported only where a CURIE must be expanded (OBO files, HPO enrichment).
The module imports nothing, so the quick query path (``mndkg.launch``) can use it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def compressor(prefixes: dict[str, str]) -> Callable[[str], str | None]:
    """Return a function that writes an IRI as ``prefix:local`` by its longest namespace.

    It returns ``None`` for an IRI that no namespace of ``prefixes`` begins.
    """
    bases = sorted(((iri, name) for name, iri in prefixes.items() if iri), key=lambda p: -len(p[0]))

    def compress(iri: str) -> str | None:
        for base, name in bases:
            if iri.startswith(base):
                return f"{name}:{iri[len(base) :]}"
        return None

    return compress
