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

from generator.drafting.config import Config
from generator.drafting.schema import KEYS, Key
from generator.bank.entries import category_id
from generator.bank.themes import themes_of
from generator.bank.years import year_facts
from generator.drafting.chooser import Chooser, Pools
from generator.drafting.plan import Plan
from generator.zh import cn, count_word, enumerator

MARK_RE = re.compile("\x01([^\x02]*)\x02([^\x01\x03]*)\x03")


#: Seals a mark's source, so that provenance comes only from the API: a template (or a text) that writes
#: the mark characters itself cannot forge a source for ``--sources``. The key never leaves the process
#: and the seal never reaches the draft, so output stays byte-identical from run to run.
_KEY = os.urandom(16)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def seal(source: str) -> str:
    return hmac.new(_KEY, source.encode("utf-8"), hashlib.sha256).hexdigest()[:12]


def unseal(field: str) -> str | None:
    """The source of a mark's source field (``source\x1fseal``), or None when the seal does not match."""
    source, sep, tag = field.partition("\x1f")
    return source if sep and hmac.compare_digest(tag, seal(source)) else None


def mark(text: str, source: str, emphasis: bool = False) -> str:
    """Wrap ``text`` with its provenance; ``emphasis`` flags a sub-point's lead sentence."""
    text = _CONTROL.sub("", text)  # data never carries marks or control characters into a draft
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

    def __init__(self, config: Config, pools: Pools, plan: Plan, seed: int):
        self._config = config
        self._chooser = Chooser(pools, config.words, random.Random(f"{seed}:{config.type}"))
        self.plan = plan
        self._body_calls = 0
        self._head_calls = 0
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
        try:
            picks = self._chooser.pick(category, int(n), theme=theme, slots=slots, only=only, need=need,
                                       avoid=avoid, match=match, near=plain(near) if near else None)
        except PatternTimeout as exc:  # the composer adds the template file and line
            key = "avoid" if exc.pattern == avoid else "match"
            raise InputError(f"正则表达式“{exc.pattern}”运行超过 {PATTERN_BUDGET:g} 秒仍未结束（写法会无限回溯，"
                             "如 (a+)+$），请改简单些", key=key) from None
        self._note(category, theme, int(n), bool(picks))
        return [mark(text, f"phrase:{entry_id}") for entry_id, text in picks]

    def _note(self, category: str, theme: str | None, n: int, found: bool) -> None:
        if theme and theme not in self._chooser.pools.all_themes:
            note = f"主题“{theme}”在短语库里没有任何条目（规范主题：{'、'.join(self.themes_known())}）"
        elif n > 0 and not found:
            note = f"s.phrases(“{category}”{'，主题“' + theme + '”' if theme else ''}) 没有取到任何条目"
        else:
            return
        if note not in self.notes:
            self.notes.append(note)

    def lead(self, text: str) -> str:
        """End a lead-in sentence with a colon so that a list can follow it."""
        return re.sub(r"[。，；：！]?(\x03?)$", r"：\1", text, count=1) if text else ""

    def heads(self, theme: str | None, n: int, kind: str = "yao", start: int = 1) -> list[str]:
        """``n`` sub-point heads for ``theme`` with fresh enumerators (一要…) from ``start``, as emphasis."""
        picks = self._chooser.pick("point", self._thin_heads(n), theme=theme, slots={}, head=True)
        return [mark(enumerator(i, kind), "template:enumerator", True) + mark(text, f"phrase:{eid}", True)
                for i, (eid, text) in enumerate(picks, int(start))]

    def keypoints(self, theme: str | None, n: int) -> list[str]:
        """Short outline key points (sub-point heads without enumerators)."""
        picks = self._chooser.pick("point", self._thin_heads(n), theme=theme, slots={}, head=True)
        return [mark(text, f"phrase:{eid}") for eid, text in picks]

    def _thin_heads(self, n) -> int:
        n = self.plan.thinned(int(n), self._head_calls, floor=2)
        self._head_calls += 1
        return n

    def section_title(self, point: str, index: int) -> str:
        """Heading text for a point: a phrasebank heading for a known theme, else the user's words."""
        theme = self.theme(point)
        key = f"config:points[{index}]"
        if point in self.themes_known():
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

    def todo(self, what: str) -> str:
        return mark(f"〔待补：{what}〕", "placeholder")

    def year_facts(self) -> list[str]:
        return [mark(f, f"curated:years.yaml#{self._config.year}") for f in year_facts(self._config.year)]

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


def _context_value(api: TemplateApi, key: Key, value):
    """How a template sees one config key: facts carry their provenance (``config:<key>``), the rest is plain."""
    if key.kind in ("name", "title", "date"):
        return api.fact(value, key.name) if value else ""
    if key.kind == "facts":
        return [api.fact(v, f"{key.name}[{i}]") for i, v in enumerate(value or ())]
    if key.kind == "year":
        return str(value) if value is not None else ""
    if key.kind == "points":
        return list(value)
    return value


def template_context(config: Config, api: TemplateApi, extra_keys: tuple[Key, ...] = ()) -> dict:
    """What a template sees: ``cfg`` (every schema key, see drafting/schema.py), ``plan`` and ``s``."""
    words = config.words
    reporters = [
        {"index": i, "name": api.fact(r.name, f"reporters[{i}].name"), "name_text": r.name,
         "post": api.fact(r.post, f"reporters[{i}].post") if r.post else "",
         "highlights": [api.fact(h, f"reporters[{i}].highlights[{j}]") for j, h in enumerate(r.highlights)],
         "problems": [api.fact(p, f"reporters[{i}].problems[{j}]") for j, p in enumerate(r.problems)],
         "problem_themes": [t for p in r.problems for t in themes_of(p)]}
        for i, r in enumerate(config.reporters)
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
