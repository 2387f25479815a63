"""Phrase choice: candidate pools per category and theme, ranking by shared wording, slot filling, no repeats."""

from __future__ import annotations

import math
import random
import re

from generator.bank.entries import Entry, Phrasebank, content_key
from generator.bank.themes import load_themes
from generator.bank.words import missed_cruxes, words
from generator.bank.fingerprint import COPY_REPORTED
from generator.bank.matter import HeadMatter, TermIndex, restates
from generator.zh import REPEATED_PHRASE, bigrams, clauses, foreign_to, norm_chars, strip_enumerator

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
#: Sentence openers that read as tics when repeated (the checker's ``tics`` rule; the seeds have 5 in 236
#: sentences): a draft uses each at most TIC_MAX times; 注重/强化 after the first become 要….
_TIC_OPENER = re.compile(r"^(?:注重|防止|检验|衡量|必须|强化|着力)")
_SOFT_TICS = ("注重", "强化", "着力")
TIC_MAX = 2
#: How a second composed sentence under one head may open (the first opens 要…, as the corpus's do).
_COMPOSED_LEADS = ("同时要", "还要", "要", "此外，要")
#: An answer to a config problem must share with it a term no more common than this (log N/df; 2.5 ≈ one
#: requirement sentence in twelve): 组织生活 or 两委 alone is too common to say the measure fits the problem.
SPECIFIC = 2.5
#: How many of the most specific answers to a problem the seed chooses among.
ANSWER_TOP = 3
#: …and only among those nearly as specific as the best (weight ≥ this share of the best's).
ANSWER_NEAR = 0.8
#: Answers after the first are kept while their weight is at least this share of the best's.
ANSWER_KEEP = 0.5
#: A sub-point head is used only when the phrasebank holds this many sentences on its matter.
HEAD_SUPPLY = 3
#: Body sentences under one sub-point at most: past this a 一要 paragraph is a wall of measures.
BODY_CAP = 5
#: A mined sub-point head is a directive only when the speech enumerated it so (一要…/一是…/第一…);
#: unnumbered (一) headings of a report (政治建设持续加强) read wrongly after 一要.
_DIRECTIVE = re.compile(r"^(?:[一二三四五六七八九十]+[要是]|第[一二三四五六七八九十]+)")


_norm = norm_chars


def _shingles(text: str) -> set[str]:
    t = _norm(text)
    return {t[i:i + SHINGLE] for i in range(len(t) - SHINGLE + 1)}


def topic_clause(problem: str, matters) -> str:
    """The clause of a config problem that names its matter: one that names a curated matter (全区还有97个
    老旧小区没有物业服务, not 环境卫生、停车、维修全靠社区兜底), then one without figures (要在解决全镇21个村中
    有8个村党组织书记年龄超过60岁的问题上下功夫 reads as a table, readers found in every reading), then the
    one with most matter words, the later on a tie (新兴领域党组织覆盖还有盲区，快递物流…党员管理不够到位 →
    the second). The draft names this clause (针对…的问题) and the answer is weighed by it, so the two
    speak of one thing (针对后备力量储备不足的问题，要严明换届纪律 was weighed by 换届在即, the first)."""
    parts = [p for p in re.split(r"[，；;,]", str(problem).rstrip("。；;，,")) if p]
    if len(parts) <= 1:
        return str(problem).rstrip("。；;，,")

    def key(i: int) -> tuple:
        pm = matters.problem(parts[i])
        return bool(pm.groups), not re.search(r"\d", parts[i]), len(pm.own), i

    return parts[max(range(len(parts)), key=key)]


_POOLS: dict[tuple, Pools] = {}
#: A Pools kept in the user's cache holds at most this many worked-out items (pools, heads' matters …):
#: past it, what a render adds is worked out again by the next process instead of the entry growing on.
SAVED_MAX = 20_000


def pools_for(bank: Phrasebank, year: int, types: set[str], level: str | None = None) -> Pools:
    """The Pools of one phrasebank object, year, meeting types and level, shared by every compose of them
    in this process (``render --each``, the workbench): everything in a Pools is a cache of what these
    four decide, never state of one draft. A new one starts from what an earlier process saved for the
    same phrasebank content, year, types and level (``save_pools``), when the user's cache has it."""
    key = (id(bank), year, frozenset(types), level)
    hit = _POOLS.get(key)
    if hit is None or hit.bank is not bank:
        if len(_POOLS) >= 8:
            _POOLS.clear()
        hit = _POOLS[key] = Pools(bank, year, set(types), level)
        hit.load_saved()
    return hit


def save_pools() -> None:
    """Keep in the user's cache (generator/cache.py) what each Pools of this process has worked out beyond
    what it started from, for the next process (the render job calls it once its files are written)."""
    for pools in list(_POOLS.values()):
        pools.save()


class Pools:
    """The candidate entries of one compose, filtered and ordered once and shared by every render.

    Filtering (meeting type, era, portability, theme tiers) does not depend on the density level,
    so it is computed once per (category, theme, filters) and reused across the length ladder (and,
    through ``pools_for``, across composes of the same phrasebank, year, types and level).
    """

    def __init__(self, bank: Phrasebank, year: int, types: set[str], level: str | None = None):
        self.bank, self.year, self.types = bank, year, types
        foreign = foreign_to(level)  # 各乡镇、县直部门 in a town's speech: another level's words
        self._foreign = re.compile(foreign) if foreign else None
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
        self._matters = None
        self._rarity: dict[str, float] = {}
        self._indexes: dict[int, tuple[list, TermIndex]] = {}
        self._fit_units: list | None = None
        self._naming: dict[str, list[tuple[Entry, int, int]]] = {}  # config problem → heads naming it
        self.level = level
        self._saved_size = 0  # how much of the state below the user's cache has (``save``)

    # --- kept between processes: the lazily worked-out pools and matters, in the user's cache
    def _state(self) -> dict:
        """Everything this Pools has worked out that the next process could reuse: the filtered, tiered and
        on-matter candidate lists, kindred themes, term rarities, fit units and the matters of texts —
        each a function of the phrasebank, year, types and level only (not the fills: they hold a
        config's words)."""
        return {"by_category": self._by_category, "groups": self._groups, "related": self._related,
                "rarity": self._rarity, "fit_units": self._fit_units, "matters": self.matters.state()}

    def _size(self) -> int:
        state = self._state()
        return (sum(len(state[k]) for k in ("by_category", "groups", "related", "rarity"))
                + sum(map(len, state["matters"].values())) + (state["fit_units"] is not None))

    def _saved_key(self):
        """The user-cache key of this Pools' state: the phrasebank's content key, the year, types and level,
        the curated lists a matter is read with, and the code that works it all out; None when the
        phrasebank has no content key (``entries.content_key``): then nothing is saved or read."""
        digest = content_key(self.bank)
        if digest is None:
            return None
        import sys

        import regex  # type: ignore[import-untyped]  # the avoid/match filters' engine
        from generator import cache, loader, zh
        from generator.bank import entries, matter, themes, units
        from generator.bank import words as word_lists
        from generator.resources import phrasebank_dir

        key = cache.Key("pools").text(digest).text(repr((self.year, sorted(self.types), self.level)))
        key.code(sys.modules[__name__], matter, word_lists, themes, entries, units, zh, loader).text(regex.__version__)
        for name in ("themes.yaml", word_lists.FILENAME, matter.MATTERS_FILE):
            key.file(phrasebank_dir() / "curated" / name)
        return key

    def _tables(self) -> tuple:
        """The objects a saved state refers to by place (cache.pickled): the phrasebank's, the matter groups."""
        return self.bank.entries, self.bank.units, self.matters.groups

    def load_saved(self) -> None:
        """Start from the state the user's cache keeps for this Pools' inputs; nothing when it has none, or
        an entry that does not fit (it is then worked out as if there were no cache)."""
        from generator import cache

        key = None if cache.cache_dir() is None else self._saved_key()
        stored = None if key is None else cache.load(key)
        if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], bytes)
                and stored[0] == tuple(map(len, self._tables()))):
            return
        try:
            state = cache.unpickled(stored[1], *self._tables())
            fields = ("by_category", "groups", "related", "rarity", "matters")
            if not (isinstance(state, dict) and set(state) == {*fields, "fit_units"}
                    and all(isinstance(state[k], dict) for k in fields)
                    and isinstance(state["fit_units"], (list, type(None)))
                    and set(state["matters"]) == set(self.matters.state())
                    and all(isinstance(v, dict) for v in state["matters"].values())):
                return
        except Exception:  # a damaged or foreign entry is no entry
            return
        self._by_category, self._groups = state["by_category"], state["groups"]
        self._related, self._rarity, self._fit_units = state["related"], state["rarity"], state["fit_units"]
        self.matters.restore(state["matters"])
        self._saved_size = self._size()

    def save(self) -> None:
        """Store this Pools' state in the user's cache when it has grown since it was read or stored (and
        stays within SAVED_MAX)."""
        from generator import cache

        size = self._size()
        if size <= self._saved_size or size > SAVED_MAX or cache.cache_dir() is None:
            return
        key = self._saved_key()
        if key is None:
            return
        cache.store(key, (tuple(map(len, self._tables())), cache.pickled(self._state(), *self._tables())))
        self._saved_size = size

    @property
    def matters(self):
        """The matter of heads and sentences against this phrasebank's vocabulary (generator.bank.matter)."""
        if self._matters is None:
            from generator.bank.matter import matters_for

            self._matters = matters_for(self.bank)
        return self._matters

    def on_matter(self, category: str, head: str, only, need, avoid, match) -> list[Entry]:
        """Every candidate of ``category`` (any theme) that carries ``head``'s matter, user folders' first,
        sorted by id; empty when the head names no matter of its own (the caller falls back on themes)."""
        key = ("matter", category, head, only, need, avoid, match)
        if key not in self._groups:
            hm = self.matters.head(head)
            out: list[Entry] = []
            if hm:
                base = self._filtered(category, only, need, avoid, match)
                first = re.split(r"[，,；;]", strip_enumerator(head))[0]
                hits = self.carriers(hm, base)
                out = sorted((e for i, e in enumerate(base) if i in hits and not restates(first, e.text)),
                             key=lambda e: e.id)
            self._groups[key] = [out]
        return self._groups[key][0]

    def naming(self, problem: str) -> list[tuple[Entry, int, int]]:
        """The sub-point heads (``point`` candidates, by id) that name something of a config problem's matter,
        each with how many terms of the problem's topic (``topic_clause``) and of its whole matter it names;
        worked out once per problem for every render of the length ladder."""
        hit = self._naming.get(problem)
        if hit is None:
            pm = self.matters.problem(problem)
            topic = self.matters.problem(topic_clause(problem, self.matters))
            hit = []
            for e in self._base("point"):
                named = self._names(pm, e.text)
                if named:
                    hit.append((e, len(self._names(topic, e.text)), len(named)))
            self._naming[problem] = hit
        return hit

    def _names(self, pm: HeadMatter, head_text: str) -> frozenset[str]:
        """What of the problem's matter a head names (its own words, or a group both share)."""
        hm = self.matters.head(strip_enumerator(head_text))
        strong = self.matters.strong
        return frozenset(w for w in hm.own & pm.terms if strong(w)) | (frozenset(hm.groups) & frozenset(pm.groups))

    def carriers(self, hm: HeadMatter, pool: list) -> dict[int, frozenset[str]]:
        """Position in ``pool`` → the terms of ``hm`` that entry carries (``Matters.carried`` of each),
        through one term index per pool list."""
        index = self._indexes.get(id(pool))
        if index is None or index[0] is not pool:
            index = self._indexes[id(pool)] = (pool, TermIndex([e.text for e in pool], self.matters))
        return self.matters.carriers(hm, index[1])

    def rarity(self, term: str) -> float:
        """log(N / df) of ``term`` over the requirement sentences (how specific a shared term is)."""
        hit = self._rarity.get(term)
        if hit is None:
            pool = self._base("requirement")
            df = sum(1 for e in pool if term in e.text)
            hit = math.log((len(pool) + 1) / (df + 1))
            self._rarity[term] = hit
        return hit

    def units_on(self, hm: HeadMatter) -> list:
        """Mined measure and purpose units that carry ``hm`` and may travel (nothing local), current in
        the draft's year and fit for its meeting types; user folders' first, sorted by id."""
        key = ("units", hm)
        if key not in self._groups:
            if self._fit_units is None:
                self._fit_units = [
                    u for u in self.bank.units if u.kind in ("measure", "purpose") and u.portable
                    and u.current_in(self.year) and (not u.meeting_types or self.types & set(u.meeting_types))
                    and not (self._foreign and self._foreign.search(u.text))]
            hits = self.carriers(hm, self._fit_units)
            fit = [u for i, u in enumerate(self._fit_units) if i in hits]
            self._groups[key] = [sorted(fit, key=lambda u: (u.origin in ("curated", "mined"), u.id))]
        return self._groups[key][0]

    def carry_weight(self, hm: HeadMatter, text: str) -> int:
        """How much of ``hm`` a text carries: 2 for each of the head's own words, 1 for each related term."""
        return sum(2 if t in hm.own else 1 for t in self.matters.carried(hm, text))

    def matter_rank(self, pool: list[Entry], head: str, theme: str | None) -> list[Entry]:
        """``pool`` ordered by how much of ``head``'s matter each sentence carries (its own words weigh
        twice a related term's), then the user's folders before the built-in ones, then the section's theme;
        ties keep the pool's seeded order."""
        hm = self.matters.head(head)
        order = {e.id: i for i, e in enumerate(pool)}

        def score(e: Entry) -> tuple:
            weight = self.carry_weight(hm, e.text)
            # the user's own corpus first; then carrying the head's own word (weight 2) or only a related
            # term (1) — no finer: within a tier the seeded order decides, so seeds change the wording
            return (not _user(e), -min(weight, 2), theme not in e.themes, order[e.id])

        return sorted(pool, key=score)

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
                and self._portable(e) and not (self._foreign and self._foreign.search(e.text))
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
        """Inverse document frequency of each character bigram over the whole phrasebank (kept with the
        phrasebank, and in its cache)."""
        return self.bank.bigram_idf

    def _grams_of(self, e: Entry) -> set[str]:
        hit = self._grams.get(e.id)
        if hit is None:
            hit = self._grams[e.id] = _bigrams(e.text)
        return hit

    def rank(self, pool: list[Entry], near: str, theme: str | None = None) -> list[Entry]:
        """``pool`` reordered by shared distinctive bigrams with ``near`` (rare bigrams weigh more),
        with a bonus for the section's own theme and a smaller one for general entries; ties keep the
        pool's (seeded) order, so the choice stays deterministic and varied."""
        idf = self.idf
        target = _bigrams(near)
        scores = {e.id: sum(idf.get(g, 0.0) for g in target & self._grams_of(e))
                  + (THEME_BONUS if theme in e.themes else THEME_BONUS / 2 if not e.themes else 0.0)
                  for e in pool}
        order = {e.id: i for i, e in enumerate(pool)}
        return sorted(pool, key=lambda e: (-round(scores[e.id], 6), order[e.id]))

    def _filtered(self, category: str, only, need, avoid, match) -> list[Entry]:
        """The candidates of ``category`` that a call's ``only``, ``need``, ``avoid`` and ``match`` allow
        (the same list object for the same arguments)."""
        key = ("filtered", category, only, need, avoid, match)
        if key not in self._groups:
            self._groups[key] = [self._filter_base(category, only, need, avoid, match)]
        return self._groups[key][0]

    def _filter_base(self, category: str, only, need, avoid, match) -> list[Entry]:
        # measures of one situation (``Words.situational``) answer problems with that crux, and go nowhere else
        only_for = words().only_for
        base = [e for e in self._base(category) if only_for(e.id) is None]
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
        return base

    def groups(self, category: str, theme: str | None, head: bool, only, need, avoid, match) -> list[list[Entry]]:
        """Candidate groups in order of preference, each sorted by id: theme's own, general, kindred
        themes; within each, entries made for this meeting type before those fit for any meeting."""
        key = (category, theme, head, only, need, avoid, match)
        if key not in self._groups:
            base = self._filtered(category, only, need, avoid, match)
            if theme:
                tiers = [[e for e in base if theme in e.themes], [e for e in base if not e.themes]]
                if not head:  # body sentences may come from kindred themes once the theme's own run out
                    tiers += [[e for e in base if t in e.themes and theme not in e.themes]
                              for t in self.related(theme)]
            else:  # no theme asked: general wording first, a theme's own words only when those run out
                tiers = [[e for e in base if not e.themes], [e for e in base if e.themes]]
            # within a tier: the user's own folders first (their house voice), then entries made for
            # this meeting type before those fit for any meeting
            self._groups[key] = [sorted(g, key=lambda e: e.id) for tier in tiers
                                 for own in (True, False)
                                 for g in ([e for e in tier if e.meeting_types and _user(e) == own],
                                           [e for e in tier if not e.meeting_types and _user(e) == own])
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
    search = regex.compile(pattern).search
    out = []
    for e in pool:
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            if bool(search(e.text, timeout=left)) == keep:
                out.append(e)
        except TimeoutError:
            raise PatternTimeout(pattern) from None
    return out


_bigrams = bigrams


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
        self._openers: dict[str, int] = {}  # tic openers (注重、防止 …) used so far
        self._used_units: set[str] = set()
        #: Keys of the sibling heads of the sub-point being written (generator.bank.matter.head_keys): a
        #: body sentence that names one belongs to that sub-point, not this one.
        self.shun: tuple[str, ...] = ()
        self._head_words: set[str] = set()  # matter words and groups of the heads used so far
        self._head_groups: set[str] = set()
        #: Words a sentence may not carry because the config lacks what they stand for (上级党委 without
        #: ``superior``): another sentence is taken rather than one that leaves a 〔待补〕 in the draft.
        self.lacking: tuple[str, ...] = ()
        #: Entries kept for the answer to a config problem (``reserve``): other picks pass them over.
        self.reserved: set[str] = set()
        self._answering = False
        #: The wording of the sentences the user locked (``hold``): no other sentence may repeat it, so each pin
        #: still fits when its slot comes (a seed change once made a lock clash with an earlier sentence).
        self._held_keys: set[str] = set()
        self._held_shingles: set[str] = set()
        self._pinning = False
        self._candidates: dict[tuple, tuple[list[Entry], dict[str, float], set[str]]] = {}

    def answering_heads(self, problem: str, n: int, theme: str | None,
                        avoid: str | None = None) -> list[tuple[str, str]]:
        """Up to ``n`` sub-point heads (any theme, ``theme``'s own first) whose matter the config problem
        names: the sub-point that takes the problem up (快递物流…党员管理不够到位 → 加强流动党员管理)."""
        if not self.pools.matters.problem(problem):
            return []
        contrary = words().contrary_to(problem)  # 后继乏人 is not answered by 严把入口关
        fitting = [named for named in self.pools.naming(problem) if not (contrary and contrary.search(named[0].text))
                   and not (avoid and re.search(avoid, named[0].text))]
        self.rng.shuffle(fitting)
        # heads naming the problem's topic (``topic_clause``: 流动党员管理还有薄弱环节，外出务工党员参加组织生活
        # 难以保证 is about 流动党员, not 组织生活) come first
        fitting.sort(key=lambda named: (-named[1], theme not in named[0].themes, -named[2]))
        values = dict(self.words)
        return self._pick_from([[e for e, _, _ in fitting]], n, values, tuple(sorted(values.items())), True)

    def answer_themes(self, problem: str) -> set[str]:
        """The themes of the heads that could answer ``problem`` (where in a speech it belongs)."""
        if not self.pools.matters.problem(problem):
            return set()
        return {t for e, _, _ in self.pools.naming(problem) for t in e.themes}

    def answers(self, problem: str, n: int, slots: dict | None = None, head: str = "",
                avoid: str | None = None) -> list[tuple[str, str]]:
        """Up to ``n`` requirement sentences that carry the config problem's matter (its measures), none
        restating ``head``, the sub-point they open."""
        if n <= 0:
            return []
        base, weight, says_own = self._answer_candidates(problem, head, avoid)
        values = {**self.words, **{k: str(v) for k, v in (slots or {}).items()}}
        base = [e for e in base if _fill(e, values, False) is not None]  # the best is one this draft can say
        # the few most specific, in the seed's order: seeds vary the measure, the matter stays
        best = weight[base[0].id] if base else 0.0
        top = [e for e in base[:ANSWER_TOP] if weight[e.id] >= ANSWER_NEAR * best]
        self.rng.shuffle(top)
        # more measures than one only while they stay near the best: the fourth measure on 党建与业务融合 for a
        # 卫生健康局 was 推行村党组织领办合作社, which says 融合 and nothing of the problem's own 业务
        base = top + [e for e in base[len(top):] if weight[e.id] >= ANSWER_KEEP * best
                      and (e.id in says_own or not (top and top[0].id in says_own))]
        self._answering = True
        try:
            return self._pick_from([base], n, values, tuple(sorted(values.items())), False)
        finally:
            self._answering = False

    def reserve(self, problems) -> None:
        """Keep each config problem's most specific answers (``ANSWER_TOP``) for its 针对 sentence: a body
        written before it may not take them (the draft would then have no measure left for the problem)."""
        values = dict(self.words)
        for problem in problems:
            base, _, _ = self._answer_candidates(problem, "", None)
            usable = [e for e in base if _fill(e, values, False) is not None]  # no slot it cannot fill
            self.reserved.update(e.id for e in usable[:ANSWER_TOP])

    def _answer_candidates(self, problem: str, head: str, avoid: str | None):
        """The measures that may answer ``problem`` (most specific first, by id on a tie), their weights and
        the ids of those that say the problem's own words; worked out without the draw."""
        key = (problem, head, avoid)
        hit = self._candidates.get(key)
        if hit is not None:
            return hit
        pm = self.pools.matters.problem(problem)
        if not pm:
            self._candidates[key] = ([], {}, set())
            return self._candidates[key]
        first = re.split(r"[，,；;]", strip_enumerator(head))[0]
        pool = self.pools._base("requirement")
        carried = {pool[i].id: got for i, got in self.pools.carriers(pm, pool).items()}
        contrary = words().contrary_to(problem)  # measures the other way round (严把入口 for 后继乏人)
        # a measure must meet the problem's cruxes (``Words.cruxes``: 记录代签 is met by 核查、回访, not by a measure
        # that only shares 驻村 with it — a reader's finding in every reading): none that does, no answer
        cruxes = words().cruxes(self.pools.matters.bare(problem))
        names, only_for = {c.name for c in cruxes}, words().only_for
        base = [e for e in pool if e.id in carried
                and not restates(first, e.text) and not (avoid and re.search(avoid, e.text))
                and not (contrary and contrary.search(e.text))
                and not (cruxes and missed_cruxes(cruxes, e.text))
                and only_for(e.id) in (None, *names)]
        base.sort(key=lambda e: e.id)
        # the most specific overlap wins: 专职网格员 or 外出务工党员 says more about this problem than 网格 or
        # 组织生活, which half the phrasebank says (each term weighs its rarity, the problem's topic twice:
        # ``topic_clause``, the clause the draft names)
        rarity = self.pools.rarity
        strong = self.pools.matters.strong
        tm = self.pools.matters.problem(topic_clause(problem, self.pools.matters))
        topic = tm.terms

        def weigh(got: frozenset[str]) -> float:
            # the problem's own words (三资、账目) say what it is about; the related terms of the groups they
            # name (all of 村级集体经济 for 三资) only widen it: a measure that says the problem's own words
            # wins over one that lists many of a group's terms (a reader's finding: “三资”账目公开不及时
            # answered by 发展壮大村级集体经济, which says five terms of the group and not one of the problem)
            # …but only a word that names a matter by itself: 托管 of 土地托管 is not 社区托管 (a reader's
            # finding: a 土地托管 outline answered with 老旧小区物业 because both say 托管)
            mine = {t for t in got if (t in pm.own or t in tm.own) and strong(t)}
            own = sum((2 if t in topic else 1) * rarity(t) for t in mine)
            wider = sorted(((2 if t in topic else 1) * rarity(t) for t in got if t not in mine), reverse=True)
            return 2 * own + sum(wider[:2])

        weight = {e.id: weigh(carried[e.id]) for e in base}
        says_own = {e.id for e in base if any((t in pm.own or t in tm.own) and strong(t) for t in carried[e.id])}
        # the most specific term is specific enough, and one weak word shared is no answer: 社区工作者流失 is not
        # answered by 防止集体资产流失, nor 运营弱 by 熟悉企业运营 (a reader's finding) — a strong term, or two
        base = [e for e in base if max(rarity(t) for t in carried[e.id]) >= SPECIFIC
                and (len(carried[e.id]) >= 2 or any(strong(t) for t in carried[e.id]))]
        base.sort(key=lambda e: (not _user(e), -round(weight[e.id], 6)))
        self._candidates[key] = (base, weight, says_own)
        return self._candidates[key]

    def composed(self, head: str, n: int, slots: dict | None = None) -> list[list[tuple[str, str]]]:
        """Up to ``n`` body sentences composed from mined units on ``head``'s matter: two measures from two
        different corpus sentences, and a purpose when one is on the matter too, joined the way the corpus
        joins them (要A，B，确保C。). Each is a list of (source, text) parts: the units keep their ids, the
        joints are template text. No unit is used twice, and no run longer than one unit (40 characters)
        comes from one corpus sentence, so nothing of COPY_REPORTED characters is ever copied."""
        hm = self.pools.matters.head(head)
        if not hm or n <= 0:
            return []
        values = {**self.words, **{k: str(v) for k, v in (slots or {}).items()}}
        first = re.split(r"[，,；;]", strip_enumerator(head))[0]
        measures: list[tuple] = []
        purposes: list[tuple] = []
        for u in self.pools.units_on(hm):
            if u.id in self._used_units or restates(first, u.text):
                continue
            text = _fill_text(u.text, values)
            if text is None or not _shingles(text).isdisjoint(self._used_shingles):
                continue
            if self.shun and any(k in text.replace("“", "").replace("”", "") for k in self.shun):
                continue
            (measures if u.kind == "measure" else purposes).append((u, text))
        self.rng.shuffle(measures)
        self.rng.shuffle(purposes)
        weight = lambda ut: -self.pools.carry_weight(hm, ut[1])
        measures.sort(key=weight)
        out: list[list[tuple[str, str]]] = []
        while len(out) < n and len(measures) >= 2:
            a = measures.pop(0)
            said = _shingles(a[1])
            # another corpus sentence, and not the same words (a user's folder mined from speeches the
            # built-in one holds too has the very unit under another id)
            b = next((m for m in measures if m[0].sources[:1] != a[0].sources[:1]
                      and said.isdisjoint(_shingles(m[1]))), None)
            if b is None:
                break
            measures.remove(b)
            said |= _shingles(b[1])
            lead = "要" if not out else self.rng.choice(_COMPOSED_LEADS)
            parts = [("template", lead), (f"phrase:{a[0].id}", a[1]), ("template", "，"), (f"phrase:{b[0].id}", b[1])]
            p = next((q for q in purposes if q[0].sources[:1] not in (a[0].sources[:1], b[0].sources[:1])
                      and said.isdisjoint(_shingles(q[1]))), None)
            if p is not None:
                purposes.remove(p)
                parts += [("template", "，"), (f"phrase:{p[0].id}", p[1])]
            parts.append(("template", "。"))
            for u, text in [a, b] + ([p] if p is not None else []):
                self._used_units.add(u.id)
                self._used_shingles |= _shingles(text)
                self.used_ids.append(u.id)
            out.append(parts)
        return out

    def _vary_opener(self, text: str, commit: bool = True) -> str | None:
        """``text``, unless its opener is a tic the draft has used TIC_MAX times already (then None); a
        sentence opening 注重… after the first says 要… instead (注重健全… → 要健全…), as a drafter edits it."""
        m = _TIC_OPENER.match(text)
        if not m:
            return text
        word = m.group(0)
        key = "检验" if word in ("检验", "衡量") else word
        used = self._openers.get(key, 0)
        if used >= 1 and word in _SOFT_TICS:
            return "要" + text[len(word):]
        if used >= TIC_MAX:
            return None
        if commit:
            self._openers[key] = used + 1
        return text

    def _fresh_matter(self, head_text: str, commit: bool = True) -> bool:
        """True when ``head_text`` names a matter no head of this draft has named yet (and then it is
        remembered); a head with no matter of its own (强化基础保障) is refused: its body could not be
        held to anything."""
        hm = self.pools.matters.head(head_text)
        if not hm.own and not hm.groups:
            return False
        if len(self.pools.on_matter("requirement", head_text, None, (), None, None)) < HEAD_SUPPLY:
            return False  # a head the phrasebank cannot argue: its body would be empty or off the matter
        if hm.own & self._head_words or set(hm.groups) & self._head_groups:
            return False
        if commit:
            self._head_words |= hm.own
            self._head_groups |= set(hm.groups)
        return True

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
        if near and not head and self.pools.matters.head(near):
            # the head's matter governs its body: only sentences that carry it, from any theme, the most
            # on-matter first; when they run out the sub-point is shorter, never padded off the matter
            pool = list(self.pools.on_matter(category, near, only, tuple(need), avoid, match))
            self.rng.shuffle(pool)
            groups = [self.pools.matter_rank(pool, near, theme)]
            out = self._pick_from(groups, min(n, BODY_CAP), values, vkey, head)
            opening = _norm(near)[:6]
            return sorted(out, key=lambda pick: _norm(pick[1]).lstrip("要").startswith(opening))
        if near:  # one ranking over all groups: a kindred theme's sentence on the very matter wins
            groups = [self.pools.rank([e for g in groups for e in g], near, theme)]
            out = self._pick_from(groups, n, values, vkey, head)
            # "一要抓好X。要抓好X，…" restates the head word for word: fine later in the body, not first
            opening = _norm(near)[:6]
            return sorted(out, key=lambda pick: _norm(pick[1]).lstrip("要").startswith(opening))
        return self._pick_from(groups, n, values, vkey, head)

    def heads_on(self, point: str, n: int, avoid: str | None = None) -> list[tuple[str, str]] | None:
        """Up to ``n`` sub-point heads on the matter of a point the user wrote in their own words (高质量完成
        村（社区）“两委”换届): only heads that carry it, the most on-matter first; fewer when the phrasebank
        has fewer, never a theme's heads on other matters. None when the point names no matter."""
        if not self.pools.matters.head(point):
            return None
        pool = list(self.pools.on_matter("point", point, None, (), avoid, None))
        self.rng.shuffle(pool)
        pool = self.pools.matter_rank(pool, point, None)
        values = dict(self.words)
        return self._pick_from([pool], n, values, tuple(sorted(values.items())), True)

    # --- slots: what the workbench shows and locks (换一句, 锁定)
    def candidates(self, category: str, *, theme: str | None = None, slots: dict | None = None,
                   only: str | None = None, need: tuple[str, ...] = (), avoid: str | None = None,
                   match: str | None = None, near: str | None = None) -> list[Entry]:
        """Every entry ``pick`` could take for these arguments, in a fixed order (no draw): the on-matter
        ones for a body under a head with a matter, else the theme's tiers in turn."""
        if near and self.pools.matters.head(near):
            pool = list(self.pools.on_matter(category, near, only, tuple(need), avoid, match))
            return self.pools.matter_rank(pool, near, theme)
        flat = [e for g in self.pools.groups(category, theme, False, only, tuple(need), avoid, match) for e in g]
        return self.pools.rank(flat, near, theme) if near else flat

    def hold(self, entries) -> None:
        """Keep the wording of the locked ``entries`` (the config's pins) out of every other sentence."""
        values = dict(self.words)
        for e in entries:
            text = _fill(e, values, False)
            if text is not None:
                self._held_keys.update(_norm(c) for c in clauses(text))
                self._held_shingles |= _shingles(text)

    def take(self, entry: Entry, slots: dict | None = None) -> str | None:
        """``entry``'s text here, taken into the draft (a pinned sentence); None when it may not come now."""
        values = {**self.words, **{k: str(v) for k, v in (slots or {}).items()}}
        # the user's lock outranks a problem's claim on the sentence (``reserve``) and the draft's echo check;
        # it still may not repeat what the draft has said
        self._answering = self._pinning = True
        try:
            return self._acceptable(entry, values, tuple(sorted(values.items())), False, commit=True)
        finally:
            self._answering = self._pinning = False

    def alternatives(self, pool: list[Entry], slots: dict | None, exclude: set[str], n: int) -> list[tuple[str, str]]:
        """Up to ``n`` (id, text) of ``pool`` that could stand here instead, nothing taken."""
        values = {**self.words, **{k: str(v) for k, v in (slots or {}).items()}}
        vkey = tuple(sorted(values.items()))
        out: list[tuple[str, str]] = []
        for e in pool:
            if len(out) >= n:
                break
            if e.id in exclude:
                continue
            text = self._acceptable(e, values, vkey, False, commit=False)
            if text is not None:
                out.append((e.id, text))
        return out

    def _pick_from(self, groups, n, values, vkey, head) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for pool in groups:
            for e in pool:
                if len(out) >= n:
                    return out
                text = self._acceptable(e, values, vkey, head, commit=True)
                if text is not None:
                    out.append((e.id, text))
        return out

    def _acceptable(self, e: Entry, values, vkey, head, commit: bool) -> str | None:
        """The text ``e`` would have here, or None when it may not come now (a slot it cannot fill, a
        sentence or run the draft has, a sibling's matter, a tic used enough …). ``commit`` takes it: the
        draft remembers its sentences, wording and opener; without, nothing changes (alternatives, pins)."""
        fkey = (e.id, head, vkey)
        if fkey not in self.pools.fills:
            text = _fill(e, values, head)
            # a head is read after its 一要…: "要抓好X" must not come back word for word in its body
            self.pools.fills[fkey] = None if text is None else (
                text, [_norm(s) for s in clauses(text)] or [_norm(text)],
                _shingles(("要" if head else "") + text), _rare(text, self.pools.idf))
        filled = self.pools.fills[fkey]
        if filled is None:
            return None
        text, keys, shingles, rare = filled
        if self.lacking and any(w in text for w in self.lacking):
            return None
        if e.id in self.reserved and not self._answering:
            return None  # kept for a problem's 针对 sentence (answers and the user's pins may take it)
        if any(k in self._used_sentences for k in keys) or not shingles.isdisjoint(self._used_shingles):
            return None
        if not self._pinning and (self._held_shingles and not shingles.isdisjoint(self._held_shingles)
                                  or any(k in self._held_keys for k in keys)):
            return None  # repeats a sentence the user locked for a later slot
        if not head and not self._pinning and self._echoes(rare):
            return None
        if head:  # 严明政治纪律… and 严明政治纪律和政治规矩… say the same thing twice
            opening = _norm(text)[:HEAD_PREFIX]
            if opening in self._used_openings:
                return None
            if e.category == "point" and not self._fresh_matter(text, commit):
                return None  # 二要…追责问责 / 三要严肃追责问责: one matter, two heads
            if commit:
                self._used_openings.add(opening)
        if not head and self.shun and any(k in text.replace("“", "").replace("”", "") for k in self.shun):
            return None  # names a sibling head's matter: that sub-point says it (twin heads)
        if not head:  # a pin too: the opener it was shown with when locked (注重 → 要) is the one it keeps
            varied = self._vary_opener(text, commit)
            if varied is None:
                return None  # the draft has used this opener enough (防止… 衡量…): a tic
            text = varied
        if commit:
            self._used_sentences.update(keys)
            self._used_shingles |= shingles
            if not head:  # a body sentence should take up its head's words, not be barred by them
                self._remember(rare)
            self.used_ids.append(e.id)
        return text


def _user(e: Entry) -> bool:
    """From a user's phrasebank folder (``--phrases``, ``phrases:``), not one of the built-in ones."""
    return e.origin not in ("curated", "mined")


def _mined(e: Entry) -> bool:
    """Mined from a corpus (ours, or a user's own `mine` output): it has sources to cite."""
    return e.origin == "mined" or bool(e.sources)


def _rare(text: str, idf: dict[str, float]) -> dict[str, float]:
    return {g: w for g in _bigrams(text) if (w := idf.get(g, RARE)) >= RARE}


def _fill_text(text: str, values: dict) -> str | None:
    """``text`` with its slots filled, or None when one cannot be filled here."""
    needed = set(_SLOT.findall(text))
    if needed & UNFILLABLE or not needed <= set(values):
        return None
    return _SLOT.sub(lambda m: values[m.group(1)], text)


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
