"""The ``placeholder`` rule: XX, ***, 〔待补〕, 某某 and template remnants left in a draft."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module

from generator.checking.base import Doc, Finding, finding
from generator.zh import PLACEHOLDER_KINDS

_PLACEHOLDERS = PLACEHOLDER_KINDS


def has_placeholder(text: str) -> bool:
    """True when ``text`` holds a placeholder of any kind."""
    return any(rx.search(text) for rx, _ in _PLACEHOLDERS)


def check_placeholder(doc: Doc) -> list[Finding]:
    """One finding per paragraph and kind of placeholder (twelve ``X个`` in a paragraph are one task)."""
    out = []
    for i, line in enumerate(doc.lines):
        taken: list[tuple[int, int]] = []
        found: dict[str, list[re.Match]] = {}
        for rx, kind in _PLACEHOLDERS:
            for m in rx.finditer(line):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue  # 20**年 is one placeholder, not also a 星号遮掩
                taken.append((m.start(), m.end()))
                found.setdefault(kind, []).append(m)
        for kind, ms in found.items():
            m = min(ms, key=lambda x: x.start())
            shown = "、".join(dict.fromkeys(x.group(0) for x in ms))
            times = f" {len(ms)} 处" if len(ms) > 1 else ""
            out.append(finding("placeholder", "error", i, line, m.start(), m.end(),
                                f"有{times}未填写的占位符“{shown}”（{kind}），请填入实际内容后再定稿"))
    return out
