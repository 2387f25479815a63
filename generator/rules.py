"""The checker's structural rules (placeholder, count_mismatch, enumeration, punctuation) and the Finding they report."""

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
_HEADINGS = (
    (1, re.compile(rf"^({_NUM})、")),
    (1, re.compile(rf"^第({_NUM})(?=[、，,：:．.\s]|[{CJK}])(?![项次个位条届批轮天年书部章节名类种责])")),
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


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("" if n // 10 == 1 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")


def _finding(rule: str, severity: str, index: int, line: str, start: int, end: int, message: str) -> Finding:
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
            out.append(_finding("placeholder", "error", i, line, m.start(), m.end(),
                                f"有{times}未填写的占位符“{shown}”（{kind}），请填入实际内容后再定稿"))
    return out


# ------------------------------------------------------------------ count_mismatch
_N = r"([一二两三四五六七八九十]{1,3}|\d{1,2})"
_ANNOUNCE = re.compile(
    rf"(?:讲|谈|提|说|强调|提出|明确)(?:以下)?{_N}(?:点|个方面|条)(?:的)?(?:意见|要求|体会|看法|想法|建议|希望|认识)?"
    rf"|{_N}个方面(?:的)?(?:意见|要求|工作|问题|体会)")
_LIST_ANNOUNCE = re.compile(rf"{_N}(?:个|项|条|点)[^，。；：:\s]{{0,8}}[：:]\s*(?=一是|一要|第一|$)")
_MARKER = re.compile(rf"(?:^|(?<=[。；;：:！？!?，,\s“]))([一二三四五六七八九十]{{1,3}})(是|要)")


def _inline_count(text: str) -> int:
    """Number of sub-points 一是/一要 … in ``text`` (the highest in a run starting at 一)."""
    nums = [cn_number(m.group(1)) for m in _MARKER.finditer(text)]
    if not nums or nums[0] != 1:
        return 0
    return max(n for n in nums if n)


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
                out.append(_finding("count_mismatch", "error", i, line, m.start(), m.end(),
                                    f"前面说“{m.group(0)}”，后文实际{'只' if given < said else ''}有"
                                    f"{'两' if given == 2 else _cn(given)}{what}；请核对数目，改正其一"))
    return out


def _points_after(doc: Doc, i: int) -> int:
    """Sub-points in the paragraphs right after line i that each open with 一要/二要 … (or 一是 …)."""
    count = 0
    for j in range(i + 1, len(doc.lines)):
        m = _MARKER.match(doc.lines[j])
        if doc.headings[j] or not m or cn_number(m.group(1)) != count + 1:
            break
        count += 1
    return count


def _sections_after(doc: Doc, i: int) -> int:
    """Headings at the level of the heading right after line i (or the one after), up to a higher heading."""
    level = None
    for j in range(i + 1, min(i + 3, len(doc.lines))):
        if doc.headings[j]:
            level = doc.headings[j][0]
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


def _order_problem(what: str, prev: int, n: int, label) -> str | None:
    """Why number ``n`` may not follow ``prev`` (0 = nothing yet), or None when it may."""
    if n == prev + 1:
        return None
    if n == prev:
        return f"{what}序号重复：又一个“{label(n)}”，请顺次编号"
    if n > prev + 1:
        missing = "、".join(label(k) for k in range(prev + 1, n))
        after = f"“{label(prev)}”之后是" if prev else "开头就是"
        return f"{what}序号跳号：{after}“{label(n)}”，缺少“{missing}”，请顺次编号"
    return f"{what}序号倒退：“{label(prev)}”之后是“{label(n)}”，请顺次编号"


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
        if n == 1 and prev:
            msg = f"标题序号在“{_cn(prev)}”之后又从“一”开始，请检查是否漏了上一级标题或应接着编号"
        else:
            msg = _order_problem("标题", prev, n, _cn)
        if msg:
            out.append(_finding("enumeration", "error", i, doc.lines[i], 0, 4, msg))
        last[level] = n
    return out


def _inline_sequences(doc: Doc) -> list[Finding]:
    """一要/二要 and 一是/二是 markers, read in order within each section (between any two headings)."""
    out = []
    seq: list[tuple[int, int, str, int, int]] = []  # (line, number, kind, start, end)

    def flush() -> None:
        kinds = sorted({k for _, _, k, _, _ in seq})
        if len(kinds) > 1:
            first_odd = next(s for s in seq if s[2] != seq[0][2])
            line = doc.lines[first_odd[0]]
            order = "、".join(f"{_cn(n)}{k}" for _, n, k, _, _ in seq)
            out.append(_finding("enumeration", "error", first_odd[0], line, first_odd[3], first_odd[4],
                                f"“一{seq[0][2]}”与“{_cn(first_odd[1])}{first_odd[2]}”混用（{order}），"
                                f"同一组要点请统一用“一{seq[0][2]}、二{seq[0][2]}……”"))
        seq.clear()

    for i, line in doc.body():
        if doc.headings[i]:
            flush()
        for m in _MARKER.finditer(line):
            n, kind = cn_number(m.group(1)), m.group(2)
            if not n:
                continue
            if n == 1:
                if seq and seq[-1][0] == i and seq[-1][2] == kind and seq[-1][1] > 1:
                    out.append(_finding("enumeration", "error", i, line, m.start(), m.end(),
                                        f"同一段里“{_cn(seq[-1][1])}{kind}”之后又从“一{kind}”开始，请接着编号或拆成两段"))
                flush()
                seq.append((i, n, kind, m.start(), m.end()))
                continue
            if not seq:
                msg = f"“{m.group(0)}”前面没有“一{kind}”，请补齐或改正序号"
            else:
                msg = _order_problem("要点", seq[-1][1], n, lambda k, kind=seq[-1][2]: _cn(k) + kind)
            if msg:
                out.append(_finding("enumeration", "error", i, line, m.start(), m.end(), msg))
            seq.append((i, n, kind, m.start(), m.end()))
    flush()
    return out


# ------------------------------------------------------------------ punctuation
_HALF = re.compile(rf"(?<=[{CJK}”’）])[,;:!?](?!\d)|[,;:!?](?=[{CJK}“‘（])|(?<=[{CJK}])\((?!\d+\))|"
                   rf"\((?=[{CJK}])|(?<=[{CJK}])\)|\)(?=[{CJK}])|(?<=[{CJK}])\.(?![\d.])|"
                   rf"(?<=[{CJK}])\"|\"(?=[{CJK}])")
_DOUBLE = re.compile(r"[，。、；：！？,;:]{2,}")
_PAIRS = {"“": "”", "《": "》", "（": "）", "【": "】", "‘": "’", "「": "」"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def check_punctuation(doc: Doc) -> list[Finding]:
    out = []
    for i, line in enumerate(doc.lines):
        hits = list(_HALF.finditer(line))
        if hits:
            marks = "".join(sorted({m.group(0) for m in hits}))
            out.append(_finding("punctuation", "warning", i, line, hits[0].start(), hits[0].end(),
                                f"中文之间用了半角标点“{marks}”（{len(hits)} 处），请改为全角标点"))
        doubles = [m for m in _DOUBLE.finditer(line) if m.group(0) not in ("？！", "！？")]
        for m in doubles:
            out.append(_finding("punctuation", "warning", i, line, m.start(), m.end(),
                                f"标点重复“{m.group(0)}”，请只保留一个"))
        bad = _unpaired(line)
        if bad is not None:
            pos, ch = bad
            want = _PAIRS.get(ch) or _CLOSERS[ch]
            out.append(_finding("punctuation", "warning", i, line, pos, pos + 1,
                                f"“{ch}”没有配对的“{want}”，请补齐或删去"))
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
