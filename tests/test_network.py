"""The networkx view of the graph: entities, facts, focus, filters and their errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph

from mndkg.errors import InputError
from mndkg.network import (
    build_network,
    catalogue,
    filter_network,
    focus_subgraph,
    resolve_node,
)
from mndkg.queries import run_named

DATA = Path(__file__).parent / "data"
ALS = "mnd:AmyotrophicLateralSclerosis"


@pytest.fixture(scope="module")
def net(kg: Graph) -> nx.MultiDiGraph:
    return build_network(kg)


def test_entities_match_the_entities_by_kind_query(net: nx.MultiDiGraph, store: ox.Store) -> None:
    expected = {
        r["kind"]: int(r["entities"]) for r in run_named(store, "entities-by-kind").records()
    }
    expected = {k: n for k, n in expected.items() if k != "bibliographic source"}
    assert Counter(kind for _, kind in net.nodes(data="kind_label")) == expected


def test_facts_match_the_facts_by_relation_query(net: nx.MultiDiGraph, store: ox.Store) -> None:
    expected = {
        r["relation"]: int(r["facts"]) for r in run_named(store, "facts-by-relation").records()
    }
    found = Counter(label for *_, label in net.edges(data="label") if label != "is a kind of")
    assert found
    assert all(found[label] == expected[label] for label in found)


def test_node_attributes(net: nx.MultiDiGraph) -> None:
    als = net.nodes[ALS]
    assert als["kind"] == "Disease"
    assert als["label"] == "amyotrophic lateral sclerosis"
    assert als["plain_label"]
    assert als["definition"]
    assert "ALS" in als["synonyms"]
    assert "MONDO:0004976" in als["xrefs"]
    assert als["iri"] == "https://w3id.org/mndkg/AmyotrophicLateralSclerosis"


def test_every_clinical_fact_carries_its_sources(net: nx.MultiDiGraph) -> None:
    sources = catalogue(net).sources
    for _, _, data in net.edges(data=True):
        if not data["hierarchy"]:
            assert data["sources"], data
            assert all(s in sources for s in data["sources"])


def test_disease_hierarchy_edges(net: nx.MultiDiGraph) -> None:
    assert net.has_edge("mnd:ALS1", "mnd:FamilialALS", key="subClassOf")
    edge = net.edges["mnd:ALS1", "mnd:FamilialALS", "subClassOf"]
    assert edge["label"] == "is a kind of"
    assert edge["hierarchy"] is True


def test_nearest_kind_wins(net: nx.MultiDiGraph) -> None:
    kinds = {kind for _, kind in net.nodes(data="kind")}
    assert {"Drug", "Therapy"} <= kinds
    assert catalogue(net).kinds["Drug"].parent == "Treatment"


@pytest.mark.parametrize(
    "name",
    [
        "amyotrophic lateral sclerosis",
        "ALS",
        "Lou Gehrig disease",
        ALS,
        "AMYOTROPHIC lateral sclerosis",
    ],
)
def test_resolve_by_label_synonym_or_id(net: nx.MultiDiGraph, name: str) -> None:
    assert resolve_node(net, name) == ALS


def test_focus_depth(net: nx.MultiDiGraph) -> None:
    one = focus_subgraph(net, "amyotrophic lateral sclerosis", 1)
    two = focus_subgraph(net, "amyotrophic lateral sclerosis", 2)
    assert set(one) == {ALS, *net.successors(ALS), *net.predecessors(ALS)}
    assert set(one) < set(two) < set(net)
    assert focus_subgraph(net, ALS, 0).number_of_nodes() == 1
    assert two.graph["focus"] == ALS


def test_unknown_focus_suggests_close_matches(net: nx.MultiDiGraph) -> None:
    with pytest.raises(InputError, match="amyotrophic lateral sclerosis") as err:
        focus_subgraph(net, "amyotrophic lateral sclerosys", 2)
    assert "did you mean" in str(err.value)


def test_negative_depth_is_an_input_error(net: nx.MultiDiGraph) -> None:
    with pytest.raises(InputError, match="depth"):
        focus_subgraph(net, ALS, -1)


def test_kind_filter_by_label_or_key(net: nx.MultiDiGraph) -> None:
    kept = filter_network(net, kinds=["disease", "Gene"])
    assert {k for _, k in kept.nodes(data="kind")} == {"Disease", "Gene"}
    assert kept.number_of_edges() > 0


def test_parent_kind_keeps_its_sub_kinds(net: nx.MultiDiGraph) -> None:
    kept = filter_network(net, kinds=["treatment"])
    assert {k for _, k in kept.nodes(data="kind")} == {"Drug", "Therapy"}


def test_relation_filter_drops_entities_without_facts(net: nx.MultiDiGraph) -> None:
    kept = filter_network(net, relations=["has causative gene"])
    assert {k for *_, k in kept.edges(keys=True)} == {"hasCausativeGene"}
    assert {k for _, k in kept.nodes(data="kind")} == {"Disease", "Gene"}


def test_unknown_filter_names_are_input_errors(net: nx.MultiDiGraph) -> None:
    with pytest.raises(InputError, match=r"unknown kind 'planet'; known: .*disease"):
        filter_network(net, kinds=["planet"])
    with pytest.raises(InputError, match="unknown relation"):
        filter_network(net, relations=["orbits"])


def test_extra_files_add_entities(kg: Graph) -> None:
    from mndkg.release import assemble

    net = build_network(assemble([DATA / "xss.ttl"]))
    assert net.nodes["mnd:XssSymptom"]["label"] == "<img src=x onerror=alert(1)>"
    assert net.has_edge(ALS, "mnd:XssSymptom", key="hasSymptom")
