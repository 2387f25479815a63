"""Units below the sentence, mined in the same pass as the entries: sub-point heads with the body written
under them, and clauses by function (a measure 健全…机制 / 推动… / 依托…; a purpose or standard 确保… /
做到… / 让…成为…; a judgement …是…的关键). Each carries its matter — the content words jieba finds in it
at mining time — so that drafting and the checker can match heads and sentences without loading jieba;
the words themselves go into the folder's vocabulary (``vocabulary.json``).

Unit texts are generalised like entries ({scope} {place} {year} …); what ties a unit to its place (a
quoted local project name, a number) is listed under ``local``, not dropped, so a reader can see why
drafting does not use it elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.bank.units import UNIT_KINDS  # noqa: F401  (the kinds live with the loader)
from generator.mining import segment

#: jieba POS tags of words that can carry a matter: nouns, verbs, verbal nouns, set phrases, abbreviations.
CONTENT_TAGS = frozenset({"n", "nz", "nt", "nl", "ng", "vn", "v", "an", "l", "i", "j"})
#: A clause that says what the measures are for, or the standard they reach.
_PURPOSE_RE = re.compile(r"^(?:确保|做到|让|使|努力|真正|切实做到|推动形成|形成|实现|达到|力争|防止|避免|杜绝)")
#: A clause that judges (…是…的关键 / 重在… / 关键在…).
_JUDGEMENT_RE = re.compile(r"是[^，；。]{1,16}的(?:关键|基础|根本|前提|保障|核心|重点|要求|责任|体现|根基|生命线)|"
                           r"^(?:关键在|重在|贵在|要在|根本在|基础在)|^[^，；。]{2,12}是[^，；。]{0,10}的[\u4e00-\u9fff]{1,6}$")
#: A clause that says what to do: it opens (after 要/必须 and a subject) with a verb of action.
_MEASURE_RE = re.compile(
    r"^(?:健全|完善|建立|推动|推进|依托|加强|强化|深化|落实|坚持|注重|探索|创新|用好|发挥|抓好|抓实|开展|实行|推行|"
    r"选派|整合|构建|打造|统筹|严格|规范|压实|督促|引导|组织|实施|聚焦|围绕|着力|突出|把|以|通过|借助|完善|优化|"
    r"整顿|排查|摸排|建强|选优配强|配强|培育|发展|壮大|盘活|拓宽|畅通|落细|细化|明确|制定|推广|总结|树立|激发|"
    r"调动|关心|关爱|保障|提高|提升|增强|扩大|延伸|下沉|覆盖|吸纳|教育|管理|服务|监督|考核|督查|问责|追责|整改)")
_LEAD_RE = re.compile(r"^(?:同志们，)?(?:[^，。；]{0,12}?(?:要|必须|务必|应当|应该)|还要|更要|也要|同时，?|此外，?)")
_QUOTED_RE = re.compile(r"“([^“”]{1,24})”")
_CLAUSE_SPLIT_RE = re.compile(r"(?<=[，；])")
CLAUSE_BOUNDS = (6, 40)
HEAD_BOUNDS = (4, 40)
BODY_MAX = 8  # sentences kept with one head


@dataclass
class Units:
    """The units and content words of one speech (the map step's output beside its entry candidates)."""

    items: list[tuple] = field(default_factory=list)  # (kind, text, body, matter, themes, local, source, types)
    words: dict[str, int] = field(default_factory=dict)  # content word → units it occurs in

    def add(self, kind: str, text: str, source: str, themes: tuple[str, ...], body: tuple[str, ...] = (),
            known: frozenset[str] = frozenset(), types: tuple[str, ...] = ()) -> None:
        lo, hi = HEAD_BOUNDS if kind == "head" else CLAUSE_BOUNDS
        if not lo <= len(text) <= hi:
            return
        found = content_words(text)
        for w in set(found):
            self.words[w] = self.words.get(w, 0) + 1
        self.items.append((kind, text, tuple(body), tuple(dict.fromkeys(found)), themes, local_marks(text, known),
                           source, types))


def content_words(text: str) -> list[str]:
    """Words of ``text`` that may carry a matter (jieba, at mining time only), in order: two characters or
    more, Chinese only, a content part of speech or a word of our user dictionary."""
    out = []
    for w in segment.tokens(text):
        if len(w) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", w):
            continue
        t = segment.tag(w)
        if t is None or t in CONTENT_TAGS:
            out.append(w)
    return out


def local_marks(text: str, known: frozenset[str]) -> tuple[str, ...]:
    """What ties ``text`` to the place it came from: quoted names that are not known terms, numbers."""
    marks = [f"“{q}”" for q in _QUOTED_RE.findall(text) if q not in known]
    if "{n}" in text:
        marks.append("{n}")
    if "{name}" in text:
        marks.append("{name}")
    return tuple(marks)


def clause_units(sentence: str) -> list[tuple[str, str]]:
    """(kind, clause) for the clauses of a requirement sentence that are measures, purposes or judgements.

    The sentence is cut after every ，/； (not inside quotes); a measure keeps its own words without the
    sentence's 要/必须 lead, so it can be joined to others (要X，Y，确保Z。)."""
    out = []
    body = sentence.rstrip("。！？；")
    for k, raw in enumerate(_clauses(body)):
        clause = raw.rstrip("，；").strip()
        if k == 0:
            clause = _LEAD_RE.sub("", clause)
        if _JUDGEMENT_RE.search(clause):
            out.append(("judgement", clause))
        elif _PURPOSE_RE.match(clause):
            out.append(("purpose", clause))
        elif _MEASURE_RE.match(clause):
            out.append(("measure", clause))
    return out


def _clauses(text: str) -> list[str]:
    """``text`` cut after ，/； outside quotes (“……，……” stays whole)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "“（《":
            depth += 1
        elif ch in "”）》":
            depth = max(0, depth - 1)
        elif ch in "，；" and depth == 0:
            out.append(text[start:i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return [c for c in out if c.strip("，；")]
