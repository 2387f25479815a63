"""Drafting: the Jinja environment, deterministic phrase choice, numerals, and fitting the length target.

A pack's template is rendered in a sandbox. Everything it inserts that is not its own literal text
comes through the functions here, which wrap the words in invisible provenance marks; the output
is then parsed into a Draft whose spans say where each sentence came from. The template is
rendered once per density level and the draft nearest the length target is kept.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from jinja2 import TemplateError

from generator.config import Config
from generator.document import Block, Draft, Span
from generator.errors import InputError
from generator.packs import Pack, environment, find_packs, resolve_type
from generator.phrasebank import Phrasebank, load_phrasebank, themes_of, year_facts
from generator.phrasing import Chooser, Pools, cn, count_word, enumerator

_MARK_RE = re.compile("\x01([^\x02]*)\x02([^\x01\x03]*)\x03")
_LINE_RE = re.compile(r"^@(title|byline|salutation|h1|h2|h3|h4|p)(?:\s(.*))?$")
_STRAY_TAG = re.compile(r"@(?:title|byline|salutation|h[1-4]|p)\s")
_KINDS = {"salutation": ("salutation", None), "p": ("paragraph", None),
          **{f"h{i}": ("heading", i) for i in range(1, 5)}}


def mark(text: str, source: str, emphasis: bool = False) -> str:
    """Wrap ``text`` with its provenance; ``emphasis`` flags a sub-point's lead sentence."""
    return f"\x01{'!' if emphasis else ''}{source}\x02{text}\x03" if text else ""


@dataclass(frozen=True)
class Plan:
    """How much each part of a draft says; templates read these to decide counts."""

    level: int
    subpoints: int  # sub-points (一要…) per section, 2–4
    body: int  # body sentences after each sub-point head, 1–8
    intro: int  # sentences introducing each section, 0–2
    extra: int  # additional sentences in opening, situation and closing, 0–3
    thin: float = 0.0  # share of groups given one item fewer, spread evenly

    def thinned(self, n: int, call: int, floor: int = 1) -> int:
        """Items for the ``call``-th group: ``n``, or one fewer (never below ``floor``) for an evenly
        spread share of the groups; fills the gap between two ladder levels a sentence at a time."""
        if self.thin and n > floor and int((call + 1) * self.thin) > int(call * self.thin):
            return n - 1
        return n


THIN = [i / 8 for i in range(1, 8)]

# A monotone ladder from the shortest to the longest draft a pack can give.
LADDER = [Plan(i, *v) for i, v in enumerate([
    (2, 1, 0, 0), (2, 1, 1, 0), (2, 2, 1, 0), (3, 1, 1, 0), (3, 2, 1, 0), (3, 2, 1, 1), (3, 3, 1, 1),
    (4, 2, 1, 1), (4, 3, 1, 1), (4, 3, 2, 2), (4, 4, 2, 2), (4, 5, 2, 2), (4, 6, 2, 3), (4, 7, 2, 3),
    (4, 8, 2, 3), (4, 9, 2, 3), (4, 10, 2, 3),
])]


class _Api:
    """What a template may call. Everything returns plain marked strings or lists of them."""

    def __init__(self, config: Config, pools: Pools, plan: Plan, seed: int):
        self._config = config
        self._chooser = Chooser(pools, config.words, random.Random(f"{seed}:{config.type}"))
        self.plan = plan
        self._body_calls = 0
        self._head_calls = 0

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
        need = (need,) if isinstance(need, str) else tuple(need)
        if category == "requirement":
            n = self.plan.thinned(int(n), self._body_calls)
            self._body_calls += 1
        picks = self._chooser.pick(category, int(n), theme=theme, slots=slots, only=only, need=need,
                                   avoid=avoid, match=match, near=_plain(near) if near else None)
        return [mark(text, f"phrase:{entry_id}") for entry_id, text in picks]

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

    def join(self, items: list[str], sep: str = "、") -> str:
        return sep.join(i for i in items if i)

    @property
    def used(self) -> int:
        return len(self._chooser.used_ids)


def _context(config: Config, api: _Api) -> dict:
    words = config.words
    reporters = [
        {"index": i, "name": api.fact(r.name, f"reporters[{i}].name"), "name_text": r.name,
         "post": api.fact(r.post, f"reporters[{i}].post") if r.post else "",
         "highlights": [api.fact(h, f"reporters[{i}].highlights[{j}]") for j, h in enumerate(r.highlights)],
         "problems": [api.fact(p, f"reporters[{i}].problems[{j}]") for j, p in enumerate(r.problems)],
         "problem_themes": [t for p in r.problems for t in themes_of(p)]}
        for i, r in enumerate(config.reporters)
    ]
    cfg = {
        "place": api.fact(config.place, "place"), "level": config.level,
        "year": str(config.year), "review_year": str(config.review_year),
        "scope": mark(words["scope"], "config:level"), "committee": mark(words["committee"], "config:level"),
        "our": mark(words["our"], "config:level"),
        "speaker": api.fact(config.speaker, "speaker") if config.speaker else "",
        "date": api.fact(config.date, "date") if config.date else "",
        "title": api.fact(config.title, "title") if config.title else "",
        "meeting": api.fact(config.meeting, "meeting") if config.meeting else "",
        "points": list(config.points), "achievements": api.facts("achievements"),
        "problems": api.facts("problems"), "reporters": reporters, "visits": api.facts("visits"),
        "speakers": api.facts("speakers"), "adjourn": config.adjourn,
    }
    return {"cfg": cfg, "plan": api.plan, "s": api}


def _parse(output: str, template_name: str) -> tuple[str, tuple[str, ...], tuple[Block, ...]]:
    title, byline, blocks = "", [], []
    default_source = f"template:{template_name}"
    for n, raw in enumerate(output.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        m = _LINE_RE.match(line)
        if not m:
            raise InputError("模板输出的行应以 @title/@byline/@salutation/@h1–@h4/@p 开头", path=template_name,
                             line=None, source_line=_plain(line)[:60])
        tag, body = m.group(1), (m.group(2) or "").strip()
        if _STRAY_TAG.search(_MARK_RE.sub("", body)):
            raise InputError("模板输出的一行里有两个 @ 标记（常见原因：行尾的 {% endif %} 吞掉了换行，"
                             "可改用 {{ x if 条件 else \"\" }}）", path=template_name, source_line=_plain(line)[:60])
        spans = _spans(body, default_source)
        text = "".join(s.text for s in spans).strip()
        if not text:
            continue
        if tag == "title":
            title = text
        elif tag == "byline":
            byline.append(text)
        else:
            kind, level = _KINDS[tag]
            blocks.append(Block(kind, spans, level))
    return title, tuple(byline), tuple(blocks)


def _template_line(exc: BaseException) -> int | None:
    """The template line a runtime error came from, read off Jinja's rewritten traceback."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _plain(text: str) -> str:
    return _MARK_RE.sub(lambda m: m.group(2), text)


def _spans(body: str, default_source: str) -> tuple[Span, ...]:
    spans, pos = [], 0
    for m in _MARK_RE.finditer(body):
        if m.start() > pos:
            spans.append(Span(body[pos:m.start()], default_source))
        source, emphasis = m.group(1), False
        if source.startswith("!"):
            source, emphasis = source[1:], True
        spans.append(Span(m.group(2), source, emphasis))
        pos = m.end()
    if pos < len(body):
        spans.append(Span(body[pos:], default_source))
    merged: list[Span] = []
    for s in spans:
        s = Span(s.text.replace("\x01", "").replace("\x02", "").replace("\x03", ""), s.source, s.emphasis)
        if merged and merged[-1].source == s.source and merged[-1].emphasis == s.emphasis:
            merged[-1] = Span(merged[-1].text + s.text, s.source, s.emphasis)
        elif s.text:
            merged.append(s)
    return tuple(merged)


def _render_once(config: Config, pack: Pack, env, pools: Pools, plan: Plan, seed: int,
                 template: str, reporters=None) -> Draft:
    api = _Api(config, pools, plan, seed)
    ctx = _context(config, api)
    if reporters is not None:
        ctx["cfg"]["reporters"] = [ctx["cfg"]["reporters"][i] for i in reporters]
        ctx["each"] = True
    else:
        ctx["each"] = False
    try:
        output = env.get_template(template).render(**ctx)
    except TemplateError as exc:
        lineno = getattr(exc, "lineno", None)
        raise InputError(f"模板出错：{exc}", path=getattr(exc, "filename", None) or template, line=lineno) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError, MemoryError) as exc:
        # a pack's own code went wrong at run time (range(10**9), a bad index …): the pack is the bad input
        line = _template_line(exc)
        raise InputError(f"模板运行出错：{type(exc).__name__}: {exc}", path=f"{pack.dir / template}", line=line) from None
    title, byline, blocks = _parse(output, f"{pack.id}/{template}")
    meta = {"type": pack.id, "type_name": pack.name, "seed": seed, "year": config.year,
            "plan_level": plan.level, "thin": plan.thin, "phrases_used": api.used}
    return Draft(title=title, byline=byline, blocks=blocks, meta=meta)


def compose(config: Config, *, seed: int | None = None, template_dirs=(), phrase_dirs=(),
            bank: Phrasebank | None = None, reporters: list[int] | None = None) -> Draft:
    """Render ``config`` with its pack into a Draft as close to the length target as the pack allows."""
    packs = find_packs(template_dirs)
    pack = packs[resolve_type(config.type, template_dirs)]
    missing = [k for k in pack.requires if not getattr(config, k, None)]
    if missing:
        raise InputError(f"{pack.name}需要配置项：{'、'.join(missing)}", path=config.source, key=missing[0])
    bank = bank if bank is not None else load_phrasebank(list(phrase_dirs))
    env = environment(pack, template_dirs)
    seed = config.seed if seed is None else seed
    if config.length and not pack.min_length <= config.length <= pack.max_length:
        raise InputError(f"{pack.name}的目标字数应在 {pack.min_length}–{pack.max_length} 之间", path=config.source,
                         line=config.lines.get("length") or config.lines.get("minutes"), key="length")
    target = config.length or pack.default_length_for(len(config.points), len(config.reporters))
    if reporters is not None:  # one reporter's 点评: scale the target to one reporter's share
        target = max(pack.min_length // 2, target // max(1, len(config.reporters)))
    types = {pack.id, config.type}
    cur = pack
    while cur.extends and cur.extends in packs and cur.extends not in types:
        types.add(cur.extends)  # a pack that extends another uses that meeting type's phrases too
        cur = packs[cur.extends]
    pools = Pools(bank, config.year, types)
    cache: dict[tuple[int, float], Draft] = {}

    def at(level: int, thin: float = 0.0) -> Draft:
        if (level, thin) not in cache:
            plan = replace(LADDER[level], thin=thin)
            cache[level, thin] = _render_once(config, pack, env, pools, plan, seed, pack.template, reporters)
        return cache[level, thin]

    # Length grows with the level (more sub-points, more sentences): bisect for the first level that
    # reaches the target; then, between it and the level below, thin an evenly spread share of the
    # sub-points by one sentence to come closer — whole sentences only, never cut or padded.
    lo, hi = 0, len(LADDER) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if at(mid).char_count() < target:
            lo = mid + 1
        else:
            hi = mid
    candidates = [at(lo)] + ([at(lo - 1)] if lo > 0 else [])
    if at(lo).char_count() > target:
        a, b = 0, len(THIN) - 1
        while a <= b:  # more thinning → shorter
            mid = (a + b) // 2
            draft = at(lo, THIN[mid])
            candidates.append(draft)
            if draft.char_count() > target:
                a = mid + 1
            else:
                b = mid - 1
    best = min(candidates, key=lambda d: (abs(d.char_count() - target), d.meta["plan_level"], d.meta["thin"]))
    reachable = (at(0).char_count(), at(len(LADDER) - 1).char_count())
    gap = abs(best.char_count() - target)
    best.meta.update(target=target, reachable=reachable, length_ok=gap <= 0.15 * target)
    return best
