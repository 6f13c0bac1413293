"""Scale benchmark: the graph merged with synthetic data of 10k, 100k and 1M triples.

Writes deterministic synthetic N-Triples shaped like the real graph (diseases in a
subclass tree under the real disease classes, linked with mndkg's own relations to
synthetic phenotypes and genes, every fact with its source axiom), then for each size:

1. loading, each run in a fresh child process so that time and peak memory belong to
   that run alone: raw ``pyoxigraph`` ``load`` and ``bulk_load``, mndkg's ``load_store``
   (shipped graph plus the file), and ``mndkg query --with FILE cq04-lower-only`` end to end;
2. four queries on the merged store (label lookup, CONTAINS join, GROUP BY count,
   ``rdfs:subClassOf*`` walk) in pyoxigraph, and in rdflib's engine up to ``--rdflib-max``;
3. the same through Virtuoso on loopback (when ``virtuoso-t`` is installed): ``mndkg
   publish --with FILE``, timed as a whole and split into building the N-Triples and the
   HTTP PUT; then the queries over the SPARQL 1.1 Protocol.

Medians of ``--runs`` runs; peak RSS is the child's own ``ru_maxrss`` from ``os.wait4``.
The parent imports only the standard library (the Virtuoso helpers come last), because
Linux counts a parent's resident set at spawn time into its child's ``ru_maxrss``.
Not a test: nothing here asserts a time. No network beyond 127.0.0.1.

    python scripts/bench_scale.py [--sizes 10000,100000,1000000] [--runs 3]
                                  [--rdflib-max 100000] [--no-virtuoso]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TextIO, TypeVar

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
BIN = Path(sys.executable).parent
CHILD = "--child"
GRAPH = "https://w3id.org/mndkg/bench-scale"
CLI_QUERY = "cq04-lower-only"

# ---------------------------------------------------------------- synthetic data

MND = "https://w3id.org/mndkg/"
SYN = MND + "synthetic/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
OWL_CLASS = "<http://www.w3.org/2002/07/owl#Class>"
OWL_AXIOM = "<http://www.w3.org/2002/07/owl#Axiom>"
ANNOTATED = {
    part: f"<http://www.w3.org/2002/07/owl#annotated{part}>"
    for part in ("Source", "Property", "Target")
}
DEFINITION = "<http://purl.obolibrary.org/obo/IAO_0000115>"
SYNONYM = "<http://www.geneontology.org/formats/oboInOwl#hasExactSynonym>"
EXACT_MATCH = "<http://www.w3.org/2004/02/skos/core#exactMatch>"
DCT_SOURCE = "<http://purl.org/dc/terms/source>"

#: Real disease classes the synthetic disease tree hangs from, with the family name.
DISEASE_ROOTS = {
    "AmyotrophicLateralSclerosis": "amyotrophic lateral sclerosis",
    "FamilialALS": "familial amyotrophic lateral sclerosis",
    "SpinalMuscularAtrophy": "spinal muscular atrophy",
    "ProgressiveMuscularAtrophy": "progressive muscular atrophy",
    "PrimaryLateralSclerosis": "primary lateral sclerosis",
    "ProgressiveBulbarPalsy": "progressive bulbar palsy",
    "MotorNeuronDisease": "motor neuron disease",
}
#: Real symptom classes the synthetic phenotype tree hangs from.
SYMPTOM_ROOTS = (
    "MuscleWeakness",
    "MuscleAtrophy",
    "Fasciculations",
    "Spasticity",
    "Dysphagia",
    "Dysarthria",
    "Dyspnea",
    "MuscleCramps",
    "Hyperreflexia",
    "Fatigue",
)
QUALIFIERS = ("mild", "severe", "progressive", "distal", "proximal", "asymmetric", "bilateral")
FINDINGS = (
    "weakness",
    "atrophy",
    "tremor",
    "stiffness",
    "cramps",
    "twitching",
    "numbness",
    "pain",
    "spasticity",
    "fatigability",
    "hyporeflexia",
    "hyperreflexia",
)
SITES = ("hand", "foot", "tongue", "shoulder", "hip", "neck", "face", "arm", "leg", "larynx")
CHROMOSOMES = ("Chromosome1", "Chromosome5", "Chromosome9", "Chromosome12", "Chromosome16")
INHERITANCE = ("AutosomalDominant", "AutosomalRecessive", "XLinkedRecessive")
SOURCES = (
    "ClevelandClinicMND",
    "Brooks2000",
    "Kiernan2011",
    "Turner2020",
    "GeneReviewsSMA",
    "GeneReviewsC9orf72",
    "Strong2017",
    "Miller2009care",
)
DISEASE_BRANCHING, PHENOTYPE_BRANCHING = 4, 5
PHENOTYPES_PER_DISEASE, DISEASES_PER_GENE = 2, 4


def mnd(name: str) -> str:
    """Return an mndkg IRI in N-Triples form (the real graph's namespace)."""
    return f"<{MND}{name}>"


def syn(kind: str, index: int) -> str:
    """Return a synthetic entity's IRI, in a sub-namespace so it never clashes with ours."""
    return f"<{SYN}{kind}{index}>"


def en(text: str) -> str:
    """Return an English literal; synthetic text is plain ASCII, so nothing needs escaping."""
    return f'"{text}"@en'


def disease_parent(index: int) -> str:
    """Return a disease's parent: a real class for the first few, so the tree is several deep."""
    roots = len(DISEASE_ROOTS)
    if index < roots:
        return mnd(list(DISEASE_ROOTS)[index])
    return syn("D", (index - roots) // DISEASE_BRANCHING)


def disease_label(index: int) -> str:
    """Return a disease's label, named after the real family its tree hangs from."""
    roots = len(DISEASE_ROOTS)
    root = index
    while root >= roots:
        root = (root - roots) // DISEASE_BRANCHING
    return f"{list(DISEASE_ROOTS.values())[root]} subtype {index}"


def phenotype_label(index: int) -> str:
    """Return a phenotype's label: a finding at a site, so CONTAINS filters select a share."""
    qualifier = QUALIFIERS[index % len(QUALIFIERS)]
    finding = FINDINGS[(index // len(QUALIFIERS)) % len(FINDINGS)]
    site = SITES[(index // (len(QUALIFIERS) * len(FINDINGS))) % len(SITES)]
    return f"{qualifier} {finding} of the {site} {index}"


@dataclass
class Writer:
    """N-Triples output that counts its triples, so a file stops near its target size."""

    handle: TextIO
    triples: int = 0
    axioms: int = 0

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """Write one triple."""
        self.handle.write(f"{subject} {predicate} {obj} .\n")
        self.triples += 1

    def fact(self, subject: str, relation: str, obj: str, source: str) -> None:
        """Write a fact and its source axiom, the way every clinical fact of the graph is."""
        self.add(subject, mnd(relation), obj)
        node = f"_:ax{self.axioms}"
        self.axioms += 1
        self.add(node, RDF_TYPE, OWL_AXIOM)
        self.add(node, ANNOTATED["Source"], subject)
        self.add(node, ANNOTATED["Property"], mnd(relation))
        self.add(node, ANNOTATED["Target"], obj)
        self.add(node, DCT_SOURCE, f"<{MND}source/{source}>")


@dataclass
class Synthetic:
    """What a synthetic file holds."""

    path: Path
    target: int
    triples: int = 0
    diseases: int = 0
    phenotypes: int = 0
    genes: int = 0

    @property
    def lookup_label(self) -> str:
        """Return the label the lookup query asks for: a disease in the middle of the file."""
        return disease_label(self.diseases // 2)


def write_phenotype(out: Writer, index: int) -> None:
    """Write a phenotype class under a real symptom or an earlier phenotype, with an HP-like IRI."""
    node, roots = syn("P", index), len(SYMPTOM_ROOTS)
    parent = (
        mnd(SYMPTOM_ROOTS[index])
        if index < roots
        else syn("P", (index - roots) // PHENOTYPE_BRANCHING)
    )
    label = phenotype_label(index)
    out.add(node, RDF_TYPE, OWL_CLASS)
    out.add(node, LABEL, en(label))
    out.add(node, DEFINITION, en(f"A synthetic sign: {label}."))
    out.add(node, SUBCLASS, parent)
    out.add(node, EXACT_MATCH, f"<http://purl.obolibrary.org/obo/HP_9{index:06d}>")


def write_gene(out: Writer, index: int, rng: random.Random) -> None:
    """Write a gene class under mnd:Gene, on a real chromosome (a sourced fact)."""
    node = syn("G", index)
    out.add(node, RDF_TYPE, OWL_CLASS)
    out.add(node, LABEL, en(f"SYN{index}"))
    out.add(node, SUBCLASS, mnd("Gene"))
    out.add(node, EXACT_MATCH, f"<http://identifiers.org/hgnc/9{index:05d}>")
    out.add(node, mnd("cytogeneticLocation"), f'"{rng.randint(1, 22)}q{rng.randint(11, 35)}"')
    out.fact(node, "locatedOnChromosome", mnd(rng.choice(CHROMOSOMES)), "GeneReviewsSMA")


def write_disease(out: Writer, index: int, rng: random.Random, phenotypes: int, genes: int) -> None:
    """Write a disease in the tree, linked to neurons, phenotypes, a gene and an inheritance."""
    node = syn("D", index)
    label = disease_label(index)
    out.add(node, RDF_TYPE, OWL_CLASS)
    out.add(node, LABEL, en(label))
    out.add(node, DEFINITION, en(f"A synthetic motor neuron disease: {label}."))
    out.add(node, SYNONYM, en(f"MNDX{index}"))
    out.add(node, SUBCLASS, disease_parent(index))
    out.add(node, EXACT_MATCH, f"<http://purl.obolibrary.org/obo/MONDO_9{index:06d}>")
    draw = rng.random()  # 40 % lower motor neurons only (cq04 finds them), 20 % upper only
    neurons = (
        ["LowerMotorNeuron"]
        if draw < 0.4
        else ["UpperMotorNeuron"]
        if draw < 0.6
        else ["UpperMotorNeuron", "LowerMotorNeuron"]
    )
    for neuron in neurons:
        out.fact(node, "affectsNeuronType", mnd(neuron), rng.choice(SOURCES))
    # Mostly recent phenotypes (siblings share signs), some from anywhere: a skewed degree.
    picks = {
        rng.randrange(max(0, phenotypes - 50), phenotypes)
        if rng.random() < 0.7
        else rng.randrange(phenotypes)
        for _ in range(rng.randint(3, 6))
    }
    for phenotype in sorted(picks):
        out.fact(node, "hasSymptom", syn("P", phenotype), rng.choice(SOURCES))
    if genes and rng.random() < 0.5:
        out.fact(node, "hasCausativeGene", syn("G", rng.randrange(genes)), rng.choice(SOURCES))
    out.fact(node, "hasInheritancePattern", mnd(rng.choice(INHERITANCE)), rng.choice(SOURCES))


def generate(path: Path, target: int, seed: int = 2026) -> Synthetic:
    """Write about ``target`` triples of synthetic data; the same seed gives the same file."""
    rng = random.Random(seed)
    data = Synthetic(path, target)
    with path.open("w", encoding="utf-8") as handle:
        out = Writer(handle)
        while out.triples < target:
            for _ in range(PHENOTYPES_PER_DISEASE):
                write_phenotype(out, data.phenotypes)
                data.phenotypes += 1
            if data.diseases % DISEASES_PER_GENE == 0:
                write_gene(out, data.genes, rng)
                data.genes += 1
            write_disease(out, data.diseases, rng, data.phenotypes, data.genes)
            data.diseases += 1
    data.triples = out.triples
    return data


# ---------------------------------------------------------------- the queries

PREFIXES = """PREFIX mnd: <https://w3id.org/mndkg/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
#: The in-process and remote queries; {label} is filled with a disease label of the file.
QUERIES = {
    "label lookup": """SELECT ?disease ?parent WHERE {
  ?disease rdfs:label {label} ; rdfs:subClassOf ?parent .
}""",
    "CONTAINS join": """SELECT ?disease ?sign WHERE {
  ?d mnd:hasSymptom ?s .
  ?s rdfs:label ?sign .
  FILTER (CONTAINS(?sign, "tremor"))
  ?d rdfs:label ?disease .
}""",
    "GROUP BY count": """SELECT ?relation (COUNT(*) AS ?facts) WHERE {
  ?p rdfs:subPropertyOf mnd:clinicalRelation ; rdfs:label ?relation .
  ?s ?p ?o .
}
GROUP BY ?relation""",
    "subClassOf* walk": """SELECT ?disease WHERE {
  ?d rdfs:subClassOf* mnd:AmyotrophicLateralSclerosis ; rdfs:label ?disease .
}""",
}


def query_text(name: str, label: str) -> str:
    """Return a query's text with its prefixes and the lookup label filled in."""
    return PREFIXES + QUERIES[name].replace("{label}", en(label))


# ---------------------------------------------------------------- child processes


def emit(payload: dict[str, Any]) -> None:
    """Write a child's measurements as one JSON line for the parent."""
    sys.stdout.write(json.dumps(payload) + "\n")


def child_raw(path: str, method: str = "load") -> None:
    """Time one of pyoxigraph's own loads of the file, nothing else: the floor we compare with.

    ``load`` is transactional, as mndkg loads; ``bulk_load`` parses in parallel, with
    no transaction and more memory.
    """
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store()
    getattr(store, method)(path=path, format=ox.RdfFormat.N_TRIPLES)
    seconds = time.perf_counter() - start
    emit({"load": seconds, "triples": len(store)})


def child_mndkg(path: str) -> None:
    """Time mndkg's load path: the shipped graph plus the file, with its per-file checks."""
    from mndkg.files import load_store

    start = time.perf_counter()
    store = load_store([path])
    seconds = time.perf_counter() - start
    emit({"load": seconds, "triples": len(store)})


def step_import(file: Path) -> None:
    """Import mndkg's loader (pyoxigraph is imported already, as in the raw case)."""
    del file
    import mndkg.files  # noqa: F401


def step_shipped(file: Path) -> None:
    """Load the shipped graph alone: the constant that ``load_store`` adds to every load."""
    del file
    from mndkg.files import load_store

    load_store()


def step_checks(file: Path) -> None:
    """Run the per-file checks alone (exists, regular file, readable, XML guard)."""
    from mndkg.files import check_readable

    check_readable(file)


def step_file_only(file: Path) -> None:
    """Run ``load_store`` on the file without the shipped graph: checks plus the bulk load."""
    from mndkg.files import load_store

    load_store([file], base=False)


def step_base_iri(file: Path) -> None:
    """Load with the base IRI ``load_store`` passes (N-Triples has no relative IRIs)."""
    import pyoxigraph as ox

    ox.Store().load(path=file, format=ox.RdfFormat.N_TRIPLES, base_iri=file.resolve().as_uri())


def step_raw(file: Path) -> None:
    """Load as the raw case does, for a reference measured the same way."""
    import pyoxigraph as ox

    ox.Store().load(path=file, format=ox.RdfFormat.N_TRIPLES)


#: The steps of ``load_store`` timed apart, each in a fresh child.
STEPS: dict[str, Callable[[Path], None]] = {
    "import mndkg.files (pyoxigraph already imported)": step_import,
    "shipped graph alone: load_store([])": step_shipped,
    "per-file checks: check_readable(file)": step_checks,
    "file alone: load_store([file], base=False)": step_file_only,
    "load(path, base_iri=file URI)": step_base_iri,
    "load(path) (the raw case)": step_raw,
}


def child_step(index: str, path: str) -> None:
    """Time one step of ``load_store`` in a fresh process, its imports done beforehand."""
    import pyoxigraph  # noqa: F401

    name = list(STEPS)[int(index)]
    if STEPS[name] is not step_import:
        import mndkg.files  # noqa: F401
    start = time.perf_counter()
    STEPS[name](Path(path))
    emit({"load": time.perf_counter() - start})


def child_queries(path: str, label: str, runs: str, with_rdflib: str) -> None:
    """Time the queries on the merged store in pyoxigraph, and in rdflib's engine if asked."""
    from mndkg.files import load_store
    from mndkg.queries import run

    store = load_store([path])
    report: dict[str, Any] = {"oxigraph": {}, "rdflib": None}
    for name in QUERIES:
        text, times, rows = query_text(name, label), [], 0
        for _ in range(int(runs)):
            start = time.perf_counter()
            rows = len(run(store, text, name).rows)
            times.append(time.perf_counter() - start)
        report["oxigraph"][name] = {"ms": statistics.median(times) * 1e3, "rows": rows}
    del store
    if with_rdflib == "1":
        from mndkg.loader import load_graph

        start = time.perf_counter()
        graph = load_graph([path])
        report["rdflib_load"] = time.perf_counter() - start
        report["rdflib"] = {}
        for name in QUERIES:
            text, times, rows = query_text(name, label), [], 0
            for _ in range(int(runs)):
                start = time.perf_counter()
                rows = len(list(graph.query(text)))
                times.append(time.perf_counter() - start)
            report["rdflib"][name] = {"ms": statistics.median(times) * 1e3, "rows": rows}
    emit(report)


def child_remote(endpoint: str, label: str, runs: str) -> None:
    """Time the queries over the SPARQL 1.1 Protocol, as ``mndkg query --endpoint`` sends them."""
    from mndkg.remote import remote_query

    report = {}
    for name in QUERIES:
        text, times, rows = query_text(name, label), [], 0
        for _ in range(int(runs)):
            start = time.perf_counter()
            rows = len(remote_query(endpoint, text, name, GRAPH).rows)
            times.append(time.perf_counter() - start)
        report[name] = {"ms": statistics.median(times) * 1e3, "rows": rows}
    emit(report)


def child_publish(endpoint: str, path: str) -> None:
    """Run ``mndkg publish --with FILE`` in process, timing its HTTP PUT apart.

    The real ``remote.publish`` sends the body; a wrapper around it only records how
    long the PUT took, so the time splits into building the body and the PUT.
    """
    from mndkg import remote
    from mndkg.cli import main as cli

    put: dict[str, float] = {}
    send = remote.publish

    def timed_publish(
        data: bytes, endpoint: str, graph: str | None = None, graph_parameter: str = "graph"
    ) -> None:
        start = time.perf_counter()
        send(data, endpoint, graph, graph_parameter)
        put.update(seconds=time.perf_counter() - start, megabytes=len(data) / 1e6)

    remote.publish = timed_publish  # the command imports it when it runs
    args = ["publish", "--endpoint", endpoint, "--graph", GRAPH, "--with", path]
    start = time.perf_counter()
    code = cli.main(args, prog_name="mndkg", standalone_mode=False)
    total = time.perf_counter() - start
    if code or "seconds" not in put:
        raise SystemExit(f"mndkg publish failed ({code})")
    emit({"total": total, "put": put["seconds"], "megabytes": put["megabytes"]})


CHILDREN: dict[str, Callable[..., None]] = {
    "raw": child_raw,
    "mndkg": child_mndkg,
    "step": child_step,
    "queries": child_queries,
    "remote": child_remote,
    "publish": child_publish,
}


@dataclass
class Measured:
    """One child run: wall time, CPU time and peak RSS of that child alone, and its output."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: str
    returncode: int = 0
    error: str = ""

    def json(self) -> dict[str, Any]:
        """Return the JSON line a child of this script printed."""
        result: dict[str, Any] = json.loads(self.stdout.strip().splitlines()[-1])
        return result


def measure(args: list[str], env: dict[str, str] | None = None, check: bool = True) -> Measured:
    """Run a child to its end; its rusage comes from ``os.wait4`` on its pid alone.

    ``RUSAGE_CHILDREN`` would give the running maximum over every child reaped so far.
    """
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=env)
        assert process.stdout is not None
        with process.stdout:
            out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
    if check and process.returncode != 0:
        what = args[3] if len(args) > 3 else args[0]
        raise RuntimeError(f"child {what} exited {process.returncode}: {' / '.join(tail)}")
    return Measured(
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        out.decode("utf-8", "replace"),
        process.returncode,
        " ".join(tail),
    )


def script_child(mode: str, *args: str) -> list[str]:
    """Return the command that runs one child mode of this script in a fresh interpreter."""
    return [sys.executable, str(Path(__file__).resolve()), CHILD, mode, *args]


def mndkg_command(*args: str) -> list[str]:
    """Return the installed ``mndkg`` console script with arguments (the user's entry point)."""
    return [str(BIN / "mndkg"), *args]


# ---------------------------------------------------------------- the benchmarks


@dataclass
class Series:
    """Repeated runs of one case: the medians and the largest peak go into the tables."""

    runs: list[Measured] = field(default_factory=list)

    def median(self, key: Callable[[Measured], float]) -> float:
        """Return the median of a value over the runs."""
        return statistics.median(key(run) for run in self.runs)

    @property
    def load(self) -> float:
        """Return the median load time measured inside the child (s)."""
        return self.median(lambda run: float(run.json()["load"]))

    @property
    def wall(self) -> float:
        """Return the median wall time of the whole child process (s)."""
        return self.median(lambda run: run.wall)

    @property
    def peak(self) -> float:
        """Return the largest peak RSS over the runs (MB): the figure the target is about."""
        return max(run.peak_mb for run in self.runs)


@dataclass
class LoadRow:
    """The loading measurements of one size."""

    data: Synthetic
    raw: Series
    raw_bulk: Series
    mndkg: Series
    cli: Series
    merged: int = 0
    cli_rows: int = 0


def bench_loads(data: Synthetic, runs: int) -> LoadRow:
    """Run the three loading cases ``runs`` times, interleaved so drift hits each alike."""
    path = str(data.path)
    row = LoadRow(data, Series(), Series(), Series(), Series())
    for _ in range(runs):
        row.raw.runs.append(measure(script_child("raw", path)))
        row.raw_bulk.runs.append(measure(script_child("raw", path, "bulk_load")))
        row.mndkg.runs.append(measure(script_child("mndkg", path)))
        row.cli.runs.append(measure(mndkg_command("query", "--with", path, CLI_QUERY)))
    row.merged = int(row.mndkg.runs[-1].json()["triples"])
    found = re.search(r"\((\d+) rows?\)\s*$", row.cli.runs[-1].stdout)
    row.cli_rows = int(found.group(1)) if found else -1
    return row


def bench_anatomy(data: Synthetic, runs: int) -> dict[str, float]:
    """Return the median time of each step of ``load_store`` on this file, each in a child (s)."""
    times: dict[str, list[float]] = {name: [] for name in STEPS}
    for _ in range(runs):
        for index, name in enumerate(STEPS):
            done = measure(script_child("step", str(index), str(data.path)))
            times[name].append(float(done.json()["load"]))
    return {name: statistics.median(values) for name, values in times.items()}


def bench_queries(data: Synthetic, runs: int, rdflib_max: int) -> dict[str, Any]:
    """Return the in-process query medians, from a child that loads the merged store."""
    with_rdflib = "1" if data.target <= rdflib_max else "0"
    args = script_child("queries", str(data.path), data.lookup_label, str(runs), with_rdflib)
    return measure(args).json()


@dataclass
class RemoteRow:
    """Publishing one size to Virtuoso and querying it there."""

    data: Synthetic
    published: Series
    queries: dict[str, Any] = field(default_factory=dict)
    server_peak: float = float("nan")
    error: str = ""


def virtuoso_missing() -> str | None:
    """Return why Virtuoso cannot run here, or ``None`` when it can."""
    if shutil.which("virtuoso-t") is None:
        return "virtuoso-t is not on PATH (Debian package virtuoso-opensource)"
    ini = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
    if not ini.exists():
        return f"{ini} is missing (Debian package virtuoso-opensource-7)"
    if importlib.util.find_spec("pytest") is None:
        return "pytest, which tests/servers.py imports, is not installed (pip install '.[test]')"
    return None


def process_peak_mb(pid: int) -> float:
    """Return a running process's peak RSS (VmHWM) in MB, read from /proc."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.MULTILINE)
    return int(found.group(1)) / 1024 if found else float("nan")


@contextmanager
def virtuoso_server(folder: Path, buffers: int) -> Iterator[tuple[str, str, int]]:
    """Start Virtuoso on loopback with a throwaway database, as the tests do; stop it by its pid.

    ``buffers`` (8 kB pages) replaces Debian's NumberOfBuffers of 10,000 unless it is 0;
    MaxDirtyBuffers becomes three quarters of it, as Virtuoso's own ini advises. Yields
    the Graph Store endpoint, the query endpoint and the server's pid.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    import pytest

    import servers  # tests/servers.py: free ports, the loopback-only ini, start and stop

    binary = shutil.which("virtuoso-t")
    assert binary is not None
    port, http_port = servers.free_port(), servers.free_port()
    ini = servers.virtuoso_ini(folder, port, http_port)
    if buffers:
        text = ini.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^NumberOfBuffers\s*=.*$", f"NumberOfBuffers = {buffers}", text)
        text = re.sub(r"(?m)^MaxDirtyBuffers\s*=.*$", f"MaxDirtyBuffers = {buffers * 3 // 4}", text)
        ini.write_text(text, encoding="utf-8")
    base = f"http://127.0.0.1:{http_port}"
    args = [binary, "+foreground", "+configfile", str(ini)]
    try:
        # running() terminates the server by its pid in a finally, whatever happens here.
        with servers.running(args, f"{base}/sparql", folder) as process:
            yield f"{base}/sparql-graph-crud-auth", f"{base}/sparql", process.pid
    except (pytest.fail.Exception, pytest.skip.Exception) as err:
        raise RuntimeError(f"Virtuoso did not start: {err}") from None


def bench_virtuoso(data: Synthetic, runs: int, buffers: int) -> RemoteRow:
    """Publish one size to a fresh Virtuoso ``runs`` times (each replaces the graph); query it.

    Each run is the real ``mndkg publish --with FILE``, with its PUT timed apart.
    """
    env = {**os.environ, "MNDKG_ENDPOINT_USER": "dba", "MNDKG_ENDPOINT_PASSWORD": "dba"}
    with (
        tempfile.TemporaryDirectory(prefix="bench-virtuoso-") as folder,
        virtuoso_server(Path(folder), buffers) as (store, endpoint, pid),
    ):
        published = Series()
        row = RemoteRow(data, published)
        try:
            for _ in range(runs):
                child = script_child("publish", store, str(data.path))
                published.runs.append(measure(child, env))
            remote = script_child("remote", endpoint, data.lookup_label, str(runs))
            row.queries = measure(remote).json()
        except RuntimeError as err:  # a failed load or query: say so in the table
            row.error = str(err).splitlines()[0][-400:]
        row.server_peak = process_peak_mb(pid)
        return row


# ---------------------------------------------------------------- the report


def size_name(triples: int) -> str:
    """Return 10k, 100k, 1M for a size."""
    if triples >= 1_000_000 and triples % 1_000_000 == 0:
        return f"{triples // 1_000_000}M"
    if triples >= 1000 and triples % 1000 == 0:
        return f"{triples // 1000}k"
    return str(triples)


def package(name: str) -> str:
    """Return an installed package's version without importing it (the parent stays small)."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, where there is one."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown CPU"
    found = re.search(r"^model name\s*:\s*(.+)$", text, flags=re.MULTILINE)
    return found.group(1).strip() if found else platform.processor() or "unknown CPU"


def machine() -> str:
    """Describe the machine and software the numbers come from."""
    return (
        f"{platform.system()} {platform.release()} {platform.machine()}, {cpu_model()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; pyoxigraph "
        f"{package('pyoxigraph')}, rdflib {package('rdflib')}, mndkg {package('mndkg')}"
    )


def virtuoso_version() -> str:
    """Return the Virtuoso version line its binary prints."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        return "not installed"
    done = subprocess.run([binary, "-?"], capture_output=True, text=True, check=False, timeout=30)
    found = re.search(r"Version (\S+)", done.stdout + done.stderr)
    return found.group(1) if found else "unknown version"


def print_loads(rows: list[LoadRow]) -> None:
    """Print the loading table."""
    print(
        "| synthetic triples | merged store | pyoxigraph load (s) | peak RSS (MB) "
        "| pyoxigraph bulk_load (s) | peak RSS (MB) "
        "| mndkg load_store (s) | peak RSS (MB) | load_store / faster raw "
        f"| `mndkg query --with FILE {CLI_QUERY}` (s) | peak RSS (MB) | rows |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        best = min(r.raw.load, r.raw_bulk.load)
        print(
            f"| {r.data.triples:,} | {r.merged:,} | {r.raw.load:.2f} | {r.raw.peak:.0f} "
            f"| {r.raw_bulk.load:.2f} | {r.raw_bulk.peak:.0f} "
            f"| {r.mndkg.load:.2f} | {r.mndkg.peak:.0f} | {r.mndkg.load / best:.2f}x "
            f"| {r.cli.wall:.2f} | {r.cli.peak:.0f} | {r.cli_rows:,} |"
        )
    print(
        "\nWhole child process (interpreter start, imports, load, exit), median wall time (s): "
        + "; ".join(
            f"{size_name(r.data.target)}: load {r.raw.wall:.2f}, bulk_load {r.raw_bulk.wall:.2f}, "
            f"load_store {r.mndkg.wall:.2f}"
            for r in rows
        )
    )


def print_anatomy(anatomy: dict[int, dict[str, float]]) -> None:
    """Print where ``load_store``'s time goes, step by step, per size."""
    sizes = list(anatomy)
    print("| step of load_store | " + " | ".join(f"{size_name(s)} (ms)" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for step in anatomy[sizes[0]]:
        cells = " | ".join(ms(anatomy[s][step] * 1e3) for s in sizes)
        print(f"| {step} | {cells} |")


def ms(value: float) -> str:
    """Format milliseconds with the precision they deserve."""
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def rows_cell(base: int, *others: tuple[str, int]) -> str:
    """Return a row count, with any engine that answered differently named beside it."""
    extra = [f"{name}: {rows:,}" for name, rows in others if rows != base]
    return f"{base:,}" + (f" ({'; '.join(extra)})" if extra else "")


def print_queries(results: dict[int, dict[str, Any]], sizes: dict[int, Synthetic]) -> None:
    """Print the in-process query table: pyoxigraph against rdflib's engine."""
    print("| triples | query | rows | pyoxigraph (ms) | rdflib (ms) | rdflib / pyoxigraph |")
    print("|---|---|---|---|---|---|")
    for target, result in results.items():
        for name in QUERIES:
            ox_cell = result["oxigraph"][name]
            rdf_cell = (result["rdflib"] or {}).get(name)
            others = [("rdflib", rdf_cell["rows"])] if rdf_cell else []
            slow = f"{ms(rdf_cell['ms'])}" if rdf_cell else "—"
            ratio = f"{rdf_cell['ms'] / ox_cell['ms']:,.0f}x" if rdf_cell else "—"
            print(
                f"| {sizes[target].triples:,} | {name} | {rows_cell(ox_cell['rows'], *others)} "
                f"| {ms(ox_cell['ms'])} | {slow} | {ratio} |"
            )
    loads = [f"{size_name(t)}: {r['rdflib_load']:.1f} s" for t, r in results.items() if r["rdflib"]]
    if loads:
        print("\nrdflib graph load through mndkg.loader.load_graph: " + "; ".join(loads))


def print_virtuoso(rows: list[RemoteRow], embedded: dict[int, dict[str, Any]]) -> None:
    """Print the Virtuoso tables: publishing, then the queries over the protocol."""
    print(
        "| synthetic triples | N-Triples sent (MB) | `mndkg publish --with FILE` (s) "
        "| peak RSS (MB) | of which building the N-Triples (s) | HTTP PUT into Virtuoso (s) |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        steps = r.published
        if r.error and not steps.runs:
            print(f"| {r.data.triples:,} | | failed: {r.error} | | | |")
            continue
        body = steps.median(lambda run: run.json()["total"] - run.json()["put"])
        put = steps.median(lambda run: run.json()["put"])
        print(
            f"| {r.data.triples:,} | {steps.runs[-1].json()['megabytes']:.1f} | {steps.wall:.2f} "
            f"| {steps.peak:.0f} | {body:.2f} | {put:.2f} |"
        )
    print("\n| triples | query | rows | Virtuoso (ms) | pyoxigraph in process (ms) |")
    print("|---|---|---|---|---|")
    for r in (r for r in rows if r.queries):
        local = embedded.get(r.data.target, {}).get("oxigraph", {})
        for name in QUERIES:
            remote, mine = r.queries[name], local.get(name)
            rows_text = rows_cell(remote["rows"], *([("embedded", mine["rows"])] if mine else []))
            print(
                f"| {r.data.triples:,} | {name} | {rows_text} | {ms(remote['ms'])} "
                f"| {ms(mine['ms']) if mine else '—'} |"
            )
    print(
        "\nVirtuoso server peak RSS (VmHWM) after loading and querying: "
        + "; ".join(f"{size_name(r.data.target)}: {r.server_peak:.0f} MB" for r in rows)
    )


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    """Read the options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="Comma-separated synthetic sizes in triples (default: %(default)s).",
    )
    parser.add_argument("--runs", type=int, default=3, help="Runs per case (default: 3).")
    parser.add_argument(
        "--rdflib-max",
        type=int,
        default=100_000,
        help="Largest size to also query in rdflib's engine (default: %(default)s).",
    )
    parser.add_argument("--no-virtuoso", action="store_true", help="Skip the Virtuoso part.")
    parser.add_argument(
        "--virtuoso-buffers",
        type=int,
        default=170_000,
        help="Virtuoso's NumberOfBuffers (8 kB pages; 170000 is its advice for 2 GB free; "
        "0 keeps Debian's 10000, with which the 1M load takes more than 10 minutes).",
    )
    args = parser.parse_args()
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    return args


def bar(items: Iterable[T], action: str) -> Iterable[T]:
    """Return ``items`` with a progress bar on a terminal (mndkg's own, stdlib and tqdm only)."""
    from mndkg.progress import items as with_bar

    listed = list(items)
    return with_bar(listed, f"benchmark: {action}", total=len(listed))


def main() -> None:
    """Generate the data, run every benchmark and print the Markdown tables."""
    args = parse_args()
    runs = args.runs
    print(f"# mndkg scale benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}\n")
    print(f"Machine: {machine()}.")
    print(f"Median of {runs} runs; each load in a fresh child process (peak RSS from os.wait4).\n")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        sizes: dict[int, Synthetic] = {}
        for target in args.sizes:
            start = time.perf_counter()
            data = generate(Path(tmp) / f"synthetic-{size_name(target)}.nt", target)
            sizes[target] = data
            print(
                f"- {data.path.name}: {data.triples:,} triples, {data.diseases:,} diseases, "
                f"{data.phenotypes:,} phenotypes, {data.genes:,} genes, "
                f"{data.path.stat().st_size / 1e6:.1f} MB, "
                f"written in {time.perf_counter() - start:.1f} s",
                flush=True,
            )

        print("\n## Loading\n", flush=True)
        loads = [bench_loads(data, runs) for data in bar(sizes.values(), "loads")]
        print_loads(loads)

        print("\n## Where load_store's time goes (median ms)\n", flush=True)
        print_anatomy({t: bench_anatomy(d, runs) for t, d in bar(sizes.items(), "steps")})

        print("\n## Queries on the merged store, in process\n", flush=True)
        embedded: dict[int, dict[str, Any]] = {}
        for target, data in bar(sizes.items(), "queries"):
            embedded[target] = bench_queries(data, runs, args.rdflib_max)
        print_queries(embedded, sizes)

        parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("\n## Through Virtuoso\n", flush=True)
        why = "--no-virtuoso was given" if args.no_virtuoso else virtuoso_missing()
        buffers = (
            f"NumberOfBuffers {args.virtuoso_buffers:,}"
            if args.virtuoso_buffers
            else "Debian's NumberOfBuffers 10,000"
        )
        if why:
            print(f"Skipped: {why}.")
        else:
            print(
                f"Virtuoso Open Source {virtuoso_version()} on 127.0.0.1, a throwaway database "
                "per size, Debian's ini as the tests change it (loopback ports, ResultSetMaxRows "
                f"1000000) with {buffers}; each publish replaces the graph.\n",
                flush=True,
            )
            remote: list[RemoteRow] = []
            try:
                for data in bar(sizes.values(), "Virtuoso"):
                    remote.append(bench_virtuoso(data, runs, args.virtuoso_buffers))
            except RuntimeError as err:  # the server did not start: say so, keep what ran
                print(f"Stopped: {err}\n")
            if remote:
                print_virtuoso(remote, embedded)
    print(
        f"\nThis script's own peak RSS before the Virtuoso part: {parent:.0f} MB. Linux counts "
        "a parent's RSS at spawn time into its child's ru_maxrss; every child figure above is "
        "larger, so none is inflated."
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        CHILDREN[sys.argv[2]](*sys.argv[3:])
    else:
        main()
