"""Allow ``python -m mndkg``."""

from mndkg.cli import main

main()
