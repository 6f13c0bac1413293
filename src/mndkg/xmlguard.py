"""Refuse dangerous XML before an RDF/XML parser sees it: external entities, bombs, deep nesting.

An RDF/XML file may declare entities in its DOCTYPE. Protégé writes small
namespace entities (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``) that must
keep working; an external entity (``SYSTEM``/``PUBLIC``) could read a local file
or reach the network, and nested entities can expand a 1 KB file into gigabytes
(measured: rdflib spends 38 s on a 0.7 KB bomb; pyoxigraph aborts the whole
process on a slightly larger one). Deeply nested elements cost the RDF/XML
parser quadratic time (40,000 levels took 20 s, 100,000 over 3 minutes).

So the whole file is read once, in chunks, by expat (the standard library's
streaming XML parser, linear time, never fetching anything): it finds the
DOCTYPE wherever the prolog puts it (and refuses one after the root element
starts, as XML does), hands over the entity declarations, counts element depth
and reports the line of any well-formedness error, which pyoxigraph's RDF/XML
parser does not. Every entity reference of the body is counted, in text and in
attributes, and their total expansion is computed without expanding anything.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from xml.parsers import expat

from mndkg.errors import InputError

#: How much text all entity references of a file may expand to, together, at least ...
MAX_EXPANSION = 10_000_000
#: ... or this many times the file's size: Protégé's namespace entities (``&obo;`` for
#: ``http://purl.obolibrary.org/obo/``) grow a large file about twofold, a bomb a thousandfold.
MAX_RATIO = 10
#: How deeply elements may nest (RDF/XML written by tools nests a handful of levels).
MAX_DEPTH = 1_000
#: Bytes read and scanned at a time.
CHUNK = 1 << 20
#: An entity reference inside an entity's value (a string from expat).
REFERENCE = re.compile(r"&([^\s&;<>\"'%]+);")
#: An entity reference in the raw bytes of the file (any name, not only ASCII ones).
RAW_REFERENCE = re.compile(rb"&([^\s&;<>\"'%]+);")
#: References that can be cut by a chunk boundary are at most this long.
MAX_NAME = 4096
WIDE_STARTS = (b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")


def line_breaks(data: bytes, start: int = 0, end: int | None = None) -> int:
    """Count the line breaks in ``data[start:end]``: LF, CR LF and a lone CR, as XML has them."""
    stop = len(data) if end is None else end
    return (
        data.count(b"\n", start, stop)
        + data.count(b"\r", start, stop)
        - data.count(b"\r\n", start, stop)
    )


def column(data: bytes, at: int) -> int:
    """Return the 1-based column of byte ``at`` in ``data`` (counted from the last line break)."""
    return at - max(data.rfind(b"\n", 0, at), data.rfind(b"\r", 0, at))


def sizes(entities: dict[str, str], path: Path, lines: dict[str, int]) -> dict[str, int]:
    """Return the expanded length of every entity, refusing cycles and bombs."""
    known: dict[str, int] = {}

    def size(name: str, depth: int) -> int:
        if name in known:
            return known[name]
        if depth > 20:
            raise InputError(
                f"XML entity '{name}' nests too deeply (or refers to itself)",
                path,
                lines.get(name, 1),
            )
        value = entities.get(name, "")
        total = len(REFERENCE.sub("", value))
        for ref in REFERENCE.findall(value):
            total += size(ref, depth + 1)
            if total > MAX_EXPANSION:
                raise InputError(
                    f"XML entity '{name}' expands to more than {MAX_EXPANSION:,} "
                    "characters (an entity bomb?)",
                    path,
                    lines.get(name, 1),
                )
        known[name] = total
        return total

    return {name: size(name, 0) for name in entities}


class Guard:
    """One streaming pass over an RDF/XML file; each check raises an ``InputError`` with a line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.EntityDeclHandler = self.declare
        self.parser.EndDoctypeDeclHandler = self.end_doctype
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.entities: dict[str, str] = {}
        self.lines: dict[str, int] = {}
        self.lengths: dict[str, int] | None = None
        self.depth = 0
        self.body: int | None = None  # byte offset of the root element
        self.total = 0
        self.limit = max(MAX_EXPANSION, MAX_RATIO * path.stat().st_size)

    def where(self) -> tuple[int, int]:
        """Return expat's current line and (1-based) column."""
        return self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1

    def declare(
        self,
        name: str,
        is_parameter: bool,
        value: str | None,
        _base: str | None,
        system_id: str | None,
        _public_id: str | None,
        _notation: str | None,
    ) -> None:
        """Record an internal entity; an external one is refused here, before any use."""
        line, column = self.where()
        if value is None or system_id is not None:
            raise InputError(
                f"external XML entity '{name}' is not resolved", self.path, line, column
            )
        if not is_parameter:
            self.entities[name] = value
            self.lines[name] = line

    def end_doctype(self) -> None:
        """Size every entity once the DOCTYPE is complete, so a bomb is refused before the body."""
        self.lengths = sizes(self.entities, self.path, self.lines)

    def start(self, _name: str, _attributes: object) -> None:
        """Count one level of nesting; the first element is where the body begins."""
        if self.body is None:
            self.body = self.parser.CurrentByteIndex
            if self.lengths is None:
                self.lengths = {}
        self.depth += 1
        if self.depth > MAX_DEPTH:
            line, column = self.where()
            raise InputError(
                f"XML elements nest more than {MAX_DEPTH:,} levels deep", self.path, line, column
            )

    def end(self, _name: str) -> None:
        """Leave one level of nesting."""
        self.depth -= 1

    def feed(self, data: bytes, offset: int, final: bool) -> None:
        """Give expat the bytes from ``offset`` on; a well-formedness error names its line."""
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as err:
            reason = expat.ErrorString(err.code) or "not well-formed"
            at = self.parser.ErrorByteIndex - offset
            if b"<!DOCTYPE" in data[max(0, at - 3) : at + 9]:
                reason = "a DOCTYPE is only allowed before the root element"
            if "amplification" in reason:  # expat's own guard, in the chunk of the DOCTYPE
                reason = "the XML entities of this file expand too much (an entity bomb?)"
                raise InputError(reason, self.path, err.lineno, err.offset + 1) from None
            raise InputError(
                f"syntax error: {reason}", self.path, err.lineno, err.offset + 1
            ) from None

    def count(self, text: bytes, offset: int, line: int) -> None:
        """Add the expansion of the references in ``text`` (from ``offset``, on ``line``)."""
        if self.body is None or self.lengths is None or not self.lengths:
            return
        start = max(0, self.body - offset)
        counts = Counter(RAW_REFERENCE.findall(text, start))
        total = self.total + sum(
            n * self.lengths.get(name.decode("utf-8", "replace"), 0) for name, n in counts.items()
        )
        if total > self.limit:
            self.refuse(text, start, line)
        self.total = total

    def refuse(self, text: bytes, start: int, line: int) -> None:
        """Raise the bomb error at the reference that took the expansion over the cap."""
        assert self.lengths is not None
        total = self.total
        for match in RAW_REFERENCE.finditer(text, start):
            total += self.lengths.get(match.group(1).decode("utf-8", "replace"), 0)
            if total > self.limit:
                raise InputError(
                    f"the XML entities of this file expand to more than {self.limit:,} "
                    "characters (an entity bomb?)",
                    self.path,
                    line + line_breaks(text, 0, match.start()),
                    column(text, match.start()),
                )

    def run(self) -> None:
        """Read the whole file once, in chunks: expat first, then the references of each chunk."""
        offset, line, carry = 0, 1, b""
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                if offset == 0 and chunk.startswith(WIDE_STARTS):
                    raise InputError(
                        "RDF/XML is read in UTF-8 only (this looks like UTF-16)", self.path, 1
                    )
                self.feed(chunk, offset, final=False)
                offset += len(chunk)
                text = carry + chunk
                cut = text.rfind(b"&")
                if cut < 0 or b";" in text[cut:] or len(text) - cut > MAX_NAME:
                    cut = len(text)
                if text[cut - 1 : cut] == b"\r":
                    cut -= 1  # a CR LF cut in two would count as two line breaks
                carry, text = text[cut:], text[:cut]
                self.count(text, offset - len(carry) - len(text), line)
                line += line_breaks(text)
        self.feed(b"", offset, final=True)


def check(path: Path) -> None:
    """Raise an ``InputError`` (with the line) if an RDF/XML file is not safe to parse.

    Refused: external entities, entity references expanding to more than
    ``MAX_EXPANSION`` characters in all (or ``MAX_RATIO`` times the file's size,
    when that is more), one entity expanding to more than ``MAX_EXPANSION``,
    elements nested deeper than ``MAX_DEPTH``, and XML that is not well-formed
    (including a DOCTYPE after the root element starts).
    """
    Guard(path).run()
