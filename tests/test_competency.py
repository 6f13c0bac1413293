"""The competency questions are the contract: each query must give the medically right answers.

Each expectation lists the labels (or label pairs) a neurologist would give;
the test compares them with what the query returns from the graph.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mndkg.queries import index, run_named

ALS = "amyotrophic lateral sclerosis"
PBP = "progressive bulbar palsy"
PLS = "primary lateral sclerosis"
PMA = "progressive muscular atrophy"
SMA = "spinal muscular atrophy"
KENNEDY = "Kennedy's disease"
PPS = "post-polio syndrome"
SEVEN = {ALS, PBP, PLS, PMA, SMA, KENNEDY, PPS}


def column(store: ox.Store, name: str, col: int = 0) -> set[str]:
    return {v for v in run_named(store, name).values(col) if v is not None}


def pairs(store: ox.Store, name: str) -> set[tuple[str, str]]:
    result = run_named(store, name)
    return {(str(r[0].value), str(r[1].value)) for r in result.rows}


def test_every_competency_question_has_a_query() -> None:
    names = [q.name for q in index().values() if q.group == "competency"]
    assert [n[:4] for n in sorted(names)] == [f"cq{i:02d}" for i in range(1, 21)]


def test_cq01_kinds_of_mnd_include_the_seven_and_the_subtypes(store: ox.Store) -> None:
    kinds = column(store, "cq01-kinds-of-mnd")
    assert kinds >= SEVEN
    assert {f"spinal muscular atrophy type {n}" for n in range(5)} <= kinds
    assert "frontotemporal dementia" not in kinds
    assert "poliomyelitis" not in kinds
    # OMIM and MONDO call ALS25 a susceptibility (reduced penetrance), not a type of ALS.
    assert "amyotrophic lateral sclerosis, susceptibility to, 25" not in kinds
    assert "frontotemporal dementia and/or amyotrophic lateral sclerosis" in kinds


def test_cq02_both_neuron_types(store: ox.Store) -> None:
    """PBP shows upper as well as lower motor neuron bulbar signs and nearly always becomes ALS."""
    assert column(store, "cq02-upper-and-lower") == {ALS, PBP}


def test_cq03_upper_only(store: ox.Store) -> None:
    assert column(store, "cq03-upper-only") == {PLS}


def test_cq04_lower_only(store: ox.Store) -> None:
    """Only lower motor neurons among the motor neurons (Kennedy's also affects sensory neurons)."""
    assert column(store, "cq04-lower-only") == {PMA, SMA, KENNEDY, PPS}


def test_cq05_genes(store: ox.Store) -> None:
    found = pairs(store, "cq05-disease-genes")
    assert {(SMA, "SMN1"), (SMA, "SMN2"), (KENNEDY, "AR")} <= found
    als_genes = {gene for disease, gene in found if "amyotrophic lateral sclerosis" in disease}
    assert {"SOD1", "C9orf72", "TARDBP", "FUS"} <= als_genes
    assert {
        ("amyotrophic lateral sclerosis type 12", "OPTN"),
        ("frontotemporal dementia and/or amyotrophic lateral sclerosis 6", "VCP"),
        (ALS, "KIF5A"),
    } <= {(disease, gene) for disease, gene in found}
    assert "amyotrophic lateral sclerosis, susceptibility to, 25" not in {d for d, _ in found}


def test_cq05_kif5a_is_linked_but_not_called_causative(store: ox.Store) -> None:
    """OMIM lists ALS25 as a susceptibility (reduced penetrance): KIF5A gets the general link."""
    rows = run_named(store, "cq05-disease-genes").records()
    assert {r["role"] for r in rows if r["gene"] == "KIF5A"} == {"associated with gene"}
    assert "has causative gene" in {r["role"] for r in rows if r["gene"] == "OPTN"}


def test_cq06_x_chromosome(store: ox.Store) -> None:
    assert column(store, "cq06-x-linked-gene") == {KENNEDY}


def test_cq07_als_drugs(store: ox.Store) -> None:
    assert column(store, "cq07-als-life-prolonging-drugs") == {"riluzole", "edaravone"}


def test_cq08_pbp_regions(store: ox.Store) -> None:
    regions = column(store, "cq08-pbp-regions")
    assert "brainstem" in regions
    assert {"masticatory muscle", "pharyngeal muscle", "laryngeal muscle"} <= regions


def test_cq09_onset_regions(store: ox.Store) -> None:
    found = pairs(store, "cq09-onset-regions")
    assert (PLS, "leg") in found
    assert (PMA, "hand") in found
    assert (PBP, "brainstem") in found
    assert {(KENNEDY, "pelvic girdle region"), (KENNEDY, "shoulder girdle region")} <= found
    assert {(ALS, "limb"), (ALS, "brainstem")} <= found


def test_cq10_post_polio_symptoms(store: ox.Store) -> None:
    expected = {
        "muscle weakness",
        "joint weakness",
        "fatigue",
        "pain",
        "fasciculations",
        "muscle atrophy",
        "cold intolerance",
    }
    assert expected <= column(store, "cq10-pps-symptoms")


def test_cq11_neuron_damage(store: ox.Store) -> None:
    found = pairs(store, "cq11-neuron-damage-symptoms")
    assert {
        ("upper motor neuron", "muscle stiffness"),
        ("upper motor neuron", "hyperreflexia"),
        ("lower motor neuron", "muscle weakness"),
        ("lower motor neuron", "muscle atrophy"),
        ("lower motor neuron", "fasciculations"),
    } <= found
    assert ("upper motor neuron", "muscle atrophy") not in found


def test_cq12_risk_factors(store: ox.Store) -> None:
    expected = {
        "age in the sixties and seventies",
        "family history of motor neuron disease",
        "family history of frontotemporal dementia",
    }
    found = column(store, "cq12-risk-factors")
    assert expected <= found
    # Proposed exposures are hypotheses (mnd:hasHypothesisedRiskFactor), not risk factors.
    assert not {"viral infection", "toxic exposure", "environmental exposure"} & found


def test_cq13_dysphagia(store: ox.Store) -> None:
    assert "gastrostomy tube feeding" in column(store, "cq13-dysphagia-interventions")


def test_cq14_males(store: ox.Store) -> None:
    assert column(store, "cq14-mostly-males") == {PMA, KENNEDY}


def test_cq15_synonyms(store: ox.Store) -> None:
    found = pairs(store, "cq15-synonyms")
    assert {
        (ALS, "Lou Gehrig's disease"),
        (PBP, "progressive bulbar atrophy"),
        (KENNEDY, "spinal and bulbar muscular atrophy"),
    } <= found


def test_cq16_inheritance(store: ox.Store) -> None:
    found = pairs(store, "cq16-inheritance")
    assert (SMA, "autosomal recessive inheritance") in found
    assert (KENNEDY, "X-linked recessive inheritance") in found
    dominant = {d for d, p in found if p == "autosomal dominant inheritance"}
    assert any("amyotrophic lateral sclerosis" in d for d in dominant)
    assert {
        "amyotrophic lateral sclerosis type 12",
        "frontotemporal dementia and/or amyotrophic lateral sclerosis 6",
    } <= dominant
    assert ("amyotrophic lateral sclerosis type 12", "autosomal recessive inheritance") in found


def test_cq17_tests(store: ox.Store) -> None:
    tests = column(store, "cq17-diagnostic-tests")
    assert {
        "electromyography",
        "nerve conduction study",
        "magnetic resonance imaging",
        "blood tests",
        "urine tests",
        "genetic testing",
        "lumbar puncture",
        "muscle biopsy",
    } <= tests
    uses = {(t, u) for t, u in pairs(store, "cq17-diagnostic-tests")}
    assert ("electromyography", "diagnosed with") in uses
    assert ("magnetic resonance imaging", "mimics excluded with") in uses


def test_cq18_sma_drugs(store: ox.Store) -> None:
    assert column(store, "cq18-sma-drugs") == {
        "nusinersen",
        "risdiplam",
        "onasemnogene abeparvovec",
    }


def test_cq19_ftd(store: ox.Store) -> None:
    related = column(store, "cq19-ftd-related")
    assert ALS in related
    assert "frontotemporal dementia and/or amyotrophic lateral sclerosis 6" in related
    assert "frontotemporal dementia with motor neuron disease" in related
    assert SMA not in related


def test_cq20_pbp_impairments(store: ox.Store) -> None:
    found = column(store, "cq20-pbp-impairments")
    assert {"dysarthria", "dysphagia", "impaired mastication"} <= found


@pytest.mark.parametrize(
    "name", sorted(q.name for q in index().values() if q.group == "competency")
)
def test_competency_query_returns_labels_first(store: ox.Store, name: str) -> None:
    result = run_named(store, name)
    assert result.rows, f"{name} returned no rows"
    assert all(isinstance(row[0], ox.Literal) for row in result.rows)
    assert list(result.columns) == list(index()[name].columns)
