"""Locates the built-in template packs and phrasebank, in a source checkout or an installed wheel."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """Folder ``name`` ('templates' or 'phrasebank'): inside the wheel, else beside the package."""
    installed = _PKG / "_data" / name
    if installed.is_dir():
        return installed
    return _PKG.parent / name


def templates_dir() -> Path:
    return data_dir("templates")


def phrasebank_dir() -> Path:
    return data_dir("phrasebank")
