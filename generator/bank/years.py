"""Curated year facts: what a year is known for (中国共产党成立105周年, “十五五”开局之年 …)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from generator.loader import load_yaml
from generator.resources import phrasebank_dir


@cache
def _year_facts_at(path: Path) -> dict[int, tuple[str, ...]]:
    if not path.is_file():
        return {}
    doc = load_yaml(path)
    out: dict[int, tuple[str, ...]] = {}
    for item in (doc.seq() if doc.value is not None else []):
        m = item.mapping(allowed=None, required=("year", "facts"))  # extra keys (notes) are the author's
        year = m["year"].int(1900, 2200)
        if year in out:
            m["year"].fail(f"年份 {year} 重复")
        out[year] = tuple(f.str() for f in m["facts"].seq())
    return out


def year_facts(year: int) -> tuple[str, ...]:
    """What the year is known for (e.g. 中国共产党成立105周年); empty when the year is not listed."""
    return _year_facts_at(phrasebank_dir() / "curated" / "years.yaml").get(year, ())
