"""The OWL 2 DL check: is the ontology consistent, and is every class satisfiable.

HermiT, through owlready2 on the machine's Java, reasons over the release file
(``dist/mndkg-base.owl``). Both are optional: ``pip install mndkg[reasoning]``
and a Java runtime; without them the check says what is missing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from mndkg.errors import InputError


@dataclass
class DLResult:
    """The verdict of the reasoner."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""


def require_reasoner() -> None:
    """Raise an ``InputError`` that says how to install what the DL check needs."""
    if shutil.which("java") is None:
        raise InputError(
            "the DL check needs a Java runtime (e.g. apt-get install default-jre-headless)"
        )
    try:
        import owlready2  # noqa: F401
    except ImportError as err:
        raise InputError("the DL check needs owlready2: pip install 'mndkg[reasoning]'") from err


def check(owl_file: Path) -> DLResult:
    """Load an RDF/XML ontology and run HermiT; report inconsistency or unsatisfiable classes."""
    require_reasoner()
    import owlready2

    world = owlready2.World()
    ontology = world.get_ontology(owl_file.resolve().as_uri()).load()
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as err:
        return DLResult(
            consistent=False, message=str(err).strip() or "the ontology is inconsistent"
        )
    unsatisfiable = sorted(
        c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing
    )
    return DLResult(consistent=True, unsatisfiable=unsatisfiable)
