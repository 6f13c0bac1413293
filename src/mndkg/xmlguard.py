"""Refuse dangerous XML before an RDF/XML parser sees it: external entities and entity bombs.

An RDF/XML file may declare entities in its DOCTYPE. Protégé writes small
namespace entities (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``) that must
keep working; an external entity (``SYSTEM``/``PUBLIC``) could read a local file
or reach the network, and nested entities can expand a 1 KB file into gigabytes
(measured: rdflib spends 38 s on a 0.7 KB bomb; pyoxigraph aborts the whole
process on a slightly larger one). So the internal subset is read first and the
total expansion is computed without expanding anything.
"""

from __future__ import annotations

import re
from pathlib import Path

from mndkg.errors import InputError

#: How much text all entity references of a file may expand to.
MAX_EXPANSION = 10_000_000
HEAD_BYTES = 1_000_000
DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*\[(?P<subset>.*?)\]\s*>", re.DOTALL)
ENTITY = re.compile(r"<!ENTITY\s+(%\s+)?(?P<name>[\w.:-]+)\s+(?P<rest>.*?)>", re.DOTALL)
REFERENCE = re.compile(r"&([\w.:-]+);")


def declared_entities(head: str, path: Path) -> dict[str, str]:
    """Return the internal entities of the DOCTYPE; refuse external ones."""
    match = DOCTYPE.search(head)
    if not match:
        return {}
    entities = {}
    for entity in ENTITY.finditer(match.group("subset")):
        rest = entity.group("rest").strip()
        if rest.startswith(("SYSTEM", "PUBLIC")):
            line = head.count("\n", 0, match.start("subset") + entity.start()) + 1
            raise InputError(
                f"external XML entity '{entity.group('name')}' is not resolved", path, line
            )
        entities[entity.group("name")] = rest[1:-1] if rest[:1] in "\"'" else rest
    return entities


def sizes(entities: dict[str, str], path: Path) -> dict[str, int]:
    """Return the expanded length of every entity, refusing cycles and bombs."""
    known: dict[str, int] = {}

    def size(name: str, depth: int) -> int:
        if name in known:
            return known[name]
        if depth > 20:
            raise InputError(f"XML entity '{name}' nests too deeply (or refers to itself)", path)
        value = entities.get(name, "")
        total = len(REFERENCE.sub("", value))
        for ref in REFERENCE.findall(value):
            total += size(ref, depth + 1)
            if total > MAX_EXPANSION:
                raise InputError(
                    f"XML entity '{name}' expands to more than {MAX_EXPANSION:,} "
                    "characters (an entity bomb?)",
                    path,
                )
        known[name] = total
        return total

    return {name: size(name, 0) for name in entities}


def check(path: Path) -> None:
    """Raise an ``InputError`` if an RDF/XML file declares external or explosive entities."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES).decode("utf-8", "replace")
    entities = declared_entities(head, path)
    if not entities:
        return
    lengths = sizes(entities, path)
    match = DOCTYPE.search(head)
    body = head[match.end() :] if match else head
    total = sum(lengths.get(ref, 0) for ref in REFERENCE.findall(body))
    if total > MAX_EXPANSION:
        raise InputError(
            f"the XML entities of this file expand to {total:,} characters, more "
            f"than {MAX_EXPANSION:,} (an entity bomb?)",
            path,
        )
