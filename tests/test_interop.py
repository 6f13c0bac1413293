"""The exports as other tools read them: SSSOM (sssom-py), KGX (the Biolink Model), GraphML.

sssom-py and the Biolink Model live in their own environment (``.venv-tools``,
made by ``make test``) because their dependencies must not mix with ours; the
tests call it in a subprocess and skip, saying why, when it is missing. The kgx
tool itself fetches the Biolink Model from the network when it is imported, so
the KGX files are checked against the Biolink Model release that the PyPI
package ``biolink-model`` ships.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import networkx as nx
import pytest

from mndkg.export import graphml, kgx, sssom
from mndkg.release import assemble

ROOT = Path(__file__).resolve().parents[1]
TOOLS = Path(os.environ.get("MNDKG_TOOLS_VENV", ROOT / ".venv-tools"))
PYTHON = TOOLS / "bin" / "python"

BIOLINK_TERMS = """
import json
from importlib.resources import files
import yaml
schema = yaml.safe_load((files("biolink_model") / "schema" / "biolink_model.yaml").read_text())
print(json.dumps({"version": schema.get("version"), "classes": sorted(schema["classes"]),
                  "slots": sorted(schema["slots"])}))
"""


def tools() -> Path:
    if not PYTHON.exists():
        pytest.skip(f"{TOOLS} is missing: run `make test` (it installs sssom and biolink-model)")
    return PYTHON


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    graph = assemble()
    (folder / "mndkg.sssom.tsv").write_text(sssom.to_tsv(graph, "0.0.0"), encoding="utf-8")
    kgx.write(graph, folder / "kgx")
    graphml.write(graph, folder / "mndkg.graphml")
    return folder


def test_sssom_is_valid(exports: Path) -> None:
    sssom_cli = tools().parent / "sssom"
    done = subprocess.run(
        [str(sssom_cli), "validate", str(exports / "mndkg.sssom.tsv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "error" not in done.stderr.lower(), done.stderr[-2000:]


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
        assert row["predicate_id"] in {"skos:exactMatch", "skos:closeMatch"}
        assert 0 < float(row["confidence"]) <= 1 and row["author_label"]


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


def test_graphml_round_trips(exports: Path) -> None:
    net = nx.read_graphml(exports / "mndkg.graphml")
    assert net.number_of_nodes() > 130 and net.number_of_edges() > 250
    assert net.nodes["mnd:AmyotrophicLateralSclerosis"]["label"] == "amyotrophic lateral sclerosis"
