"""Links to the standard biomedical ontologies: cross-reference checks and HPO enrichment."""
