"""Drafting: render a pack's template in a sandbox, parse its output into a Draft, fit the length target.

The template is rendered once per density level (see ``template_api.LADDER``) and the draft nearest
the length target is kept; spans carry the provenance marks the template API put on every phrase.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace

from jinja2 import TemplateError

from generator.drafting.config import Config
from generator.document import Block, Draft, Span
from generator.errors import InputError
from generator.drafting.packs import Pack, environment, extends_chain, find_packs, resolve_type
from generator.bank.entries import Phrasebank, load_phrasebank
from generator.drafting.chooser import Pools, pools_for
from generator.drafting.plan import LADDER, THIN, Plan, RecordedPlan, same_answers
from generator.drafting.sandbox import render_bounded
from generator.drafting.template_api import (MARK_RE, SLOT_SEP, TemplateApi, plain, template_context, unseal,
                                             unused_pins)

EACH_FRAME = 250  # characters of opening and closing around one reporter's 点评 (render --each)
_LINE_RE = re.compile(r"^@(title|byline|salutation|h1|h2|h3|h4|p)(?:\s(.*))?$")
_STRAY_TAG = re.compile(r"@(?:title|byline|salutation|h[1-4]|p)\s")
_KINDS = {"salutation": ("salutation", None), "p": ("paragraph", None),
          **{f"h{i}": ("heading", i) for i in range(1, 5)}}


def _parse(output: str, template_name: str) -> tuple[str, tuple[str, ...], tuple[Block, ...]]:
    title, byline, blocks = "", [], []
    default_source = f"template:{template_name}"
    for raw in output.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = _LINE_RE.match(line)
        if not m:
            raise InputError("模板输出的行应以 @title/@byline/@salutation/@h1–@h4/@p 开头", path=template_name,
                             line=None, source_line=plain(line)[:60])
        tag, body = m.group(1), (m.group(2) or "").strip()
        if _STRAY_TAG.search(MARK_RE.sub("", body)):
            raise InputError("模板输出的一行里有两个 @ 标记（常见原因：行尾的 {% endif %} 吞掉了换行，"
                             "可改用 {{ x if 条件 else \"\" }}）", path=template_name, source_line=plain(line)[:60])
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


def _template_where(exc: BaseException) -> tuple[str | None, int | None]:
    """(template file, line) of the innermost template frame a runtime error passed through."""
    tb = exc.__traceback__
    where: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


def _names(ctx: dict) -> dict[str, list[str]]:
    """What a template may name, for the 是否想写 hint of an error."""
    return {"cfg": sorted(ctx["cfg"]), "s": [n for n in dir(ctx["s"]) if not n.startswith("_")],
            "plan": [f.name for f in fields(Plan)], "": ["cfg", "plan", "s", "each"]}


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _spans(body: str, default_source: str) -> tuple[Span, ...]:
    # (text, source, emphasis, slot) of each stretch, in order; Spans made once, after merging
    parts: list[tuple[str, str, bool, str]] = []
    pos = 0
    for m in MARK_RE.finditer(body):
        if m.start() > pos:
            parts.append((body[pos:m.start()], default_source, False, ""))
        field, emphasis = m.group(1), False
        if field.startswith("!"):
            field, emphasis = field[1:], True
        # a mark the API did not make (written by a template or hidden in a text) is template text
        source, _, slot = (unseal(field) or default_source).partition(SLOT_SEP)
        parts.append((m.group(2), source, emphasis, slot))
        pos = m.end()
    if pos < len(body):
        parts.append((body[pos:], default_source, False, ""))
    merged: list[list] = []
    for text, *key in parts:
        # no control character reaches a writer (Word's XML refuses them), whoever wrote it
        if _CONTROL.search(text):
            text = _CONTROL.sub("", text)
        if merged and merged[-1][1:] == key:
            merged[-1][0] += text
        elif text:
            merged.append([text, *key])
    return tuple(Span(*m) for m in merged)


def _render_once(config: Config, pack: Pack, env, pools: Pools, plan: Plan, seed: int,
                 template: str, reporters=None, alternatives: bool = False, questions: list | None = None) -> Draft:
    """One render of the template for ``plan``; ``questions``: a list that gets what the render asked of
    the plan (see RecordedPlan)."""
    asked = plan if questions is None else RecordedPlan(plan, questions)
    api = TemplateApi(config, pools, asked, seed, alternatives=alternatives)
    ctx = template_context(config, api, pack.keys, only_reporters=reporters)
    ctx["each"] = reporters is not None
    try:
        output = render_bounded(env.get_template(template), ctx, env)
    except TemplateError as exc:
        where_file, where_line = _template_where(exc)
        lineno = getattr(exc, "lineno", None) or where_line
        file = getattr(exc, "filename", None) or where_file or f"{pack.dir / template}"
        from generator.drafting.template_errors import explain  # only when a template fails

        raise InputError(f"模板出错：{explain(exc, _names(ctx))}", path=file, line=lineno) from None
    except InputError as exc:
        if exc.path is not None:
            raise
        # the template API refused what the template passed it (a bad avoid/match pattern): say where
        file, line = _template_where(exc)
        raise InputError(f"模板调用有误：{exc.message}", path=file or f"{pack.dir / template}", line=line,
                         key=exc.key) from None
    title, byline, blocks = _parse(output, f"{pack.id}/{template}")
    meta = {"type": pack.id, "type_name": pack.name, "seed": seed, "year": config.year,
            "speaker": config.speaker, "date": config.date,  # the .docx's author and creation date
            "plan_level": plan.level, "thin": plan.thin, "phrases_used": api.used,
            "notes": list(api.notes), "pins_unused": unused_pins(api)}
    if alternatives:
        meta["slots"] = api.slots
    return Draft(title=title, byline=byline, blocks=blocks, meta=meta)


def compose(config: Config, *, seed: int | None = None, template_dirs=(), phrase_dirs=(),
            bank: Phrasebank | None = None, reporters: list[int] | None = None,
            alternatives: bool = False) -> Draft:
    """Render ``config`` with its pack into a Draft as close to the length target as the pack allows.

    The config's ``pins`` lock sentences by slot (each phrase span carries its ``slot``); pins the draft
    could not use are in ``meta["pins_unused"]`` (slot → why). ``alternatives``: also list, per slot,
    the other sentences that fit there (``meta["slots"]``, the workbench's 换一句)."""
    packs = find_packs(template_dirs)
    pack = packs[resolve_type(config.type, template_dirs)]
    if config.type != pack.id:  # 述职评议点评 and dianping are one meeting type, so one draft (the draw is keyed by it)
        config = config.replace(type=pack.id)
    missing = [k for k in pack.requires if not getattr(config, k, None)]
    if missing:
        raise InputError(f"{pack.name}需要配置项：{'、'.join(missing)}", path=config.source, key=missing[0])
    if bank is None:  # the config's own phrases: folders come after those given
        dirs = list(phrase_dirs) + [p for p in (getattr(config, "phrases", ()) or ()) if p not in list(phrase_dirs)]
        bank = load_phrasebank(dirs)
    env = environment(pack, template_dirs)
    seed = config.seed if seed is None else seed
    if config.length and not pack.min_length <= config.length <= pack.max_length:
        raise InputError(f"{pack.name}的目标字数应在 {pack.min_length}–{pack.max_length} 之间", path=config.source,
                         line=config.lines.get("length") or config.lines.get("minutes"), key="length")
    target = config.length or pack.default_length_for(len(config.points), len(config.reporters))
    if reporters is not None:
        # One reporter's 点评 on its own (--each): that reporter's share of the whole, but no more than a
        # reporter's part plus a short opening and close — the overall parts are not in it.
        # the share of the unclamped whole: 200 reporters under the pack's max would leave each 40 characters
        whole = config.length or (pack.default_length + pack.per_point * len(config.points)
                                  + pack.per_reporter * len(config.reporters))
        share = max(target, whole) // max(1, len(config.reporters))
        target = min(share, pack.per_reporter + EACH_FRAME) if pack.per_reporter else share
    # A pack that extends another uses that meeting type's phrases too, unless it says not (inherit_phrases:
    # false: a 党建工作会议 on the 述职 template must not open with 述职's openings); the chain stops there.
    chain = extends_chain(pack, packs)  # the pack itself first (config.type may be its Chinese name)
    types = {config.type, pack.id}
    for parent, child in zip(chain[1:], chain):
        if not child.inherit_phrases:
            break
        types.add(parent.id)
    pools = pools_for(bank, config.year, types, config.level)
    cache: dict[tuple[int, float], Draft] = {}
    rendered: list[tuple[list, Draft]] = []  # each render with the questions it asked of its plan

    def at(level: int, thin: float = 0.0) -> Draft:
        if (level, thin) not in cache:
            plan = replace(LADDER[level], thin=thin)
            # A plan that answers every question an earlier render asked the way that render's plan did
            # gets the same draft without rendering again (many ladder steps differ only in what a
            # template does not read).
            same = next((d for questions, d in rendered if same_answers(plan, questions)), None)
            if same is not None:
                cache[level, thin] = replace(same, meta={**same.meta, "plan_level": level, "thin": thin})
            else:
                questions: list = []
                cache[level, thin] = _render_once(config, pack, env, pools, plan, seed, pack.template, reporters,
                                                  alternatives, questions)
                rendered.append((questions, cache[level, thin]))
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
    gap = abs(best.char_count() - target)
    reachable = Reachable(lambda: (at(0).char_count(), at(len(LADDER) - 1).char_count()))
    if gap > 0.15 * target:  # the summary says what can be written: worked out now
        shortest, longest = reachable
        if config.length and shortest <= target <= longest:
            # within reach, but the levels near the bisection's are not monotone here (a section's extra
            # sub-heading at one level, a thinner body at the next): look at the neighbours and their thinning
            # too before saying the target cannot be met
            for level in range(max(0, lo - NEAR_LEVELS), min(len(LADDER), lo + NEAR_LEVELS + 1)):
                candidates.append(at(level))
                if at(level).char_count() > target:
                    candidates += [at(level, thin) for thin in THIN]
            best = min(candidates, key=lambda d: (abs(d.char_count() - target), d.meta["plan_level"], d.meta["thin"]))
            gap = abs(best.char_count() - target)
        if not config.length:
            # no length asked: the pack's default is ours, so it is held to what the pack can write for
            # these points and reporters, not warned about (a reader's finding: 目标 1900 字 but 可写 2245 起)
            target = min(max(target, shortest), longest)
            candidates += [at(0), at(len(LADDER) - 1)]
            best = min(candidates, key=lambda d: (abs(d.char_count() - target), d.meta["plan_level"],
                                                  d.meta["thin"]))
            gap = abs(best.char_count() - target)
    best.meta.update(target=target, reachable=reachable, length_ok=gap <= 0.15 * target)
    return best


#: How many levels either side of the bisection's the fit looks at when the bisection misses a reachable target.
NEAR_LEVELS = 3


class Reachable:
    """(shortest, longest) a pack writes for this config, as ``meta["reachable"]``: the two extreme drafts
    are rendered only when someone asks (the summary asks when the target is out of reach)."""

    def __init__(self, work) -> None:
        self._work = work
        self._value: tuple[int, int] | None = None

    def _get(self) -> tuple[int, int]:
        if self._value is None:
            lo, hi = self._work()
            self._value, self._work = (lo, hi), None
        return self._value

    def __iter__(self):
        return iter(self._get())

    def __getitem__(self, i):
        return self._get()[i]

    def __len__(self) -> int:
        return 2

    def __eq__(self, other) -> bool:
        return tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(self._get())
