"""Named SPARQL queries, a guard against network access, and running queries.

The queries live as ``.rq`` files under ``queries/``; each opens with a comment
header (``# title:``, ``# description:``, ``# columns:``) from which the index
is built. Queries run on pyoxigraph's embedded engine: rdflib, pySHACL and
owlrl stay off this path, so a query from the command line starts fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from mndkg import layout
from mndkg.errors import InputError
from mndkg.paths import data_dir
from mndkg.results import Result, plain, solve

__all__ = ["NamedQuery", "Result", "guard", "index", "plain", "resolve", "run", "run_named"]

HEADER = re.compile(r"^#\s*(title|description|columns|severity)\s*:\s*(.*?)\s*$")
#: Tokens that would make the engine reach the network or other graphs.
FORBIDDEN = ("SERVICE", "LOAD", "FROM")
# Strings, IRIs and comments are blanked out before looking for forbidden keywords.
LEXICAL_NOISE = re.compile(
    r'"""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
)


@dataclass(frozen=True)
class NamedQuery:
    """A shipped query: its name (the file stem), folder, header fields and text."""

    name: str
    group: str
    path: Path
    title: str
    description: str
    columns: tuple[str, ...]
    severity: str = ""

    @property
    def text(self) -> str:
        """Return the SPARQL text of the query."""
        return self.path.read_text(encoding="utf-8")


def read_header(path: Path) -> dict[str, str]:
    """Return the ``# key: value`` fields from the comment lines that open a query file."""
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = HEADER.match(line)
        if match:
            fields[match.group(1)] = match.group(2)
    return fields


@cache
def index() -> dict[str, NamedQuery]:
    """Return every shipped query by name, read from the headers of ``queries/**/*.rq``."""
    root = data_dir("queries")
    queries: dict[str, NamedQuery] = {}
    for path in sorted(root.rglob("*.rq")):
        fields = read_header(path)
        columns = tuple(c.strip() for c in fields.get("columns", "").split(",") if c.strip())
        queries[path.stem] = NamedQuery(
            name=path.stem,
            group=path.parent.relative_to(root).as_posix(),
            path=path,
            title=fields.get("title", ""),
            description=fields.get("description", ""),
            columns=columns,
            severity=fields.get("severity", ""),
        )
    return queries


def shipped_path(name: str) -> Path | None:
    """Return the file of a shipped query by name, without reading every query's header."""
    found = layout.shipped_query(name)
    return Path(found) if found is not None else None


def resolve(name_or_path: str) -> tuple[str, str]:
    """Return ``(label, text)`` for a shipped query name or a ``.rq`` file path."""
    shipped = shipped_path(name_or_path)
    if shipped is not None:
        return name_or_path, shipped.read_text(encoding="utf-8")
    queries = index()
    path = Path(name_or_path)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise InputError("no such query file", path)
        return str(path), path.read_text(encoding="utf-8")
    close = [n for n in queries if name_or_path.lower() in n.lower()][:5]
    hint = f"; did you mean {', '.join(close)}?" if close else "; see `mndkg query --list`"
    raise InputError(f"unknown query name {name_or_path!r}{hint}")


def guard(text: str, source: str = "query") -> None:
    """Refuse a query that could reach the network or read other graphs (SERVICE, LOAD, FROM)."""
    bare = LEXICAL_NOISE.sub(" ", text)
    for keyword in FORBIDDEN:
        match = re.search(rf"(?<![\w:?$]){keyword}(?![\w:])", bare, flags=re.IGNORECASE)
        if match:
            line = bare.count("\n", 0, match.start()) + 1
            raise InputError(
                f"{keyword} is not allowed: queries run on the local graph only", source, line
            )


def run(store: ox.Store, text: str, source: str = "query") -> Result:
    """Guard and run a SPARQL query on a store; a syntax error names its line and column."""
    guard(text, source)
    try:
        return solve(store, text, default_prefixes())
    except SyntaxError as err:
        raise query_syntax_error(err, source) from err
    except OSError as err:
        raise InputError(f"query failed: {err}", source) from err


def default_prefixes() -> dict[str, str]:
    """Return the curated prefix map, which every query may use without declaring it.

    So ``mndkg query -e 'SELECT ?l WHERE { ?d rdfs:label ?l }'`` works as typed; a
    query's own ``PREFIX`` declarations take precedence.
    """
    from mndkg.paths import context

    return {k: v for k, v in context().items() if isinstance(v, str)}


def with_prefixes(text: str) -> str:
    """Return ``text`` with ``PREFIX`` lines for the curated prefixes it uses but does not declare.

    For servers, which do not know our prefix map; the embedded engine is given
    the map directly (``default_prefixes``).
    """
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w.-]*):", text, flags=re.I)}
    body = LEXICAL_NOISE.sub(" ", text)
    used = [
        f"PREFIX {name}: <{iri}>"
        for name, iri in default_prefixes().items()
        if name.lower() not in declared and re.search(rf"(?<![\w:?$<]){re.escape(name)}:", body)
    ]
    return "\n".join([*used, text]) if used else text


def query_syntax_error(err: SyntaxError, source: str) -> InputError:
    """Turn pyoxigraph's ``error at L:C: ...`` into an ``InputError`` with line and column."""
    match = re.search(r"error at (\d+):(\d+): (.*)", str(err), flags=re.DOTALL)
    if not match:
        return InputError(f"SPARQL syntax error: {err}", source)
    line, column, message = int(match.group(1)), int(match.group(2)), match.group(3)
    if "Prefix not found" in message:
        message = "undeclared prefix; declare it with PREFIX (see ontology/context.jsonld)"
    return InputError(f"SPARQL syntax error: {message}", source, line, column)


def run_named(store: ox.Store, name_or_path: str) -> Result:
    """Run a shipped query by name, or a query file, on ``store``."""
    label, text = resolve(name_or_path)
    return run(store, text, label)
