"""Named SPARQL queries, a guard against network access, and running queries.

The queries live as ``.rq`` files under ``queries/``; each opens with a comment
header (``# title:``, ``# description:``, ``# columns:``) from which the index
is built. Queries run on pyoxigraph's embedded engine: rdflib, pySHACL and
owlrl stay off this path, so a query from the command line starts fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from heapq import heappop, heappush
from pathlib import Path

import pyoxigraph as ox

from mndkg import layout
from mndkg.errors import InputError
from mndkg.launch import FOLD, FORBIDDEN, MAX_NESTING, keyword_in_name
from mndkg.paths import data_dir
from mndkg.results import Result, plain, solve

__all__ = ["NamedQuery", "Result", "guard", "index", "plain", "resolve", "run", "run_named"]

HEADER = re.compile(r"^#\s*(title|description|columns|severity)\s*:\s*(.*?)\s*$")


def keyword_pattern(word: str) -> str:
    """Return a pattern for ``word`` in any case, as ``str.upper`` would compare it (``FOLD``)."""
    folds = {chr(k): v for k, v in FOLD.items() if k > 127}
    extra = {v: k for k, v in folds.items()}
    return "".join(f"[{c}{c.lower()}{extra.get(c, '')}]" for c in word)


#: A keyword that would make the engine reach the network or other graphs.
KEYWORD = re.compile("|".join(keyword_pattern(word) for word in FORBIDDEN))
#: Where the guard must look: what may start a comment, string, IRI or local-name
#: escape, a bracket, or a keyword. Everything in between is read alike whatever it is.
STOPS = re.compile(rf"""[#'"<\\{{}}()\[\]]|{KEYWORD.pattern}""")
#: SPARQL's IRIREF: no spaces or controls, and none of ``<>"{{}}|^`\``.
IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
#: STRING_LITERAL1 and 2: no line break inside, a backslash escapes the next character.
SHORT_STRING = {
    "'": re.compile(r"'(?:[^'\\\r\n]|\\[^\r\n])*'"),
    '"': re.compile(r'"(?:[^"\\\r\n]|\\[^\r\n])*"'),
}
#: A codepoint escape, which the SPARQL spec (and rdflib) expand before parsing.
CODEPOINT = re.compile(r"\\u([0-9a-f]{8}|[0-9a-f]{4})", flags=re.IGNORECASE)
#: A lone surrogate: a byte that was not UTF-8 (``surrogateescape``), or a broken string.
SURROGATE = re.compile("[\ud800-\udfff]")


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
        return read_query(self.path)


def read_query(path: Path) -> str:
    """Return the text of a query file; one that is not UTF-8 is an error naming the byte."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the query file: {err.strerror}", path) from err
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        byte = data[err.start]
        raise InputError(f"not UTF-8 text (byte 0x{byte:02x} at offset {err.start})", path) from err


def read_header(path: Path) -> dict[str, str]:
    """Return the ``# key: value`` fields from the comment lines that open a query file."""
    fields: dict[str, str] = {}
    for line in read_query(path).splitlines():
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
        return name_or_path, read_query(shipped)
    queries = index()
    path = Path(name_or_path)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise InputError("no such query file", path)
        return str(path), read_query(path)
    close = [n for n in queries if name_or_path.lower() in n.lower()][:5]
    hint = f"; did you mean {', '.join(close)}?" if close else "; see `mndkg query --list`"
    raise InputError(f"unknown query name {name_or_path!r}{hint}")


def guard(text: str, source: str = "query") -> None:
    """Refuse a query the engine could not read safely, before it sees the text.

    Refused are text that is not Unicode (pyoxigraph would raise a bare
    ``UnicodeEncodeError``); SERVICE, LOAD and FROM, which reach the network or
    other graphs; and nesting deeper than ``MAX_NESTING`` or more than
    ``MAX_OPERATORS`` operators, which overflow pyoxigraph's stack (SIGSEGV, no
    message). The text is read as written and,
    because the SPARQL spec and rdflib expand ``\\u`` escapes before parsing, as
    expanded too.
    """
    require_unicode(text, source)
    for view in views(text):
        inspect(view, source)
        count_operators(view, source)


#: How many operators a query may hold. pyoxigraph's parser recurses once per operator of
#: a chain and overflows its stack (SIGSEGV) near 7,000 (``1+1+...``) or 10,000 (``!!...``);
#: a hand-written query holds tens. Counted outside strings, IRIs and comments.
MAX_OPERATORS = 4_000
OPERATOR = re.compile(r"[-!+*/=&|^<>]")


def count_operators(text: str, source: str) -> None:
    """Refuse a query with more operators than ``MAX_OPERATORS``: the parser would crash."""
    for number, found in enumerate(OPERATOR.finditer(blank(text)), start=1):
        if number > MAX_OPERATORS:
            line, column = position(text, found.start())
            message = f"query has more than {MAX_OPERATORS:,} operators (too long a chain)"
            raise InputError(message, source, line, column)


def require_unicode(text: str, source: str) -> None:
    """Refuse text with a lone surrogate: a byte that was not UTF-8 in ``-e`` or a file."""
    found = SURROGATE.search(text)
    if found is None:
        return
    code, at = ord(found.group()), found.start()
    if 0xDC80 <= code <= 0xDCFF:  # how Python keeps a byte of argv that is not UTF-8
        offset = len(text[:at].encode("utf-8"))
        raise InputError(f"not UTF-8 text (byte 0x{code - 0xDC00:02x} at offset {offset})", source)
    raise InputError(f"not Unicode text (lone surrogate U+{code:04X} at character {at})", source)


def views(text: str) -> list[str]:
    """Return ``text``, and ``text`` with its ``\\u`` escapes expanded when that differs."""
    try:
        expanded = CODEPOINT.sub(lambda m: chr(int(m.group(1), 16)), text)
    except (ValueError, OverflowError):
        return [text]  # an escape beyond Unicode: rdflib refuses it, pyoxigraph reads it raw
    return [text] if expanded == text else [text, expanded]


def inspect(text: str, source: str) -> None:
    """Refuse ``text`` if any reading of it uses a forbidden keyword or nests too deeply.

    Engines do not tokenize alike: pyoxigraph reads ``<`` as less-than where an
    expression goes on (``FILTER(?a<1)SERVICE#>`` runs SERVICE), a lexer reads an
    IRI; rdflib ends a comment at LF only, pyoxigraph at CR too. So every reading
    is followed, as a set of states (offset, inside an expression), each with the
    deepest nesting that reaches it: the readings share their states, and the
    work stays linear in the text.
    """
    deepest: dict[tuple[int, bool], int] = {}
    pending: list[tuple[int, bool]] = []

    def reach(at: int, expression: bool, depth: int) -> None:
        stop = STOPS.search(text, at)
        if stop is None:
            return
        state = (stop.start(), expression)
        if state not in deepest:
            heappush(pending, state)
        deepest[state] = max(depth, deepest.get(state, 0))

    reach(0, False, 0)
    while pending:
        state = heappop(pending)
        for at, expression, depth in steps(text, *state, deepest.pop(state), source):
            reach(at, expression, depth)


def steps(
    text: str, at: int, expression: bool, depth: int, source: str
) -> Iterator[tuple[int, bool, int]]:
    """Yield the states that follow the lexeme at ``at``; refuse a keyword or a level too deep.

    ``expression`` is set after a ``<`` read as less-than: until a ``)`` or a brace
    the engine is inside an expression, where no keyword of ours can stand.
    """
    char = text[at]
    if char == "#":
        end = comment_end(text, at)
        yield end, expression, depth
        line_feed = text.find("\n", end)
        if text.startswith("\r", end) and line_feed > 0:
            yield line_feed, expression, depth  # rdflib's comment ends at LF only
    elif char in "'\"":
        end = string_end(text, at)
        if end is not None:
            yield end, expression, depth
    elif char == "<":
        iri = IRIREF.match(text, at)
        if iri is not None:
            yield iri.end(), expression, depth
        yield at + 1, iri is not None or expression, depth
    elif char == "\\":
        yield at + 2, expression, depth  # ex:a\#b: a local name, not a comment
    elif char in "{([":
        if depth >= MAX_NESTING:
            line, column = position(text, at)
            message = f"query nests too deeply (more than {MAX_NESTING} levels)"
            raise InputError(message, source, line, column)
        yield at + 1, expression and char != "{", depth + 1
    elif char in "})]":
        yield at + 1, expression and char == "]", max(depth - 1, 0)
    else:
        keyword = text[at : at + 7].translate(FOLD)
        if not expression and not keyword_in_name(text, at):
            word = next(w for w in FORBIDDEN if keyword.startswith(w))
            line, column = position(text, at)
            message = f"{word} is not allowed: queries run on the local graph only"
            raise InputError(message, source, line, column)
        yield at + 1, expression, depth


def comment_end(text: str, at: int) -> int:
    """Return where the comment at ``at`` ends: at CR or LF, as SPARQL's grammar says."""
    ends = [end for end in (text.find("\r", at), text.find("\n", at)) if end >= 0]
    return min(ends, default=len(text))


def string_end(text: str, at: int) -> int | None:
    """Return the offset after the string that opens at ``at``, or ``None`` if it never closes.

    A long string (``'''`` or ``\"\"\"``) that never closes is read as an engine's
    parser falls back on it: an empty string, then a string that the third quote opens.
    """
    quote = text[at]
    if not text.startswith(quote * 3, at):
        short = SHORT_STRING[quote].match(text, at)
        return short.end() if short is not None else None
    search = at + 3
    while (close := text.find(quote * 3, search)) >= 0:
        backslashes = close - len(text[at + 3 : close].rstrip("\\")) - (at + 3)
        if backslashes % 2 == 0:
            return close + 3
        search = close + 1
    return at + 2


def position(text: str, at: int) -> tuple[int, int]:
    """Return the line and column of offset ``at``, a line ending at LF, CR or CRLF."""
    crlf = text.count("\r\n", 0, at)
    line = text.count("\n", 0, at) + text.count("\r", 0, at) - crlf + 1
    start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    return line, at - start + 1


def blank(text: str) -> str:
    """Return ``text`` with its strings, IRIs and comments made spaces, line breaks kept.

    The one reading a lexer makes; the guard follows every reading (``inspect``).
    """
    pieces: list[str] = []
    at = 0
    while (found := NOISE.search(text, at)) is not None:
        start = found.start()
        pieces.append(text[at:start])
        char = text[start]
        iri = IRIREF.match(text, start) if char == "<" else None
        if char == "#":
            end = comment_end(text, start)
        elif char in "'\"":
            end = string_end(text, start) or comment_end(text, start)
        elif iri is not None:
            end = iri.end()
        else:  # a less-than, or an escape in a local name: kept as written
            end = start + (2 if char == "\\" else 1)
            pieces.append(text[start:end])
            at = end
            continue
        pieces.append(re.sub(r"[^\r\n]", " ", text[start:end]))
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


#: What may open a comment, string, IRI or local-name escape.
NOISE = re.compile(r"""[#'"<\\]""")


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
    body = blank(text)
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w.-]*):", body, flags=re.I)}
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
