"""Generalisation: the specific words of one place and year become slots ({place} {scope} {year} {n} …)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from generator.mining.segment import tag, tokens
from generator.corpus import find_placeholders

_LEVELS = ("区", "县", "市", "镇", "乡", "街道")
_PLACE_SUFFIX = ("街道", "市", "区", "县", "镇", "乡", "州")
_JUNK_RE = re.compile(r"[A-Za-z]|https?|www|…|\.{3}|[*＊]|\d|版权|链接|本文标题|微信|客服|订阅|责任编辑|"
                      r"来源[：:]|转载|扫一扫|分享到|点击|上一篇|下一篇|\s")
_PAIRS = (("“", "”"), ("（", "）"), ("《", "》"), ("(", ")"))
_NOT_JUNK_RE = re.compile(r"\{[a-z_]+\}|(?<!\d)\d{2,3}周年")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_BAD_START = frozenset("，、。；：！？”）》")


# ---------------------------------------------------------------- generalisation
@dataclass(frozen=True)
class Context:
    """What a speech says about itself: its jurisdiction level (区/县/市…) and the meeting year."""

    level: str | None
    year: int | None

    @classmethod
    def of(cls, speech) -> Context:
        head = speech.title + "".join(p.text for p in speech.paragraphs[:40])
        counts = {lv: head.count(f"全{lv}") + head.count(f"我{lv}") + 3 * speech.title.count(f"{lv}委书记")
                  for lv in _LEVELS}
        level = max(_LEVELS, key=lambda lv: (counts[lv], -_LEVELS.index(lv)))
        years = [int(y) for y in _YEAR_RE.findall(head)]
        return cls(level if counts[level] else None, max(years) if years else None)


def generalise(text: str, ctx: Context, count_slot: bool = False) -> str | None:
    """``text`` with the specific turned into slots ({place} {scope} {year} {n} …); None when it can't be."""
    for start, end, kind in reversed(find_placeholders(text)):
        after = text[end:end + 2]
        if kind == "year" or kind == "unknown" and text[start] in "X" and after[:1] not in "的不发，。、在":
            return None
        if kind == "place" or kind == "unknown" and text[start] == "X":
            suffix = next((s for s in _PLACE_SUFFIX if after.startswith(s)), None)
            if suffix is None and after[:1] not in "的不发，。、在":
                return None
            text = text[:start] + "{place}" + text[end + len(suffix or ""):]
        elif kind == "number":
            text = text[:start] + "{n}" + text[end:]
        else:
            text = text[:start] + "{name}" + text[end:]
    with_years = _generalise_years(text, ctx)
    if with_years is None:
        return None
    text = _NUMBER_RE.sub("{n}", with_years)
    text = _generalise_places(text)
    if ctx.level:
        scope_re, our, committee_re = _level_res(ctx.level)
        text = committee_re.sub("{committee}", scope_re.sub("{scope}", text).replace(our, "{our}"))
    if count_slot:
        text = _COUNT_RE.sub(r"\1{count}\2", text)
    if text.count("{place}") > 1:
        return None
    return text


_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?(?!\d*周年)(?=\D|$)")
_COUNT_RE = re.compile(r"([讲谈提])[一二三四五六七八九十]{1,2}((?:点|个方面的?)意见)")


@cache
def _level_res(lv: str) -> tuple[re.Pattern, str, re.Pattern]:
    """全区 → {scope}, 我区 → {our}, 区委 → {committee} for a jurisdiction level (compiled once)."""
    committee = "镇党委" if lv == "镇" else "乡党委" if lv == "乡" else f"{lv}委"
    return (re.compile(f"全{lv}(?!域)"), f"我{lv}",
            re.compile(f"(?<![社城园辖地街山景小]){committee}(?!员)"))


def _generalise_years(text: str, ctx: Context) -> str | None:
    def repl(m: re.Match) -> str:
        y = int(m.group(1))
        if ctx.year and y == ctx.year:
            return "{year}年"
        if ctx.year and y == ctx.year - 1:
            return "{review_year}年"
        if y >= 2035:
            return m.group(0)
        raise ValueError
    try:
        return _YEAR_RE.sub(repl, text)
    except ValueError:
        return None  # a stale literal year would date the entry wrongly


_SUFFIX_RE = re.compile(r"(?<=[\u4e00-\u9fff])(?:街道|市|区|县|州|镇|乡)(?![场民长委政级域内外直属情况])")


def _generalise_places(text: str) -> str:
    """Real place names (江北区, 北京市: a jieba ns word before 市/区/县…) become {place}.

    Only a few characters around each suffix are segmented, never the whole text, to keep mining fast.
    """
    for m in reversed(list(_SUFFIX_RE.finditer(text))):
        window = text[max(0, m.start() - 5):m.end()]
        words = tokens(window)
        last = words[-1]
        if last == m.group(0) and len(words) >= 2 and tag(words[-2]) == "ns" and len(words[-2]) >= 2:
            size = len(words[-2]) + len(last)
        elif tag(last) == "ns" and 3 <= len(last) <= 6 and last.endswith(m.group(0)):
            size = len(last)
        else:
            continue
        text = text[:m.end() - size] + "{place}" + text[m.end():]
    return text


def is_junk(text: str) -> bool:
    """True for text no entry may hold: pinyin, URLs, footers, …… filler, raw masks, unbalanced marks."""
    bare = _NOT_JUNK_RE.sub("", text)  # 建党105周年 is dated by an era rule, not junk
    if _JUNK_RE.search(bare) or "XX" in text or not _HAN_RE.search(bare):
        return True
    if any(text.count(a) != text.count(b) for a, b in _PAIRS):
        return True
    return text[:1] in _BAD_START
