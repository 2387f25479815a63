"""Per-document extraction (the map step of mining): one Speech → generalised, categorised candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from generator.mining import segment
from generator.mining.generalise import Context, generalise, is_junk
from generator.mining.units import BODY_MAX, Units, clause_units
from generator.bank.themes import load_themes, themes_of
from generator.zh import NUM, POINT_LEAD_RE, sentences, strip_enumerator

_QUOTE_RE = re.compile(r"“([^“”]{1,24})”")
_L1_ENUM_RE = re.compile(rf"^(?:[{NUM}]{{1,3}}[、，．.]|第[{NUM}]{{1,3}}(?:部分)?[、，：:．.]?)\s*")
_LN_ENUM_RE = re.compile(rf"^(?:[（(][{NUM}\d]{{1,3}}[）)]|\d{{1,2}}[.．、]|[{NUM}]{{1,3}}[、.．])\s*")
_HEAD_END_RE = re.compile(r"[。！？；：]")
_NUMBERED_RE = re.compile(rf"^[{NUM}两双]|[{NUM}两].*[{NUM}两]")
_FORMULA_RE = re.compile(r"(?<![第这那每几各的一二三四五六七八九十])[两三四五六七八九十]个[\u4e00-\u9fff]{2}")
_FORMULA_STOP = frozenset(["方面", "问题", "环节", "领域", "部门", "单位", "乡镇", "同志", "重点", "层面", "阶段", "方向", "月份", "小时", "地方", "项目", "村组", "季度", "百分", "台阶", "维度", "作用", "关系", "目标", "任务", "措施"])
_ADJOURN_RE = re.compile(r"散会|会议(?:就)?到此结束|会议就到这里")
_TRANSITION_RE = re.compile(rf"^(?:同志们，)?下面，?我|[讲谈提]([{NUM}几]{{1,2}})(?:点|个方面的?)意见")
_INTRO_RE = re.compile(r"在肯定成绩的同时|但也(?:要|必须|应)?(?:清醒)?(?:地)?(?:看到|认识到)|但也存在|清醒(?:地)?(?:看到|认识到)")
_INTRO_HAS_RE = re.compile(r"存在|不足|短板|差距|弱项|问题")
_INTRO_CUT_RE = re.compile(r"[，：:](?:例如|比如|主要是|主要表现在|具体表现在)")
_OPENING_RE = re.compile(r"今天.{0,8}召开|主要任务是|主要目的是|这既是一次|这次会议的")
_EVAL_RE = re.compile(r"^(?:同志们，)?刚才|的述职，|的点评，|大家的发言|大家讲得")
_ACHIEVE_RE = re.compile(r"^(?:总的来看|过去一年|一年来|去年以来|近年来)")
_CLOSING_RE = re.compile(r"^(?:同志们，)?(?:希望|让我们)|^同志们，.{0,30}(?:责任重大|使命光荣)|"
                         r"(?<!了)(?:提供|作出)(?:更加)?坚强(?:有力)?的?(?:组织|政治)?(?:保障|保证)[！。]$")
_DIRECTIVE_RE = re.compile(
    r"^(?:[^，。；：“]{1,24}，)?(?:[^，。；：“]{0,24}?(?:(?<![重需主只想])要(?![求素点害件])|必须|务必|应当|坚持|着力)|"
    r"(?:加强|强化|深化|推进|推动|健全|完善|创新|注重|落实|建立|严格|严把|扎实|全面|持续|积极|认真|坚决|切实|增强|"
    r"把|以|围绕|聚焦|树立|牢固树立|突出|抓好|用好|发挥|探索|进一步)[\u4e00-\u9fff])")
_ACH_HEAD_RE = re.compile(r"成绩|成效|亮点|进展")
_PROB_HEAD_RE = re.compile(r"问题|不足|短板|差距|弱项")
_TITLE_TYPES = (("述职评议", "shuzhi_speech"), ("点评", "dianping"), ("座谈", "zuotan_outline"))
_BOUNDS = {"point": (6, 60), "section_heading": (4, 40), "parallel": (6, 60), "formula": (2, 12),
           "slogan": (2, 16), "idiom": (4, 24), "transition": (6, 90), "requirement": (10, 200)}
_SENTENCE_BOUNDS = (8, 160)
_EXAMPLE_LEAD_RE = re.compile(r"^(?:比如|例如|主要是|主要表现在)[：，]")
_STOP_RE = re.compile(r"[。！？；]")


@dataclass
class _State:
    section: str = ""       # current level-1 heading, enumerator stripped
    section_ctx: str = ""   # "achievement" | "problem" | "requirement" | "" (before any heading)
    lead_ctx: str = ""      # context for the sub-points that follow
    head: str = ""          # current sub-point head


#: A party-building speech names its field often: 党建、党组织、党员、支部、组织部、书记 per 1,000 characters
#: (the seeds 20–40; the government work reports of ../shared/corpus/gwr 0–0.2).
PARTY_DENSITY = 3.0
_PARTY_WORDS = ("党建", "党组织", "党员", "支部", "组织部", "书记")
#: The meeting type given to what is mined from another genre: no built-in pack uses it, so a government
#: work report's 降低企业制度性交易成本 never enters a 党建 draft; a user pack may ask for it.
OFF_GENRE = "off_genre"


def meeting_types(speech) -> tuple[str, ...]:
    """Meeting types the source speech belongs to, from its title (its opening when untitled); a speech of
    another genre than party building (by how often it names its field) is OFF_GENRE only."""
    probe = speech.title or next((p.text for p in speech.paragraphs if p.role == "opening"), "")
    text = "".join(p.text for p in speech.paragraphs)
    if not any(w in probe for w in ("党建", "党组织", "述职", "组织工作")) and \
            sum(text.count(w) for w in _PARTY_WORDS) * 1000 < PARTY_DENSITY * max(1, len(text)):
        return (OFF_GENRE,)
    found = {t for word, t in _TITLE_TYPES if word in probe}
    if "dianping" in found:
        found.add("shuzhi_speech")
    return tuple(sorted(found))


def extract_speech(speech, units: Units | None = None) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...], str]]:
    """Candidates (category, text, themes, meeting_types, "file:line") of one speech, in reading order.

    With ``units``, the same pass also collects the speech's units (generator.mining.units): each
    sub-point head with the requirement sentences under it, and the clauses of those sentences."""
    ctx = Context.of(speech)
    types = meeting_types(speech)
    out: list[tuple[str, str, tuple[str, ...], tuple[str, ...], str]] = []
    state = _State()
    context_of = lru_cache(maxsize=None)(themes_of)  # asked again for every sentence under a heading
    known = segment.known_terms() if units is not None else frozenset()
    open_head: list = []  # [head text, themes, source, body sentences] of the sub-point being read

    def close_head() -> None:
        if units is not None and open_head:
            head, themes, source, body = open_head
            units.add("head", head, source, themes, tuple(body[:BODY_MAX]), known, types)
        open_head.clear()

    def add(category: str, raw: str, line: int, extra_themes: tuple[str, ...] = (), *, inherit=False):
        text = generalise(raw, ctx, count_slot=category == "transition")
        lo, hi = _BOUNDS.get(category, _SENTENCE_BOUNDS)
        if text is None or is_junk(text) or not lo <= len(text) <= hi:
            return
        own = themes_of(text)
        themes = _canonical((own or extra_themes) if inherit else tuple(dict.fromkeys(own + extra_themes)))
        source = f"{speech.name}:{line}"
        out.append((category, text, themes, types, source))
        if units is None:
            return
        if category in ("point", "section_heading"):
            close_head()
            if category == "point":
                open_head.extend([strip_enumerator(text).rstrip("。；，："), themes, source, []])
        elif category == "requirement":
            if open_head:
                open_head[3].append(text)
            for kind, clause in clause_units(text):
                units.add(kind, clause, source, themes, (), known, types)

    for para in speech.paragraphs:
        if para.role in ("salutation", "agenda"):
            continue
        text, line = para.text, para.line
        if para.level == 1:
            state.section = _L1_ENUM_RE.sub("", text).strip("，。： ")
            state.section_ctx = ("achievement" if _ACH_HEAD_RE.search(text) else
                                 "problem" if _PROB_HEAD_RE.search(text) else "requirement")
            state.lead_ctx, state.head = state.section_ctx, ""
            add("section_heading", state.section, line)
            continue
        if para.level is not None:
            state.head = _LN_ENUM_RE.sub("", text).strip("。 ")
            add("point", state.head, line, context_of(state.section))
            continue
        sents = sentences(text)
        _phrases(text, sents, line, add)
        if POINT_LEAD_RE.match(text):
            head, sents = _head_of(sents[0]), sents[1:]
            state.head = head
            if state.lead_ctx in ("achievement", "problem"):
                add(state.lead_ctx, head, line)
            else:
                add("point", head, line, context_of(state.section))
        elif para.role in ("achievements", "problems"):
            state.lead_ctx = para.role[:-1]
        elif para.role not in ("point",):
            state.lead_ctx = state.section_ctx
        mode = None  # after a problem introduction, the rest of the paragraph lists problems
        for sent in sents:
            category = _sentence_category(sent, para.role, state)
            if mode == "problem" and category not in ("transition", "adjourn", "closing"):
                category = "problem"
            if category == "problem_intro":
                sent, _, rest = _cut_intro(sent)
                add("problem_intro", sent, line)
                mode, category, sent = "problem", ("problem" if rest else None), rest
            if category == "problem":
                for item in _problem_items(sent):
                    add("problem", item, line)
            elif category:
                context_themes = context_of(state.head) or context_of(state.section)
                add(category, sent, line, context_themes, inherit=category == "requirement")
    close_head()
    return out


def _cut_intro(sent: str) -> tuple[str, str, str]:
    """A problem introduction cut before its examples (例如…), and the examples as problems."""
    m = _INTRO_CUT_RE.search(sent)
    if not m:
        return sent, "", ""
    return sent[:m.start()].rstrip("，；") + "。", "", sent[m.end():].lstrip("，：")


def _problem_items(sent: str) -> list[str]:
    """A problem sentence, or its items when it lists them with semicolons (有的…；有的…)."""
    sent = _EXAMPLE_LEAD_RE.sub("", sent)
    if "；" not in sent:
        return [sent]
    items = [i.strip("；。 ") for i in sent.split("；")]
    return [i + "。" for i in items if i]


def _head_of(sentence: str) -> str:
    """The head clause of a sub-point: up to its first full stop, semicolon or colon."""
    return _HEAD_END_RE.split(sentence, 1)[0].strip()


def _sentence_category(sent: str, role: str, state: _State) -> str | None:
    if _ADJOURN_RE.search(sent) and len(sent) <= 40:
        return "adjourn"
    if _TRANSITION_RE.search(sent) and "意见" in sent or sent.startswith("下面，我"):
        return "transition"
    if _INTRO_RE.search(sent) and _INTRO_HAS_RE.search(sent):
        return "problem_intro"
    if _EVAL_RE.search(sent) and (role == "evaluation" or not state.section_ctx):
        return "evaluation"
    if not state.section_ctx and (role == "opening" or _OPENING_RE.search(sent)):
        return "opening"
    if _CLOSING_RE.search(sent):
        return "closing"
    if role == "closing":
        return "closing"
    if not state.section_ctx:
        if _ACHIEVE_RE.search(sent) or role == "achievements":
            return "achievement"
        return {"evaluation": "evaluation", "problems": "problem", "situation": "situation",
                "opening": "opening"}.get(role) or (
            "achievement" if state.lead_ctx == "achievement" else None)
    if state.lead_ctx in ("achievement", "problem"):
        return state.lead_ctx
    if _DIRECTIVE_RE.search(sent):
        return "requirement"
    return "situation" if role == "situation" else None


def _phrases(text: str, sents: list[str], line: int, add) -> None:
    """Phrase-level categories of one paragraph (``sents``: its sentences): slogans and formulas,
    parallels, idioms."""
    for m in _QUOTE_RE.finditer(text):
        term = m.group(1)
        if _STOP_RE.search(term):
            continue
        add("formula" if _NUMBERED_RE.search(term) else "slogan", term, line)
    for m in _FORMULA_RE.finditer(text):
        term = m.group(0)
        if term[2:] not in _FORMULA_STOP and segment.tokens(text[m.start() + 2:m.end() + 4])[0] == term[2:]:
            add("formula", term, line)
    for term in segment.lexicon_terms(text):
        add("formula", term, line)
    for sent in sents:
        for series in parallels(sent):
            add("parallel", series, line)
        for idiom in segment.idioms(sent):
            add("idiom", idiom, line)


def _canonical(themes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in load_themes() if t in themes)


# ---------------------------------------------------------------- parallel series
_CLAUSE_SPLIT_RE = re.compile(r"[，；：。！？]")
_PART_SPLIT_RE = re.compile(r"[；：。！？]")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]{3,8}")
_REST_OK = "的等上中下和与及为是了相要作地得着里"  # what may follow a series cut out of its clause


def parallels(sentence: str) -> list[str]:
    """Series of 2+ parallel items (3–8 characters, 、- or ，-joined) sharing a head or tail pattern."""
    found = []
    for clause in _CLAUSE_SPLIT_RE.split(sentence):
        segs = clause.split("、")
        if len(segs) >= 2:
            best = _best_series(segs)
            if best:
                found.append("、".join(best))
    for part in _PART_SPLIT_RE.split(sentence):
        run: list[str] = []
        for c in part.split("，") + [""]:
            if _HAN_RE.fullmatch(c):
                run.append(c)
                continue
            if len(run) >= 2:  # most clauses end a run of none or one
                found += ["，".join(w) for w in _windows(run)]
            run = []
    return found


def _windows(run: list[str]) -> list[list[str]]:
    """Longest non-overlapping windows of a run of short clauses that form a strict series."""
    out, i = [], 0
    while i < len(run) - 1:
        for j in range(len(run), i + 1, -1):
            if _pattern_ok(run[i:j], strict=True):
                out.append(run[i:j])
                i = j
                break
        else:
            i += 1
    return out


def _best_series(segs: list[str]) -> list[str] | None:
    inner = segs[1:-1]
    if not all(map(_item_ok, inner)):
        return None
    firsts = [segs[0][-n:] for n in range(3, min(8, len(segs[0])) + 1)]
    lasts = [segs[-1][:n] for n in range(3, min(8, len(segs[-1])) + 1)
             if n == len(segs[-1]) or segs[-1][n] in _REST_OK]
    firsts, lasts = [f for f in firsts if _item_ok(f)], [la for la in lasts if _item_ok(la)]
    inner_lens = [len(x) for x in inner]
    limit = 1 if len(segs) == 2 else 2  # the spread of lengths _pattern_affix allows
    best, best_score = None, None
    for f in firsts:
        for la in lasts:
            lens = [len(f), *inner_lens, len(la)]
            spread = max(lens) - min(lens)
            if spread > limit:
                continue  # refused by _pattern_affix anyway; most pairs end here
            items = [f, *inner, la]
            affix = _pattern_affix(items)
            if affix is None:
                continue
            score = (affix, -spread, -len(f))
            if best_score is None or score > best_score:
                best, best_score = items, score
    return best


def _item_ok(item: str) -> bool:
    return bool(_HAN_RE.fullmatch(item)) and item[-1] not in "的等了和"


def _affix(items: list[str]) -> int:
    pre = len(_common_prefix(items))
    suf = len(_common_prefix([x[::-1] for x in items]))
    return min(pre + suf, min(len(x) for x in items))


def _common_prefix(items: list[str]) -> str:
    """Common prefix of all items: that of the alphabetically first and last."""
    lo, hi = min(items), max(items)
    n = 0
    for a, b in zip(lo, hi):
        if a != b:
            break
        n += 1
    return lo[:n]


def _pattern_ok(items: list[str], strict: bool = False) -> bool:
    return _pattern_affix(items, strict) is not None


def _pattern_affix(items: list[str], strict: bool = False) -> int | None:
    """``_affix(items)`` when the items form a series, else None: they share a head or tail (or, three or
    more, a length and a character position)."""
    lens = [len(x) for x in items]
    spread = max(lens) - min(lens)
    if len(set(items)) < len(items) or spread > (0 if strict else 1 if len(items) == 2 else 2):
        return None
    affix = _affix(items)
    if affix >= (2 if strict and len(items) == 2 else 1):
        return affix
    if strict or len(items) < 3 or spread:
        return None
    same_pos = any(len({x[k] for x in items}) == 1 for k in range(lens[0]))
    return affix if same_pos or lens[0] <= 4 else None
