"""What a head or a sentence is about — its *matter* — found without jieba, at render time.

Mining took the content words of every unit with jieba and wrote them into the folder's vocabulary;
the built-in vocabulary also holds the words of the curated phrasebank texts. Here a text is cut into
those words by forward maximum matching (longest known word first), and the words that are generic
verbs, theme words or too broad (curated lists in ``checker_words.yaml``) are dropped: what is left is
the text's matter. A head's matter is widened by the curated matter groups of ``matters.yaml``
(理论武装 → 理论学习, 第一议题, 中心组学习 …): a head that names any term of a group has the whole group.

A sentence *carries* a head's matter when it contains one of the head's own matter words or a term of
one of its groups. Sharing a generic verb (扩大、强化、加强 …), a theme word or a single character is not
carrying it — the reviewer's 文不对题: 「注重扩大述职评议的参与面」 under 扩大党的组织覆盖.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

MATTERS_FILE = "matters.yaml"
MAX_WORD = 12  # longest vocabulary word matched (longer matter terms are found as substrings)
#: Later clauses of a head that say what it is for (……，确保流动不流失), not what it is about.
_PURPOSE = re.compile(r"^(?:确保|让|使|以|为|不断|努力|推动|在[^，]{1,12}上)")
_QUOTES = re.compile(r"[“”‘’「」]")


#: A sentence restates its head (head_echo) when its lead holds a run of the head's first clause at least
#: ECHO_SHARE of that clause long and at least ECHO_MIN characters. Measured on the 40 sub-points of the 5
#: seeds: a first sentence shares at most 0.67 of its head's first clause (8 of 12 characters; 4 of 6 for
#: 严明政治纪律); the review's echoes in our six drafts (要加强年轻干部培养锻炼 …) are all at 0.75 or more.
ECHO_SHARE = 0.7
ECHO_MIN = 5


def lcs(a: str, b: str) -> tuple[int, int]:
    """(length, end in a) of the longest common substring of a and b."""
    best, end = 0, 0
    prev = [0] * (len(b) + 1)
    for i, ca in enumerate(a, 1):
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best, end = cur[j], i
        prev = cur
    return best, end


_ANSWER_LEAD = re.compile(r"^(?:针对|要在解决|对)[^，。]{2,60}?的?问题(?:上下功夫)?[，,]")
_CLAUSE_CUT = re.compile(r"[，,；;]")


@lru_cache(maxsize=200_000)  # asked again for the same pair by every render of the length ladder
def restates(head_clause: str, sentence: str) -> bool:
    """True when ``sentence`` opens by restating ``head_clause`` (the head's first clause): 一要加强流动党员
    管理。要加强流动党员管理，…; read in the sentence's first two clauses, quotes dropped."""
    key = _QUOTES.sub("", head_clause)
    if len(key) < ECHO_MIN:
        return False
    # 针对…的问题，要…: the first clause names the problem being answered, not the head
    bare = _ANSWER_LEAD.sub("", _QUOTES.sub("", sentence))
    lead = "，".join(_CLAUSE_CUT.split(bare)[:2])
    # a common run of at least `need` characters exists exactly when one of key's runs of that length
    # occurs in lead (the longest common substring, asked only whether it reaches the bound)
    need = max(ECHO_MIN, math.ceil(ECHO_SHARE * len(key)))
    return any(key[i:i + need] in lead for i in range(len(key) - need + 1))


#: twin_heads: a head's key (its first clause, generic verb aside) found in a sibling's body, at least this long.
TWIN_IN_BODY = 6
_LEAD_VERB = re.compile(r"^(?:要|必须|注重|坚持|着力|切实)")


def head_key(text: str) -> str:
    """What a head is about, as its words run: its text without a leading 要/必须 or generic verb (加强、推进 …)
    — 加强流动党员管理 → 流动党员管理. A sibling's body that holds it repeats this sub-point (twin_heads)."""
    from generator.bank.words import words

    text = _LEAD_VERB.sub("", text)
    for w in words().stop:
        if text.startswith(w) and len(w) >= 2:
            return text[len(w):]
    return text


def head_keys(heads) -> tuple[str, ...]:
    """The keys (see ``head_key``) of ``heads``' first clauses that are long enough to count."""
    out = []
    for h in heads:
        first = re.split(r"[，,；;：:]", _QUOTES.sub("", h))[0]
        key = head_key(first)
        if len(key) >= TWIN_IN_BODY:
            out.append(key)
    return tuple(out)


@dataclass(frozen=True)
class Group:
    name: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class HeadMatter:
    """The matter of a head: its own content words and the terms of the groups it names."""

    own: frozenset[str]
    related: frozenset[str]
    groups: tuple[str, ...]

    @cached_property
    def terms(self) -> frozenset[str]:
        return self.own | self.related

    def __bool__(self) -> bool:
        return bool(self.own or self.related)


@lru_cache(maxsize=1)
def load_groups() -> tuple[Group, ...]:
    """The curated matter groups (``phrasebank/curated/matters.yaml``)."""
    from generator.loader import load_yaml
    from generator.resources import phrasebank_dir

    path = phrasebank_dir() / "curated" / MATTERS_FILE
    if not path.is_file():
        return ()
    doc = load_yaml(path, what="事项词表")
    out = []
    for item in doc.seq():
        m = item.mapping(allowed=("matter", "terms"), required=("matter", "terms"))
        terms = tuple(dict.fromkeys(t.str() for t in m["terms"].seq()))
        out.append(Group(m["matter"].str(), tuple(dict.fromkeys((m["matter"].str(), *terms)))))
    return tuple(out)


class Matters:
    """Matter of texts against one vocabulary (a phrasebank's, plus the curated terms)."""

    def __init__(self, vocabulary=()) -> None:
        from generator.bank.themes import load_themes
        from generator.bank.words import words

        w = words()
        self.stop = frozenset(w.stop) | frozenset(w.broad)
        self.groups = load_groups()
        self._rank = {g.name: i for i, g in enumerate(self.groups)}
        known = set(vocabulary)
        for g in self.groups:
            known.update(g.terms)
        for keywords in load_themes().values():
            known.update(keywords)
        self._curated = frozenset(t for g in self.groups for t in g.terms) | frozenset(
            k for keywords in load_themes().values() for k in keywords)
        known.update(self.stop)
        self.words = frozenset(k for k in known if len(k) >= 2)
        self._lengths = sorted({len(k) for k in self.words if len(k) <= MAX_WORD}, reverse=True)
        self._long = tuple(sorted((k for k in self.words if len(k) > MAX_WORD), key=lambda k: (-len(k), k)))
        self._cache: dict[str, tuple[str, ...]] = {}
        self._heads: dict[str, HeadMatter] = {}
        self._bare: dict[str, str] = {}
        self._groups_in: dict[str, tuple[Group, ...]] = {}
        self._carried: dict[tuple[HeadMatter, str], frozenset[str]] = {}
        self._has_strong: dict[HeadMatter, bool] = {}

    def state(self) -> dict[str, dict]:
        """What this Matters has worked out so far (segments, heads' matters, groups named, terms carried):
        each a function of the text alone, against this vocabulary — kept with a Pools in the user's cache."""
        return {"segments": self._cache, "heads": self._heads, "groups_in": self._groups_in,
                "carried": self._carried}

    def restore(self, state: dict[str, dict]) -> None:
        """Take in a ``state()`` saved for this vocabulary; what is worked out here already is kept."""
        for name, mine in self.state().items():
            for k, v in state[name].items():
                mine.setdefault(k, v)

    def segment(self, text: str) -> tuple[str, ...]:
        """The known words of ``text`` by forward maximum matching (single characters skipped)."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        text_ = _QUOTES.sub("", text)
        out: list[str] = []
        for w in self._long:
            if w in text_:
                out.append(w)
                text_ = text_.replace(w, "|")
        i, n, words, lengths = 0, len(text_), self.words, self._lengths
        while i < n:
            for size in lengths:
                if i + size <= n and text_[i:i + size] in words:
                    out.append(text_[i:i + size])
                    i += size
                    break
            else:
                i += 1
        found = tuple(out)
        self._cache[text] = found
        return found

    def of(self, text: str) -> frozenset[str]:
        """The matter words of ``text``: its known words that are not generic, theme or broad words."""
        return frozenset(w for w in self.segment(text) if w not in self.stop)

    def bare(self, text: str) -> str:
        """``text`` without quotation marks (the form every match here reads)."""
        hit = self._bare.get(text)
        if hit is None:
            hit = self._bare[text] = _QUOTES.sub("", text)
        return hit

    def groups_in(self, text: str) -> tuple[Group, ...]:
        hit = self._groups_in.get(text)
        if hit is None:
            bare = self.bare(text)
            hit = self._groups_in[text] = tuple(g for g in self.groups if any(t in bare for t in g.terms))
        return hit

    def order(self, head: str) -> int:
        """Where a head stands among its section's heads: the place in the curated file (matters.yaml,
        written in the order a drafter argues: 两个维护 before 理论武装, 第一责任人 before 督查考核) of the
        first matter it names; a head naming none comes after."""
        return min((self._rank[name] for name in self.head(head).groups if name in self._rank),
                   default=len(self._rank))

    def head(self, head: str) -> HeadMatter:
        """A head's matter: from the clauses that name what it is about (not ……，确保… purposes)."""
        hit = self._heads.get(head)
        if hit is not None:
            return hit
        parts = [p for p in re.split(r"[，,；;：:]", head) if p]
        main = "，".join(p for k, p in enumerate(parts) if k == 0 or not _PURPOSE.match(p))
        own = self.of(main)
        groups = self.groups_in(main)
        related = frozenset(t for g in groups for t in g.terms if t not in self.stop)
        hm = HeadMatter(own, related, tuple(g.name for g in groups))
        self._heads[head] = hm
        return hm

    def strong(self, word: str) -> bool:
        """A word that names a matter by itself when two texts share it: one of a curated group or of a
        theme's keywords, or three characters or more (流动党员, 集体经济 — not 渠道, 覆盖 alone)."""
        return len(word) >= 3 or word in self._curated

    def problem(self, text: str) -> HeadMatter:
        """A config problem's matter: its words without the wording of shortfall (不够到位、薄弱 …)."""
        from generator.bank.words import words

        weak = frozenset(words().problem)
        own = frozenset(w for w in self.of(text) if w not in weak)
        groups = self.groups_in(text)
        related = frozenset(t for g in groups for t in g.terms if t not in self.stop)
        return HeadMatter(own, related, tuple(g.name for g in groups))

    def carried(self, hm: HeadMatter, text: str) -> frozenset[str]:
        """The terms of ``hm`` that ``text`` contains (empty: the text is off the head's matter). When the
        head has a strong term (see ``strong``), only a text with a strong one carries it: 畅通…渠道 does not
        carry 集体经济增收渠道单一, though both say 渠道."""
        key = (hm, text)
        hit = self._carried.get(key)
        if hit is None:
            bare = self.bare(text)
            hit = self._strong_rule(hm, frozenset(t for t in hm.terms if t in bare))
            if len(self._carried) > 200_000:
                self._carried.clear()
            self._carried[key] = hit
        return hit

    def _strong_rule(self, hm: HeadMatter, got: frozenset[str]) -> frozenset[str]:
        has = self._has_strong.get(hm)
        if has is None:
            has = self._has_strong[hm] = any(self.strong(t) for t in hm.terms)
        if got and has and not any(self.strong(t) for t in got):
            return frozenset()
        return got

    def carriers(self, hm: HeadMatter, index: TermIndex) -> dict[int, frozenset[str]]:
        """``carried`` for every text of ``index`` at once: position → terms, only the texts that carry."""
        found: dict[int, set[str]] = {}
        for t in hm.terms:
            for i in index.containing(t):
                found.setdefault(i, set()).add(t)
        out = {}
        for i, got in found.items():
            kept = self._strong_rule(hm, frozenset(got))
            if kept:
                out[i] = kept
        return out

    def overlap(self, a: str, b: str) -> frozenset[str]:
        """What two heads share of their matters: the same matter twice (twin heads) when not empty."""
        ha, hb = self.head(a), self.head(b)
        shared = ha.own & hb.own
        shared |= frozenset(ha.groups) & frozenset(hb.groups)
        return shared


class TermIndex:
    """Which of a fixed list of texts contain a term, found by one scan of their joined bare text."""

    def __init__(self, texts, matters: Matters) -> None:
        bare = [matters.bare(t) for t in texts]
        self._joined = "\x00".join(bare)  # no term holds NUL: no match runs across two texts
        self._starts: list[int] = []
        pos = 0
        for b in bare:
            self._starts.append(pos)
            pos += len(b) + 1
        self._hits: dict[str, tuple[int, ...]] = {}

    def containing(self, term: str) -> tuple[int, ...]:
        hit = self._hits.get(term)
        if hit is None:
            out: list[int] = []
            joined, starts, find = self._joined, self._starts, self._joined.find
            pos = find(term) if term else -1
            while pos >= 0:
                i = bisect_right(starts, pos) - 1
                out.append(i)
                nxt = starts[i + 1] if i + 1 < len(starts) else len(joined)
                pos = find(term, nxt)
            hit = self._hits[term] = tuple(out)
        return hit


_BY_BANK: dict[int, tuple[object, Matters]] = {}


def matters_for(bank) -> Matters:
    """One Matters per phrasebank object (its cache of segmented texts shared by every compose of it)."""
    hit = _BY_BANK.get(id(bank))
    if hit is None or hit[0] is not bank:
        if len(_BY_BANK) > 8:
            _BY_BANK.clear()
        hit = (bank, Matters(bank.vocabulary))
        _BY_BANK[id(bank)] = hit
    return hit[1]
