"""The ``unanswered_problem`` rule: a problem named in the problems paragraph of a speech whose matter the
deployment part never takes up — the review's 「快递物流、网约配送等行业党员管理不够到位」, named in the
opening and never mentioned again. In a 点评 the same holds within each reporter's part: the problems named
for 孙丽 are answered in 孙丽's own 下一步, not elsewhere. A warning.

The problems paragraph follows an intro (……还存在一些短板和弱项：, 在肯定成绩的同时……, ……有一定差距：,
但也存在一些差距和不足。比如：……) — or, when the intro ends its paragraph, is the paragraphs right after it
(一是……, or the paragraphs under （一）（二） sub-heads) — and its items are the list cut at 一是/二是 and ；.
An item's matter is its content bigrams with neither character inside a generic, theme or problem word
(generator.checking.content; the lists are data in checker_words.yaml): 快递、物流、网约、配送, not 党员管理
不够到位. The deployment part is everything from the first 一、 heading after the problems paragraph; it is
judged only when it is whole (ends in a full sentence, is not a fragment, gives the sections it announced),
so a cut-off speech raises nothing. Bigrams only, no jieba: render runs this rule.
"""

from __future__ import annotations

import math
import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module

from generator.checking.base import Doc, Finding
from generator.checking.content import matter, strip_quotes, words
from generator.checking.matter import quote
from generator.checking.numbering import check_count_mismatch
from generator.checking.voice import is_dianping, reporter_parts

# An item is answered when one paragraph of the deployment (or of the reporter's part) holds ANSWER_MIN of its
# matter bigrams, or ANSWER_SHARE of them when it has few (one of two); or the deployment as a whole holds
# UNION_SHARE of them; or each of its clauses that names a matter of its own is answered so (投资率持续偏高，
# 消费率偏低: 投资 in one paragraph, 消费 in the next); or, when it names its area (在机关党建工作方面，……),
# the deployment names that area (夯实机关党建).
# Measured on the seeds — 001 is the one whole speech among them with a problems paragraph; its three items
# are answered — and on the 33 items of nine drafts of ours that reviewers read (../shared/reviews/
# drafts-2026-12.md, docs/reviews/2026-12-01-before.md): every item a review takes as answered has a
# paragraph sharing 3 or more bigrams, or half of a small matter (刘志强's 软弱涣散村整顿 5 of 9, seed 2's
# 层层传导压力 3 of 8 for 压力传导层层递减, seed 1's 区域化党建 paragraph 3 of 4 for 统筹辖区资源, 小区覆盖
# 1 of 2), or — 001's 「七项制度……党建亮点特色不够突出」 — 4 of 5 over the whole deployment; every item a
# review takes as unanswered shares at most 2 with a paragraph and at most half over the whole (网格员队伍
# 流动性大 2 of 12 and 3; 流动党员……外出务工党员 2 of 7 and 3; zuotan seed 2's 统筹辖区资源 1 of 4 and 2).
ANSWER_MIN = 3
ANSWER_SHARE = 0.5
UNION_SHARE = 0.7
# Items with fewer matter bigrams than this are too generic to judge (「基层党建工作还不够扎实」 has none,
# 「部分党组织工作不够有力」 one).
MATTER_MIN = 2
# Items longer than this (characters) are descriptions, answered in other words when they are answered:
# 001's 「在责任落实方面，……亲自抓的力度不够」 (87 characters) shares 1 bigram of 16 with 压实党建责任, its
# answer (its area 责任落实 saves it too). Our drafts' problems (config items) run 11–35 characters.
ITEM_MAX = 60
# A deployment shorter than this (characters) is a fragment — 003 of the seeds is cut off after one
# paragraph of its 二、 (82 characters) — not a deployment that could be expected to answer everything;
# the shortest whole deployments measured are our 提纲 drafts' (about 1,700 characters).
DEPLOY_MIN = 600
# A reporter's part with less than this after the list of its problems (characters) says nothing of what to
# do next: nothing to judge. Our 点评 drafts give each reporter 99–341 characters of 下一步.
REPLY_MIN = 60

#: What opens a problems paragraph: 存在……问题/不足/差距/短板/弱项, 在肯定成绩的同时, 还有……差距, 需要改进的地方.
INTRO = re.compile(
    r"肯定成绩的同时"
    r"|(?:存在|暴露出)[^。；;：:]{0,16}?(?:问题|不足|差距|短板|弱项|薄弱环节)"
    r"|(?:还有|仍有|也有)[^。；;：:]{0,10}?(?:差距|不足|短板|需要改进的地方)"
    r"|需要改进的地方|以下几个(?:方面的)?问题|以下方面需要加强")
#: Where the list itself begins after an intro: a colon, 例如/比如, 主要是, 表现在 ….
_LIST_LEAD = re.compile(r"[：:]|例如|比如|主要是|主要有|表现在|表现为|集中在")
#: A sentence that opens a list of problems (after an intro sentence that ends in 。).
_ITEM_OPEN = re.compile(r"^(?:比如|例如|[一二三四五六七八九十]是|有的|部分|少数|个别|一些|在[^，。]{1,12}方面)")
#: What marks a clause as a shortcoming.
_SHORT = re.compile(r"不[够足强高深实严到规明充全紧平经正]|弱化|两张皮|难以|缺乏|欠缺|滞后|问题|现象|薄弱|盲区|单一|短板|起步"
                    r"|偏[低高大少弱重多小]|流于形式|流动性大")
#: A placeholder left for a fact (〔待补：……〕) is no problem named: the placeholder rule reports it.
_PLACEHOLDER = re.compile(r"〔[^〕]*〕|XX|\*\*\*")
#: The sentence after a list that sums it up: 这些问题……, 对于以上问题……, 问题就是方向.
_WRAP_UP = re.compile(r"^(?:对于?|针对|存在)?(?:以上|上述|这些|此类)|^问题就是|^存在问题|^对此|^我们(?:一定|必须|要)")
#: A part of a list that is a measure, not a problem: ……，采取有力措施，切实加以解决; 要……/必须…….
_MEASURE = re.compile(r"措施|加以解决|切实解决|认真解决|高度重视|引起重视|^(?:要|必须|务必|各级)")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]{1,2}是|[（(][一二三四五六七八九十]{1,2}[）)]|\d{1,2}[.．、])")
_SPLIT = re.compile(r"[；;]|(?<=[，,])(?=[二三四五六七八九十]是)")
#: 在责任落实方面，…… / “两新”组织党建工作方面，……: the area an item names before its problem.
_AREA = re.compile(r"^在?([^，,；;]{2,14}?)方面[，,]")
#: A problems section of a 点评 or report: 二、正视问题，找准基层党建工作短板.
_PROBLEM_HEADING = re.compile(r"问题|不足|短板|差距|弱项")
#: Sentence-final: a line not ending so is cut off (000 and 004 of the seeds end mid-sentence).
_END = re.compile(r"[。！？!?…”」）)]$")
_NOT_MATTER = ("还", "仍", "尚", "较")  # adverbs of the problem sentence: 覆盖还不够 has no matter 盖还


def _sentences(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^。！？!?]*[。！？!?]+”?|[^。！？!?]+$", text)]


def _items(text: str) -> list[str]:
    """The problems of a list: cut at ；, 一是/二是 and （一）, their markers and leads dropped."""
    text = re.sub(r"^(?:[，,：:\s]|例如|比如|主要是|主要有|突出表现在|具体表现为|主要表现在|表现在|表现为)+", "", text)
    if _WRAP_UP.match(text):
        return []
    out = []
    for part in _SPLIT.split(text):
        part = _ENUM.sub("", part.strip()).strip("。，, ")
        part = re.sub(r"等$", "", part)
        if part and _SHORT.search(part) and not _WRAP_UP.match(part) and not _MEASURE.search(part) \
                and not _PLACEHOLDER.search(part):
            out.append(part)
    return out


def item_matter(item: str) -> set[str]:
    """The content bigrams of a problem: no generic, theme or problem word in them (快递, 物流; not 到位)."""
    return matter(strip_quotes(item), extra=(*words().problem, *_NOT_MATTER), pure=True)


def _list_after(sents, s: int, m) -> tuple[str, int]:
    """The list an intro at match ``m`` in sentence ``s`` opens — the rest of that sentence after its colon
    (or 例如 …), else the next sentence when it opens like a list (有的……；有的……。) — and where it ends."""
    off, sent = sents[s]
    lead = _LIST_LEAD.search(sent, max(m.end() - off, 0))
    if lead:
        return sent[lead.end():], off + len(sent)
    if s + 1 < len(sents) and _ITEM_OPEN.match(sents[s + 1][1]):
        return sents[s + 1][1], sents[s + 1][0] + len(sents[s + 1][1])
    return "", off + len(sent)


def problem_lists(doc: Doc, lines: list[int]) -> list[tuple[int, list[str], int]]:
    """(line, items, end of the list in the line) of the first problems paragraph among ``lines`` (indexes
    into doc.lines), or of the paragraphs right after it when its intro ends the paragraph; [] when none."""
    for k, i in enumerate(lines):
        line = doc.lines[i]
        if doc.headings[i]:
            continue
        m = INTRO.search(line)
        if not m:
            continue
        sents = _sentences(line)
        s = next((n for n, (off, sent) in enumerate(sents) if off + len(sent) > m.start()), len(sents) - 1)
        listing, end = _list_after(sents, s, m)
        items = _items(listing)
        if items:
            return [(i, items, end)]
        if s + 1 < len(sents):
            continue  # the intro sentence is followed by something else: not a problems paragraph
        out, under_head = [], False
        for j in lines[k + 1:]:  # the intro ends its paragraph: the problems are the paragraphs after it
            h = doc.headings[j]
            if h and h[0] == 1:
                break
            if h:
                under_head = True  # （一）政治建设还需进一步深化: the paragraph under it holds the problems
                continue
            text, opened, under_head = doc.lines[j], under_head, False
            if _WRAP_UP.match(text) or not (opened or _ENUM.match(text) or _ITEM_OPEN.match(text)):
                break
            found = [p for _, sent in _sentences(text) for p in _items(sent)]
            if found:
                out.append((j, found, len(text)))
        if out:
            return out
    return []


def _grams(text: str) -> set[str]:
    return {text[k:k + 2] for k in range(len(text) - 1)}


def closest(item: str, paragraphs: list[str]) -> tuple[bool, list[str]]:
    """Whether ``paragraphs`` (quotes stripped) answer the problem ``item`` (see the thresholds above),
    and the matter the closest paragraph shares with it, in the item's order."""
    m = item_matter(item)
    area = _AREA.match(strip_quotes(item))
    if area:
        name = re.sub(r"(?:党建)?工作$", "", area.group(1))
        if len(name) >= 2 and any(name in p for p in paragraphs):
            return True, [name]  # 在机关党建工作方面，…… answered by a part on 机关党建
    need = min(ANSWER_MIN, math.ceil(ANSWER_SHARE * len(m)))
    whole: set[str] = set()
    best: set[str] = set()
    for text in paragraphs:
        shared = m & _grams(text)
        if len(shared) > len(best):
            best = shared
        whole |= shared
    ok = len(best) >= need or len(whole) >= max(need, UNION_SHARE * len(m))
    return ok, _runs(item, best)


def _runs(item: str, grams: set[str]) -> list[str]:
    """The stretches of ``item`` that ``grams`` cover, in order: 网格+格员 → 网格员."""
    covered = [False] * len(item)
    for k in range(len(item) - 1):
        if item[k:k + 2] in grams:
            covered[k] = covered[k + 1] = True
    return [r for r in re.split(r"_+", "".join(c if on else "_" for c, on in zip(item, covered))) if r]


def judged(item: str) -> bool:
    """Whether an item names a matter a rule can look for: enough content bigrams, and short enough to be
    a named problem rather than a description."""
    return len(item) <= ITEM_MAX and len(item_matter(item)) >= MATTER_MIN


def _clauses(item: str) -> list[str]:
    """The clauses of an item that name a matter of their own (新兴领域党组织覆盖还有盲区 | 快递物流、网约配送
    等行业党员管理不够到位); none when fewer than two do."""
    out = [c for c in re.split(r"[，,]", item) if len(item_matter(c)) >= MATTER_MIN]
    return out if len(out) >= 2 else []


def _judge(doc: Doc, found, answer: list[str], where: str, fix: str) -> list[Finding]:
    paragraphs = [strip_quotes(text) for text in answer]
    out = []
    for i, items, _end in found:
        for item in items:
            if not judged(item):
                continue
            ok, shared = closest(item, paragraphs)
            aspects = _clauses(item)
            if ok or (aspects and all(closest(c, paragraphs)[0] for c in aspects)):
                continue  # answered as a whole, or each of its aspects somewhere (投资率偏高，消费率偏低)
            if _taken_up(item, paragraphs):
                continue  # taken up by name: crux_missed or the placeholder rule says what is wrong with it
            near = f"最接近的一段也只说到“{'”“'.join(shared)}”" if shared else "一处也没有用到它的实际字眼"
            out.append(Finding("unanswered_problem", "warning", i + 1, quote(item),
                               f"{where}没有一段回应（{near}）；{fix}"))
    return out


def _taken_up(item: str, paragraphs: list[str]) -> bool:
    """Whether a paragraph takes one of ``item``'s clauses up by name (针对……的问题，……) with a measure that is
    not off its crux (``crux_missed`` judges that one) or with a 〔待补〕 for the measure (the placeholder rule
    says what to fill): the problem is answered, however few of its bigrams the measure repeats."""
    from generator.bank.words import meets_crux

    bare = strip_quotes(item)
    for text in paragraphs:
        for m in _TAKES_UP.finditer(text):
            if m["problem"] in bare and ("〔" in m["measure"] or meets_crux(m["problem"], m["measure"]) is not False):
                return True
    return False


def _deployment(doc: Doc, after: int) -> list[int]:
    """Lines of the deployment part: from the first 一、 heading after line ``after`` to the end."""
    start = next((i for i in range(after + 1, len(doc.lines)) if (h := doc.headings[i]) and h[0] == 1), None)
    return [] if start is None else list(range(start, len(doc.lines)))


def _placed(doc: Doc, line: int) -> bool:
    """Whether the problems paragraph at ``line`` is the speech's: in its opening, in its first section, or
    in a section on problems (二、正视问题……); a list of problems deep in the deployment is answered
    where it stands, not in the sections after it."""
    sections = [i for i in range(doc.body_start, line) if (h := doc.headings[i]) and h[0] == 1]
    return len(sections) <= 1 or bool(_PROBLEM_HEADING.search(doc.lines[sections[-1]]))


def _complete(doc: Doc, after: int, deploy: list[int]) -> bool:
    """Whether the deployment is a whole one: it ends in a full sentence, it is not a fragment, and the
    count announced before it (讲四点意见) is what it gives (a cut-off 000 of the seeds announces four, has two)."""
    if not deploy or not _END.search(doc.lines[-1].strip()):
        return False
    if sum(len(doc.lines[j]) for j in deploy) < DEPLOY_MIN:
        return False
    return not any(after < f.paragraph - 1 < deploy[0] for f in check_count_mismatch(doc))


def check_unanswered_problem(doc: Doc, meeting_type: str | None = None) -> list[Finding]:
    out: list[Finding] = []
    parts = reporter_parts(doc) if is_dianping(doc, meeting_type) else []
    in_parts = {j for _, _, _, body in parts for j in body}
    found = problem_lists(doc, [i for i, _ in doc.body() if i not in in_parts])
    if found and _placed(doc, found[0][0]):
        last = found[-1][0]
        deploy = _deployment(doc, last)
        if _complete(doc, last, deploy):
            out += _judge(doc, found, [doc.lines[j] for j in deploy], "这里点出的问题，后面的部署",
                          "请在部署里写上针对它的措施，或删去这个问题")
    for _head, name, _post, body in parts:
        found = problem_lists(doc, body)
        if not found:
            continue
        last, _, end = found[-1]
        # the reporter's own part after the list: the rest of its paragraph (……。希望你……) and what follows
        answer = [doc.lines[last][end:]] + [doc.lines[j] for j in body if j > last]
        if sum(map(len, answer)) >= REPLY_MIN:
            out += _judge(doc, found, answer, f"这里给{name}同志点出的问题，对{name}同志的“下一步”要求里",
                          f"请在“下一步”里就这个问题对{name}同志提出具体要求，或删去这个问题")
    return out


# ------------------------------------------------------------------ crux_missed
#: A sentence that takes a problem up: 针对……的问题，……。 / 要在解决……的问题上下功夫，……。 / 对……的问题，要……。
_TAKES_UP = re.compile(r"(?:针对|要在解决|对于?)(?P<problem>[^。；;！？]{4,90}?)的问题(?:上下功夫)?[，,](?P<measure>[^。！？]+)")


def check_crux_missed(doc: Doc) -> list[Finding]:
    """The ``crux_missed`` rule: a sentence that takes a problem up (针对……的问题，……) with a measure that does
    not meet the problem's crux — the kinds of shortcoming it names, in ``checker_words.yaml`` ``crux`` (记录代签
    is met by 核查、回访, 分红没经表决 by 四议两公开、公开; not by a measure that only shares 驻村 or 合作社 with
    the problem, which every reading of our drafts found: 精准选派驻村第一书记 for 驻村干部拍照打卡、记录代签).
    A 〔待补〕 in place of the measure is no finding. A warning; drafting never writes such a sentence, so this
    reports what a person wrote or pinned."""
    from generator.bank.words import missed_cruxes, words

    out: list[Finding] = []
    for i, line in doc.body():
        for m in _TAKES_UP.finditer(line):
            problem, measure = m["problem"], m["measure"]
            if "〔" in measure:
                continue
            found = words().cruxes(strip_quotes(problem))
            missed = missed_cruxes(found, measure) if found else ()
            if missed:
                names = "、".join(c.name for c in missed)
                out.append(Finding(
                    "crux_missed", "warning", i + 1, quote(m.group(0)),
                    f"针对“{quote(problem, 30)}”的措施没有接住问题的要害（{names}）：请换成对症的措施，或写〔待补〕"))
    return out
