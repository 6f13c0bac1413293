"""The SPARQL engine gives pySHACL's findings: on every fixture, the real graph and odd literals.

pySHACL is the reference; ``mndkg.shacl_sparql`` compiles the shapes to SPARQL run by
pyoxigraph. A finding is compared by severity, focus, path, value, message and shape
(blank-node shapes all show as "(anonymous shape)", so the message tells them apart),
as a multiset: pySHACL repeats a nested result once per outer result, and so must we.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from mndkg import shacl_sparql, shacl_store
from mndkg.release import assemble
from mndkg.store import store_from_graph
from mndkg.validation import SH, Finding, Report, validate

DATA = Path(__file__).parent / "data"
#: Every fixture the shapes can see: dl/punned-property.ttl is refused before them, by the
#: generated declarations (a property both annotation and object property is never OWL 2 DL).
NOT_LOADABLE = {DATA / "dl" / "punned-property.ttl"}
FIXTURES = [p for p in [*sorted(DATA.glob("*/*.ttl")), DATA / "xss.ttl"] if p not in NOT_LOADABLE]
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
"""

Key = tuple[str, str, str, str, str, str]


def key(f: Finding) -> Key:
    return f.severity, f.focus, f.path, f.value, f.message, f.shape


def keys(report: Report) -> list[Key]:
    return sorted(map(key, report.findings))


def both(data: Graph, shapes: Graph) -> tuple[list[Key], list[Key]]:
    """Return the findings of the SPARQL engine and of pySHACL, on one shared store."""
    store = store_from_graph(data)
    before = len(store)
    ours = validate(data, shapes, store, engine="sparql")
    assert len(store) == before, "the SPARQL engine must leave the store as it found it"
    return keys(ours), keys(validate(data, shapes, store, engine="pyshacl"))


@cache
def fixture_graph(path: Path) -> Graph:
    return assemble([path])


def test_every_constraint_in_shapes_is_compiled(shapes: Graph) -> None:
    used = {str(p).removeprefix(str(SH)) for p in shapes.predicates() if p in SH}
    structure = {"declare", "prefix", "namespace", "select", "prefixes"}
    structure |= {"alternativePath", "oneOrMorePath", "zeroOrMorePath", "inversePath"}
    assert used - structure <= shacl_sparql.SUPPORTED, used - structure - shacl_sparql.SUPPORTED
    program = shacl_sparql.compile_shapes(shapes)  # raises Unsupported otherwise
    components = {c.component for c in program.checks}
    assert {"QualifiedMinCountConstraintComponent", "SPARQLConstraintComponent"} <= components


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}/{p.stem}" for p in FIXTURES])
def test_same_findings_as_pyshacl_on_fixture(path: Path, shapes: Graph) -> None:
    ours, reference = both(fixture_graph(path), shapes)
    assert ours == reference


def test_same_findings_as_pyshacl_on_release_graph_with_inferences(shapes: Graph) -> None:
    """As ``release.shape_verdict`` validates: asserted plus inferred, with the build's store."""
    from mndkg.reason import as_graph, close

    graph = assemble()
    store = store_from_graph(graph)
    data = graph + as_graph(close(store).inferred)
    before = len(store)
    ours = keys(validate(data, shapes, store, engine="sparql"))
    assert len(store) == before
    assert ours == keys(validate(data, shapes, store, engine="pyshacl"))
    assert any(f[0] == "Warning" for f in ours), "the known gaps are reported"


ODD_SHAPES = (
    PREFIXES
    + """
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:n , ex:m , ex:d , ex:day , ex:b , ex:s ;
  sh:property [ sh:path ex:m ; sh:datatype xsd:integer ; sh:message "m" ] ;
  sh:property [ sh:path ex:n ; sh:datatype xsd:integer ; sh:minInclusive 1 ; sh:message "n" ] ,
    [ sh:path ex:d ; sh:datatype xsd:decimal ; sh:maxCount 1 ; sh:message "d" ] ,
    [ sh:path ex:day ; sh:datatype xsd:date ; sh:message "day" ] ,
    [ sh:path ex:b ; sh:maxCount 1 ; sh:in ( ex:x ) ; sh:message "b" ] ,
    [ sh:path ex:s ; sh:pattern "^\\\\S+$" ; sh:minLength 2 ; sh:message "s" ] .
"""
)
ODD_DATA = (
    PREFIXES
    + """
ex:a ex:n "x"^^xsd:integer , "01"^^xsd:integer , "2"^^xsd:positiveInteger , "5"^^xsd:integer ,
    "0"^^xsd:integer , "2.5"^^xsd:decimal , "abc" .
ex:a ex:m "-3"^^xsd:positiveInteger , "7"^^xsd:nonNegativeInteger , "8"^^xsd:integer .
ex:a ex:d "2.0"^^xsd:decimal , "2"^^xsd:decimal .
ex:c ex:d "2.0"^^xsd:decimal , "1e0"^^xsd:double , "one"^^xsd:decimal .
ex:a ex:day "2025-05-06"^^xsd:date , "2025-13-01"^^xsd:date , "2025-05-06T00:00:00"^^xsd:date .
ex:a ex:b "1"^^xsd:boolean , "true"^^xsd:boolean .
ex:a ex:s "ok" , "trailing\\n" , "two words" , "x" , ex:iri , _:blank .
"""
)


def test_ill_typed_and_normalised_literals_match_pyshacl() -> None:
    """The store rewrites "01" as "1" and positiveInteger as integer; pySHACL sees the text."""
    shapes = Graph().parse(data=ODD_SHAPES, format="turtle")
    data = Graph().parse(data=ODD_DATA, format="turtle")
    ours, reference = both(data, shapes)
    assert ours == reference
    values = {f[3] for f in ours}
    assert {"x", "2", "-3", "7", "one", "2025-13-01", "two words"} <= values
    # "01" is a well-formed integer >= 1; Python's "$" (pySHACL) matches before a final newline
    assert not {"01", "trailing\n"} & values


def test_ill_typed_literal_out_of_range_follows_the_spec() -> None:
    """The one known difference: SHACL says a comparison that is not true is a result.

    rdflib orders the ill-typed "-3"^^xsd:positiveInteger above 1, so pySHACL passes it
    under sh:minInclusive 1; SPARQL's comparison fails, so the SPARQL engine reports it.
    """
    shapes = Graph().parse(
        data=PREFIXES + "ex:S sh:targetSubjectsOf ex:n ; sh:property [ sh:path ex:n ; "
        'sh:minInclusive 1 ; sh:message "n" ] .',
        format="turtle",
    )
    data = Graph().parse(data=PREFIXES + 'ex:a ex:n "-3"^^xsd:positiveInteger .', format="turtle")
    ours, reference = both(data, shapes)
    assert [f[3] for f in ours] == ["-3"]
    assert reference == []


@pytest.mark.parametrize(
    "shape",
    [
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:closed true .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:or ( [ sh:class ex:C ] ) .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; "
        'sh:pattern "(?=a)" ; sh:message "m" ] .',
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; "
        'sh:hasValue 1 ; sh:message "m" ] .',
    ],
    ids=["closed", "or", "no-message", "lookahead", "typed-hasValue"],
)
def test_unsupported_shapes_fail_at_compile_time_and_fall_back(shape: str) -> None:
    shapes = Graph().parse(data=PREFIXES + shape, format="turtle")
    data = Graph().parse(data=PREFIXES + "ex:a ex:q ex:b .", format="turtle")
    with pytest.raises(shacl_sparql.Unsupported):
        shacl_sparql.compile_shapes(shapes)
    auto = keys(validate(data, shapes, engine="auto"))
    assert auto == keys(validate(data, shapes, engine="pyshacl"))


CHECKED = (
    "label",
    "IAO_0000115",
    "subClassOf",
    "source",
    "exactMatch",
    "annotatedTarget",
    "cytogeneticLocation",
    "locatedOnChromosome",
    "hasExactSynonym",
    "plainLabel",
)


@cache
def base() -> tuple[Graph, list[tuple]]:
    """The real graph plus one fixture, and its triples whose predicate some shape checks."""
    graph = fixture_graph(DATA / "invalid" / "relation-wrong-subject.ttl")
    return graph, sorted((t for t in graph if str(t[1]).endswith(CHECKED)), key=str)


@cache
def shipped_shapes() -> Graph:
    from mndkg.validation import load_shapes

    return load_shapes()


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12))
def test_same_findings_as_pyshacl_on_mutated_graph(picks: list[int]) -> None:
    """Dropping checked triples (labels, parents, sources...) breaks the shapes alike."""
    graph, candidates = base()
    data = Graph()
    data += graph
    for pick in picks:
        data.remove(candidates[pick % len(candidates)])
    ours, reference = both(data, shipped_shapes())
    assert ours == reference


def test_store_of_keeps_every_term_as_store_from_graph_does() -> None:
    """The N-Triples copy holds the very quads, blank node labels included."""
    graph = Graph()
    graph += fixture_graph(DATA / "invalid" / "axiom-of-missing-fact.ttl")
    graph.parse(data=ODD_DATA, format="turtle")
    odd = 'ex:q ex:p "quote \\" back \\\\ tab \\t cr \\r"@en-GB .'
    graph.parse(data=PREFIXES + odd, format="turtle")
    fast = set(shacl_store.store_of(graph))
    assert fast == set(store_from_graph(graph))
    assert any(isinstance(q.subject, ox.BlankNode) for q in fast)


def test_turtle_report_of_the_sparql_engine(shapes: Graph) -> None:
    """One sh:ValidationResult per finding, with the blank-node paths and shapes spelt out."""
    from mndkg.validation import as_turtle

    report = validate(fixture_graph(DATA / "invalid" / "gene-without-hgnc.ttl"), shapes)
    graph = Graph().parse(data=as_turtle(report), format="turtle")
    assert len(set(graph.subjects(SH.resultSeverity, None))) == len(report.findings)
    assert (None, SH.conforms, None) in graph
    for path in graph.objects(None, SH.resultPath):
        assert isinstance(path, URIRef) or (path, None, None) in graph
