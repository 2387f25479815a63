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


#: What the folders of each variable hold, and the command-line option that gives them too.
_DIR_KINDS = {TEMPLATES_ENV: ("模板文件夹", "--templates"), PHRASES_ENV: ("短语库文件夹", "--phrases")}


def user_dirs(given, env_var: str, environ=None, *, check: bool = True) -> list[Path]:
    """Folders given on the command line, then those of ``env_var`` (os.pathsep-separated, empty parts skipped).

    With ``check``, each must be an existing folder: otherwise an InputError that names where it came
    from — the option or the environment variable — and says whether it is missing or not a folder."""
    import os

    from generator.errors import InputError

    environ = os.environ if environ is None else environ
    extra = [Path(p) for p in environ.get(env_var, "").split(os.pathsep) if p.strip()]
    what, option = _DIR_KINDS.get(env_var, ("文件夹", "命令行"))
    out: list[Path] = []
    sources: dict[Path, str] = {}
    for p, source in [*((Path(g), f" {option} 给出的路径") for g in given),
                      *((p, f"环境变量 {env_var} 里的路径") for p in extra)]:
        if p not in out:
            out.append(p)
            sources[p] = source
    if check:
        for p in out:
            if p.is_dir():
                continue
            if p.exists() or p.is_symlink():
                raise InputError(f"不是文件夹（这是{sources[p]}，应为{what}）", path=p)
            raise InputError(f"{what}不存在（这是{sources[p]}）", path=p)
    return out
