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
that is not shipped, a query that might name SERVICE, LOAD or FROM, a store not
yet prepared, or any failure. So the quick path never prints an error, and it
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

#: The keywords that ``mndkg.queries.guard`` refuses (a test keeps the two equal).
FORBIDDEN = ("SERVICE", "LOAD", "FROM")


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
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    if may_reach_out(text):
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

    ``mndkg.queries.guard`` blanks out strings, IRIs and comments with regular
    expressions (``re`` costs 7 ms to import). Here only the comment header that
    opens a query file is skipped, and a keyword counts wherever it stands alone:
    so whatever the guard refuses is refused here too (a property test checks
    it), and a query that is merely suspicious goes to the guard to be judged.
    """
    lines = text.upper().splitlines()
    while lines and lines[0].lstrip().startswith("#"):
        lines.pop(0)
    for line in lines:
        for keyword in FORBIDDEN:
            start = line.find(keyword)
            while start >= 0:
                end = start + len(keyword)
                before = line[start - 1] if start else " "
                after = line[end] if end < len(line) else " "
                if not (before.isalnum() or before in "_:?$") and not (
                    after.isalnum() or after in "_:"
                ):
                    return True
                start = line.find(keyword, start + 1)
    return False
