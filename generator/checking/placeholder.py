"""The ``placeholder`` rule: XX, ***, 〔待补〕, 某某 and template remnants left in a draft."""

from __future__ import annotations

import re

from generator.checking.base import Doc, Finding, finding
from generator.zh import CJK

_PLACEHOLDERS = (
    (re.compile(r"[〔【\[［]待补[^〕】\]］]*[〕】\]］]"), "待补标记"),
    (re.compile(r"(?:19|20)[*＊XxＸｘ×]{2}年"), "年份遮掩"),
    (re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])"), "XX 遮掩"),
    (re.compile(rf"(?<![A-Za-z])[XＸ](?=[余多个名人次条万千百位家项%％\d{CJK}])(?![光射])"), "X 遮掩"),
    (re.compile(r"[*＊]+"), "星号遮掩"),
    (re.compile(r"×+"), "×遮掩"),
    (re.compile(r"某某"), "某某"),
    (re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"), "模板标记"),
    (re.compile(r"\{[a-z_]+\}"), "未填的模板空位"),
    (re.compile(r"(?<![A-Za-z])(?:None|null|undefined|nan)(?![A-Za-z])"), "程序空值"),
    (re.compile(r"…{6,}|\.{6,}|。{3,}"), "省略号占位"),
)


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
