"""Entry point for ``python -m generator``: the same CLI as ``speechgen``."""

from generator.cli import main

main()
