"""Growth benchmark: build and validate as curated facts are added to ``graph/``.

Writes N synthetic genes that conform to the shapes (label, definition, synonym, an
HGNC-shaped mapping, a chromosome and a disease link, each fact with a source axiom),
then, for each N, in a fresh child process so that time and peak memory belong to that
run alone:

1. ``mndkg validate EXTRA`` of the shipped graph plus the N genes;
2. ``mndkg build`` of a copy of the checkout whose ``graph/`` holds the N genes
   (the package is copied too: the data folders are found beside the package);
3. for scale, the same triples parsed and written by raw pyoxigraph (load, one
   SPARQL pass, N-Triples out), the floor a build cannot beat.

Medians of ``--runs`` runs; peak RSS is the child's ``ru_maxrss`` from ``os.wait4``.
Not a test: nothing here asserts a time. Nothing leaves the machine.

    python scripts/bench_growth.py [--genes 0,300,1000,3000] [--runs 3] [--profile N]

``--profile N`` runs the build once at N genes under cProfile and prints the top of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PREFIXES = """\
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX mnd: <https://w3id.org/mndkg/>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX src: <https://w3id.org/mndkg/source/>
"""
CHROMOSOMES = ("1", "10", "12", "21", "5", "9", "16", "X")
DISEASES = ("ALS1", "ALS10", "SMAType1", "KennedysDisease", "PrimaryLateralSclerosis")


def gene(index: int) -> str:
    """Return the Turtle of one synthetic gene with its two sourced facts."""
    name = f"SYNG{index}"
    number = CHROMOSOMES[index % len(CHROMOSOMES)]
    chromosome = f"Chromosome{number}"
    disease = DISEASES[index % len(DISEASES)]
    return f"""
mnd:{name}
    a owl:Class ;
    rdfs:label "{name}"@en ;
    obo:IAO_0000115 "A synthetic gene number {index}, written by the growth benchmark."@en ;
    oboInOwl:hasExactSynonym "synthetic gene {index}"@en ;
    rdfs:subClassOf mnd:Gene ;
    skos:exactMatch <http://identifiers.org/hgnc/{900000 + index}> ;
    mnd:cytogeneticLocation "{number}q11.2" ;
    mnd:locatedOnChromosome mnd:{chromosome} ;
    mnd:plainLabel "synthetic gene {index}"@en ;
.
mnd:{disease} mnd:associatedWithGene mnd:{name} .
[] a owl:Axiom ;
    dcterms:source src:OMIM_105400 ;
    owl:annotatedProperty mnd:locatedOnChromosome ;
    owl:annotatedSource mnd:{name} ;
    owl:annotatedTarget mnd:{chromosome} .
[] a owl:Axiom ;
    dcterms:source src:OMIM_105400 ;
    owl:annotatedProperty mnd:associatedWithGene ;
    owl:annotatedSource mnd:{disease} ;
    owl:annotatedTarget mnd:{name} .
"""


def write_genes(path: Path, count: int) -> None:
    """Write ``count`` synthetic genes to ``path`` (deterministic)."""
    with path.open("w", encoding="utf-8") as out:
        out.write(PREFIXES)
        for index in range(count):
            out.write(gene(index))


def checkout(folder: Path, genes: int) -> Path:
    """Copy the package and its data folders into ``folder``, with ``genes`` added to graph/."""
    for name in ("ontology", "graph", "shapes", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copytree(ROOT / "src", folder / "src", ignore=shutil.ignore_patterns("__pycache__"))
    if genes:
        write_genes(folder / "graph" / "zz-synthetic-genes.ttl", genes)
    return folder


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a child process; return its wall time (s) and peak RSS (MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        stderr = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(args)} failed ({code}): {stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024


RAW = """
import sys, pyoxigraph as ox
from pathlib import Path
store = ox.Store()
for folder in ("ontology", "graph"):
    for f in sorted(Path(sys.argv[1], folder).glob("*.ttl")):
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
closure = "SELECT ?s WHERE { ?s a ?c . ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?d }"
len(list(store.query(closure)))
store.dump(output=sys.argv[2], format=ox.RdfFormat.N_QUADS)
"""


def measure(genes: int, runs: int, work: Path) -> dict[str, tuple[float, float]]:
    """Return median (seconds, MB) of validate, build and the raw floor at ``genes`` genes."""
    folder = checkout(work / f"g{genes}", genes)
    extra = work / f"extra-{genes}.ttl"
    write_genes(extra, genes)
    env = {**os.environ, "PYTHONPATH": str(folder / "src"), "MNDKG_PROGRESS": "0"}
    cases = {
        "validate": [str(BIN / "mndkg"), "validate", str(extra)],
        "build": [sys.executable, "-m", "mndkg", "build", "--out", str(folder / "dist")],
        "raw": [sys.executable, "-c", RAW, str(folder), str(work / "raw.nq")],
    }
    found = {}
    for name, args in cases.items():
        case_env = {**env, "MNDKG_CACHE": str(work / f"cache-{name}-{genes}")}
        if name == "validate":
            case_env.pop("PYTHONPATH")
        samples = [run(args, case_env) for _ in range(runs)]
        found[name] = (
            statistics.median(s[0] for s in samples),
            statistics.median(s[1] for s in samples),
        )
    return found


def profile(genes: int, work: Path) -> None:
    """Print the top of a cProfile of one build at ``genes`` genes."""
    folder = checkout(work / "profile", genes)
    env = {**os.environ, "PYTHONPATH": str(folder / "src"), "MNDKG_CACHE": str(work / "pc")}
    stats = work / "build.prof"
    args = [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "mndkg", "build"]
    subprocess.run([*args, "--out", str(folder / "dist")], env=env, check=True)
    show = "import pstats,sys; pstats.Stats(sys.argv[1]).sort_stats('cumulative').print_stats(40)"
    subprocess.run([sys.executable, "-c", show, str(stats)], check=True)


def main() -> None:
    """Run the growth benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--genes", default="0,300,1000,3000", help="Comma-separated counts.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per case (default: 3).")
    parser.add_argument("--profile", type=int, help="Profile one build at this many genes.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mndkg-growth-") as tmp:
        if args.profile is not None:
            profile(args.profile, Path(tmp))
            return
        print(
            f"{platform.node()}: {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, {dt.date.today()}"
        )
        columns = ("genes", "build", "build peak", "validate", "validate peak", "raw", "ratio")
        print("| " + " | ".join(columns) + " |")
        print("|---" * len(columns) + "|")
        for count in (int(n) for n in args.genes.split(",")):
            found = measure(count, args.runs, Path(tmp))
            (b, bm), (v, vm), (r, _) = found["build"], found["validate"], found["raw"]
            print(
                f"| {count:,} | {b:.2f} s | {bm:.0f} MB | {v:.2f} s | {vm:.0f} MB "
                f"| {r:.2f} s | {b / r:.1f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
