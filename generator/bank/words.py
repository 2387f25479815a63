"""The curated word lists that tell matter from filler (phrasebank/curated/checker_words.yaml): generic verbs,
theme words, function characters, problem wording, tic openers. Shared by the checker's content rules, the
matter of heads and sentences (generator.bank.matter) and mining's content words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

FILENAME = "checker_words.yaml"


@dataclass(frozen=True)
class Words:
    stop: tuple[str, ...]  # generic verbs and theme words, longest first
    theme: tuple[str, ...]
    function_chars: frozenset
    problem: tuple[str, ...]
    tic_openers: tuple[str, ...]
    broad: tuple[str, ...] = ()  # too broad to be a matter alone (党员干部、基层党建 …): drafting's matter only
    #: (problem pattern, pattern of measures that go the other way): 后继乏人 is not answered by 严把入口
    contrary: tuple[tuple[str, str], ...] = ()

    def contrary_to(self, problem: str):
        """One compiled pattern of the measures that would answer ``problem`` the wrong way round, or None."""
        import re

        avoid = [a for p, a in self.contrary if re.search(p, problem)]
        return re.compile("|".join(f"(?:{a})" for a in avoid)) if avoid else None


@lru_cache(maxsize=1)
def words() -> Words:
    from generator.loader import load_yaml
    from generator.resources import phrasebank_dir

    m = load_yaml(phrasebank_dir() / "curated" / FILENAME, what="检查词表").mapping(
        allowed=("generic", "theme", "function_chars", "problem", "tic_openers", "broad", "contrary"))
    lst = lambda key: tuple(n.str() for n in m[key].seq()) if key in m else ()
    stop = sorted(set(lst("generic") + lst("theme")), key=lambda w: (-len(w), w))
    contrary = []
    for item in m["contrary"].seq() if "contrary" in m else ():
        pair = item.mapping(allowed=("problem", "avoid"), required=("problem", "avoid"))
        for key in ("problem", "avoid"):
            try:
                re.compile(pair[key].str())
            except re.error as exc:
                pair[key].fail(f"不是有效的正则表达式：{exc}")
        contrary.append((pair["problem"].str(), pair["avoid"].str()))
    return Words(tuple(stop), lst("theme"), frozenset(m["function_chars"].str() if "function_chars" in m else ""),
                 tuple(sorted(set(lst("problem")), key=lambda w: (-len(w), w))), lst("tic_openers"), lst("broad"),
                 tuple(contrary))
