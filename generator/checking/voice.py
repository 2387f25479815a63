"""Rules on who speaks to whom: ``backbone`` (a 书记's speech whose opening states no guiding thought),
``level_voice`` (words of another level: 各乡镇 in a town's speech) and ``address`` (a 点评 that talks to a
reporter like a deployment speech: 各级党组织要……, 所在单位, the full name in every paragraph). Warnings."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module

from generator.zh import COMPOUND_SURNAMES, OTHER_LEVEL, short_name  # noqa: F401  (re-exported: this rule's API)
from generator.checking.base import Doc, Finding, excerpt

# ------------------------------------------------------------------ meeting and level
_LEVELS = ("街道", "省", "市", "州", "区", "县", "旗", "镇", "乡")


def is_dianping(doc: Doc, meeting_type: str | None) -> bool:
    """A 点评: told (meeting_type 点评/dianping/述职评议点评), or a title ending …的点评."""
    if meeting_type:
        return "点评" in meeting_type or "dianping" in meeting_type
    return bool(doc.lines) and bool(re.search(r"点评(?:讲话|提纲)?$", doc.lines[0]))


def level_of(doc: Doc, level: str | None) -> str | None:
    """The speech's level: given, else the speaker's post (区委书记) in the title or byline, else 在XX镇… / 全县 in the title."""
    if level:
        return level
    head = " ".join(doc.lines[:max(doc.body_start, 1)])
    m = re.search(r"(街道|[省市州区县旗镇乡])(?:委|党委|党工委)(?:副)?书记", head)
    if m:
        return m.group(1)
    title = doc.lines[0] if doc.lines else ""
    m = re.search(r"全(街道|[省市州区县旗镇乡])", title) or \
        re.search(r"^在[^在\d]{1,10}?(街道|[省市州区县旗镇乡])(?=\d|年|全|党|基层|机关|第|“|农村|社区|城市|[（(])", title)
    return m.group(1) if m else None


# ------------------------------------------------------------------ backbone
#: The guiding thought a 书记 states for the year: Xi Jinping Thought, his thought on party building, his
#: instructions, the current congress or plenums (their year is outdated_term's business).
GUIDING = re.compile(r"习近平新时代中国特色社会主义思想|习近平总书记关于[^，。]{0,12}重要(?:思想|论述)"
                     r"|习近平总书记[^，。]{0,16}重要(?:讲话|指示|论述)|党的[十二][十九一二三四五六七八九]*大"
                     r"|[十二][十九一二三四五六七八九]*届[一二三四五六七八九、历次中]*全会"
                     r"|中央精神|党中央[^，。]{0,6}(?:决策部署|精神)")
# The opening is the paragraphs before the first section heading, at most this many. Measured: the 4
# speeches of the seeds (not 004, a 点评) open with 2–13 paragraphs and all 4 state a guiding thought or
# 中央精神 there (001 only in its 7th paragraph); our drafts open with 5.
OPENING_MAX = 14


def check_backbone(doc: Doc, meeting_type: str | None = None) -> list[Finding]:
    if is_dianping(doc, meeting_type) or not doc.lines:
        return []
    head = " ".join(doc.lines[:max(doc.body_start, 1)])
    if "书记" not in head and not meeting_type:
        return []  # whose speech it is is not known: no claim about what a 书记 must say
    opening: list[str] = []
    sections = False
    for i, line in doc.body():
        if doc.headings[i]:
            sections = True
            break
        if len(opening) < OPENING_MAX:
            opening.append(line)
    if not sections or not opening or GUIDING.search("".join(opening)):
        return []  # no opening before a first section: a fragment, not a speech whose opening can be judged
    k = next((k for k, line in enumerate(opening) if len(line) > 10), 0)
    return [Finding("backbone", "warning", doc.body_start + k + 1, excerpt(opening[k]),
                    "书记讲话的开头没有交代指导思想和当年主线（如习近平新时代中国特色社会主义思想、"
                    "习近平总书记关于党的建设的重要思想、党的二十大和二十届历次全会精神），请在开头补上")]


# ------------------------------------------------------------------ level_voice
_LEVEL_NAME = {"镇": "镇", "乡": "乡", "街道": "街道", "县": "县", "区": "区", "旗": "旗", "市": "市", "州": "州"}


def check_level_voice(doc: Doc, level: str | None = None, quoted=()) -> list[Finding]:
    """Words of another level in the draft. ``quoted``: texts the draft took verbatim from its config (a
    reporter's problem, a highlight): a 市委书记 quoting a 区委书记's own 区直部门 speaks of that district,
    not of his own level, so a match inside one of them is not reported (a reader's finding)."""
    level = level_of(doc, level)
    rx = OTHER_LEVEL.get(level or "")
    if not level or not rx:
        return []
    pattern = re.compile(rx)
    quoted = [q for q in quoted if q and pattern.search(q)]

    def theirs(line: str, m) -> bool:
        for q in quoted:
            at = line.find(q)
            while at != -1:
                if at <= m.start() and m.end() <= at + len(q):
                    return True
                at = line.find(q, at + 1)
        return False

    out = []
    for i, line in doc.body():
        m = next((m for m in pattern.finditer(line) if not theirs(line, m)), None)
        if m:
            out.append(Finding("level_voice", "warning", i + 1, excerpt(line, m.start(), m.end()),
                               f"这是{_LEVEL_NAME[level]}一级的讲话，“{m.group(0)}”是别的层级的说法，"
                               f"请改成本级的对象（如“全{level}各级党组织”“{level}直各部门”）或删去"))
    return out


# ------------------------------------------------------------------ address
_PERSON_HEAD = re.compile(r"^[（(][一二三四五六七八九十]{1,2}[）)]\s*([\u4e00-\u9fff]{2,4}?)同志(?:[（(]([^）)]*)[）)])?")
_WHOLE = re.compile(r"各级党委（党组）|各级党委\(党组\)|各级党组织(?=要|必须|务必|应当|都要)|各级党委(?=要|必须)")
_PLACE_POST = re.compile(r"(?:镇|乡|街道|县|区|市)(?:党委|党工委)(?:副)?书记")
# address: the full name in at least this many sentences of one reporter's part, and never the short
# form (志强同志) or 你 — in our two 点评 drafts each part names its reporter in full 3–5 times.
NAME_MIN = 3
#: Compound surnames, kept whole: 欧阳明辉 is 明辉同志 to his face, not 阳明辉同志 or 欧阳明辉同志.
def reporter_parts(doc: Doc):
    """(heading line, name, post, [body lines]) of each part of a 点评 headed （一）XX同志（post）."""
    parts: list[tuple[int | None, str, str, list[int]]] = []
    for i, line in doc.body():
        m = _PERSON_HEAD.match(line)
        if m and doc.headings[i]:
            parts.append((i, m.group(1), m.group(2) or "", []))
        elif doc.headings[i] and doc.headings[i][0] <= 2:
            if parts and parts[-1][3]:
                parts.append((None, "", "", []))  # a heading of the same or higher level ends the part
        elif parts and parts[-1][0] is not None:
            parts[-1][3].append(i)
    return [p for p in parts if p[0] is not None]


def check_address(doc: Doc, meeting_type: str | None = None) -> list[Finding]:
    if not is_dianping(doc, meeting_type):
        return []
    out = []
    for _head, name, post, body in reporter_parts(doc):
        for i in body:
            line = doc.lines[i]
            m = _WHOLE.search(line)
            if m:
                out.append(Finding("address", "warning", i + 1, excerpt(line, m.start(), m.end() + 6),
                                   f"这是对{name}同志一个人的点评，“{m.group(0)}”是对全体部署的口气，"
                                   f"请改成对{name}同志本人的要求"))
            m = re.search(r"所在单位", line)
            if m and _PLACE_POST.search(post):
                out.append(Finding("address", "warning", i + 1, excerpt(line, m.start() - 6, m.end()),
                                   f"{name}同志是{post}，管的是一个地方，不宜说“所在单位”，"
                                   f"请直接说地方名或“你们镇（街道）”"))
        text = "".join(doc.lines[i] for i in body)
        full = text.count(f"{name}同志")
        short = short_name(name)
        if full >= NAME_MIN and f"{short}同志" not in text.replace(f"{name}同志", "") and "你" not in text:
            i = next(i for i in body if name in doc.lines[i])
            line = doc.lines[i]
            k = line.find(name)
            out.append(Finding("address", "warning", i + 1, excerpt(line, k, k + len(name) + 2),
                               f"“{name}同志”在这一节出现 {full} 次：人就在台下，当面点评一般称“{short}同志”或直接说“你”，"
                               f"全名反复出现像在念表格"))
    return out
