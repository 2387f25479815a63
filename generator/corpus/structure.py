"""Speech structure from cleaned lines: title, salutation, heading levels, sub-points, placeholders, roles."""

from __future__ import annotations

import re
from generator.zh import CJK, MASK_RE, NUM, ORDINAL_WORDS, POINT_LEAD_RE, parse_cn


SALUTATION_RE = re.compile(
    r"^(?:同志们|各位代表|各位委员|各位领导|各位同志|同志们、朋友们|女士们、先生们)[：！，]?$")

_L1_RE = re.compile(rf"^[{NUM}]{{1,3}}、")
_L1_ORD_RE = re.compile(rf"^第[{NUM}]{{1,3}}(?:[，、：]|(?=[{CJK}]))")
# 第一 runs straight into text in some headings (seed 000), but 第一书记/第一项/第一次 are words.
_ORD_WORD_RE = re.compile(rf"^第[{NUM}]{{1,3}}(?:{ORDINAL_WORDS})")  # one list, shared with the checker
# 第一，要层层传导压力。 is a sub-point, not a heading: a whole sentence giving a directive (but
# 第四，…的问题。 names a topic). So is a 第一，…； clause of a list.
_ORD_ITEM_RE = re.compile(rf"^第[{NUM}]{{1,3}}[，、是]")
_DIRECTIVE_RE = re.compile(r"必须|务必|应当|(?<![主重首紧必纲摘提概显扼只想需])要(?![求素点件务害闻员领])")
_L2_RE = re.compile(rf"^[（(][{NUM}]{{1,3}}[）)]")
_L3_RE = re.compile(r"^\d{1,2}[.．、](?!\d)")
_L4_RE = re.compile(r"^[（(]\d{1,2}[）)]")
_SENTENCE_END_RE = re.compile(r"[。！？!?；;]")

_MARKER_RE = re.compile(
    rf"(?:^|(?<=[。；：！？，]))(?:([{NUM}]{{1,2}})(?:是要|是|要|则)|第([{NUM}]{{1,2}})(?:是|，|、)|其([{NUM}])(?:是|，))")

# Masks for names and numbers in published speeches: XX市, ***同志, *个, X余万元, 20**年.
PLACEHOLDER_RE = MASK_RE  # the reader's name for it
_PLACE_AFTER_RE = re.compile(r"(?:省|市|区|县|镇|乡|村|街道|社区|日报|公司|集团|党委|党组|局|委)")

_TITLE_END_RE = re.compile(r"(?:讲话|点评|发言|致辞|报告|提纲|讲稿|总结|意见|通知|决定|方案|纪要|主持词)$")


def _heading_shaped(line: str, limit: int = 60) -> bool:
    """A heading is short and at most one sentence, with no sentence mark before its end."""
    if len(line) > limit:
        return False
    body = line[:-1] if line[-1] in "。；" else line
    return line[-1] not in "，、" and not _SENTENCE_END_RE.search(body)


def heading_level(line: str) -> int | None:
    """Heading level of ``line``: 一、/第一… → 1, （一） → 2, 1. → 3, （1） → 4; None for body text."""
    line = line.strip()
    if not line or not _heading_shaped(line):
        return None
    if _L1_RE.match(line):
        return 1
    if _L1_ORD_RE.match(line) and not _ORD_WORD_RE.match(line):
        item = _ORD_ITEM_RE.match(line)
        if item and (line[-1] == "；" or item.group(0)[-1] == "，" and line[-1] in "。！"
                     and _DIRECTIVE_RE.search(line) and not line.endswith("问题。")):
            return None
        return 1
    if _L2_RE.match(line):
        return 2
    if _L3_RE.match(line) and len(line) > 3:
        return 3
    if _L4_RE.match(line):
        return 4
    return None


_RUNIN_RE = re.compile(rf"^(?:[{NUM}]{{1,3}}、|[（(][{NUM}]{{1,3}}[）)])[^。！？；]{{1,40}}[。！？]")


def split_runin_heading(text: str) -> list[str]:
    """A heading run into its paragraph (（一）加强宏观调控。我们实行…) as [heading, body]; else [text]."""
    m = _RUNIN_RE.match(text)
    if m and m.end() < len(text) and heading_level(m.group(0)) is not None:
        return [m.group(0), *split_runin_heading(text[m.end():])]
    return [text]


def is_salutation(line: str) -> bool:
    return bool(SALUTATION_RE.match(line))


_ITEM_START_RE = re.compile(rf"^(?:[（(]?\d{{1,2}}[.．、）)](?!\d)|[{NUM}]{{1,2}}(?:是|要|则)|其[{NUM}]|——|[①-⑳●■◆◇○·•▲★☆])")


def opens_item(line: str) -> bool:
    """True when ``line`` starts a heading, a list item or a sub-point, whatever its length."""
    return bool(_ITEM_START_RE.match(line) or _L1_RE.match(line) or _L2_RE.match(line)
                or (_L1_ORD_RE.match(line) and not _ORD_WORD_RE.match(line)))


def _markers(text: str) -> list[tuple[int, int]]:
    return [(m.start(), parse_cn(m.group(1) or m.group(2) or m.group(3)) or 0) for m in _MARKER_RE.finditer(text)]


def _run_counts(text: str, chain: list[tuple[int, int]]) -> bool:
    # Two items joined by a comma (一是抓学习，二是抓落实) are one sentence; three or more are a list.
    return len(chain) >= (3 if any(text[p - 1] == "，" for p, _ in chain if p) else 2)


def _split_once(text: str) -> list[str]:
    cuts: list[int] = []
    chain: list[tuple[int, int]] = []
    for pos, n in _markers(text):
        if chain and n == chain[-1][1] + 1:
            chain.append((pos, n))
            continue
        if _run_counts(text, chain):
            cuts.extend(p for p, _ in chain)
        chain = [(pos, n)] if n == 1 else []
    if _run_counts(text, chain):
        cuts.extend(p for p, _ in chain)
    if not cuts:
        return [text]
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if text[a:b]]


def split_subpoints(text: str) -> list[str]:
    """Inline sub-points 一要…二要… / 一是…二是… / 第一…第二… as separate pieces, lead-in first.

    A run counts only when it starts at 一 and counts up by one, each marker opening a sentence or a
    clause (three markers at least when a comma separates them), so 统一是 or a stray 二是 is never a
    cut. Pieces are split again until stable (nested runs).
    """
    if not _MARKER_RE.search(text):
        return [text]
    pieces = _split_once(text)
    if len(pieces) == 1:
        return pieces
    return [q for p in pieces for q in split_subpoints(p)]


def find_placeholders(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every mask in ``text``; kind is place, name, year, number or unknown."""
    out = []
    for m in PLACEHOLDER_RE.finditer(text):
        s, e, tok = m.start(), m.end(), m.group(0)
        after = text[e:e + 2]
        if tok.startswith(("19", "20")):
            kind = "year"
        elif after.startswith(("同志", "书记", "主任", "局长")) or tok == "某某":
            kind = "name"
        elif _PLACE_AFTER_RE.match(after):
            kind = "place"
        elif tok == "X" or after[:1] in "余多个名人条批次万亿千百家项处所支场户位元%" and after:
            kind = "number"
        else:
            kind = "unknown"
        out.append((s, e, kind))
    return out


def title_like(line: str) -> bool:
    """True when ``line`` could be a title: short, one phrase, no sentence or clause mark at its end."""
    return (len(line) <= 60 and heading_level(line) is None and not is_salutation(line)
            and not _SENTENCE_END_RE.search(line) and line[-1] not in "：:，,、")


def split_title(lines: list[tuple[int, str]]) -> tuple[str, int, list[tuple[int, str]]]:
    """(title, its line, remaining lines). A title broken over two lines before the salutation is rejoined."""
    if not lines or not title_like(lines[0][1]):
        return "", 0, lines
    no, title = lines[0]
    nxt = lines[1][1] if len(lines) > 1 else ""
    rest = lines[1:]
    if (len(lines) > 2 and title_like(nxt) and is_salutation(lines[2][1])
            and not _TITLE_END_RE.search(title) and title_like(title + nxt)):
        # The joined line must still read as a title (0. + :0 makes a 0.: heading, not a title).
        title, rest = title + nxt, lines[2:]
    return title, no, rest


_ADJOURN_RE = re.compile(r"散会|会议(?:就)?到此结束|今天的会议就到这里")
_AGENDA_RE = re.compile(rf"^(?:第[{NUM}]{{1,2}}项|首先，请|请.{{0,20}}(?:述职|讲话|发言|点评)|.{{0,12}}议程)")
_CLOSING_RE = re.compile(r"希望|让我们|号召|而努力奋斗|而奋斗|共同努力|再创新的辉煌|奋力谱写")
# Cue words per role, searched anywhere; the cue that comes first in a paragraph decides its role.
_CUES = (
    ("opening", re.compile(r"今天.{0,6}召开|主要任务是|主要目的是|这次会议")),
    ("evaluation", re.compile(r"刚才.{0,40}(?:述职|点评|发言|讲话|汇报)")),
    ("achievements", re.compile(r"一年来|过去一年|去年以来|五年来|取得.{0,12}(?:成效|成绩|进展|成果|成就)|成效(?:明显|显著)")),
    ("problems", re.compile(r"存在.{0,20}(?:问题|不足|短板|差距|弱项)|不足之处|短板|薄弱环节")),
    ("situation", re.compile(r"是.{0,30}之年|重[大要]意义|形势|极端重要性")),
    ("transition", re.compile(r"下面，我|讲.{0,3}点意见|谈.{0,3}点意见|几个方面的意见|以下几点意见")),
)


def role_of(text: str, level: int | None, index: int, total: int) -> str:
    """The role of one paragraph in a speech of ``total`` paragraphs, from its level, cue words and place."""
    if is_salutation(text):
        return "salutation"
    if level is not None:
        return "section"
    if len(text) <= 40 and _ADJOURN_RE.search(text):
        return "adjourn"
    if _AGENDA_RE.match(text):
        return "agenda"
    if POINT_LEAD_RE.match(text):
        return "point"
    if index >= total - 2 and (text.startswith("同志们，") or _CLOSING_RE.search(text)):
        return "closing"
    best, where = "other", len(text) + 1
    for role, cue in _CUES:
        m = cue.search(text)
        if m and m.start() < where:
            best, where = role, m.start()
    return best
