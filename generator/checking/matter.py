"""Rules on what a sub-point is about: ``head_echo`` (the body opens by restating its head), ``off_matter``
(a body sentence on another matter than its head) and ``twin_heads`` (two heads of one section on one
matter). A head's matter is its content bigrams (generator.checking.content); all three are warnings."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module
from functools import lru_cache

from generator.bank.matter import ECHO_MIN, TWIN_IN_BODY, head_key, lcs, restates
from generator.checking.base import Doc, Finding, excerpt
from generator.checking.content import SubPoint, matter, strip_quotes, subpoints, words


def quote(s: str, width: int = 40) -> str:
    """A sentence as quoted in a finding: its first ``width`` characters."""
    s = s.strip()
    return s if len(s) <= width else s[:width - 1] + "…"

# head_echo: generator.bank.matter.restates (shared with drafting, which never picks such a sentence).
#: The body sentences read for an echo: the first, and the second when the first is a maxim or a short
#: lead-in (the review counts 要严格落实“三会一课”… after one lead sentence as an echo too).
ECHO_SENTENCES = 2
# off_matter: a head with fewer content bigrams than this is too generic to judge (严肃党内政治生活 has 4).
MATTER_MIN = 2
# off_matter: a sentence that shares only bigrams of the head's later clauses (……，确保流动不流失) needs
# this many of them; one ("流失") is the review's canonical miss-match.
REST_SHARE = 2
# off_matter: sentences shorter than this (characters) are maxims or links, not measures; not judged.
SENTENCE_MIN = 20
# twin_heads: two sibling heads whose first clauses share a run this long (and this share of the shorter).
TWIN_RUN = 4
TWIN_SHARE = 0.6
# twin_heads: a head's first clause (its generic verb aside) found in a sibling's body, at least this long.
#: A measure sentence opens with 要/必须/注重 … or straight with a verb (扩大…, 强化…): what off_matter judges.
_OPENER = re.compile(r"^(?:[^，。]{0,12}要|必须|注重|坚持|着力|切实|进一步|大力|全面|持续|深入|不断|[扩强加推健完落深提增严规优建])")


def _first_clause(sp: SubPoint) -> str:
    return strip_quotes(sp.clauses[0]) if sp.clauses else ""


#: A later clause of a head that says what the sub-point is for (……，确保流动不流失), not what it is about.
_PURPOSE = re.compile(r"^(?:确保|让|使|以|为|不断|努力)")


def _main_and_purpose(sp: SubPoint) -> tuple[str, str]:
    """The head's clauses that name its matter, and those that say what it is for."""
    clauses = [strip_quotes(c) for c in sp.clauses]
    main = [c for k, c in enumerate(clauses) if k == 0 or not _PURPOSE.match(c)]
    purpose = [c for k, c in enumerate(clauses) if k and _PURPOSE.match(c)]
    return "，".join(main), "，".join(purpose)


def _strip_generic(text: str) -> str:
    """``text`` without a leading generic verb (加强、推进 …) or 要/必须 (generator.bank.matter.head_key)."""
    return head_key(text)


def _echo(sp: SubPoint):
    key = _first_clause(sp)
    if len(key) < ECHO_MIN:
        return None
    for k, (line, off, s) in enumerate(sp.body[:ECHO_SENTENCES]):
        if restates(key, s):
            return k, line, off, s
        if k == 0 and len(s) >= 40:
            break  # a full first sentence of its own: a later one is no echo of the head
    return None


def check_head_echo(doc: Doc) -> list[Finding]:
    out = []
    for sp in subpoints(doc):
        hit = _echo(sp)
        if hit:
            k, line, off, s = hit
            which = "首句" if k == 0 else "第二句"
            out.append(Finding("head_echo", "warning", line + 1, quote(s),
                               f"正文{which}照抄了小标题“{sp.head}”：小标题已说过的话不必再说，"
                               f"请直接讲怎么做、做到什么程度"))
    return out


def _shared_generic(head: str, sentence: str) -> list[str]:
    return [w for w in words().stop if len(w) >= 2 and w in head and w in sentence][:2]


def _generic_in(text: str) -> list[str]:
    """The generic verbs (not theme words) of ``text``."""
    theme = set(words().theme)
    return [w for w in words().stop if len(w) >= 2 and w not in theme and w in text]


def _judged(doc: Doc, sp: SubPoint) -> bool:
    """off_matter judges requirement sub-points written inline (一要X。…, 1.X。…, （一）X。…), not 一是 lists of
    achievements or problems, and not the parts of a 点评 named after a person."""
    return (sp.marker[-1] != "是" and "同志" not in sp.head and bool(sp.body) and sp.body[0][0] == sp.line)


@lru_cache(maxsize=1)
def _matters():
    """Matter against the built-in vocabulary and the curated matter groups: the drafting's own measure,
    so a sentence drafting holds on the matter (钉钉子精神 under 求真务实, one group) is never reported."""
    from generator.bank.matter import Matters
    from generator.bank.units import VOCABULARY_FILE, load_vocabulary
    from generator.errors import SpeechgenError
    from generator.resources import phrasebank_dir

    try:
        vocabulary = load_vocabulary(phrasebank_dir() / "mined" / VOCABULARY_FILE)
    except SpeechgenError:
        vocabulary = {}
    return Matters(vocabulary)


def check_off_matter(doc: Doc) -> list[Finding]:
    out = []
    for sp in subpoints(doc):
        if not _judged(doc, sp):
            continue
        hm = _matters().head(strip_quotes(sp.head))
        head = strip_quotes(sp.head)
        main_text, purpose_text = _main_and_purpose(sp)
        main = matter(main_text)
        if len(main | matter(purpose_text)) < MATTER_MIN:
            continue
        rest = matter(purpose_text, pure=True) - main
        head_verbs = set(_generic_in(head))
        echo = _echo(sp)
        for k, (line, _off, s) in enumerate(sp.body):
            if echo and echo[0] == k:
                continue
            text = strip_quotes(s)
            if len(text) < SENTENCE_MIN:
                continue
            grams = {text[j:j + 2] for j in range(len(text) - 1)}
            if main & grams or len(rest & grams) >= REST_SHARE or (hm.related and _matters().carried(hm, text)):
                continue
            lead = re.split(r"[，,；;：:]", text)[0]
            verbs = [w for w in _generic_in(lead) if w in head_verbs]
            part = sorted(rest & grams)
            if verbs and _OPENER.match(text):
                why = "、".join(f"“{w}”" for w in verbs[:2])
            elif part:
                why = "、".join(f"“{w}”" for w in part)
            else:
                continue  # a sentence sharing nothing at all is an explanation or a maxim, not a stray measure
            out.append(Finding("off_matter", "warning", line + 1, quote(s),
                               f"这句与小标题“{sp.head}”讲的不是一件事：只共用{why}，没有小标题的实际内容；"
                               f"请删去、挪到对题的条目，或改写成这一条的措施"))
    return out


def check_twin_heads(doc: Doc) -> list[Finding]:
    out = []
    points = subpoints(doc)
    for b_i, b in enumerate(points):
        if "同志" in b.head:
            continue  # （二）马文斌同志（…党工委书记）: a 点评's part named after a person, not a matter
        for a in points[:b_i]:
            if a.parent != b.parent or _kind(a.marker) != _kind(b.marker) or "同志" in a.head:
                continue
            why = _twins(a, b)
            if why:
                out.append(Finding("twin_heads", "warning", b.line + 1, excerpt(doc.lines[b.line], 0, len(b.head) + 3),
                                   f"“{b.marker}{b.head}”与同一部分的“{a.marker}{a.head}”{why}，"
                                   f"请合并成一条，或把其中一条换成别的事"))
                break
    return out


def _kind(marker: str) -> str:
    if marker[0] in "（(":
        return "（）"
    if marker[0].isdigit():
        return "1."
    return marker[-1]


def _twins(a: SubPoint, b: SubPoint) -> str | None:
    ka, kb = _first_clause(a), _first_clause(b)
    run, end = lcs(ka, kb)
    shared = ka[end - run:end]
    parallel = ka.find(shared) == kb.find(shared) > 0 and abs(len(ka) - len(kb)) <= 1
    if parallel:
        return None  # （一）政治建设还需进一步深化 / （二）组织建设还需进一步加强: one template, two matters
    if run >= TWIN_RUN and run >= TWIN_SHARE * min(len(ka), len(kb)):
        return f"讲的是一件事（都是“{shared}”）"
    for x, y, where in ((b, a, "正文"), (a, b, "正文")):
        key = _strip_generic(_first_clause(x))
        if len(key) >= TWIN_IN_BODY and matter(key) and any(key in strip_quotes(s) for _, _, s in y.body):
            if x is b:
                return f"重复：后一条的小标题“{key}”前一条的{where}已经讲过"
            return f"重复：前一条的小标题“{key}”后一条的{where}又讲了一遍"
    return None
