"""The build: every format round-trips, the version is stamped, failure writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

import mndkg.release
from mndkg.atomic import staged_folder, write_manifest
from mndkg.errors import ValidationFailed
from mndkg.export.rdf import RDF_FILES
from mndkg.paths import ONTOLOGY_IRI

FORMATS = {"mndkg.ttl": "turtle", "mndkg.nt": "nt", "mndkg.jsonld": "json-ld", "mndkg.owl": "xml"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "dist"
    mndkg.release.build(out, version="9.9.9")
    return out


@pytest.mark.parametrize("name", sorted(RDF_FILES))
def test_format_round_trips(dist: Path, kg: Graph, name: str) -> None:
    back = Graph().parse(dist / name, format=FORMATS[name])
    expected = mndkg.release.assemble(version="9.9.9")
    assert len(back) == len(expected)
    assert isomorphic(back, expected), f"{name} does not give the same triples back"


def test_version_is_stamped(dist: Path) -> None:
    graph = Graph().parse(dist / "mndkg.ttl")
    ontology = URIRef(ONTOLOGY_IRI)
    assert graph.value(ontology, OWL.versionInfo) == Literal("9.9.9")
    assert str(graph.value(ontology, OWL.versionIRI)).endswith("/releases/9.9.9/mndkg.owl")


def add_fact(monkeypatch: pytest.MonkeyPatch, subject: str, relation: str, target: str) -> None:
    """Make ``assemble`` return the graph with one more fact (mnd: local names), in this process."""
    real = mndkg.release.assemble
    mnd = "https://w3id.org/mndkg/"

    def with_fact(*args: object, **kwargs: object) -> Graph:
        graph = real(*args, **kwargs)  # type: ignore[arg-type]
        graph.add((URIRef(mnd + subject), URIRef(mnd + relation), URIRef(mnd + target)))
        return graph

    monkeypatch.setattr(mndkg.release, "assemble", with_fact)


def test_invalid_graph_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "previous.txt").write_text("the last good build")
    add_fact(monkeypatch, "AmyotrophicLateralSclerosis", "hasSymptom", "ColdIntolerance")
    with pytest.raises(ValidationFailed, match="nothing was written"):
        mndkg.release.build(out)
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]
    assert [p.name for p in out.iterdir()] == ["previous.txt"]


def test_interrupted_write_keeps_the_old_folder(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(KeyboardInterrupt), staged_folder(out) as staging:
        (staging / "half.txt").write_text("half")
        raise KeyboardInterrupt
    assert [p.name for p in out.iterdir()] == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_successful_write_replaces_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with staged_folder(out) as staging:
        (staging / "new.txt").write_text("new")
    assert [p.name for p in out.iterdir()] == ["new.txt"]


def test_release_files(dist: Path) -> None:
    names = {p.name for p in dist.iterdir()}
    expected = {
        "mndkg-base.ttl",
        "mndkg-base.owl",
        "mndkg-full.ttl",
        "mndkg-full.owl",
        "mndkg-inferred.ttl",
        "void.ttl",
        "examples",
        "report.tsv",
    }
    assert expected <= names
    full = Graph().parse(dist / "mndkg-full.ttl")
    inferred = Graph().parse(dist / "mndkg-inferred.ttl")
    main = Graph().parse(dist / "mndkg.ttl")
    assert len(full) == len(main) + len(inferred)
    base = Graph().parse(dist / "mndkg-base.ttl")
    ro = URIRef("http://purl.obolibrary.org/obo/RO_0002452")
    assert (ro, None, None) in main
    # the base keeps only the declaration of an imported term its axioms use (OWL 2 DL)
    assert set(base.predicate_objects(ro)) == {(RDF.type, OWL.ObjectProperty)}


def test_void_counts_the_release(dist: Path) -> None:
    from rdflib import Namespace

    void = Namespace("http://rdfs.org/ns/void#")
    graph = Graph().parse(dist / "void.ttl")
    dataset = URIRef("https://w3id.org/mndkg/void#dataset")
    main = Graph().parse(dist / "mndkg.ttl")
    assert int(graph.value(dataset, void.triples)) == len(main)
    assert graph.value(dataset, OWL.versionInfo) == Literal("9.9.9")
    assert len(list(graph.objects(dataset, void.classPartition))) >= 10


def test_sparql_examples(dist: Path) -> None:
    from rdflib.namespace import SH

    files = sorted((dist / "examples").glob("*.ttl"))
    assert len(files) >= 20
    graph = Graph().parse(files[0])
    (node,) = graph.subjects(RDF.type, SH.SPARQLSelectExecutable)
    assert "SELECT" in str(graph.value(node, SH.select))


def test_shape_violation_found_in_the_background_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shapes run in a second process; their verdict still decides before the swap."""
    from contextlib import contextmanager

    out = tmp_path / "dist"
    out.mkdir()
    (out / "previous.txt").write_text("the last good build")
    write_manifest(out)  # a previous release, so the build may replace it

    @contextmanager
    def failing(_version: str):
        yield lambda: "== Violation (1) ==\n- a made-up finding"

    monkeypatch.setattr(mndkg.release, "in_background", failing)
    with pytest.raises(ValidationFailed, match="does not conform; nothing was written"):
        mndkg.release.build(out)
    assert sorted(p.name for p in out.iterdir()) == [".mndkg-release", "previous.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_shape_verdict_reports_a_violation(monkeypatch: pytest.MonkeyPatch) -> None:
    add_fact(monkeypatch, "PrimaryLateralSclerosis", "hasSymptom", "TongueAtrophy")
    verdict = mndkg.release.shape_verdict("9.9.9")
    assert verdict is not None
    assert "has no source" in verdict


def test_clean_graph_gets_a_clean_verdict() -> None:
    assert mndkg.release.shape_verdict("9.9.9") is None


def test_two_builds_write_the_same_bytes(dist: Path, tmp_path: Path) -> None:
    """A release is reproducible: another process, with another hash seed, writes every
    file byte for byte the same, so a diff between releases shows only real changes."""
    import os
    import subprocess
    import sys

    out = tmp_path / "again"
    code = (
        f"import mndkg.release, pathlib; mndkg.release.build(pathlib.Path({str(out)!r}), '9.9.9')"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    ours = sorted(p.relative_to(dist) for p in dist.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert ours == theirs
    differ = [str(p) for p in ours if (dist / p).read_bytes() != (out / p).read_bytes()]
    assert differ == []
