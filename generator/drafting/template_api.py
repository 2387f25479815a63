"""What a pack's template may call (``s.phrase``, ``s.heads``, ``s.todo`` …), and the density plan it reads.

Everything the API inserts is wrapped in invisible provenance marks (source of each span); the
composer parses them back out, so every sentence of a draft says where it came from.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import re
from functools import lru_cache

from generator.drafting.config import Config
from generator.drafting.schema import KEYS, Key
from generator.bank.entries import CATEGORY_ZH, category_id
from generator.bank.themes import load_themes, themes_of
from generator.bank.years import year_facts
from generator.drafting.chooser import Chooser, Pools, topic_clause
from generator.drafting.plan import Plan
from generator.bank.words import missed_cruxes, words
from generator.bank.matter import head_keys
from generator.zh import short_name, strip_enumerator, cn, count_word, enumerator

MARK_RE = re.compile("\x01([^\x02]*)\x02([^\x01\x03]*)\x03")


#: Seals a mark's source, so that provenance comes only from the API: a template (or a text) that writes
#: the mark characters itself cannot forge a source for ``--sources``. The key never leaves the process
#: and the seal never reaches the draft, so output stays byte-identical from run to run.
_KEY = os.urandom(16)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@lru_cache(maxsize=100_000)  # a draft seals the same few hundred sources over and over
def seal(source: str) -> str:
    return hashlib.blake2b(source.encode("utf-8"), key=_KEY, digest_size=6).hexdigest()


def unseal(field: str) -> str | None:
    """The source of a mark's source field (``source\x1fseal``), or None when the seal does not match."""
    source, sep, tag = field.partition("\x1f")
    return source if sep and hmac.compare_digest(tag, seal(source)) else None


#: Between a mark's source and its slot (``phrase:ID`` + SLOT_SEP + ``requirement@加强流动党员管理#2``).
SLOT_SEP = "\x16"  # not \x1c–\x1e: str.splitlines breaks lines there


def mark(text: str, source: str, emphasis: bool = False, slot: str = "") -> str:
    """Wrap ``text`` with its provenance; ``emphasis`` flags a sub-point's lead sentence; ``slot`` names the
    place in the draft a phrase fills (the workbench's 换一句 and 锁定)."""
    text = _CONTROL.sub("", text)  # data never carries marks or control characters into a draft
    if slot:
        source = f"{source}{SLOT_SEP}{_CONTROL.sub('', slot).replace(SLOT_SEP, '')}"
    return f"\x01{'!' if emphasis else ''}{source}\x1f{seal(source)}\x02{text}\x03" if text else ""


PATTERN_MAX = 200  # characters of an avoid/match pattern


def _pattern(key: str, value) -> str | None:
    """A template's ``avoid``/``match`` pattern, vetted before any entry is searched with it: text
    that compiles (with ``regex``, which runs it under a time limit). InputError with a Chinese reason;
    the composer adds the template file and line."""
    import regex  # type: ignore[import-untyped]  # regex ships no stubs; types-regex is not a dependency

    from generator.errors import InputError

    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"应为正则表达式（文字），而不是 {value!r}", key=key)
    if len(value) > PATTERN_MAX:
        raise InputError(f"正则表达式过长（{len(value)} 个字符），不能超过 {PATTERN_MAX} 个字符", key=key)
    try:
        regex.compile(value)
    except (regex.error, ValueError, OverflowError, RecursionError, MemoryError) as exc:
        raise InputError(f"“{value}”不是有效的正则表达式：{exc}", key=key) from None
    return value


class TemplateApi:
    """What a template may call. Everything returns plain marked strings or lists of them."""

    def __init__(self, config: Config, pools: Pools, plan: Plan, seed: int, alternatives: bool = False):
        self._config = config
        #: 锁定: slot → entry id or the user's own sentence (config ``pins``); what became of each pin
        self._pins: dict[str, str] = dict(getattr(config, "pins", None) or {})
        self.pins_used: set[str] = set()
        self.pin_problems: dict[str, str] = {}
        #: 换一句: per slot its category, choice and the alternatives that fit (only when asked)
        self._collect = alternatives
        self.slots: dict[str, dict] = {}
        self._slot_next: dict[str, int] = {}
        # the place is part of the draw: two counties with one seed do not hand in one speech
        self._chooser = Chooser(pools, config.words, random.Random(f"{seed}:{config.type}:{config.place}"))
        if not getattr(config, "superior", None):
            self._chooser.lacking = (SUPERIOR,)
        # what the user locked is kept out of every other sentence, so each lock still fits at its slot
        self._chooser.hold(e for e in map(pools.bank.get, self._pins.values()) if e is not None)
        # each problem's best measures wait for its 针对 sentence (a body written before it would take them)
        self._chooser.reserve([*config.problems, *(p for r in config.reporters for p in r.problems)])
        self.plan = plan
        self._body_calls = 0
        self._head_calls = 0
        self._answer_for: dict[str, list[int]] = {}  # head text → the config problems its body answers
        self._mentions: dict[str, int] = {}  # reporter → times named so far (then 你)
        self._siblings: list[str] = []  # the heads of the section being written
        self._section = ""  # the point of the section being written (``section_title``)
        self._carriers_used: set[int] = set()
        self._problem_sections: list[list[int]] | None = None
        self._voices: dict[int, list[int]] | None = None  # config problem → the speakers who asked about it
        self._voiced = 0  # speakers' requests taken up so far (each answer worded differently)
        #: What an author should hear about (``templates check`` prints them): calls that found nothing, unknown themes.
        self.notes: list[str] = []

    # --- phrases
    def phrase(self, category: str, theme: str | None = None, only: str | None = None, need=(),
               avoid: str | None = None, match: str | None = None, **slots) -> str:
        got = self.phrases(category, 1, theme, only, need, avoid, match, **slots)
        return got[0] if got else ""

    def phrases(self, category: str, n: int = 1, theme: str | None = None, only: str | None = None,
                need=(), avoid: str | None = None, match: str | None = None, near: str | None = None,
                **slots) -> list[str]:
        """Up to ``n`` entries; ``only="curated"`` keeps to hand-written ones (claims such as
        achievements and problems must never come from another place's speech); ``need`` names slots
        an entry must contain (``need="count"``); ``avoid``/``match`` are patterns an entry must not / must match;
        ``near`` (e.g. the sub-point head) prefers sentences that speak to the same matter."""
        from generator.drafting.chooser import PATTERN_BUDGET, PatternTimeout
        from generator.errors import InputError

        need = (need,) if isinstance(need, str) else tuple(need)
        category = category_id(category)  # 开头 is opening: one Chinese name per category
        avoid, match = _pattern("avoid", avoid), _pattern("match", match)
        if category == "requirement":
            n = self.plan.thinned(int(n), self._body_calls)
            self._body_calls += 1
        if near and category in ("requirement", "situation"):
            # under a head on 机关, 企业, 学校 …, no sentence of another domain (带领群众增收致富 in 机关党建)
            other = words().domain_avoid(f"{plain(near)} {self._section}")
            avoid = _either(avoid, other)
        if category in ("evaluation", "achievement"):
            # no praise the problems give the lie to: 主动性较强 of a secretary whose 常委会 met on 党建 twice
            avoid = _either(avoid, words().praise_avoid(self._problems_of(slots.get("reporter"))))
        answered: list[str] = []
        if near:
            this = strip_enumerator(plain(near))
            self._chooser.shun = head_keys(h for h in self._siblings if h != this)
        if near and category == "requirement":
            answered, used = self._answer(plain(near), int(n), slots)
            n = max(0, int(n) - used)
        base = self._slot_base(category, theme, near, slots)
        start = self._slot_next.get(base, 0)
        self._slot_next[base] = start + max(0, int(n))
        args = dict(theme=theme, slots=slots, only=only, need=need, avoid=avoid, match=match,
                    near=plain(near) if near else None)
        try:
            pinned = self._pinned(category, base, start, int(n), args) if self._pins else {}
            picks = self._chooser.pick(category, int(n) - len(pinned), **args)
        except PatternTimeout as exc:  # the composer adds the template file and line
            key = "avoid" if exc.pattern == avoid else "match"
            raise InputError(f"正则表达式“{exc.pattern}”运行超过 {PATTERN_BUDGET:g} 秒仍未结束（写法会无限回溯，"
                             "如 (a+)+$），请改简单些", key=key) from None
        # each whole sentence has its slot: base#k, k counting this base's sentences in the draft; a pinned
        # one keeps its own k, the drawn ones take the others in turn
        rest = iter(picks)
        slotted: list[tuple[str, str | None, str]] = []
        for j in range(max(0, int(n))):
            label = f"{base}#{start + j + 1}"
            if j in pinned:
                slotted.append((label, *pinned[j]))
            elif (nxt := next(rest, None)) is not None:
                slotted.append((label, *nxt))
        self._note(category, theme, int(n), bool(slotted or answered))
        if near and category == "requirement" and not only and slotted and int(n) >= 2:
            # up to half the body composed from mined units on the head's matter, after the first whole
            # sentence; whole sentences fill the rest (and stand in where units run out)
            made = self._chooser.composed(plain(near), min(int(n) // 2, SUBPOINT_MAX - 1), slots)
            if made:
                keep = max(1, min(len(slotted), int(n) - len(made), SUBPOINT_MAX - len(made)))
                for label, _eid, _text in slotted[keep:]:  # drawn, then left out for the composed ones
                    if label in self.pins_used:
                        self.pins_used.discard(label)
                        self.pin_problems[label] = "这一段的句子已经够了，锁定的这句没有排进去（可减少本段其他锁定，或加大篇幅）"
                slotted = slotted[:keep]
                if self._collect:
                    self._record_slots(category, slotted, args)
                whole = [self._phrase_mark(entry_id, text, label) for label, entry_id, text in slotted]
                built = ["".join(mark(t, src) for src, t in parts) for parts in made]
                return answered + whole[:1] + built + whole[1:]
        if self._collect:
            self._record_slots(category, slotted, args)
        who = slots.get("reporter")
        if who:  # to his face: 志强同志 once, then 你 (a name in every sentence reads like a form)
            if category == "evaluation":  # 述职报告坚持问题导向 has no one's report in it: 志强同志的述职报告…
                slotted = [(label, eid, f"{who}同志的{text}" if eid and _NO_OWNER.match(text)
                            and f"{who}同志" not in text else text) for label, eid, text in slotted]
            slotted = [(label, eid, self._second_person(str(who), text) if eid else text)
                       for label, eid, text in slotted]
        return answered + [self._phrase_mark(entry_id, text, label) for label, entry_id, text in slotted]

    def _phrase_mark(self, entry_id: str | None, text: str, slot: str = "") -> str:
        """A picked phrase, marked; 上级党委 in it is the config's ``superior`` (市委), or 〔待补：上级党委〕.
        No ``entry_id``: the user's own sentence locked at ``slot`` (config ``pins``)."""
        if entry_id is None:
            return mark(text, f"config:pins.{slot}", slot=slot)
        if SUPERIOR not in text:
            return mark(text, f"phrase:{entry_id}", slot=slot)
        superior = getattr(self._config, "superior", None)
        parts = text.split(SUPERIOR)
        glue = mark(superior, "config:superior") if superior else self.todo(SUPERIOR)
        return glue.join(mark(p, f"phrase:{entry_id}", slot=slot) for p in parts)

    # --- slots: 换一句 and 锁定
    def _slot_base(self, category: str, theme: str | None, near: str | None, slots: dict) -> str:
        """Where a phrase call writes, as a pin names it: its category, then the sub-point head it serves
        (or its theme), then the reporter it speaks to — 要求@加强流动党员管理, 评价@@何志强."""
        anchor = strip_enumerator(plain(near)) if near else (theme or "")
        who = slots.get("reporter")
        return f"{CATEGORY_ZH.get(category, category)}@{anchor}" + (f"@{plain(str(who))}" if who else "")

    def _pinned(self, category: str, base: str, start: int, n: int, args: dict) -> dict[int, tuple[str | None, str]]:
        """The sentences the config locks in this call's slots, taken first: position → (entry id or
        None for the user's own text, text). A pinned entry that may not stand here any more is left
        out and said (``pin_problems``)."""
        out: dict[int, tuple[str | None, str]] = {}
        pool = None
        for j in range(max(0, n)):
            label = f"{base}#{start + j + 1}"
            value = self._pins.get(label)
            if value is None:
                continue
            entry = self._chooser.pools.bank.get(value)
            if entry is None:  # the user's own sentence, used as written
                out[j] = (None, _CONTROL.sub("", value).strip())
                self.pins_used.add(label)
                continue
            if pool is None:
                pool = {e.id for e in self._chooser.candidates(category, **args)}
            text = self._chooser.take(entry, args["slots"]) if entry.id in pool else None
            if text is None:
                self.pin_problems[label] = (f"锁定的“{entry.id}”在这里已不合适（不在此处可选的句子中，"
                                            "或与稿中别处重复）")
                continue
            out[j] = (entry.id, text)
            self.pins_used.add(label)
        return out

    def _record_slots(self, category: str, slotted, args: dict) -> None:
        """For the workbench: each slot's category, choice and up to ALTERNATIVES other fitting sentences."""
        if not slotted:
            return
        chosen = {eid for _label, eid, _text in slotted if eid}
        pool = self._chooser.candidates(category, **args)
        alts = self._chooser.alternatives(pool, args["slots"], chosen, ALTERNATIVES)
        for label, eid, text in slotted:  # the texts as the draft would say them (市委 for 上级党委)
            self.slots[label] = {"category": category, "chosen": eid, "text": plain(self._phrase_mark(eid, text, label)),
                                 "alternatives": [{"id": a, "text": plain(self._phrase_mark(a, t))} for a, t in alts]}



    def carrier_for(self, head: str) -> str:
        """For a sub-point: a sentence on the config's local carrier (本地工作载体) whose matter it shares —
        要把“红色领航”工程作为重要抓手，… — each carrier once in a draft; "" when none fits."""
        matters = self._chooser.pools.matters
        hm = matters.head(strip_enumerator(plain(head)))
        for k, c in enumerate(getattr(self._config, "carriers", ()) or ()):
            if k in self._carriers_used or not hm:
                continue
            if matters.carried(hm, c) or (set(themes_of(c)) & set(themes_of(plain(head)))):
                before, after = _CARRIER_SAYS[len(self._carriers_used) % len(_CARRIER_SAYS)]
                self._carriers_used.add(k)
                return mark(before, "template") + mark(c, f"config:carriers[{k}]") + mark(after, "template")
        return ""

    def carriers_left(self) -> list[str]:
        """The config's carriers no sub-point has taken up yet (marked), for a closing 用好……等载体."""
        left = [(k, c) for k, c in enumerate(getattr(self._config, "carriers", ()) or ()) if k not in self._carriers_used]
        self._carriers_used.update(k for k, _ in left)
        return [mark(c, f"config:carriers[{k}]") for k, c in left]

    def _problems_of(self, who) -> list[str]:
        """The problems of the reporter addressed as ``who`` (a 点评's {reporter}), else the config's own."""
        if who:
            for r in self._config.reporters:
                if short_name(r.name) == plain(str(who)) or r.name == plain(str(who)):
                    return list(r.problems)
        return list(self._config.problems)

    def _second_person(self, who: str, text: str) -> str:
        """The reporter named once (志强同志), then spoken to as 你 in every sentence after: readers found
        name and 你 mixed from one 点评 section to the next when the switch came after two mentions."""
        said = self._mentions.get(who, 0)
        name = f"{who}同志"
        if name in text:
            self._mentions[who] = said + 1
            if said >= 1:
                return text.replace(name, "你")
            first = text.find(name) + len(name)  # 志强同志…志强同志 in one sentence: the second is 你 too
            return text[:first] + text[first:].replace(name, "你")
        return text

    def _note(self, category: str, theme: str | None, n: int, found: bool) -> None:
        if theme and theme not in self._chooser.pools.all_themes:
            note = f"主题“{theme}”在短语库里没有任何条目（规范主题：{'、'.join(self.themes_known())}）"
        elif n > 0 and not found:
            note = f"s.phrases(“{category}”{'，主题“' + theme + '”' if theme else ''}) 没有取到任何条目"
        else:
            return
        if note not in self.notes:
            self.notes.append(note)

    def counts_reporters(self, occasion) -> bool:
        """Whether the config's ``occasion`` already says how many reported (4位现场述职, 六位同志作了述职)."""
        return bool(occasion) and bool(_COUNTED.search(str(occasion)))

    def starts(self, text: str, *words: str) -> bool:
        """True when ``text`` (marks ignored) opens with one of ``words``: 建议主题党日… needs no 谈到，before it."""
        return plain(str(text)).startswith(tuple(str(w) for w in words))

    def opens_with(self, text: str, name: str) -> bool:
        """True when ``text`` (marks ignored) opens with ``name`` or a tail of it long enough to name it
        (four characters or more): 联合党支部覆盖… opens with 茶叶专业合作社联合党支部, so no 在……， goes
        before it; 社区网格员… does not name 锦江社区 (a reader's finding: the place was lost)."""
        t, n = plain(str(text)), plain(str(name))
        return bool(n) and any(t.startswith(n[-k:]) for k in range(min(OPENS_WITH_MIN, len(n)), len(n) + 1))

    def lead(self, text: str) -> str:
        """End a lead-in sentence with a colon so that a list can follow it."""
        return re.sub(r"[。，；：！]?(\x03?)$", r"：\1", text, count=1) if text else ""

    def heads(self, theme: str | None, n: int, kind: str = "yao", start: int = 1, problems=(),
              avoid: str | None = None, point: str | None = None) -> list[str]:
        """``n`` sub-point heads for ``theme`` with fresh enumerators (一要…) from ``start``, as emphasis.

        ``problems`` (indexes into cfg.problems, see ``problems_for``) are answered here: for each, a head
        on its matter (from any theme), whose body then opens 针对…的问题，… with measures on it; ``avoid``
        a pattern no head may match (a 座谈 closes without 追责问责). ``point``: the config point the section
        is about; when the user wrote it in their own words (not a theme name), the heads are on its matter
        only — fewer when the phrasebank has fewer, a 〔待补〕 head when it has none."""
        picks = self._answering_picks(theme, self._thin_heads(n), problems, _pattern("avoid", avoid), point)
        self._siblings = [text for _eid, text in picks]
        return [mark(enumerator(i, kind), "template:enumerator", True)
                + (mark(text, f"phrase:{eid}", True) if eid else mark(text, "placeholder", True))
                for i, (eid, text) in enumerate(picks, int(start))]

    def keypoints(self, theme: str | None, n: int, problems=(), avoid: str | None = None,
                  point: str | None = None) -> list[str]:
        """Short outline key points (sub-point heads without enumerators); ``problems``, ``avoid``, ``point``
        as in ``heads``."""
        picks = self._answering_picks(theme, self._thin_heads(n), problems, _pattern("avoid", avoid), point)
        self._siblings = [text for _eid, text in picks]
        return [mark(text, f"phrase:{eid}") if eid else mark(text, "placeholder") for eid, text in picks]

    def _answering_picks(self, theme: str | None, n: int, problems, avoid: str | None = None,
                         point: str | None = None) -> list[tuple[str, str]]:
        answering: list[tuple[str, str]] = []
        owed: list[int] = []
        spare: dict[int, tuple[str, str]] = {}  # a head on a problem's words but not its crux, kept in reserve
        for k in problems or ():
            k = int(k)
            if not 0 <= k < len(self._config.problems):
                continue
            # a head of another domain is no answer here (带领群众增收致富 over a 机关 or 产业链 problem)
            other = words().domain_avoid(f"{self._section} {self._config.problems[k]}")
            got = self._chooser.answering_heads(self._config.problems[k], 1, theme, avoid=other) \
                if len(answering) < n else []
            cruxes = words().cruxes(self._chooser.pools.matters.bare(self._config.problems[k]))
            if got and cruxes and missed_cruxes(cruxes, got[0][1]):
                # a head on the problem's words but not its crux (化解矛盾纠纷 for 本领不足) does not take it up:
                # the problem goes to the head below that meets its crux, if the section has one
                spare[k] = got[0]
                got = []
            if got:
                answering.append(got[0])
                self._answer_for[got[0][1]] = [k]
            else:
                owed.append(k)
        own = plain(str(point)) if point is not None else ""
        other = words().domain_avoid(self._section)  # no head of another domain (增收致富 in 机关党建)
        avoid = _either(avoid, other)
        on_point = None
        if own and own not in self.themes_known():  # the user's own words: heads on its matter only
            on_point = self._chooser.heads_on(own, n - len(answering), avoid)
        if on_point is not None:
            rest = on_point
            if not rest and not answering:  # nothing in the phrasebank on it: the drafter writes the head
                rest = [("", _TODO_HEAD.format(own))]
        else:
            rest = self._chooser.pick("point", n - len(answering), theme=theme, slots={}, head=True, avoid=avoid)
        for k, head in spare.items():  # no head of the section meets the crux: the one on its words takes it up
            cruxes = words().cruxes(self._chooser.pools.matters.bare(self._config.problems[k]))
            if not any(not missed_cruxes(cruxes, text) for _eid, text in rest + answering):
                if len(rest) + len(answering) >= n and rest:
                    rest = rest[:-1]
                answering.append(head)
                self._answer_for[head[1]] = [k]
                owed.remove(k)
        picks = rest[:1] + answering + rest[1:]
        # in the order a drafter argues a section (两个维护 first; 第一责任人 and 一岗双责 before 督查考核 —
        # readers found the reverse in every reading), ties in the order chosen
        matters = self._chooser.pools.matters
        picks = sorted(picks, key=lambda p: matters.order(p[1]) if p[0] else len(matters.groups))
        # no head naming that matter: of the heads that answer nothing else, the one sharing most of the problem's
        # matter takes it up (the first on a tie) — not a head beside the one it belongs to (快递物流…党员管理
        # under 严把党员发展质量关 while 加强流动党员管理 stood next to it: twin heads)
        free = [text for _eid, text in picks if text not in self._answer_for]
        heads = [text for _eid, text in picks]
        for k in owed:  # every one of them (more problems than heads: a head takes up two) — none is dropped
            among = free or heads
            if not among:
                break
            pm = matters.problem(self._config.problems[k])
            # a head that meets the problem's crux first (本领不足 goes under 加强教育培训, not under 化解矛盾纠纷,
            # which shares more words with it: a reader's finding), then the one sharing most of its matter
            cruxes = words().cruxes(matters.bare(self._config.problems[k]))
            best = max(among, key=lambda text: (bool(cruxes) and not missed_cruxes(cruxes, plain(text)),
                                                len(matters.carried(pm, strip_enumerator(text))), -among.index(text)))
            self._answer_for.setdefault(best, []).append(k)
            if best in free:
                free.remove(best)
        return picks

    def problems_for(self, index: int) -> list[int]:
        """The config problems the ``index``-th point (section) answers: each problem goes to the section
        whose theme it speaks of, else the one whose point words it shares, else the least loaded."""
        if self._problem_sections is None:
            points = list(self._config.points)
            load = [0] * len(points)
            out: list[list[int]] = [[] for _ in points]
            for k, problem in enumerate(self._config.problems):
                if not points:
                    break
                p_themes = set(themes_of(problem))
                h_themes = self._chooser.answer_themes(problem)
                pm = self._chooser.pools.matters.problem(problem)

                def score(i: int, pm=pm, p_themes=p_themes, h_themes=h_themes) -> tuple:
                    theme = self.theme(points[i])
                    words = len(self._chooser.pools.matters.carried(pm, points[i]))
                    kin = self._chooser.pools.related(theme) if theme else []
                    # a kindred theme counts the more the closer it is (related() lists the closest first)
                    near = sum((3 - r) / 3 for r, t in enumerate(kin) if t in p_themes | h_themes)
                    fit = 3 * (theme in p_themes) + 2 * (theme in h_themes) + near
                    return (-(fit + words), load[i], i)

                best = min(range(len(points)), key=score)
                out[best].append(k)
                load[best] += 1
            self._problem_sections = out
        idx = int(index)
        return list(self._problem_sections[idx]) if 0 <= idx < len(self._problem_sections) else []

    def answer_problems(self, avoid: str | None = None) -> list[str]:
        """针对…的问题，… for each config problem: a sentence with measures on its matter (〔待补〕 where the
        phrasebank has none). For drafts whose problems are not answered sub-point by sub-point."""
        return [self._aimed(k, {}, avoid=avoid) for k in range(len(self._config.problems))]

    def _aimed(self, k: int, slots: dict, head: str = "", avoid: str | None = None) -> str:
        """针对…的问题，… for config problem ``k``: its most specific measure (none restating ``head``, none
        matching ``avoid``), or, when the phrasebank has none on its matter, a sentence on acting on it."""
        problem = self._config.problems[k]
        lead = (mark("针对", "template") + mark(_problem_core(problem, self._chooser.pools.matters),
                                                f"config:problems[{k}]") + mark("的问题，", "template"))
        other = words().domain_avoid(f"{self._section} {head}")  # 领办合作社 is no answer in 产业链党建
        avoid = _either(avoid, other)
        got = self._chooser.answers(problem, 1, slots, head, avoid=avoid)
        if got:
            return lead + mark(got[0][1], f"phrase:{got[0][0]}")
        return lead + mark("要", "template") + self._measure_todo(problem) + mark("。", "template")

    def _measure_todo(self, problem: str) -> str:
        """〔待补〕 for the measure a problem needs when the phrasebank has none that meets it: what to write
        (its crux's ``todo``: 怎么核查真实情况、谁来督导…). Readers score a stock formula there (认真查找原因，
        拿出有针对性的整改措施) as a fault and a measure on a neighbouring matter as a worse one."""
        found = words().cruxes(self._chooser.pools.matters.bare(problem))
        what = next((c.todo for c in found if c.todo), "") or _MEASURE_TODO
        return self.todo(f"具体措施，写清{what}", need="writing")

    def remedies(self, index: int, n: int = 1) -> list[str]:
        """下一步 for one reporter of a 点评: for each of the reporter's own problems, a sentence on its
        matter, spoken to the person (要在解决…的问题上下功夫，… / 对…的问题，要…) — never a requirement
        addressed to 各级党组织 or the whole county, and never one another reporter got."""
        k = int(index)
        if not 0 <= k < len(self._config.reporters):
            return []
        r = self._config.reporters[k]
        slots = {"reporter": short_name(r.name)}
        avoid = _NOT_PERSONAL + (_NOT_TO_A_VILLAGE if re.search(r"(?<!农)村(?!民)|社区", str(r.post or "")) else "")
        # a 教育局 or 国企 secretary hears nothing of 村集体
        avoid = _either(avoid, words().domain_avoid(str(r.post or ""))) or avoid
        out = []
        for j, problem in enumerate(r.problems):
            core = mark(_problem_core(problem, self._chooser.pools.matters), f"config:reporters[{k}].problems[{j}]")
            got = self._chooser.answers(problem, max(1, int(n)), slots, avoid=avoid)
            body = _LEAD.sub("", got[0][1]) if got else ""
            # a measure that names who does it (在职党员要主动到社区报到) takes no 要 of ours before it
            says_who = bool(re.search(r"^[^，。]{1,20}?(?<![重需主只纲紧])要(?![求素点害闻])", body))
            opening = (mark("要在解决", "template") + core + mark("的问题上下功夫，", "template") if j == 0 else
                       mark("对", "template") + core + mark("的问题，" if says_who else "的问题，要", "template"))
            if body:
                out.append(opening + mark(body, f"phrase:{got[0][0]}")
                           + "".join(mark(text, f"phrase:{eid}") for eid, text in got[1:]))
            else:  # nothing in the phrasebank meets this problem: ask for the measure, never a stray one
                out.append(opening + self._measure_todo(problem) + mark("。", "template"))
        return out

    def _answer(self, head: str, n: int, slots: dict) -> tuple[list[str], int]:
        """The 针对…的问题，… sentence a head owes a config problem, and how many sentences it used."""
        ks = self._answer_for.pop(strip_enumerator(head), None)
        if not ks:  # a head owed a problem says its 针对 sentence even where the plan gives it no body
            return [], 0
        return [self._aimed(k, slots, head) + self._voice(k) for k in ks], len(ks)

    # --- what the speakers asked for (座谈会: 听到的怎么办)

    def _speakers_on(self) -> dict[int, list[int]]:
        """Each config problem → the speakers (indexes) whose request is on its matter: a speaker who asked for
        something (建议…、希望…、如果…愿意…) goes to the problem sharing most of their words, none when no
        problem shares a word of its own with them."""
        if self._voices is None:
            self._voices = {}
            matters = self._chooser.pools.matters
            scope = set(self._config.words.values()) | {"街道", "乡镇", "县里", "镇里", "社区", "村里"}
            problems = [matters.problem(p) for p in self._config.problems]
            for i, sp in enumerate(getattr(self._config, "speakers", ()) or ()):
                if not _requests(getattr(sp, "said", "")):
                    continue
                text = f"{sp.said} {sp.post}"
                shared = [len(matters.carried(pm, text) - scope) for pm in problems]
                if shared and max(shared) > 0:
                    self._voices.setdefault(shared.index(max(shared)), []).append(i)
        return self._voices

    def asked(self) -> list[str]:
        """The names of the speakers whose requests a key point takes up (the rest are answered in the close)."""
        return [mark(self._config.speakers[i].name, f"config:speakers[{i}].name") for i in self._taken()]

    def _taken(self) -> list[int]:
        return sorted({i for ids in self._speakers_on().values() for i in ids})

    def takes_up(self, name: str) -> bool:
        """Whether a key point takes up the request of the speaker called ``name`` (see ``asked``)."""
        return plain(str(name)) in {self._config.speakers[i].name for i in self._taken()}

    def situation(self, name: str) -> str:
        """What the speaker called ``name`` said, less what they asked for (a key point takes that up, so part 一
        does not say it twice): 派件任务重，支部活动放在白天参加不了 of …，希望活动时间灵活一些; "" when all of it
        was a request."""
        who = plain(str(name))
        for i, sp in enumerate(getattr(self._config, "speakers", ()) or ()):
            if sp.name == who:
                clauses = [c.strip() for c in re.split(r"[；;。！？]", plain(sp.said)) if c.strip()]
                kept = [c[:m.start()].rstrip("，,") if (m := _REQUEST.search(c)) else c for c in clauses]
                text = "；".join(c for c in kept if c)
                return mark(text, f"config:speakers[{i}].said") if text else ""
        return ""

    def _voice(self, k: int) -> str:
        """After the measure for problem ``k``: each speaker who asked for something on it, by name, in their own
        words, and what the meeting makes of it (a reader's finding: 六件现成的事，正文一件没有)."""
        out = []
        for i in self._speakers_on().get(k, ()):
            sp = self._config.speakers[i]
            key = f"config:speakers[{i}].said"
            parts = [mark(sp.name + "同志", f"config:speakers[{i}].name")]
            for n, clause in enumerate(_requests(sp.said)):
                lead = "说，" if clause.startswith(("如果", "要是")) else ""
                parts.append(mark(("，还" if n and not lead else "，" if n else "") + lead, "template"))
                parts.append(mark(clause, key))
            first = _requests(sp.said)[0]
            replies = next(r for opens, r in _REPLIES if first.startswith(opens))
            reply = replies[self._voiced % len(replies)].format(committee=self._config.words["committee"])
            self._voiced += 1
            out.append("".join(parts) + mark("。" + reply, "template"))
        return "".join(out)

    def _thin_heads(self, n) -> int:
        n = self.plan.thinned(int(n), self._head_calls, floor=2)
        self._head_calls += 1
        return n

    def section_title(self, point: str, index: int) -> str:
        """Heading text for a point: a phrasebank heading for a known theme, else the user's words."""
        theme = self.theme(point)
        self._section = plain(str(point))  # the part being written: its domain (机关, 企业 …) governs its bodies
        key = f"config:points[{index}]"
        if point in self.themes_known():
            # the title's first clause names the theme (坚持把党的政治建设摆在首位，…), so it announces what
            # its sub-points do — not 提高思想认识，…政治责任… over four 政治纪律 items
            keywords = load_themes().get(point, ())
            first = "^[^，：]*(?:" + "|".join(map(re.escape, keywords)) + ")" if keywords else None
            got = self._chooser.pick("section_heading", 1, theme=theme, slots={}, head=True, match=first)
            if not got:
                got = self._chooser.pick("section_heading", 1, theme=theme, slots={}, head=True)
            if got:
                return mark(got[0][1], f"phrase:{got[0][0]}")
            return mark(f"持续加强{point}", key)
        return mark(point.rstrip("。；;，,"), key)

    def theme(self, point: str) -> str | None:
        if point in self.themes_known():
            return point
        found = themes_of(point)
        return found[0] if found else None

    def themes_known(self) -> tuple[str, ...]:
        return self._chooser.themes

    # --- facts and gaps
    def fact(self, value: str, key: str) -> str:
        return mark(str(value).rstrip("。；;，,"), f"config:{key}")

    def facts(self, key: str) -> list[str]:
        return [self.fact(v, f"{key}[{i}]") for i, v in enumerate(getattr(self._config, key))]

    def todo(self, what: str, need: str = "config") -> str:
        """〔待补：what〕. ``need`` says what is missing: ``config``, a fact the config does not give (the
        default), or ``writing``, a sentence no phrasebank has — nothing is missing from the config, the drafter
        writes it (a measure that meets the problem's crux)."""
        source = "placeholder" if need == "config" else f"placeholder:{need}"
        return mark(f"〔待补：{plain(str(what))}〕", source)

    def year_facts(self) -> list[str]:
        return [mark(f, f"curated:years.yaml#{self._config.year}") for f in year_facts(self._config.year)]

    def guiding(self) -> str:
        """The year's guiding-thought line (以习近平新时代中国特色社会主义思想为指导，…), or "" when unknown."""
        from generator.bank.years import year_info

        line = year_info(self._config.year).guiding
        return mark(line, f"curated:years.yaml#{self._config.year}") if line else ""

    def year_tasks(self) -> list[str]:
        """The year's main party-building tasks (抓好村（社区）“两委”换届 …), as curated facts."""
        from generator.bank.years import year_info

        when = _year_month(self._config.date)
        return [mark(t, f"curated:years.yaml#{self._config.year}") for t in year_info(self._config.year).tasks_by(when)]

    # --- words and numbers
    def cn(self, n: int) -> str:
        return cn(int(n))

    def count(self, n: int) -> str:
        """A count before a measure word (两点意见)."""
        return count_word(int(n))

    def enum(self, i: int, kind: str) -> str:
        return enumerator(int(i), kind)

    def emph(self, text: str) -> str:
        if "\x01" in text:
            return text.replace("\x01!", "\x01").replace("\x01", "\x01!")
        return mark(text, "template", True)

    def series(self, items: list[str], sep: str = "；", last: str = "。") -> str:
        """``一是A；二是B。`` from marked items."""
        if len(items) == 1:  # a single fact is not a list: no 一是
            return items[0] + last
        parts = [mark(enumerator(i, "shi"), "template:enumerator") + it for i, it in enumerate(items, 1)]
        return sep.join(parts) + last if parts else ""

    def join(self, items: list[str], sep: str = "") -> str:
        return sep.join(i for i in items if i)

    @property
    def used(self) -> int:
        return len(self._chooser.used_ids)


#: When the phrasebank has no measure on a problem's matter, what a 书记 says instead of a stray measure on
#: another matter (the reviewer's 文不对题): to find the cause and act on it. Rotated, never repeated.
#: What a measure must say when the problem names no crux the curated list knows.
_MEASURE_TODO = "谁来抓、怎么抓、什么时候见效"
#: How a sub-point takes up a local carrier (before, after the carrier's name), rotated so none repeats.
_CARRIER_SAYS = (("要把", "作为重要抓手，持续抓深抓实，形成可复制、可推广的经验。"),
                 ("", "要在扩面提质上再下功夫，真正叫得响、立得住。"),
                 ("要继续擦亮", "这块牌子，推动由点到面、全域推开。"))
#: Where a speaker's request begins in a clause (…，希望镇里牵头定个行业公约; 如果…，愿意支持): what a 座谈
#: answers by name.
_REQUEST = re.compile(r"(?:^|[，,])((?:建议|希望|提出|请求|恳请|如果|要是|能不能|能否).*)$")

#: What the meeting makes of a request taken up in a key point, in turn (template wording, no commitment the
#: config does not give: to study it, to try it, to take it into the plan).
_REPLIES = ((("建议", "提出"), ("这个办法可以先试起来，在实践中完善。", "这个建议很实在，要认真研究吸纳。")),
            (("如果", "要是"), ("我们就按这个思路来安排。", "这个条件要在工作安排中考虑进去。")),
            (("",), ("这个意见很实在，{committee}要认真研究，能办的尽快办起来。",
                    "{committee}要主动对接，能协调的抓紧协调。", "我们要把这个意见吸收到工作安排中去。")))


def _requests(said: str) -> list[str]:
    """The clauses of ``said`` that ask for something, without their end mark."""
    clauses = [c.strip() for c in re.split(r"[；;。！？]", plain(str(said or ""))) if c.strip()]
    return [m.group(1).rstrip("，,") for c in clauses if (m := _REQUEST.search(c))]


#: What a phrase says for the superior committee when the config has no ``superior``.
SUPERIOR = "上级党委"
#: Sentences under one sub-point at most, whole and composed together (a 一要 paragraph of 150–400 characters).
SUBPOINT_MAX = 6
#: Alternatives the workbench offers for one slot (换一句).
ALTERNATIVES = 6
#: An evaluation of a report that does not say whose it is (述职报告坚持问题导向…, 述职内容比较全面…).
_NO_OWNER = re.compile(r"^述职(?:报告|内容|材料)")
#: The head of a section on the user's own point when the phrasebank has nothing on its matter.
_TODO_HEAD = "〔待补：围绕“{}”的具体要求〕"
#: The shortest tail of a place's name that still names it (s.opens_with).
OPENS_WITH_MIN = 4
#: What a 点评's requirement to one person must not say: words addressed to every organisation or to the
#: whole jurisdiction, or 所在单位 (a place's 党委书记 has no 单位).
_NOT_PERSONAL = (r"各级|全县|全区|全市|全镇|全乡|\{scope\}|\{committee\}|\{our\}|所在单位|县直|区直|市直|乡镇|机关、|国企"
                 # what the county does, not the reporter (readers' finding: 报酬待遇正常增长机制 and 选派驻村第一书记
                 # handed to a 街道 or 乡 secretary)
                 r"|增长机制|等级序列|选派[^，。]{0,6}第一书记|单列")
#: An occasion that counts the reporters itself.
_COUNTED = re.compile(r"(?:\d+|[一二两三四五六七八九十]+)位[^，。；]{0,8}述职")
#: What a requirement to a village's or community's secretary must not say besides (_NOT_PERSONAL): the
#: wording of a committee above the villages (readers' finding: 各村（社区）, 本单位, 定期专题研究 to a 村书记).
_NOT_TO_A_VILLAGE = r"|各村|村（社区）|本单位|专题研究|班子成员"
#: The lead of a requirement sentence, dropped when it follows 要在…上下功夫，: 要/必须/各级党组织要.
_LEAD = re.compile(r"^(?:[^，。“]{0,8}?要(?![求素点害])|必须|务必)")


def _either(avoid: str | None, other: str | None) -> str | None:
    """One pattern matching what ``avoid`` or ``other`` matches (either may be None)."""
    if not (avoid and other):
        return avoid or other
    return f"(?:{avoid})|{other}"


def _year_month(date) -> tuple[int, int] | None:
    """(year, month) of the config's date (2026年1月16日, 2026-01-16), or None when it gives none."""
    m = re.match(r"^\s*(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})", str(date or ""))
    return (int(m.group(1)), int(m.group(2))) if m else None


def _problem_core(problem: str, matters) -> str:
    """The clause of a config problem that names its matter (``topic_clause``: 新兴领域党组织覆盖还有盲区，快递物流…
    党员管理不够到位 → 快递物流、网约配送等行业党员管理不够到位), as the draft says it after 针对 or 解决."""
    core = topic_clause(problem, matters)
    core = re.sub(r"^(?:对于|对)(?=.{6})", "", core)  # 对软弱涣散村整顿…抓得不够紧 after 解决: no 对
    # …“两张皮”的问题仍然存在 → …“两张皮”: the 的问题 comes after it (针对…的问题), not twice
    # …填表报数多的问题有反弹 → …填表报数多: the 的问题 comes after it, and a short verdict after it goes
    core = re.sub(r"(?<=.{4})的?问题(?:仍然|依然|仍|还|有所|有|又有)?(?:反弹|回潮|抬头|反复|(?:时有|仍有|还有)?发生)$", "",
                  core)
    return re.sub(r"(?<=.{4})的?(?:问题|现象|情况)(?:仍然|依然|还|比较|较为)?(?:存在|突出|较多|明显)?$", "", core)


def _context_value(api: TemplateApi, key: Key, value):
    """How a template sees one config key: facts carry their provenance (``config:<key>``), the rest is plain."""
    if key.kind in ("name", "title", "date", "committee"):
        return api.fact(value, key.name) if value else ""
    if key.kind in ("facts", "carriers"):
        return [api.fact(v, f"{key.name}[{i}]") for i, v in enumerate(value or ())]
    if key.kind == "sentence":  # used as whole sentences: its end punctuation stays
        return mark(value, f"config:{key.name}") if value else ""
    if key.kind in ("visits", "speakers"):
        # Each item stays the string it always was ({{ v }}, s.join(cfg.visits, "、")), now marked, and its
        # fields are marked too: v.place / v.seen, sp.name / sp.post / sp.said ('' when not given).
        return [type(v)(api.fact(str(v), f"{key.name}[{i}]"),
                        **{f: api.fact(x, f"{key.name}[{i}].{f}") if x else "" for f, x in v.fields().items()})
                for i, v in enumerate(value or ())]
    if key.kind == "folders":  # paths as text only: a Path object would let a template read files
        return [str(p) for p in value or ()]
    if key.kind == "pins":
        return dict(value or {})
    if key.kind == "year":
        return str(value) if value is not None else ""
    if key.kind == "points":
        return list(value)
    return value


def template_context(config: Config, api: TemplateApi, extra_keys: tuple[Key, ...] = (),
                     only_reporters: list[int] | None = None) -> dict:
    """What a template sees: ``cfg`` (every schema key, see drafting/schema.py), ``plan`` and ``s``.
    ``only_reporters``: the reporters (by index) ``cfg.reporters`` holds (``render --each``), all by default."""
    words = config.words
    chosen = range(len(config.reporters)) if only_reporters is None else only_reporters
    reporters = [
        {"index": i, "name": api.fact(r.name, f"reporters[{i}].name"), "name_text": r.name,
         # 志强同志 to his face (孙丽 stays 孙丽): the {reporter} slot value after the first mention
         "address": short_name(r.name),
         "post": api.fact(r.post, f"reporters[{i}].post") if r.post else "",
         "highlights": [api.fact(h, f"reporters[{i}].highlights[{j}]") for j, h in enumerate(r.highlights)],
         "problems": [api.fact(p, f"reporters[{i}].problems[{j}]") for j, p in enumerate(r.problems)],
         "problem_themes": [t for p in r.problems for t in themes_of(p)]}
        for i, r in ((i, config.reporters[i]) for i in chosen)
    ]
    cfg: dict = {}
    for key in (*KEYS, *extra_keys):
        value = config.extra.get(key.name) if key.name in config.extra else getattr(config, key.name, None)
        cfg[key.name] = _context_value(api, key, value)
    cfg["reporters"] = reporters
    cfg.update({w: mark(words[w], "config:level") for w in ("scope", "committee", "our")})
    return {"cfg": cfg, "plan": api.plan, "s": api}


def plain(text: str) -> str:
    return MARK_RE.sub(lambda m: m.group(2), text)


def unused_pins(api: TemplateApi) -> dict[str, str]:
    """Pins of the config a render did not use, with why (the workbench and ``render`` say so); not a
    method, so that templates (which see ``s``) cannot call it."""
    out = {}
    for label in api._pins:
        if label in api.pins_used:
            continue
        out[label] = api.pin_problems.get(label, "稿中已没有这个位置（相应的要点、小标题或述职人已改动）")
    return out
