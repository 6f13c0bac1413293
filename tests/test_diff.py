"""The diff of two fixture releases gives exactly their differences."""

from __future__ import annotations

from pathlib import Path

from mndkg.diff import Change, as_text, as_tsv, diff_files

DATA = Path(__file__).parent / "data" / "diff"


def test_diff_gives_exactly_the_differences() -> None:
    changes = diff_files(DATA / "old.ttl", DATA / "new.ttl")
    assert set(changes) == {
        Change("added", "entity", "mnd:Fasciculations", "", "", "fasciculations"),
        Change("removed", "entity", "mnd:Cramps", "", "cramps", ""),
        Change("added", "fact", "mnd:ALS", "mnd:hasSymptom", "", "mnd:Fasciculations"),
        Change("removed", "fact", "mnd:ALS", "mnd:hasSymptom", "mnd:Cramps", ""),
        Change(
            "changed",
            "annotation",
            "mnd:ALS",
            "IAO:0000115",
            "A disease of motor neurons.",
            "A disease of upper and lower motor neurons.",
        ),
    }
    assert len(changes) == 5


def test_no_difference_with_itself() -> None:
    assert diff_files(DATA / "old.ttl", DATA / "old.ttl") == []


def test_writers() -> None:
    changes = diff_files(DATA / "old.ttl", DATA / "new.ttl")
    assert as_tsv(changes).splitlines()[0] == "change\twhat\tsubject\tpredicate\told\tnew"
    text = as_text(changes)
    assert "+ entity mnd:Fasciculations (fasciculations)" in text
    assert text.rstrip().endswith("5 changes: 2 added, 2 removed, 1 changed")
