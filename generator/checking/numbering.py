"""The checker's numbering rules: announced counts (count_mismatch) and sequences of headings and sub-points (enumeration)."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module
from typing import NamedTuple

from generator.checking.base import Doc, Finding, finding
from generator.zh import cn as cn_word, parse_cn as cn_number

_N = r"([一二两三四五六七八九十]{1,3}|\d{1,2})"
_ANNOUNCE = re.compile(
    rf"(?:讲|谈|提|说|强调|提出|明确)(?:以下)?{_N}(?:点|个方面|条)(?:的)?(?:意见|要求|体会|看法|想法|建议|希望|认识)?"
    rf"|{_N}个方面(?:的)?(?:意见|要求|工作|问题|体会)")
_LIST_ANNOUNCE = re.compile(rf"{_N}(?:个|项|条|点)[^，。；：:\s]{{0,8}}[：:]\s*(?=一是|一要|第一|$)")
_NUMERAL = "[一二三四五六七八九十]{1,3}"
# A sub-point marker opens a clause: 一要/二是 …, or 第一，/第二、 set off by punctuation. Requiring the
# punctuation after 第N keeps 第一书记, 第一责任人, 第一议题, 第一次, 第一时间, 第一线 out; requiring a clause
# start before it keeps 全市第一， and 争第一、 out; "第一、第二季度" / "第一、二等奖" are not a list either.
_MARKER = re.compile(rf"(?:^|(?<=[。；;：:！？!?，,\s“]))(?:({_NUMERAL})(是|要)|第({_NUMERAL})(?=[，,、：:](?![第一二三四五六七八九十])))")


class Mark(NamedTuple):
    line: int  # 0-based line index
    n: int
    kind: str  # 是, 要, or 第 for 第一/第二 …
    start: int
    end: int


def label(n: int, kind: str) -> str:
    """How sub-point ``n`` of a list of ``kind`` is written: 三要, 二是, 第四."""
    return f"第{cn_word(n)}" if kind == "第" else f"{cn_word(n)}{kind}"


def markers(text: str, line: int = 0) -> list[Mark]:
    """Sub-point markers 一是/二要/第三， in ``text``, in order."""
    out = []
    for m in _MARKER.finditer(text):
        n = cn_number(m.group(1) or m.group(3))
        if n:
            out.append(Mark(line, n, m.group(2) or "第", m.start(), m.end()))
    return out


# ------------------------------------------------------------------ count_mismatch
def _inline_count(text: str) -> int:
    """Sub-points in the list that opens ``text`` at 一 (lists nested in it, which restart at 一, aside)."""
    ms = markers(text)
    if not ms or ms[0].n != 1:
        return 0
    kinds, count, nested = {ms[0].kind}, 1, False
    for mark in ms[1:]:
        if mark.kind in kinds:
            nested, count = False, max(count, mark.n)
        elif mark.n == 1:
            nested = True  # 第一，……一是……二是…… ：the inner list does not count
        elif not nested:
            kinds.add(mark.kind)  # 一要……二是……: a mixed list still counts (enumeration reports the mix)
            count = max(count, mark.n)
    return count


def check_count_mismatch(doc: Doc) -> list[Finding]:
    out = []
    for i, line in doc.body():
        if doc.headings[i]:
            continue
        said_here = list(_ANNOUNCE.finditer(line))
        said_here += [m for m in _LIST_ANNOUNCE.finditer(line)
                      if not any(a.start() < m.end() and m.start() < a.end() for a in said_here)]
        for m in said_here:
            said = cn_number(next(g for g in m.groups() if g))
            if not said:
                continue
            given, what = _inline_count(line[m.end():]), "条"
            if not given:
                given = _points_after(doc, i)
            if not given:
                given, what = _sections_after(doc, i), "部分"
            if given and given != said:
                out.append(finding("count_mismatch", "error", i, line, m.start(), m.end(),
                                   f"前面说“{m.group(0)}”，后文实际{'只' if given < said else ''}有"
                                   f"{'两' if given == 2 else cn_word(given)}{what}；请核对数目，改正其一"))
    return out


def _points_after(doc: Doc, i: int) -> int:
    """Sub-points in the paragraphs right after line i that each open with 一要/二要 … (or 一是, 第一 …)."""
    count = 0
    for j in range(i + 1, len(doc.lines)):
        ms = markers(doc.lines[j])
        if doc.headings[j] or not ms or ms[0].start != 0 or ms[0].n != count + 1:
            break
        count += 1
    return count


def _sections_after(doc: Doc, i: int) -> int:
    """Headings at the level of the heading right after line i (or the one after), up to a higher heading."""
    level = None
    for j in range(i + 1, min(i + 3, len(doc.lines))):
        head = doc.headings[j]
        if head:
            level = head[0]
            break
    if level is None:
        return 0
    count = 0
    for h in doc.headings[i + 1:]:
        if h and h[0] < level:
            break
        if h and h[0] == level:
            count += 1
    return count


# ------------------------------------------------------------------ enumeration
def check_enumeration(doc: Doc) -> list[Finding]:
    return _heading_sequences(doc) + _inline_sequences(doc)


def _order_problem(what: str, prev: int, n: int, name) -> str | None:
    """Why number ``n`` may not follow ``prev`` (0 = nothing yet), or None when it may."""
    if n == prev + 1:
        return None
    if n == prev:
        return f"{what}序号重复：又一个“{name(n)}”，请顺次编号"
    if n > prev + 1:
        missing = "、".join(name(k) for k in range(prev + 1, n))
        after = f"“{name(prev)}”之后是" if prev else "开头就是"
        return f"{what}序号跳号：{after}“{name(n)}”，缺少“{missing}”，请顺次编号"
    return f"{what}序号倒退：“{name(prev)}”之后是“{name(n)}”，请顺次编号"


def _heading_sequences(doc: Doc) -> list[Finding]:
    out = []
    last: dict[int, int] = {}  # level -> last number seen under the current parent
    for i, h in enumerate(doc.headings):
        if not h or i < doc.body_start:
            continue
        level, n = h
        for deeper in [lv for lv in last if lv > level]:
            del last[deeper]  # a new parent heading starts its children's numbering afresh
        prev = last.get(level, 0)
        msg: str | None
        if n == 1 and prev:
            msg = f"标题序号在“{cn_word(prev)}”之后又从“一”开始，请检查是否漏了上一级标题或应接着编号"
        else:
            msg = _order_problem("标题", prev, n, cn_word)
        if msg:
            out.append(finding("enumeration", "error", i, doc.lines[i], 0, 4, msg))
        last[level] = n
    return out


def _inline_sequences(doc: Doc) -> list[Finding]:
    """一要/二要, 一是/二是 and 第一，/第二， markers, read in order within each section (between headings).

    Open lists form a stack: a list of another kind that starts at 一 inside a list is nested in it
    (第一，……一是……二是……第二，……), and a marker of an outer list's kind closes the lists inside.
    A marker of a kind no open list has, continuing the innermost list (一要……二是……), is a mix.
    """
    out: list[Finding] = []
    stack: list[list[Mark]] = []

    def close(depth: int) -> None:
        while len(stack) > depth:
            seq = stack.pop()
            odd = next((m for m in seq if m.kind != seq[0].kind), None)
            if odd is not None:
                k0 = seq[0].kind
                order = "、".join(label(m.n, m.kind) for m in seq)
                out.append(finding("enumeration", "error", odd.line, doc.lines[odd.line], odd.start, odd.end,
                                   f"“{label(1, k0)}”与“{label(odd.n, odd.kind)}”混用（{order}），"
                                   f"同一组要点请统一用“{label(1, k0)}、{label(2, k0)}……”"))

    for i, line in doc.body():
        if doc.headings[i]:
            close(0)
        for mark in markers(line, i):
            if mark.start == 0 and doc.headings[i]:
                continue  # a 第一， heading's own number belongs to the heading sequence
            owner = next((d for d in range(len(stack) - 1, -1, -1) if any(m.kind == mark.kind for m in stack[d])), None)
            if mark.n == 1:
                if owner is not None:
                    last = stack[owner][-1]
                    if last.line == i and last.kind == mark.kind and last.n > 1:
                        out.append(finding("enumeration", "error", i, line, mark.start, mark.end,
                                           f"同一段里“{label(last.n, mark.kind)}”之后又从“{label(1, mark.kind)}”开始，"
                                           f"请接着编号或拆成两段"))
                    close(owner)
                stack.append([mark])
                continue
            if not stack:
                out.append(finding("enumeration", "error", i, line, mark.start, mark.end,
                                   f"“{line[mark.start:mark.end]}”前面没有“{label(1, mark.kind)}”，请补齐或改正序号"))
                stack.append([mark])
                continue
            owner = len(stack) - 1 if owner is None else owner
            close(owner + 1)
            seq = stack[owner]
            kind = seq[-1].kind
            msg = _order_problem("要点", seq[-1].n, mark.n, lambda k, kind=kind: label(k, kind))
            if msg:
                out.append(finding("enumeration", "error", i, line, mark.start, mark.end, msg))
            seq.append(mark)
    close(0)
    return out
