"""Reasoning: the targeted rules give owlrl's entailments, plus the defined-class classification."""

from __future__ import annotations

from functools import cache

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from mndkg.reason import infer
from mndkg.release import assemble

MND = "https://w3id.org/mndkg/"
UMN_DISEASE = URIRef(MND + "UpperMotorNeuronDisease")
LMN_DISEASE = URIRef(MND + "LowerMotorNeuronDisease")
DEFINED = {UMN_DISEASE, LMN_DISEASE}


def m(local: str) -> URIRef:
    return URIRef(MND + local)


@cache
def asserted() -> Graph:
    return assemble()


@cache
def inferred() -> Graph:
    return infer(asserted())


def comparable(triple: tuple) -> bool:
    """Entailments between mndkg IRIs of the rule families both reasoners cover."""
    s, p, o = triple
    if not (isinstance(s, URIRef) and isinstance(o, URIRef)):
        return False
    if not (str(s).startswith(MND) and str(o).startswith(MND)) or s == o:
        return False
    excluded = (
        RDF.type,
        OWL.sameAs,
        RDFS.subPropertyOf,
        OWL.equivalentClass,
        OWL.equivalentProperty,
    )
    return p not in excluded


def test_rules_give_the_same_entailments_as_owlrl() -> None:
    owlrl = pytest.importorskip("owlrl")
    graph = Graph()
    for triple in asserted():
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    theirs = {t for t in set(graph) - set(asserted()) if comparable(t)}
    ours = {t for t in inferred() if comparable(t)}
    assert theirs <= ours, sorted(theirs - ours)[:5]
    beyond = {t for t in ours - theirs if not (t[1] == RDFS.subClassOf and t[2] in DEFINED)}
    assert not beyond, sorted(beyond)[:5]


def test_defined_classes_classify_without_assertion() -> None:
    upper = set(inferred().subjects(RDFS.subClassOf, UMN_DISEASE))
    assert {m("AmyotrophicLateralSclerosis"), m("PrimaryLateralSclerosis")} <= upper
    assert m("SpinalMuscularAtrophy") not in upper
    lower = set(inferred().subjects(RDFS.subClassOf, LMN_DISEASE))
    assert {
        m("SpinalMuscularAtrophy"),
        m("KennedysDisease"),
        m("AmyotrophicLateralSclerosis"),
    } <= lower
    assert m("PrimaryLateralSclerosis") not in lower
    assert (m("AmyotrophicLateralSclerosis"), RDFS.subClassOf, UMN_DISEASE) not in asserted()


@pytest.mark.parametrize(
    ("triple", "why"),
    [
        (
            (m("UpperMotorNeuron"), m("neuronTypeAffectedBy"), m("PrimaryLateralSclerosis")),
            "inverse",
        ),
        (
            (m("Riluzole"), m("treats"), m("AmyotrophicLateralSclerosis")),
            "inverse of a sub-property",
        ),
        ((m("AmyotrophicLateralSclerosis"), m("treatedBy"), m("Riluzole")), "super-property"),
        (
            (
                m("AmyotrophicLateralSclerosis"),
                URIRef("http://purl.obolibrary.org/obo/RO_0002452"),
                m("Dysphagia"),
            ),
            "Relation Ontology parent",
        ),
        (
            (m("FrontotemporalDementia"), m("relatedCondition"), m("AmyotrophicLateralSclerosis")),
            "symmetric",
        ),
        ((m("SMAType1"), RDFS.subClassOf, m("MotorNeuronDisease")), "transitive hierarchy"),
        ((m("MedullaOblongata"), m("hasSymptom"), m("Pain")), None),
    ],
)
def test_facts_only_inference_gives(triple: tuple, why: str | None) -> None:
    assert triple not in asserted()
    assert (triple in inferred()) == (why is not None), why


def test_inferred_graph_conforms() -> None:
    from mndkg.validation import validate

    assert validate(asserted() + inferred()).conforms
