"""The ``repetition`` rule: a sentence said twice, or a phrase of PHRASE_MIN characters repeated
(quotes, formulas and the pinyin glosses of a corpus aside)."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module
from functools import lru_cache

from generator.bank.fingerprint import normalise
from generator.zh import split_at_marks as sentences
from generator.checking.base import Doc, Finding, excerpt
from generator.checking.placeholder import has_placeholder
from generator.errors import SpeechgenError
from generator.zh import GLOSS_RE, REPEATED_PHRASE, TODO_RE

PHRASE_MIN = REPEATED_PHRASE
SENTENCE_MIN = 8
#: Formulas that legitimately recur in a speech; quoted terms (“两个维护”) are skipped as well.
FORMULAS = ("习近平新时代中国特色社会主义思想", "以习近平同志为核心的党中央", "习近平总书记关于党的建设的重要思想",
            "新时代党的建设总要求", "新时代党的组织路线", "全面从严治党", "基层党组织", "全面进步、全面过硬",
            "中国特色社会主义", "党的二十大精神", "党的二十届三中全会精神", "抓基层党建工作述职评议")
_QUOTED = re.compile(r"“[^”]{0,30}”|《[^》]{0,40}》|「[^」]{0,30}」")
_CLAUSE_END = re.compile(r"[；;：:。！？!?]")
#: 针对……的问题，要……: a deployment that takes up a problem named earlier names it again by design.
_ANSWER = re.compile(r"(?:针对|解决|对)[^，。；：]{2,60}?的?问题")


@lru_cache(maxsize=1)
def formulas() -> tuple[str, ...]:
    """FORMULAS plus the curated formula and slogan entries of the phrasebank, longest first."""
    found = set(FORMULAS)
    try:
        from generator.bank.entries import load_phrasebank

        bank = load_phrasebank()
        found.update(e.text for cat in ("formula", "slogan") for e in bank.query(category=cat)
                     if e.origin == "curated" and not e.slots() and len(e.text) >= 4)
    except SpeechgenError:
        pass  # a broken phrasebank is reported by the commands that load it; checking goes on without it
    return tuple(sorted(found, key=lambda f: (-len(f), f)))


def check_repetition(doc: Doc) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[str, int] = {}
    masked: dict[int, list[tuple[int, int]]] = {}
    for i, line in doc.body():
        pos = 0
        for s in sentences(line):
            start = line.find(s, pos)
            pos = start + len(s)
            key = normalise(s)[0]
            if len(key) < SENTENCE_MIN or has_placeholder(s):
                continue  # "请***同志述职" twice names two people once filled in
            if key in seen:
                masked.setdefault(i, []).append((start, pos))
                out.append(Finding("repetition", "warning", i + 1, excerpt(line, start, pos),
                                   f"这句话与第{seen[key] + 1}段重复，请删去一处或换个说法"))
            else:
                seen[key] = i
    return out + _phrase_repeats(doc, masked)


def _phrase_repeats(doc: Doc, masked: dict[int, list[tuple[int, int]]]) -> list[Finding]:
    """Runs of >= PHRASE_MIN normalised characters said twice, quotes, formulas and repeated sentences aside."""
    first: dict[str, tuple[int, int]] = {}  # gram -> (line, normalised position)
    hits: list[tuple[int, int, int]] = []  # (line, position, first line)
    chunks: list[tuple[int, str, list[int]]] = []
    for i, line in doc.body():
        if doc.headings[i]:
            continue  # headings echo their section's words by design
        blank = GLOSS_RE.sub(lambda m: "、" * len(m.group(0)), line)  # 加強(qiáng): a pinyin gloss is no wording
        for s, e in masked.get(i, []):
            blank = blank[:s] + "\n" * (e - s) + blank[e:]
        blank = _QUOTED.sub(lambda m: "\n" * len(m.group(0)), blank)
        blank = _ANSWER.sub(lambda m: "\n" * len(m.group(0)), blank)
        # what a 〔待补：……〕 asks for is the tool's note to the writer, said again wherever the same is missing
        blank = TODO_RE.sub(lambda m: "\n" * len(m.group(0)), blank)
        # A phrase lives within a clause: "……还不够扎实；二是组织生活……" joins two items, it is not one.
        blank = _CLAUSE_END.sub("\n", blank)
        for f in formulas():
            blank = blank.replace(f, "\n" * len(f))
        norm, where = normalise(blank.replace("\n", "、"))
        # Split the normalised text where something was blanked, so no gram bridges a gap.
        gaps = [k for k in range(1, len(where)) if "\n" in blank[where[k - 1]:where[k]]]
        bounds = [0, *gaps, len(norm)]
        for a, b in zip(bounds, bounds[1:]):
            chunks.append((i, norm[a:b], where[a:b]))
    for i, text, where in chunks:
        for k in range(len(text) - PHRASE_MIN + 1):
            gram = text[k:k + PHRASE_MIN]
            prev = first.get(gram)
            if prev is None:
                first[gram] = (i, where[k])
            elif prev[0] != i or where[k] - prev[1] >= PHRASE_MIN:
                hits.append((i, where[k], prev[0]))
    out, said = [], set()
    hits.sort()
    k = 0
    while k < len(hits):
        i, start, src = hits[k]
        end = start
        while k + 1 < len(hits) and hits[k + 1][0] == i and hits[k + 1][1] <= end + 2:
            k += 1
            end = hits[k][1]
        line = doc.lines[i]
        stop = min(len(line), end + PHRASE_MIN)
        where_txt = "本段前文" if src == i else f"第{src + 1}段"
        message = f"“{line[start:stop][:20]}”一语与{where_txt}重复，请换个说法"
        if (i, message) not in said:  # the same phrase twice more in one paragraph: one finding
            said.add((i, message))
            out.append(Finding("repetition", "warning", i + 1, excerpt(line, start, stop), message))
        k += 1
    return out
