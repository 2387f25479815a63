"""The ``punctuation`` rule: half-width marks between Chinese characters, doubled marks, unpaired quotes and brackets."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module

from generator.checking.base import Doc, Finding, finding
from generator.zh import CJK

_HALF = re.compile(rf"(?<=[{CJK}”’）])[,;:!?](?!\d)|[,;:!?](?=[{CJK}“‘（])|(?<=[{CJK}])\((?!\d+\))|"
                   rf"\((?=[{CJK}])|(?<=[{CJK}])\)|\)(?=[{CJK}])|(?<=[{CJK}])\.(?![\d.])|"
                   rf"(?<=[{CJK}])\"|\"(?=[{CJK}])")
_DOUBLE = re.compile(r"[，。、；：！？,;:]{2,}")
_PAIRS = {"“": "”", "《": "》", "（": "）", "【": "】", "‘": "’", "「": "」"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


HALF_SPREAD = 3  # paragraphs with half-width marks beyond which one finding speaks for the whole draft


def check_punctuation(doc: Doc) -> list[Finding]:
    out = []
    half = [(i, hits) for i, line in enumerate(doc.lines) if (hits := list(_HALF.finditer(line)))]
    if len(half) > HALF_SPREAD:  # typed with a half-width input method throughout: one fix, one finding
        i, hits = half[0]
        marks = "".join(sorted({m.group(0) for _, ms in half for m in ms}))
        where = "、".join(str(k + 1) for k, _ in half[:HALF_SPREAD])
        out.append(finding("punctuation", "warning", i, doc.lines[i], hits[0].start(), hits[0].end(),
                           f"中文之间用了半角标点“{marks}”，全文 {len(half)} 段共 {sum(len(ms) for _, ms in half)} 处"
                           f"（第{where}段等），请统一改为全角标点"))
        half = []
    for i, hits in half:
        marks = "".join(sorted({m.group(0) for m in hits}))
        out.append(finding("punctuation", "warning", i, doc.lines[i], hits[0].start(), hits[0].end(),
                           f"中文之间用了半角标点“{marks}”（{len(hits)} 处），请改为全角标点"))
    for i, line in enumerate(doc.lines):
        doubles = [m for m in _DOUBLE.finditer(line) if m.group(0) not in ("？！", "！？")]
        for m in doubles:
            out.append(finding("punctuation", "warning", i, line, m.start(), m.end(), f"标点重复“{m.group(0)}”，请只保留一个"))
        bad = _unpaired(line)
        if bad is not None:
            pos, ch = bad
            want = _PAIRS.get(ch) or _CLOSERS[ch]
            out.append(finding("punctuation", "warning", i, line, pos, pos + 1, f"“{ch}”没有配对的“{want}”，请补齐或删去"))
    return out


def _unpaired(line: str) -> tuple[int, str] | None:
    """Position and character of the first unpaired quote or bracket in a line, else None."""
    stack: list[tuple[int, str]] = []
    for pos, ch in enumerate(line):
        if ch in _PAIRS:
            stack.append((pos, ch))
        elif ch in _CLOSERS:
            if stack and stack[-1][1] == _CLOSERS[ch]:
                stack.pop()
            else:
                return pos, ch
    return stack[0] if stack else None
