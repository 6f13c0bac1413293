"""Rewrite Turtle files in their canonical form, or check that they are in it.

The canonical form is the file's opening comment block followed by rdflib's
``longturtle`` serialization of the graph with its blank nodes relabelled canonically
(rdflib.compare), so the output is the same in every run and diffs between versions
show only what changed.

    python scripts/format_turtle.py            # rewrite every data file
    python scripts/format_turtle.py --check    # exit 1 and list files that differ
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph
from rdflib.compare import to_canonical_graph

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("ontology", "graph", "shapes")


def canonical(path: Path) -> str:
    """Return the canonical text of one Turtle file (formatting until it no longer changes)."""
    text = path.read_text(encoding="utf-8")
    for _ in range(3):
        formatted = canonical_text(text)
        if formatted == text:
            break
        text = formatted
    return text


def canonical_text(text: str) -> str:
    """Return one formatting pass over Turtle text."""
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line)
    parsed = Graph()
    parsed.parse(data=text, format="turtle")
    graph = Graph()
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace, override=True)
    for triple in to_canonical_graph(parsed):
        graph.add(triple)
    body = graph.serialize(format="longturtle")
    head = "\n".join(comments) + "\n" if comments else ""
    return head + body


def data_files() -> list[Path]:
    """Return every Turtle file of the data folders."""
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*.ttl"))


def main(argv: list[str]) -> int:
    """Rewrite (or with --check, verify) every data file; return the exit code."""
    check = "--check" in argv
    stale = []
    for path in data_files():
        text = canonical(path)
        if path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    if check and stale:
        for path in stale:
            print(f"not canonical: {path.relative_to(ROOT)}")
        print("run `make format` to rewrite them")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
