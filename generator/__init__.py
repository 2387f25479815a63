"""speechgen: drafts party-building meeting speeches from a YAML config, offline and reproducibly.

The public API, used by the command line and the web workbench alike::

    from generator import load_config, compose, render, check_file, read_speech, mine

Each function imports its room only when called, so that ``import generator`` stays cheap and
drafting never loads the miner (or jieba).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Iterable

if TYPE_CHECKING:  # pragma: no cover - names for the annotations only
    from generator.checking.base import Finding
    from generator.corpus.reader import Speech
    from generator.document import Draft
    from generator.drafting.config import Config
    from generator.jobs import RenderResult
    from generator.mining.miner import MineReport

__version__ = "0.1.0"
__all__ = ["check_file", "compose", "load_config", "mine", "read_speech", "render"]


def load_config(path: str | Path, *, template_dirs: Iterable = ()) -> Config:
    """Read and validate a config file; its ``type`` may name a pack in ``template_dirs``.

    Raises ConfigError listing every problem (key, line) when the config is invalid."""
    from generator.jobs import load

    return load(path, list(template_dirs))


def compose(config: Config, *, seed: int | None = None, template_dirs: Iterable = (), phrase_dirs: Iterable = (),
            bank=None, reporters: list[int] | None = None) -> Draft:
    """The draft of ``config``: its pack rendered in a sandbox, fitted to the length target."""
    from generator.drafting.compose import compose as _compose

    return _compose(config, seed=seed, template_dirs=list(template_dirs), phrase_dirs=list(phrase_dirs),
                    bank=bank, reporters=reporters)


def render(config_path: str | Path, out: str | Path, **options) -> RenderResult:
    """Everything ``speechgen render CONFIG -o OUT`` does but printing: draft, write, check.

    ``options`` are those of the command: seed, force, template_dirs, phrase_dirs, style_path, each, sources."""
    from generator.jobs import render_command

    return render_command(config_path, str(out), **options)


def check_file(path: str | Path, **options) -> list[Finding]:
    """The checker's findings for a .docx, .md or .txt draft (ours or anyone's)."""
    from generator.checking.registry import check_file as _check_file

    return _check_file(path, **options)


def read_speech(path: str | Path) -> Speech:
    """A corpus file read into a structured speech: decoded, cleaned, unwrapped, roles and levels."""
    from generator.corpus import read_speech as _read_speech

    return _read_speech(path)


def mine(paths: Iterable, out_dir: str | Path, **options) -> MineReport:
    """Mine corpus files and folders into a phrasebank folder (jobs, force, progress as for ``speechgen mine``)."""
    from generator.mining.miner import mine as _mine

    return _mine(list(paths), out_dir, **options)
