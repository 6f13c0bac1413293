"""Every committed Turtle file is in canonical form, and the data folders ship in the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mndkg.paths import DATA_FOLDERS, data_dir, knowledge_files

ROOT = Path(__file__).resolve().parents[1]


def test_turtle_files_are_canonical() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "format_turtle.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + "\nfix with: make format"


def test_data_folders_resolve() -> None:
    for name in DATA_FOLDERS:
        assert data_dir(name).is_dir()
    assert any(p.name == "diseases.ttl" for p in knowledge_files())


def test_every_class_and_property_is_labelled_and_defined(kg) -> None:
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    definition = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in kg.subjects(RDF.type, kind):
            if str(term).startswith("https://w3id.org/mndkg/"):
                assert kg.value(term, RDFS.label) is not None, term
                assert kg.value(term, definition) is not None, term
