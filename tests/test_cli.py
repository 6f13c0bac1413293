"""The command line as a user runs it: in a subprocess, from another folder."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import DATA, Runner

COMMANDS = (
    "build",
    "validate",
    "query",
    "stats",
    "report",
    "diff",
    "html",
    "check-xrefs",
    "enrich",
)


def test_version(mndkg_cli: Runner) -> None:
    done = mndkg_cli("--version")
    assert done.returncode == 0 and "mndkg, version" in done.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(mndkg_cli: Runner, command: str) -> None:
    done = mndkg_cli(command, "--help")
    assert done.returncode == 0
    assert "Example" in done.stdout


def test_query_by_name_as_csv(mndkg_cli: Runner) -> None:
    done = mndkg_cli("query", "cq04-lower-only", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["disease"]
    assert ["spinal muscular atrophy"] in rows


def test_query_file_and_inline(mndkg_cli: Runner, tmp_path: Path) -> None:
    query = tmp_path / "mine.rq"
    query.write_text("PREFIX mnd: <https://w3id.org/mndkg/>\nASK { mnd:SMN1 ?p ?o }\n")
    assert mndkg_cli("query", str(query)).stdout.strip() == "true"
    done = mndkg_cli("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "json")
    assert int(json.loads(done.stdout)["results"]["bindings"][0]["n"]["value"]) > 3000


def test_query_list(mndkg_cli: Runner) -> None:
    done = mndkg_cli("query", "--list")
    assert "competency/cq01-kinds-of-mnd" in done.stdout
    assert "Which diseases are kinds of motor neuron disease" in done.stdout


def test_query_with_extra_file(mndkg_cli: Runner, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text('<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    done = mndkg_cli("query", "--with", str(extra), "-e", "ASK { <http://example.org/x> ?p ?o }")
    assert done.stdout.strip() == "true"


def test_query_output_file(mndkg_cli: Runner, tmp_path: Path) -> None:
    out = tmp_path / "answer.tsv"
    assert mndkg_cli("query", "cq18-sma-drugs", "-f", "tsv", "-o", str(out)).returncode == 0
    assert "nusinersen" in out.read_text()


def test_unknown_query_name(mndkg_cli: Runner) -> None:
    done = mndkg_cli("query", "no-such-query")
    assert done.returncode == 2
    assert "unknown query name" in done.stderr
    assert "Traceback" not in done.stderr


def test_sparql_syntax_error(mndkg_cli: Runner) -> None:
    done = mndkg_cli("query", "-e", "SELECT ?x\nWHERE { ?x }")
    assert done.returncode == 2
    assert "-e:2:" in done.stderr


def test_service_is_refused(mndkg_cli: Runner) -> None:
    done = mndkg_cli("query", "-e", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert done.returncode == 2 and "SERVICE is not allowed" in done.stderr


def test_validate_conforms(mndkg_cli: Runner) -> None:
    done = mndkg_cli("validate")
    assert done.returncode == 0, done.stdout
    assert "Conforms" in done.stdout


def test_validate_violation_exits_1_with_json(mndkg_cli: Runner) -> None:
    done = mndkg_cli(
        "validate", "--format", "json", str(DATA / "invalid" / "fact-without-source.ttl")
    )
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["conforms"] is False
    assert any("has no source" in f["message"] for f in report["findings"])


def test_validate_turtle_report(mndkg_cli: Runner) -> None:
    done = mndkg_cli(
        "validate", "--format", "turtle", str(DATA / "invalid" / "duplicate-label.ttl")
    )
    assert done.returncode == 1 and "sh:ValidationReport" in done.stdout


def test_validate_bad_turtle_exits_2_with_line(mndkg_cli: Runner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b ex:c ex:d .\n")
    done = mndkg_cli("validate", str(bad))
    assert done.returncode == 2
    assert f"{bad}:2:" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_file_exits_2(mndkg_cli: Runner, tmp_path: Path) -> None:
    done = mndkg_cli("query", "--with", str(tmp_path / "absent.ttl"), "cq01-kinds-of-mnd")
    assert done.returncode == 2 and "no such file" in done.stderr


def test_stats(mndkg_cli: Runner) -> None:
    done = mndkg_cli("stats", "--format", "csv")
    assert done.returncode == 0
    assert "disease," in done.stdout and "has symptom," in done.stdout


def test_build_writes_dist(mndkg_cli: Runner, tmp_path: Path) -> None:
    done = mndkg_cli("build", "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    names = {p.name for p in (tmp_path / "dist").iterdir()}
    assert {"mndkg.ttl", "mndkg.nt", "mndkg.jsonld", "mndkg.owl", "mndkg.html"} <= names


def test_report_command(mndkg_cli: Runner) -> None:
    done = mndkg_cli("report", "--format", "tsv")
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[0] == "severity\tcheck\tentity\tproperty\tvalue"


def test_report_exits_1_on_error(mndkg_cli: Runner) -> None:
    done = mndkg_cli("report", str(DATA / "report" / "no-parent.ttl"))
    assert done.returncode == 1 and "no-parent" in done.stdout


def test_diff_command(mndkg_cli: Runner) -> None:
    done = mndkg_cli("diff", str(DATA / "diff" / "old.ttl"), str(DATA / "diff" / "new.ttl"))
    assert done.returncode == 0
    assert "- fact mnd:ALS mnd:hasSymptom mnd:Cramps" in done.stdout


def test_html_command(mndkg_cli: Runner, tmp_path: Path) -> None:
    out = tmp_path / "als.html"
    done = mndkg_cli(
        "html", "--focus", "amyotrophic lateral sclerosis", "--depth", "1", "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 100_000 and "wrote" in done.stdout


def test_html_unknown_focus(mndkg_cli: Runner, tmp_path: Path) -> None:
    done = mndkg_cli(
        "html", "--focus", "amyotrophic lateral sclerosys", "-o", str(tmp_path / "x.html")
    )
    assert done.returncode == 2 and "amyotrophic lateral sclerosis" in done.stderr
    assert not (tmp_path / "x.html").exists()


def test_enrich_hpo_then_query_with_it(mndkg_cli: Runner, tmp_path: Path) -> None:
    out = tmp_path / "mndkg-hpo.ttl"
    done = mndkg_cli("enrich", "hpo", "-o", str(out))
    assert done.returncode == 0, done.stderr
    done = mndkg_cli("query", "genes-annotated-by-hpo", "--with", str(out), "-f", "csv")
    assert done.returncode == 0 and "SOD1," in done.stdout
