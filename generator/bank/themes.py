"""Canonical themes (政治建设, 组织建设 …) with their keywords, and which themes a text speaks of."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from generator.loader import load_yaml
from generator.resources import phrasebank_dir


@cache
def _themes_at(path: Path) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for item in load_yaml(path).seq():
        m = item.mapping(allowed=("theme", "keywords"), required=("theme", "keywords"))
        name = m["theme"].str()
        if name in out:
            m["theme"].fail(f"主题“{name}”重复")
        out[name] = tuple(k.str() for k in m["keywords"].seq())
    return out


@cache
def _builtin_themes() -> dict[str, tuple[str, ...]]:
    return _themes_at(phrasebank_dir() / "curated" / "themes.yaml")


@cache
def _keyword_re() -> tuple[re.Pattern, dict[str, frozenset[str]]]:
    owners: dict[str, set[str]] = {}
    for theme, words in _builtin_themes().items():
        for w in words:
            owners.setdefault(w, set()).add(theme)
    pattern = re.compile("|".join(map(re.escape, sorted(owners, key=lambda w: (-len(w), w)))))
    # A longer keyword hides the shorter ones it contains at the same start: give it their themes too.
    return pattern, {w: frozenset(t for v, ts in owners.items() if v in w for t in ts) for w in owners}


def load_themes() -> dict[str, tuple[str, ...]]:
    """Canonical themes, in their canonical order, each with its keywords."""
    return dict(_builtin_themes())


def themes_of(text: str) -> tuple[str, ...]:
    """Themes whose keywords occur in ``text``, in canonical order."""
    pattern, owners = _keyword_re()
    hits: set[str] = set()
    pos = 0
    # Overlapping keywords (组织生活 inside 党内政治生活) must all count: rescan from each hit's next char.
    while (m := pattern.search(text, pos)) is not None:
        hits |= owners[m.group(0)]
        pos = m.start() + 1
    return tuple(t for t in _builtin_themes() if t in hits)


