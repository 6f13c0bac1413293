"""Allow ``python -m mndkg``."""

from mndkg.launch import main

# Guarded: the build's second process (spawn) imports this module again as __mp_main__.
if __name__ == "__main__":
    main()
