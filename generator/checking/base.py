"""Shared pieces of the checker rules (Finding, Doc, numerals, headings) and the rules placeholder, punctuation, length."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

SEVERITIES = ("error", "warning", "info")
_CN = "〇零一二两三四五六七八九十百"
_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CJK = r"\u3400-\u9fff\uf900-\ufaff"


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


def cn_number(text: str) -> int | None:
    """Value of a numeral written in digits or Chinese (一 … 九十九, 两), else None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN for c in text):
        return None
    if "百" in text:
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGIT.get(tens, None) if tens else 1
        o = _CN_DIGIT.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    if len(text) == 1:
        return _CN_DIGIT.get(text)
    return None


def excerpt(line: str, start: int = 0, end: int | None = None, width: int = 40) -> str:
    """At most ``width`` characters of ``line`` centred on the hit [start, end)."""
    end = start if end is None else end
    if len(line) <= width:
        return line
    left = max(0, min(start - (width - (end - start)) // 2, len(line) - width))
    return line[left:left + width]


_NUM = f"[{_CN}]{{1,3}}"
# 第一 that is a word, not a numbering: 第一书记, 第一责任人, 第一议题, 第一次, 第一时间, 第一线, 第一手 …
_ORDINAL_WORDS = ("[项次个位条届批轮天年书部章节名类种责线手期]|议题|时间|身份|职责|要务|生产力|动力|资源|课|主课|梯队|方阵"
                  "|阵地|季度|阶段|把手|标准|印象|现场|视角")
_HEADINGS = (
    (1, re.compile(rf"^({_NUM})、")),
    (1, re.compile(rf"^第({_NUM})(?=[、，,：:．.\s]|[{CJK}])(?!{_ORDINAL_WORDS})")),
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
            n = cn_number(m.group(1))
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
        elif heads[i] and heads[i][0] == 1:
            runs.append([])  # an 一、 heading ends the run
    for k, run in enumerate(runs):
        if k or any(heads[i] is None for i in run):
            for i in run:
                heads[i] = None
    return tuple(heads)


def cn_word(n: int) -> str:
    """Chinese numeral for 0 < n < 100 (一, 十二, 二十); counts before a measure word use 两 (see count_mismatch)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("" if n // 10 == 1 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")


def finding(rule: str, severity: str, index: int, line: str, start: int, end: int, message: str) -> Finding:
    return Finding(rule, severity, index + 1, excerpt(line, start, end), message)


# ------------------------------------------------------------------ placeholder
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


# ------------------------------------------------------------------ punctuation
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


# ------------------------------------------------------------------ length
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
