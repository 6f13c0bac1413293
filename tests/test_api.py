"""The Python API a researcher uses in a notebook."""

from __future__ import annotations

import pytest

import mndkg


def test_query_by_name_returns_rows() -> None:
    result = mndkg.query("cq02-upper-and-lower")
    # PBP shows upper as well as lower motor neuron signs (Karam 2010; #14 §3).
    both = ["amyotrophic lateral sclerosis", "progressive bulbar palsy"]
    assert result.values("disease") == both
    assert result.records() == [{"disease": name} for name in both]


def test_inline_query() -> None:
    result = mndkg.query(
        "PREFIX mnd: <https://w3id.org/mndkg/> "
        "SELECT ?l WHERE { mnd:SMN1 <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    assert result.values() == ["SMN1"]


def test_dataframe() -> None:
    pytest.importorskip("pandas")
    frame = mndkg.query("cq05-disease-genes").to_dataframe()
    assert list(frame.columns) == ["disease", "gene", "role"]
    assert "SMN1" in set(frame["gene"])


def test_load_and_validate() -> None:
    graph = mndkg.load()
    assert len(graph) > 3000
    report = mndkg.validate()
    assert report.conforms


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, mndkg; print('rdflib' in sys.modules, 'pyshacl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_query_path_does_not_import_rdflib() -> None:
    import subprocess
    import sys

    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('rdflib' in sys.modules, 'pyshacl' in sys.modules,"
        " 'owlrl' in sys.modules, file=sys.stderr))\n"
        "sys.argv = ['mndkg', 'query', 'cq03-upper-only']\n"
        "from mndkg.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "primary lateral sclerosis" in done.stdout
    assert done.stderr.split() == ["False", "False", "False"]
