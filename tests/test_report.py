"""The quality report: the real graph has no ERROR, and every check fires on its fixture."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph

from mndkg.loader import load_files
from mndkg.queries import index
from mndkg.report import as_json, as_text, as_tsv, errors, report

FIXTURES = sorted((Path(__file__).parent / "data" / "report").glob("*.ttl"))


def header(path: Path, key: str) -> str:
    match = re.search(rf"^# {key}: (\S+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path.name} lacks '# {key}:'"
    return match.group(1)


def test_real_graph_has_no_error(kg: Graph) -> None:
    rows = report(kg)
    assert not errors(rows), as_text(errors(rows))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_check_fires_on_its_fixture(path: Path) -> None:
    check, severity = header(path, "check"), header(path, "severity")
    rows = [r for r in report(load_files([path])) if r.check == check]
    assert rows, f"{check} found nothing in {path.name}"
    assert {r.severity for r in rows} == {severity}
    assert any(r.entity == "mnd:X" for r in rows) or check == "duplicate-label"


def test_every_check_has_a_fixture() -> None:
    checks = {q.name for q in index().values() if q.group == "report"} | {"unresolved-mapping"}
    assert checks == {p.stem for p in FIXTURES}


def test_formats() -> None:
    rows = report(load_files([FIXTURES[0]]))
    assert as_tsv(rows).splitlines()[0] == "severity\tcheck\tentity\tproperty\tvalue"
    assert json.loads(as_json(rows))["counts"]["ERROR"] >= 1
    assert "ERROR" in as_text(rows)
