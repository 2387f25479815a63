"""Locates the built-in template packs and phrasebank, in a source checkout or an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Folder ``name`` ('templates', 'phrasebank' or 'styles'): inside the wheel, else beside the package."""
    installed = _PKG / "_data" / name
    if installed.is_dir():
        return installed
    return _PKG.parent / name


def templates_dir() -> Path:
    return data_dir("templates")


def phrasebank_dir() -> Path:
    return data_dir("phrasebank")


def styles_dir() -> Path:
    """The shipped house styles, one ``NAME.yaml`` each (``--style NAME``)."""
    return data_dir("styles")


#: Environment variables naming extra folders (a path list, like PATH), searched after the command line's.
TEMPLATES_ENV = "SPEECHGEN_TEMPLATES"
PHRASES_ENV = "SPEECHGEN_PHRASES"


def user_dirs(given, env_var: str, environ=None) -> list[Path]:
    """Folders given on the command line, then those of ``env_var`` (os.pathsep-separated, empty parts skipped)."""
    import os

    environ = os.environ if environ is None else environ
    extra = [Path(p) for p in environ.get(env_var, "").split(os.pathsep) if p.strip()]
    out: list[Path] = []
    for p in [*(Path(g) for g in given), *extra]:
        if p not in out:
            out.append(p)
    return out
