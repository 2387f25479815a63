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
    #: (name, problem pattern, answer pattern, what to supply): a problem that says what ``problem`` matches is
    #: answered only by a measure that says what ``answer`` matches (合作社账目一人经管 → 会计、公开、表决, not
    #: 推广领办合作社); where no measure does, the draft asks for one (〔待补：按什么程序办、谁来监督…〕)
    crux: tuple[tuple[str, str, str, str], ...] = ()
    #: entry id → the crux it is written for (its ``measures``): a measure of one situation (没有物业服务的老旧
    #: 小区, 驻村不住村的召回), used only to answer a problem with that crux, never in another sub-point's body
    situational: tuple[tuple[str, str], ...] = ()

    #: (text pattern, avoid pattern): under a head or part on 机关, 企业, 学校 …, no sentence of another domain
    domain: tuple[tuple[str, str], ...] = ()
    #: (problem pattern, praise pattern): a crux's ``praise``, what no evaluation may say of someone whose problems
    #: show that crux (主动性较强 beside 常委会一年只研究两次党建; 各项重点任务较好落实 beside 11项逾期)
    praise: tuple[tuple[str, str], ...] = ()

    def praise_avoid(self, problems) -> str | None:
        """One pattern of the praise that ``problems`` (config problem texts) give the lie to, or None."""
        said = [_matching(self.praise, _unquote(str(p))) for p in problems]
        avoid = sorted({a for got in said for a in got})
        return "|".join(f"(?:{a})" for a in avoid) if avoid else None

    def domain_avoid(self, text: str) -> str | None:
        """One pattern of what a body under ``text`` (a head and its part) may not say, or None."""
        avoid = _matching(self.domain, text)
        return "|".join(f"(?:{a})" for a in avoid) if avoid else None

    def only_for(self, entry_id: str) -> str | None:
        """The crux ``entry_id`` is kept for (``situational``), or None when it may go anywhere."""
        return _situational(self.situational).get(entry_id)

    def cruxes(self, problem: str) -> tuple[Crux, ...]:
        """The kinds of shortcoming ``problem`` names (its 要害), each with what a measure must say to meet it."""
        return tuple(c for c in _compiled_cruxes(self.crux) if c.problem.search(problem))

    def contrary_to(self, problem: str):
        """One compiled pattern of the measures that would answer ``problem`` the wrong way round, or None."""
        avoid = _matching(self.contrary, problem)
        return re.compile("|".join(f"(?:{a})" for a in avoid)) if avoid else None


@lru_cache(maxsize=4)
def _situational(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(pairs)


@dataclass(frozen=True)
class Crux:
    name: str
    problem: re.Pattern
    answer: re.Pattern
    todo: str = ""

    def met_by(self, measure: str) -> bool:
        return bool(self.answer.search(measure))


@lru_cache(maxsize=4)
def _compiled_cruxes(crux: tuple[tuple[str, str, str, str], ...]) -> tuple[Crux, ...]:
    import regex  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module

    return tuple(Crux(name, regex.compile(p), regex.compile(a), todo) for name, p, a, todo in crux)


def meets_crux(problem: str, measure: str) -> bool | None:
    """Whether ``measure`` meets every kind of shortcoming ``problem`` names (None: it names none we know, so
    nothing here can tell). Quotation marks are read through: 三会一课 matches “三会一课”."""
    found = words().cruxes(_unquote(problem))
    if not found:
        return None
    return not missed_cruxes(found, measure)


def missed_cruxes(found, measure: str) -> tuple[Crux, ...]:
    """The cruxes of ``found`` (``Words.cruxes``) that ``measure`` does not meet."""
    text = _unquote(measure)
    return tuple(c for c in found if not c.met_by(text))


def _unquote(text: str) -> str:
    return re.sub(r"[“”‘’「」『』\"]", "", text)


def _patterns(mapping, first: str, second: str) -> tuple[str, str]:
    """The regular expressions under ``first`` and ``second`` of a word-list mapping, each checked (a bad one
    names its line)."""
    out = []
    for key in (first, second):
        text = mapping[key].str()
        try:
            re.compile(text)
        except re.error as exc:
            mapping[key].fail(f"不是有效的正则表达式：{exc}")
        out.append(text)
    return out[0], out[1]


def _matching(pairs, text: str) -> list[str]:
    """The second pattern of each (pattern, pattern) pair whose first matches ``text``."""
    return [second for first, second in pairs if re.search(first, text)]


@lru_cache(maxsize=1)
def words() -> Words:
    from generator.loader import load_yaml
    from generator.resources import phrasebank_dir

    m = load_yaml(phrasebank_dir() / "curated" / FILENAME, what="检查词表").mapping(
        allowed=("generic", "theme", "function_chars", "problem", "tic_openers", "broad", "contrary", "crux",
                 "domain"))
    lst = lambda key: tuple(n.str() for n in m[key].seq()) if key in m else ()
    stop = sorted(set(lst("generic") + lst("theme")), key=lambda w: (-len(w), w))
    contrary = [_patterns(item.mapping(allowed=("problem", "avoid"), required=("problem", "avoid")), "problem", "avoid")
                for item in (m["contrary"].seq() if "contrary" in m else ())]
    domain = [_patterns(item.mapping(allowed=("text", "avoid"), required=("text", "avoid")), "text", "avoid")
              for item in (m["domain"].seq() if "domain" in m else ())]
    crux, situational, praise = [], [], []
    for item in m["crux"].seq() if "crux" in m else ():
        kind = item.mapping(allowed=("name", "problem", "answer", "todo", "measures", "praise"),
                            required=("name", "problem", "answer"))
        if "praise" in kind:
            praise.append(_patterns(kind, "problem", "praise"))
        for ident in kind["measures"].seq() if "measures" in kind else ():
            situational.append((ident.str(), kind["name"].str()))
        problem, answer = _patterns(kind, "problem", "answer")
        crux.append((kind["name"].str(), problem, answer, kind["todo"].str() if "todo" in kind else ""))
    return Words(tuple(stop), lst("theme"), frozenset(m["function_chars"].str() if "function_chars" in m else ""),
                 tuple(sorted(set(lst("problem")), key=lambda w: (-len(w), w))), lst("tic_openers"), lst("broad"),
                 tuple(contrary), tuple(crux), tuple(situational), tuple(domain), tuple(praise))
