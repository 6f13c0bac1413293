"""Regenerate shapes/generated.ttl from the domains and ranges of the model."""

from pathlib import Path

from mndkg.loader import load_files
from mndkg.paths import data_dir, turtle_files
from mndkg.shape_generator import render


def main() -> None:
    """Write shapes/generated.ttl from ontology/*.ttl."""
    target = data_dir("shapes") / "generated.ttl"
    text = render(load_files(turtle_files("ontology")))
    Path(target).write_text(text, encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
