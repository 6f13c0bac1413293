"""The OWL 2 DL check with HermiT: the release is consistent, broken fixtures are caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mndkg.dlcheck import check

pytest.importorskip("owlready2", reason="owlready2 (the reasoning extra) is not installed")
if shutil.which("java") is None:
    pytest.skip("no Java runtime: HermiT cannot run", allow_module_level=True)

DATA = Path(__file__).parent / "data" / "dl"


def as_owl(turtle: Path, tmp_path: Path) -> Path:
    from rdflib import Graph

    out = tmp_path / (turtle.stem + ".owl")
    out.write_text(Graph().parse(turtle).serialize(format="xml"), encoding="utf-8")
    return out


def test_release_is_consistent_and_satisfiable(tmp_path: Path) -> None:
    from mndkg.release import build

    build(tmp_path / "dist", version="0.0.0")
    for name in ("mndkg-base.owl", "mndkg-full.owl"):
        result = check(tmp_path / "dist" / name)
        assert result.consistent, result.message
        assert result.unsatisfiable == []


def test_inconsistent_fixture(tmp_path: Path) -> None:
    assert not check(as_owl(DATA / "inconsistent.ttl", tmp_path)).consistent


def test_unsatisfiable_fixture(tmp_path: Path) -> None:
    result = check(as_owl(DATA / "unsatisfiable.ttl", tmp_path))
    assert result.consistent
    assert result.unsatisfiable == ["http://example.org/dl#GeneDisease"]
