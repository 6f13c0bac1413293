"""Compare names across vocabularies, to tell whether two terms name the same concept.

Names are folded to sets of words (case, possessives, plurals, roman numerals,
punctuation, filler words such as "type" or "procedure"); two names match when
the words of one contain all the words of the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
FILLER = {
    "type",
    "the",
    "of",
    "and",
    "or",
    "x",
    "linked",
    "ncit",
    "procedure",
    "disorder",
    "course",
    "modality",
}
QUALIFIER = re.compile(r"\s*with or without frontotemporal dementia")


def stem(word: str) -> str:
    """Fold a plural to its singular (extremities -> extremity, neurons -> neuron)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def words(name: str) -> frozenset[str]:
    """Return the folded words of a name."""
    name = name.lower().replace("'s", "").replace("’s", "")
    folded = (stem(ROMAN.get(w, w)) for w in re.sub(r"[^a-z0-9]+", " ", name).split())
    return frozenset(w for w in folded if w not in FILLER)


def variants(names: Iterable[str]) -> set[frozenset[str]]:
    """Return the folded forms of names, with hyphens read both as spaces and as nothing."""
    out = set()
    for name in names:
        bare = QUALIFIER.sub("", name)
        out |= {words(bare), words(bare.replace("-", ""))}
    return out


def same_concept(ours: Iterable[str], theirs: Iterable[str]) -> bool:
    """Return whether some name of ours and some name of theirs match."""
    return any(a and b and (a <= b or b <= a) for a in variants(ours) for b in variants(theirs))
