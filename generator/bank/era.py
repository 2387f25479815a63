"""Dated wording: era rules (data in phrasebank/curated/era_rules.yaml) that say when a term is current."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from collections.abc import Iterable

from generator.loader import load_yaml
from generator.resources import phrasebank_dir

FILENAME = "era_rules.yaml"
_KEYS = ("id", "pattern", "from", "until", "reason_zh", "suggestion_zh")


@dataclass(frozen=True)
class EraRule:
    """A term (as a regex) and the inclusive years in which it is the current wording."""

    id: str
    pattern: re.Pattern
    valid_from: int | None
    valid_until: int | None
    reason_zh: str
    suggestion_zh: str

    def current_in(self, year: int) -> bool:
        return ((self.valid_from is None or self.valid_from <= year)
                and (self.valid_until is None or year <= self.valid_until))


@cache
def _rules_at(path: Path) -> tuple[EraRule, ...]:
    doc = load_yaml(path)
    rules: list[EraRule] = []
    seen: set[str] = set()
    for item in (doc.seq() if doc.value is not None else []):
        m = item.mapping(allowed=_KEYS, required=("id", "pattern", "reason_zh", "suggestion_zh"))
        rule_id = m["id"].str()
        if rule_id in seen:
            m["id"].fail(f"规则编号“{rule_id}”重复")
        seen.add(rule_id)
        try:
            pattern = re.compile(m["pattern"].str())
        except re.error as exc:
            m["pattern"].fail(f"正则表达式有误：{exc}")
        start = m["from"].int(1900, 2200) if "from" in m else None
        end = m["until"].int(1900, 2200) if "until" in m else None
        if start is None and end is None:
            item.fail("至少要给出 from 或 until")
        if start is not None and end is not None and start > end:
            m["from"].fail("from 晚于 until")
        rules.append(EraRule(rule_id, pattern, start, end, m["reason_zh"].str(), m["suggestion_zh"].str()))
    return tuple(rules)


def load_era_rules(extra_dirs: Iterable = ()) -> list[EraRule]:
    """Built-in rules plus any era_rules.yaml in the given folders; a later rule with the same id wins."""
    paths = [phrasebank_dir() / "curated" / FILENAME]
    paths += sorted(p for d in extra_dirs for p in Path(d).rglob(FILENAME))
    by_id: dict[str, EraRule] = {}
    for path in paths:
        if path.is_file():
            for rule in _rules_at(path.resolve()):
                by_id[rule.id] = rule
    return list(by_id.values())


def era_of(text: str, rules: Iterable[EraRule]) -> dict | None:
    """The years in which every dated term of ``text`` is current: {"from": y, "until": y}, None if undated."""
    start = end = None
    for rule in rules:
        if rule.pattern.search(text) is None:
            continue
        if rule.valid_from is not None:
            start = rule.valid_from if start is None else max(start, rule.valid_from)
        if rule.valid_until is not None:
            end = rule.valid_until if end is None else min(end, rule.valid_until)
    era = {k: v for k, v in (("from", start), ("until", end)) if v is not None}
    return era or None


def outdated(text: str, year: int, rules: Iterable[EraRule]) -> list[tuple[EraRule, re.Match]]:
    """Each dated term of ``text`` not current in ``year``, with its match, in reading order."""
    found = [(rule, match) for rule in rules if not rule.current_in(year)
             for match in rule.pattern.finditer(text)]
    found.sort(key=lambda pair: (pair[1].start(), pair[0].id))
    return found
