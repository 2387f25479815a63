"""The command line: a thin click layer over the library (``speechgen`` and ``python -m generator``)."""

from generator.cli.commands import cli, main

__all__ = ["cli", "main"]
