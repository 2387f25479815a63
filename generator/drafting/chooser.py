"""Phrase choice: candidate pools per category and theme, ranking by shared wording, slot filling, no repeats."""

from __future__ import annotations

import math
import random
import re

from generator.bank.entries import Entry, Phrasebank
from generator.bank.themes import load_themes
from generator.bank.fingerprint import COPY_REPORTED
from generator.zh import REPEATED_PHRASE, clauses, strip_enumerator

_SLOT = re.compile(r"\{(\w+)\}")
_QUOTED = re.compile(r"“([^”]{1,20})”")
_PERSON = re.compile(r"同志(?!们)")
_NARRATIVE = {"opening", "evaluation", "achievement", "situation", "transition", "closing"}
#: Slots a draft can never fill from the config: entries needing them are not used.
UNFILLABLE = {"n", "name"}
#: Mined sentences longer than this are not used verbatim: the checker reports runs copied from the
#: corpus from COPY_REPORTED normalised characters on, and a draft should pass its own checker.
MAX_MINED = COPY_REPORTED + 1
#: Two picks may not share a phrase this long (normalised), the checker's repetition threshold.
SHINGLE = REPEATED_PHRASE
#: Bigrams rarer than this (idf) carry a sentence's matter; 基层、党组 do not.
RARE = 2.5
#: Sentences sharing this much rare wording repeat one idea (measured: near-duplicates 33–74,
#: sentences on different matters 0–6).
ECHO = 28.0
#: Two headings that open with the same four characters announce the same matter.
HEAD_PREFIX = 4
#: How much belonging to the section's theme weighs against shared wording (a rare bigram ≈ 3–6).
THEME_BONUS = 4.0
#: A mined sub-point head is a directive only when the speech enumerated it so (一要…/一是…/第一…);
#: unnumbered (一) headings of a report (政治建设持续加强) read wrongly after 一要.
_DIRECTIVE = re.compile(r"^(?:[一二三四五六七八九十]+[要是]|第[一二三四五六七八九十]+)")


def _norm(sentence: str) -> str:
    return re.sub(r"[\s，。；！？、：“”‘’（）《》—…,.;:!?()]", "", sentence)


def _shingles(text: str) -> set[str]:
    t = _norm(text)
    return {t[i:i + SHINGLE] for i in range(len(t) - SHINGLE + 1)}


class Pools:
    """The candidate entries of one compose, filtered and ordered once and shared by every render.

    Filtering (meeting type, era, portability, theme tiers) does not depend on the density level,
    so it is computed once per (category, theme, filters) and reused across the length ladder.
    """

    def __init__(self, bank: Phrasebank, year: int, types: set[str]):
        self.bank, self.year, self.types = bank, year, types
        known = {e.text for e in bank.entries if e.origin != "mined" and e.category in ("formula", "slogan")}
        self._known_terms = {t.strip("“”") for t in known}
        self.themes = tuple(load_themes())
        self._by_category: dict[str, list[Entry]] = {}
        self._related: dict[str, list[str]] = {}
        self._all_themes: frozenset[str] | None = None
        self._groups: dict[tuple, list[list[Entry]]] = {}
        self._idf: dict[str, float] = {}
        self._grams: dict[str, set[str]] = {}
        self.fills: dict[tuple, tuple[str, list[str], set[str], dict[str, float]] | None] = {}

    @property
    def all_themes(self) -> frozenset[str]:
        """Every theme some entry carries, canonical or a pack's own label."""
        if self._all_themes is None:
            self._all_themes = frozenset(t for e in self.bank.entries for t in e.themes) | frozenset(self.themes)
        return self._all_themes

    def related(self, theme: str) -> list[str]:
        """Themes that share entries with ``theme`` (政治建设 → 思想建设 …), most shared first.

        Read from the phrasebank's own tagging, so it needs no table of its own.
        """
        if theme not in self._related:
            counts: dict[str, int] = {}
            for e in self.bank.entries:
                if theme in e.themes:
                    for t in e.themes:
                        if t != theme:
                            counts[t] = counts.get(t, 0) + 1
            self._related[theme] = [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:3]
        return self._related[theme]

    def _base(self, category: str) -> list[Entry]:
        if category not in self._by_category:
            self._by_category[category] = [
                e for e in self.bank.query(category=category)
                if (not e.meeting_types or self.types & set(e.meeting_types)) and e.current_in(self.year)
                and self._portable(e)
            ]
        return self._by_category[category]

    def _portable(self, e: Entry) -> bool:
        """Mined text may name another place's local projects in quotes; only known terms travel."""
        if not _mined(e):
            return True
        if e.category in _NARRATIVE and _PERSON.search(e.text):
            return False  # 省委组织部同志的点评… narrates who spoke at another meeting
        return all(term in self._known_terms for term in _QUOTED.findall(e.text))

    @property
    def idf(self) -> dict[str, float]:
        """Inverse document frequency of each character bigram over the whole phrasebank."""
        if not self._idf:
            df: dict[str, int] = {}
            for e in self.bank.entries:
                self._grams[e.id] = _bigrams(e.text)
                for g in self._grams[e.id]:
                    df[g] = df.get(g, 0) + 1
            total = len(self.bank.entries) + 1
            self._idf = {g: math.log(total / c) for g, c in df.items()}
        return self._idf

    def rank(self, pool: list[Entry], near: str, theme: str | None = None) -> list[Entry]:
        """``pool`` reordered by shared distinctive bigrams with ``near`` (rare bigrams weigh more),
        with a bonus for the section's own theme and a smaller one for general entries; ties keep the
        pool's (seeded) order, so the choice stays deterministic and varied."""
        idf = self.idf
        target = _bigrams(near)
        scores = {e.id: sum(idf.get(g, 0.0) for g in target & self._grams[e.id])
                  + (THEME_BONUS if theme in e.themes else THEME_BONUS / 2 if not e.themes else 0.0)
                  for e in pool}
        order = {e.id: i for i, e in enumerate(pool)}
        return sorted(pool, key=lambda e: (-round(scores[e.id], 6), order[e.id]))

    def groups(self, category: str, theme: str | None, head: bool, only, need, avoid, match) -> list[list[Entry]]:
        """Candidate groups in order of preference, each sorted by id: theme's own, general, kindred
        themes; within each, entries made for this meeting type before those fit for any meeting."""
        key = (category, theme, head, only, need, avoid, match)
        if key not in self._groups:
            base = self._base(category)
            if only == "curated":  # hand-written only: no sentence from another place's speech
                base = [e for e in base if not _mined(e)]
            elif only:
                base = [e for e in base if e.origin == only]
            if need:
                base = [e for e in base if all(f"{{{slot}}}" in e.text for slot in need)]
            if avoid:
                base = _filter(base, avoid, keep=False)
            if match:
                base = _filter(base, match, keep=True)
            if theme:
                tiers = [[e for e in base if theme in e.themes], [e for e in base if not e.themes]]
                if not head:  # body sentences may come from kindred themes once the theme's own run out
                    tiers += [[e for e in base if t in e.themes and theme not in e.themes]
                              for t in self.related(theme)]
            else:  # no theme asked: general wording first, a theme's own words only when those run out
                tiers = [[e for e in base if not e.themes], [e for e in base if e.themes]]
            self._groups[key] = [sorted(g, key=lambda e: e.id) for tier in tiers
                                 for g in ([e for e in tier if e.meeting_types], [e for e in tier if not e.meeting_types])
                                 if g]
        return self._groups[key]


#: Seconds one ``avoid``/``match`` pattern of a template may spend filtering one pool: a runaway
#: pattern (``^(.|.)*\d``) stops here instead of hanging a render or ``templates check``.
PATTERN_BUDGET = 2.0


class PatternTimeout(TimeoutError):
    """A template's pattern ran past PATTERN_BUDGET; ``pattern`` is the one that did."""

    def __init__(self, pattern: str):
        super().__init__(pattern)
        self.pattern = pattern


def _filter(pool: list[Entry], pattern: str, keep: bool) -> list[Entry]:
    """Entries that match ``pattern`` (``keep``) or do not; the ``regex`` module, so it can time out."""
    import time

    import regex  # type: ignore[import-untyped]  # regex ships no stubs; types-regex is not a dependency

    deadline = time.monotonic() + PATTERN_BUDGET
    out = []
    for e in pool:
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            if bool(regex.search(pattern, e.text, timeout=left)) == keep:
                out.append(e)
        except TimeoutError:
            raise PatternTimeout(pattern) from None
    return out


def _bigrams(text: str) -> set[str]:
    t = _norm(text)
    return {t[i:i + 2] for i in range(len(t) - 1)}


class Chooser:
    """Chooses phrasebank entries deterministically from a seeded RNG, never the same sentence twice."""

    def __init__(self, pools: Pools, words: dict[str, str], rng: random.Random):
        self.pools, self.words, self.rng = pools, words, rng
        self.themes = pools.themes
        self.used_ids: list[str] = []
        self._used_sentences: set[str] = set()
        self._used_shingles: set[str] = set()
        self._used_openings: set[str] = set()
        self._gram_index: dict[str, list[int]] = {}  # rare bigram → used sentences that have it
        self._remembered = 0

    def _echoes(self, rare: dict[str, float]) -> bool:
        """True when a sentence with these rare bigrams says much the same as one already used: they
        share enough rare wording (整顿软弱涣散…精准施策 twice) even though no 12-character phrase repeats."""
        tally: dict[int, float] = {}
        for g, w in rare.items():
            for i in self._gram_index.get(g, ()):
                tally[i] = tally.get(i, 0.0) + w
        return any(v >= ECHO for v in tally.values())

    def _remember(self, rare: dict[str, float]) -> None:
        for g in rare:
            self._gram_index.setdefault(g, []).append(self._remembered)
        self._remembered += 1

    def pick(self, category: str, n: int, *, theme: str | None = None, slots: dict | None = None,
             head: bool = False, only: str | None = None, need: tuple[str, ...] = (),
             avoid: str | None = None, match: str | None = None, near: str | None = None) -> list[tuple[str, str]]:
        """Up to ``n`` (entry id, filled text) pairs; theme-specific entries first, then general ones.

        ``need`` lists slots an entry must have (a transition must announce ``{count}``); ``avoid`` is
        a regular expression an entry must not match (an evaluation that repeats 刚才…述职), ``match``
        one it must match (a heading that starts 肯定成绩…). ``near`` orders each group by how much
        distinctive wording a candidate shares with it (a sub-point's body follows its head).
        """
        if n <= 0:
            return []
        values = {**self.words, **{k: str(v) for k, v in (slots or {}).items()}}
        vkey = tuple(sorted(values.items()))
        groups = []
        for group in self.pools.groups(category, theme, head, only, tuple(need), avoid, match):
            pool = list(group)
            self.rng.shuffle(pool)
            groups.append(pool)
        if near:  # one ranking over all groups: a kindred theme's sentence on the very matter wins
            groups = [self.pools.rank([e for g in groups for e in g], near, theme)]
            out = self._pick_from(groups, n, values, vkey, head)
            # "一要抓好X。要抓好X，…" restates the head word for word: fine later in the body, not first
            opening = _norm(near)[:6]
            return sorted(out, key=lambda pick: _norm(pick[1]).lstrip("要").startswith(opening))
        return self._pick_from(groups, n, values, vkey, head)

    def _pick_from(self, groups, n, values, vkey, head) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for pool in groups:
            for e in pool:
                if len(out) >= n:
                    return out
                fkey = (e.id, head, vkey)
                if fkey not in self.pools.fills:
                    text = _fill(e, values, head)
                    # a head is read after its 一要…: "要抓好X" must not come back word for word in its body
                    self.pools.fills[fkey] = None if text is None else (
                        text, [_norm(s) for s in clauses(text)] or [_norm(text)],
                        _shingles(("要" if head else "") + text), _rare(text, self.pools.idf))
                filled = self.pools.fills[fkey]
                if filled is None:
                    continue
                text, keys, shingles, rare = filled
                if any(k in self._used_sentences for k in keys) or not shingles.isdisjoint(self._used_shingles):
                    continue
                if not head and self._echoes(rare):
                    continue
                if head:  # 严明政治纪律… and 严明政治纪律和政治规矩… say the same thing twice
                    opening = _norm(text)[:HEAD_PREFIX]
                    if opening in self._used_openings:
                        continue
                    self._used_openings.add(opening)
                self._used_sentences.update(keys)
                self._used_shingles |= shingles
                if not head:  # a body sentence should take up its head's words, not be barred by them
                    self._remember(rare)
                self.used_ids.append(e.id)
                out.append((e.id, text))
        return out


def _mined(e: Entry) -> bool:
    """Mined from a corpus (ours, or a user's own `mine` output): it has sources to cite."""
    return e.origin == "mined" or bool(e.sources)


def _rare(text: str, idf: dict[str, float]) -> dict[str, float]:
    return {g: w for g in _bigrams(text) if (w := idf.get(g, RARE)) >= RARE}


def _fill(e: Entry, values: dict, head: bool) -> str | None:
    """The entry's text with its slots filled, or None when it cannot be used here."""
    needed = set(_SLOT.findall(e.text))
    if needed & UNFILLABLE or not needed <= set(values):
        return None
    mined = _mined(e)
    if mined and len(e.text) > MAX_MINED:
        return None
    if head and mined and e.category == "point" and not _DIRECTIVE.match(e.text):
        return None
    text = _SLOT.sub(lambda m: values[m.group(1)], e.text)
    if head:
        text = strip_enumerator(text).rstrip("。；;，,：:")
        if not 4 <= len(text) <= 40 or "。" in text:
            return None
        if len(text) > 16 and not re.search(r"[，、；]", text):
            return None  # a long heading whose punctuation was lost in extraction reads as one run
    return text
