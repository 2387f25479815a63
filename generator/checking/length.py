"""The ``length`` rule: a draft more than 15 % off its target length (an error beyond 50 %)."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module

from generator.checking.base import Doc, Finding

def check_length(doc: Doc, target: int | None) -> list[Finding]:
    if not target:
        return []
    count = sum(len(re.sub(r"\s", "", line)) for _, line in doc.body())
    off = (count - target) / target
    if abs(off) <= 0.15:
        return []
    severity = "error" if abs(off) > 0.5 else "warning"
    way = "超出" if off > 0 else "不足"
    return [Finding("length", severity, 0, "",
                    f"正文 {count} 字，目标 {target} 字，{way} {abs(off):.0%}；请{'压缩' if off > 0 else '充实'}到目标的 ±15% 以内")]
