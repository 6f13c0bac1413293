"""Load a KGX TSV export with the kgx tool and validate it, offline; print a JSON summary.

Run with the Python of the tools environment (``.venv-tools``: kgx, bmt, biolink-model)::

    .venv-tools/bin/python tests/tools/kgx_offline.py nodes.tsv edges.tsv

kgx 2.6 (with bmt 1.5) fetches the Biolink Model YAML, a predicate map and three
JSON-LD contexts from GitHub when it is imported or first used. Before kgx is
imported this script points all of them at local copies: the model YAML and
prefix map that the ``biolink-model`` wheel ships, an empty predicate map (kgx
never reads it) and the contexts that ``prefixcommons`` ships. A socket guard
refuses, and records, every connection or name lookup beyond loopback, so a
fetch that the patch misses shows up in the summary instead of quietly working.

The files are read by kgx's ``Transformer`` into its graph store with kgx's
``Validator`` as the inspector of every record read. Every error that any kgx
component logs is gathered by wrapping ``ErrorDetecting.log_error``: kgx 2.6's
own report keeps only the last entity per message (and always goes to stderr).

The summary: versions; ``records`` (node and edge rows kgx read); ``graph``
(nodes and edges in kgx's store, after it keys edges by subject-predicate-object);
``errors`` (one entry per level, type and message, with the message's entity
values replaced by ``…``, the number of distinct entities and a few examples);
``network`` (the refused connection attempts: empty when the patch is complete).
"""

from __future__ import annotations

import collections
import ipaddress
import json
import re
import socket
import sys
from importlib.metadata import version
from importlib.resources import files
from typing import Any

# -- 1. Refuse the network (before anything can open a connection). -----------------

REFUSED: list[str] = []
LOCAL_NAMES = {None, "", "localhost", "localhost.localdomain"}


class NetworkRefused(ConnectionRefusedError):
    """Raised for a connection or name lookup beyond loopback."""


def loopback(host: object) -> bool:
    """Return whether a host (name or address) is this machine."""
    if host in LOCAL_NAMES:
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False


def refuse(what: str) -> NetworkRefused:
    REFUSED.append(what)
    return NetworkRefused(f"kgx_offline: network access refused: {what}")


_connect, _connect_ex, _getaddrinfo = (
    socket.socket.connect,
    socket.socket.connect_ex,
    socket.getaddrinfo,
)


def _guarded(sock: socket.socket, address: Any) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not loopback(address[0]):
        raise refuse(f"connect {address!r}")


def connect(self: socket.socket, address: Any) -> None:
    _guarded(self, address)
    _connect(self, address)


def connect_ex(self: socket.socket, address: Any) -> int:
    _guarded(self, address)
    return _connect_ex(self, address)


def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not loopback(host):
        raise refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect  # type: ignore[method-assign]
socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = getaddrinfo

# -- 2. Point bmt and kgx at local copies of what they would download. ----------------

import bmt.toolkit  # noqa: E402

SCHEMA = str(files("biolink_model") / "schema" / "biolink_model.yaml")
PREFIX_MAP = files("biolink_model") / "prefixmaps" / "biolink-model-prefix-map.json"
# bmt reads the predicate map only in Toolkit.get_predicate_mapping(), which kgx never calls.
PREDICATE_MAP: dict[str, list[object]] = {"predicate mappings": []}

# Toolkit.__init__ binds its defaults when defined: replace them, not just the module globals.
_init = bmt.toolkit.Toolkit.__init__
if _init.__code__.co_varnames[1:3] != ("schema", "predicate_map"):
    sys.exit(f"kgx_offline: unexpected bmt Toolkit signature {_init.__code__.co_varnames[:3]}")
bmt.toolkit.REMOTE_PATH, bmt.toolkit.PREDICATE_MAP = SCHEMA, PREDICATE_MAP
_init.__defaults__ = (SCHEMA, PREDICATE_MAP)

import kgx.config  # noqa: E402  (does not import bmt's toolkit users)

CONTEXTS = {
    "biolink": json.loads(PREFIX_MAP.read_text(encoding="utf-8")),
    **{
        name: json.loads(
            (files("prefixcommons") / "registry" / f"{name}.jsonld").read_text(encoding="utf-8")
        )["@context"]
        for name in ("monarch_context", "obo_context")
    },
}
missing = set(kgx.config.get_config().get("jsonld-context", {})) - set(CONTEXTS)
if missing:
    sys.exit(f"kgx_offline: no local copy of the JSON-LD contexts {sorted(missing)}")
kgx.config.jsonld_context_map.update(CONTEXTS)

# -- 3. Gather every error kgx logs. ---------------------------------------------------

from kgx.error_detection import ErrorDetecting, MessageLevel  # noqa: E402
from kgx.transformer import Transformer  # noqa: E402
from kgx.utils.kgx_utils import GraphEntityType  # noqa: E402
from kgx.validator import Validator  # noqa: E402

ERRORS: dict[tuple[str, str, str], list[str]] = collections.defaultdict(list)
REPORTERS: dict[tuple[str, str, str], set[str]] = collections.defaultdict(set)
_log_error = ErrorDetecting.log_error


def log_error(
    self: ErrorDetecting,
    entity: str,
    error_type: Any,
    message: str,
    message_level: MessageLevel = MessageLevel.ERROR,
) -> None:
    key = (message_level.name, error_type.name, re.sub(r"value '[^']*'", "value '…'", message))
    ERRORS[key].append(str(entity).strip())
    REPORTERS[key].add(type(self).__name__)
    _log_error(self, entity, error_type, message, message_level)


ErrorDetecting.log_error = log_error  # type: ignore[method-assign]


def summary(nodes: str, edges: str) -> dict[str, Any]:
    """Load and validate the two files; return what kgx read, kept and reported."""
    records: collections.Counter[str] = collections.Counter()

    def count(kind: GraphEntityType, record: list[object]) -> None:
        records["nodes" if kind == GraphEntityType.NODE else "edges"] += 1

    validator = Validator(progress_monitor=count, error_log=None)
    transformer = Transformer()
    transformer.transform(
        input_args={"filename": [nodes, edges], "format": "tsv"}, inspector=validator
    )
    graph = transformer.store.graph
    return {
        "kgx": version("kgx"),
        "bmt": version("bmt"),
        "biolink_model": validator.get_validation_model_version(),
        "records": {"nodes": records["nodes"], "edges": records["edges"]},
        "graph": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()},
        "errors": [
            {
                "level": level,
                "type": kind,
                "message": message,
                "entities": len(set(found)),
                "calls": len(found),
                "examples": sorted(set(found))[:5],
                "reported_by": sorted(REPORTERS[(level, kind, message)]),
            }
            for (level, kind, message), found in sorted(ERRORS.items())
        ],
        "network": REFUSED,
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: kgx_offline.py NODES.tsv EDGES.tsv")
    print(json.dumps(summary(sys.argv[1], sys.argv[2]), indent=2, ensure_ascii=False))
