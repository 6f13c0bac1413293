"""The exports as other tools read them: SSSOM (sssom-py), KGX (kgx, the Biolink Model), GraphML.

sssom-py, the kgx tool and the Biolink Model live in their own environment
(``.venv-tools``, made by ``make test``) because their dependencies must not mix
with ours; the tests call it in a subprocess and skip, saying why, when it is
missing. The kgx tool fetches the Biolink Model from the network when it is
imported, so ``tools/kgx_offline.py`` points it at the release that the PyPI
package ``biolink-model`` ships and refuses every connection beyond loopback.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS

from mndkg.export import graphml, kgx, sssom
from mndkg.network import build_network
from mndkg.paths import BASE, ONTOLOGY_IRI, converter
from mndkg.release import assemble

ROOT = Path(__file__).resolve().parents[1]
TOOLS = Path(os.environ.get("MNDKG_TOOLS_VENV", ROOT / ".venv-tools"))
PYTHON = TOOLS / "bin" / "python"
KGX_OFFLINE = Path(__file__).parent / "tools" / "kgx_offline.py"
DATA = Path(__file__).parent / "data"
TSV = ("nodes.tsv", "edges.tsv")

BIOLINK_TERMS = """
import json
from importlib.resources import files
import yaml
schema = yaml.safe_load((files("biolink_model") / "schema" / "biolink_model.yaml").read_text())
print(json.dumps({"version": schema.get("version"), "classes": sorted(schema["classes"]),
                  "slots": sorted(schema["slots"])}))
"""


BIOLINK_KINDS = """
import json
from importlib.resources import files
import yaml
schema = yaml.safe_load((files("biolink_model") / "schema" / "biolink_model.yaml").read_text())
camel = lambda name: "".join(w[:1].upper() + w[1:] for w in name.split())
print(json.dumps({camel(name): {"mixin": bool(c.get("mixin")), "abstract": bool(c.get("abstract"))}
                  for name, c in schema["classes"].items()}))
"""

#: The one validation error expected of the KGX export: mndkg's own ``mnd:`` ids are not
#: in the Biolink Model's JSON-LD context (nor should they be).
MND_PREFIX = re.compile(r"CURIE prefix 'mnd' (that )?is not represented in Biolink Model JSON-LD")


def tools() -> Path:
    if not PYTHON.exists():
        pytest.skip(f"{TOOLS} is missing: run `make test` (it installs sssom, kgx, biolink-model)")
    return PYTHON


def kgx_tool() -> Path:
    python = tools()
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('kgx') is None)"
    if subprocess.run([str(python), "-c", probe], check=False).returncode:
        pytest.skip(f"kgx is not in {TOOLS}: remove it and run `make test` to remake it")
    return python


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    graph = assemble()
    (folder / "mndkg.sssom.tsv").write_text(sssom.to_tsv(graph, "0.0.0"), encoding="utf-8")
    kgx.write(graph, folder / "kgx")
    graphml.write(graph, folder / "mndkg.graphml")
    return folder


@pytest.fixture(scope="module")
def kgx_loaded(exports: Path) -> dict[str, Any]:
    """What the kgx tool read, kept and reported of the KGX export (tools/kgx_offline.py)."""
    done = subprocess.run(
        [str(kgx_tool()), str(KGX_OFFLINE), *(str(exports / "kgx" / f) for f in TSV)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary


def tsv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_sssom_is_valid(exports: Path) -> None:
    sssom_cli = tools().parent / "sssom"
    done = subprocess.run(
        [str(sssom_cli), "validate", str(exports / "mndkg.sssom.tsv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "error" not in done.stderr.lower(), done.stderr[-2000:]


def test_sssom_merges_with_mondos_sets_into_one_prefix_per_namespace(
    exports: Path, tmp_path: Path
) -> None:
    # tests/data/sssom/ holds MONDO's own Orphanet and MeSH sets, cut to the rows that overlap
    # ours (scripts/make_sssom_fixture.py). ORPHA: and MESH: (under id.nlm.nih.gov) failed
    # PrefixMapCompleteness after the merge ("Missing prefix: Orphanet").
    sssom_cli = str(tools().parent / "sssom")
    merged = tmp_path / "merged.sssom.tsv"
    mondo = sorted((DATA / "sssom").glob("mondo_exactmatch_*.sssom.tsv"))
    inputs = [str(exports / "mndkg.sssom.tsv"), *map(str, mondo)]
    done = subprocess.run(
        [sssom_cli, "merge", *inputs, "-o", str(merged)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for check in ("PrefixMapCompleteness", "JsonSchema", "StrictCurieFormat"):
        done = subprocess.run(
            [sssom_cli, "validate", "-V", check, str(merged)], capture_output=True, text=True
        )
        assert done.returncode == 0, f"{check}: {done.stderr[-2000:]}"
    curie_map = [
        ln.split(":", 1)[0].strip("# ")
        for ln in merged.read_text().splitlines()
        if ln.startswith("#   ")
    ]
    namespaces = [
        ln.split(": ", 1)[1] for ln in merged.read_text().splitlines() if ln.startswith("#   ")
    ]
    assert len(namespaces) == len(set(namespaces)), "a namespace under two prefixes"
    assert "Orphanet" in curie_map and "ORPHA" not in curie_map and "MESH" not in curie_map


def test_sssom_mapping_date_is_the_curated_date_not_today(exports: Path) -> None:
    header = (exports / "mndkg.sssom.tsv").read_text().splitlines()
    dates = [ln.split(": ", 1)[1] for ln in header if ln.startswith("#mapping_date:")]
    graph = assemble()
    modified = graph.value(URIRef(ONTOLOGY_IRI), DCTERMS.modified)
    assert modified is not None and dates == [str(modified)]


def test_sssom_rows_have_the_required_fields(exports: Path) -> None:
    lines = [
        ln
        for ln in (exports / "mndkg.sssom.tsv").read_text().splitlines()
        if not ln.startswith("#")
    ]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    assert len(rows) > 250
    for row in rows:
        assert row["mapping_justification"] == "semapv:ManualMappingCuration"
        assert row["predicate_id"] in {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch"}
        assert 0 < float(row["confidence"]) <= 1 and row["author_label"]
    # 5q SMA is narrower than MONDO's SMA group: that match is broad, the exact one is 5q SMA.
    sma = {
        (r["predicate_id"], r["object_id"])
        for r in rows
        if r["subject_id"] == "mnd:SpinalMuscularAtrophy"
    }
    assert ("skos:broadMatch", "MONDO:0001516") in sma
    assert ("skos:exactMatch", "MONDO:0019079") in sma


def test_kgx_uses_biolink_terms(exports: Path) -> None:
    done = subprocess.run(
        [str(tools()), "-c", BIOLINK_TERMS], capture_output=True, text=True, check=True
    )
    model = json.loads(done.stdout)
    classes = {c.replace(" ", "").lower() for c in model["classes"]}
    slots = {s.replace(" ", "_") for s in model["slots"]}
    with (exports / "kgx" / "nodes.tsv").open() as handle:
        categories = {r["category"] for r in csv.DictReader(handle, delimiter="\t")}
    with (exports / "kgx" / "edges.tsv").open() as handle:
        edges = list(csv.DictReader(handle, delimiter="\t"))
    for category in categories:
        assert category.removeprefix("biolink:").lower() in classes, category
    for predicate in {e["predicate"] for e in edges}:
        assert predicate.removeprefix("biolink:") in slots, predicate
    assert all(e["primary_knowledge_source"] == "infores:mndkg" for e in edges)
    assert any(e["publications"].startswith("PMID:") for e in edges)


def test_kgx_tool_loads_every_row(exports: Path, kgx_loaded: dict[str, Any]) -> None:
    nodes = len(tsv_rows(exports / "kgx" / "nodes.tsv"))
    edges = len(tsv_rows(exports / "kgx" / "edges.tsv"))
    assert kgx_loaded["network"] == [], "kgx reached for the network"
    assert kgx_loaded["records"] == {"nodes": nodes, "edges": edges}
    # kgx keys edges by subject-predicate-object: a repeated triple would be lost here.
    assert kgx_loaded["graph"] == {"nodes": nodes, "edges": edges}


def test_kgx_validator_reports_only_the_mnd_prefix(kgx_loaded: dict[str, Any]) -> None:
    errors = kgx_loaded["errors"]
    expected = [e for e in errors if MND_PREFIX.search(e["message"])]
    unexpected = [e for e in errors if e not in expected]
    assert not unexpected, json.dumps(unexpected, indent=1)
    assert {e["type"] for e in expected} <= {
        "INVALID_NODE_PROPERTY_VALUE",
        "INVALID_EDGE_PROPERTY_VALUE",
    }


def test_kgx_writes_one_edge_per_biolink_triple(kg: Graph, exports: Path) -> None:
    edges = tsv_rows(exports / "kgx" / "edges.tsv")
    rows = {(e["subject"], e["predicate"], e["object"]): e for e in edges}
    assert len(rows) == len(edges) == len({e["id"] for e in edges})
    net = build_network(kg)
    assert len(edges) <= net.number_of_edges()
    records = net.graph["catalogue"].sources
    for subject, target, data in net.edges(data=True):
        relation = URIRef(converter().expand(data["predicate"]))
        if data["hierarchy"]:
            row = rows[(subject, "biolink:subclass_of", target)]
        else:
            row = rows[(subject, kgx.predicate_of(kg, relation), target)]
        # the row keeps this fact's relation or a narrower one, and this fact's publications
        kept = URIRef(converter().expand(row["original_predicate"]))
        assert relation in set(kg.transitive_objects(kept, RDFS.subPropertyOf)), row
        found = {records.get(s, {}).get("identifier", "") for s in data["sources"]}
        assert {p for p in found if p.startswith(("PMID:", "DOI:"))} <= set(
            filter(None, row["publications"].split("|"))
        )


def test_biolink_categories_are_concrete(kg: Graph) -> None:
    done = subprocess.run(
        [str(tools()), "-c", BIOLINK_KINDS], capture_output=True, text=True, check=True
    )
    model = json.loads(done.stdout)
    categories = {str(c) for c in kg.objects(None, URIRef(BASE + "biolinkCategory"))}
    assert categories
    for category in sorted(categories):
        name = category.removeprefix(kgx.BIOLINK)
        assert name in model, f"{category} is not a Biolink class"
        assert not model[name]["mixin"], f"{category} is a Biolink mixin"
        assert not model[name]["abstract"], f"{category} is an abstract Biolink class"


def test_graphml_round_trips(exports: Path) -> None:
    net = nx.read_graphml(exports / "mndkg.graphml")
    assert net.number_of_nodes() > 130 and net.number_of_edges() > 250
    assert net.nodes["mnd:AmyotrophicLateralSclerosis"]["label"] == "amyotrophic lateral sclerosis"
