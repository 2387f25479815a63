"""Shared pieces of the checker rules: Finding, Doc, excerpts, numerals and heading detection."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module
from dataclasses import asdict, dataclass

from generator.zh import CJK, ORDINAL_WORDS, parse_cn

SEVERITIES = ("error", "warning", "info")
_CN = "〇零一二两三四五六七八九十百"


@dataclass(frozen=True)
class Finding:
    """One problem found: rule id, severity, 1-based paragraph (0 = the whole draft), excerpt, Chinese message."""

    rule: str
    severity: str
    paragraph: int
    excerpt: str
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Doc:
    """A draft as the rules see it: its lines, where the body starts, and each line's heading (level, number)."""

    lines: tuple[str, ...]
    body_start: int  # index of the first line after the title and byline
    headings: tuple[tuple[int, int] | None, ...]

    def body(self):
        """(0-based index, line) of every body line."""
        return [(i, self.lines[i]) for i in range(self.body_start, len(self.lines))]


def excerpt(line: str, start: int = 0, end: int | None = None, width: int = 40) -> str:
    """At most ``width`` characters of ``line`` centred on the hit [start, end)."""
    end = start if end is None else end
    if len(line) <= width:
        return line
    left = max(0, min(start - (width - (end - start)) // 2, len(line) - width))
    return line[left:left + width]


_NUM = f"[{_CN}]{{1,3}}"
# 第一 that is a word, not a numbering: 第一书记, 第一责任人, 第一议题, 第一次, 第一时间, 第一线, 第一手 …
_HEADINGS = (
    (1, re.compile(rf"^({_NUM})、")),
    (1, re.compile(rf"^第({_NUM})(?=[、，,：:．.\s]|[{CJK}])(?!{ORDINAL_WORDS})")),
    (2, re.compile(rf"^[（(]({_NUM})[）)]")),
    (3, re.compile(r"^(\d{1,2})(?:[.．、](?!\d)|\s)")),
    (4, re.compile(r"^[（(](\d{1,2})[）)]")),
)


def heading_of(line: str) -> tuple[int, int] | None:
    """(level, number) when ``line`` is a heading (一、 第一 → 1, （一） → 2, 1. → 3, （1） → 4), else None."""
    for level, rx in _HEADINGS:
        m = rx.match(line)
        if m:
            if m.group(0).startswith("第") and (len(line) > 60 or "。" in line[:-1]):
                continue  # "第一，……。" inline in a paragraph is a sub-point, not a section heading
            n = parse_cn(m.group(1))
            if n:
                return level, n
    return None


_ORDINAL_LEAD = re.compile(rf"^第{_NUM}[，,、：:]")


def headings_of(lines) -> tuple[tuple[int, int] | None, ...]:
    """heading_of for every line, with each run of "第一，" lines read one way: under an 一、 heading, or
    when one of them is a paragraph (long, or several sentences), they are all sub-points, not headings."""
    heads = [heading_of(line) for line in lines]
    runs: list[list[int]] = [[]]
    for i, line in enumerate(lines):
        if _ORDINAL_LEAD.match(line):
            runs[-1].append(i)
        elif (head := heads[i]) and head[0] == 1:
            runs.append([])  # an 一、 heading ends the run
    for k, run in enumerate(runs):
        if k or any(heads[i] is None for i in run):
            for i in run:
                heads[i] = None
    return tuple(heads)


def finding(rule: str, severity: str, index: int, line: str, start: int, end: int, message: str) -> Finding:
    return Finding(rule, severity, index + 1, excerpt(line, start, end), message)
