"""Derive tests/data/sssom/: excerpts of MONDO's own exact-match mapping sets (Orphanet, MeSH).

Maintenance only: it reads MONDO's SSSOM files kept beside the project
(../shared/reference/mondo, release 2026-08-04, CC0 1.0) and keeps each file's
metadata block and the rows whose MONDO subject is one of the graph's own MONDO
matches, so the test that merges our SSSOM export with MONDO's sets runs offline
on the real header and the real rows that overlap ours.

    python scripts/make_sssom_fixture.py --reference ../shared/reference
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rdflib.namespace import SKOS

from mndkg.paths import compress
from mndkg.release import assemble

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "sssom"
SETS = ("mondo_exactmatch_orphanet.sssom.tsv", "mondo_exactmatch_mesh.sssom.tsv")


def our_mondo_ids() -> set[str]:
    """Return the MONDO CURIEs the graph matches (exactly or closely)."""
    graph = assemble()
    found = set()
    for predicate in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch):
        for target in graph.objects(None, predicate):
            curie = compress(str(target)) or ""
            if curie.startswith("MONDO:"):
                found.add(curie)
    return found


def excerpt(source: Path, keep: set[str]) -> str:
    """Return the metadata block, the header and the rows of ``source`` whose subject is kept."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    head = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#")]
    rows = [ln for ln in body[1:] if ln.split("\t", 1)[0] in keep]
    return "".join([*head, body[0], *rows])


def main() -> None:
    """Write the excerpts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, required=True, help="../shared/reference")
    args = parser.parse_args()
    keep = our_mondo_ids()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in SETS:
        text = excerpt(args.reference / "mondo" / name, keep)
        (OUT / name).write_text(text, encoding="utf-8")
        rows = sum(1 for ln in text.splitlines() if not ln.startswith("#")) - 1
        print(f"wrote {OUT / name}: {rows} rows")


if __name__ == "__main__":
    main()
