"""The ``mndkg`` console command: a quick path for ``mndkg query NAME``, click for the rest.

A shipped query from the command line should cost little more than starting
Python and importing pyoxigraph (19 ms here; the target is twice that). Importing
click alone takes 35 ms, and ``re``, ``pathlib``, ``typing`` and ``dataclasses``
7-20 ms each, so the common case is answered before any of them is imported:
this module, ``mndkg.layout``, ``mndkg.prepared`` and ``mndkg.results`` load
only ``os``, ``sys``, ``zlib`` and pyoxigraph.

The quick path takes one shape of command line, ``mndkg query NAME`` with at
most one ``-f/--format FORMAT``, where NAME is a shipped query. Everything else
goes to the click command line (``mndkg.cli``), which does the whole work and
reports any error: another option, a file, ``-e``, ``--with``, ``--help``, a name
that is not shipped, a query that might name SERVICE, LOAD or FROM or nest too
deeply, a store not yet prepared, or any failure. So the quick path never prints an error, and it
prints nothing until it has the whole answer. What it runs is the same code as
the click command (``prepared.load``, ``results.solve`` and the writers); the
tests hold the two paths to the same bytes on every shipped query and format.
"""

from __future__ import annotations

import sys

from mndkg import layout, prepared
from mndkg.curie import compressor
from mndkg.results import WRITERS, as_table, solve

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

#: The keywords that ``mndkg.queries.guard`` refuses (it imports them from here).
FORBIDDEN = ("SERVICE", "LOAD", "FROM")
#: The deepest nesting of ``{``, ``(`` and ``[`` that ``mndkg.queries.guard`` lets through:
#: pyoxigraph's parser recurses on each level, and a few thousand overflow its stack.
MAX_NESTING = 256
#: Upper-cases ASCII letters, and the two other letters that ``str.upper`` turns into
#: one in a keyword (dotless i, long s), keeping every offset where it was.
FOLD = {**{c: c - 32 for c in range(ord("a"), ord("z") + 1)}, 0x131: "I", 0x17F: "S"}


def main() -> None:
    """Run ``mndkg``: answer a plain shipped query at once, else hand over to click."""
    text = quick(sys.argv[1:])
    if text is None:
        from mndkg.cli import main as full

        full()
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (``| head``) has gone: stop quietly with 1, as click does. Point
        # stdout at devnull so that the flush at exit does not fail a second time.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


def quick(args: Sequence[str]) -> str | None:
    """Return the output of ``mndkg ARGS`` when the quick path can answer it, else ``None``."""
    parsed = parse(args)
    if parsed is None:
        return None
    name, fmt = parsed
    path = layout.shipped_query(name)
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except (OSError, ValueError):
        return None  # not readable, or not UTF-8: the full path names the file and byte
    if may_reach_out(text) or may_nest_too_deeply(text):
        return None  # the full path's guard decides, and explains
    loaded = prepared.load()
    if loaded is None:
        return None  # the full path prepares the store
    store, prefixes = loaded
    try:
        result = solve(store, text, prefixes)
    except (OSError, SyntaxError, ValueError):
        return None  # the full path reports it with the file, line and column
    if fmt == "table":
        return as_table(result, compressor(prefixes))
    return WRITERS[fmt](result)


def parse(args: Sequence[str]) -> tuple[str, str] | None:
    """Return ``(NAME, FORMAT)`` for ``query NAME [-f FORMAT]``, or ``None`` for anything else.

    Only what click would read the same way is accepted: a repeated format keeps
    the last, as click does, and every other token sends the line to click.
    """
    if not args or args[0] != "query":
        return None
    name: str | None = None
    fmt = "table"
    rest = list(args[1:])
    while rest:
        arg = rest.pop(0)
        if arg in ("-f", "--format") and rest:
            fmt = rest.pop(0)
        elif arg.startswith("--format="):
            fmt = arg.partition("=")[2]
        elif arg.startswith("-") or name is not None:
            return None
        else:
            name = arg
    if name is None or fmt not in WRITERS:
        return None
    return name, fmt


def may_reach_out(text: str) -> bool:
    """Return whether ``text`` might use SERVICE, LOAD or FROM, by a check stricter than the guard.

    ``mndkg.queries.guard`` reads strings, IRIs and comments as the SPARQL grammar
    does, with regular expressions (``re`` costs 7 ms to import). Here only the
    comment lines that open a query file are skipped (each ends at CR or LF, as in
    SPARQL), and a keyword counts wherever it stands, in a string or a comment
    too, unless it ends a longer name (``keyword_in_name``, which the guard shares).
    A ``\\u`` escape may spell a keyword, so it is suspicious too. Whatever the
    guard refuses is refused here (a property test checks it), and a query that is
    merely suspicious goes to the guard to be judged.
    """
    if "\\u" in text or "\\U" in text:
        return True
    start = after_header(text)
    folded = text.translate(FOLD)
    for keyword in FORBIDDEN:
        at = folded.find(keyword, start)
        while at >= 0:
            if not keyword_in_name(text, at):
                return True
            at = folded.find(keyword, at + 1)
    return False


def may_nest_too_deeply(text: str) -> bool:
    """Return whether ``text`` might nest deeper than ``MAX_NESTING``, counting every opener.

    No level can be deeper than the number of brackets that open one, wherever
    they stand, so a shipped query (a few levels) passes and the guard judges the rest.
    """
    return sum(text.count(opener) for opener in "{([") > MAX_NESTING


def after_header(text: str) -> int:
    """Return where the comment lines that open ``text`` end: SPARQL ends a comment at CR or LF."""
    at = 0
    while text.startswith("#", at):
        ends = [end for end in (text.find("\r", at), text.find("\n", at)) if end >= 0]
        if not ends:
            return len(text)
        at = min(ends)
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
    return at


def keyword_in_name(text: str, start: int) -> bool:
    """Return whether the keyword at ``start`` is the tail of a longer name, hence no keyword.

    Engines match keywords without looking at what precedes them, so ``1SERVICE``
    and ``trueSERVICE`` are a number or a boolean followed by SERVICE. Only two
    kinds of name surely swallow it: a prefixed name (``owl:someValuesFrom``,
    where the local part does not start with ``-``) and a variable (``?from``).
    """
    at = start
    while at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_-\u00b7:"):
        at -= 1
    run = text[at:start]
    if ":" in run:
        return not run.partition(":")[2].startswith("-")
    return at > 0 and text[at - 1] in "?$" and "-" not in run
