"""The ``list_count`` rule: an announced list that what follows does not bear out, beyond count_mismatch
(讲N点意见): "有几项工作……：" or "一些好的做法……：" followed by one item; "从三个方面" or "以下四点" with another
number of 一是/二是 … after it. A paragraph count_mismatch already reports is left to it. Warnings."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module

from generator.checking.base import Doc, Finding, excerpt
from generator.checking.numbering import check_count_mismatch, markers
from generator.zh import parse_cn

#: A plural announced before a colon: 几项工作, 一些好的做法, 大量工作, 多项举措 …
_VAGUE = re.compile(r"(?:几项|几个|几点|一些|大量|多项|诸多|不少|若干|以下几)[^，。；：:]{0,12}[：:]")
# (?<!第): 第四条 is an article of a law ("宪法第四条又规定：…", gwr 1955), not a count of items.
_COUNTED = re.compile(r"(?:以下|如下|从|有|抓好|做好|突出)?(?<![第\d])([一二两三四五六七八九十]|\d)(?:个方面|点|项|条|件事)[^，。；：:]{0,10}[：:]")


def _items_after_colon(text: str) -> int:
    """Items of the list after a colon, up to the end of the sentence: 一是…二是…, or ；/、-separated parts."""
    ms = markers(text)
    if ms and ms[0].n == 1:
        return max(m.n for m in ms if m.kind == ms[0].kind)
    sentence = re.split(r"[。！？]", text, maxsplit=1)[0]
    return len([p for p in re.split(r"[；;]", sentence) if p.strip()])


def check_list_count(doc: Doc) -> list[Finding]:
    counted = {f.paragraph for f in check_count_mismatch(doc)}
    out = []
    for i, line in doc.body():
        if i + 1 in counted or doc.headings[i]:
            continue
        for m in _VAGUE.finditer(line):
            if re.search(r"不足|问题|差距|改进|短板|薄弱|弱项", m.group(0)):
                continue  # "还存在一些不足：……" hedges a count of faults; the review lets one stand
            rest = line[m.end():]
            sentence = re.split(r"[。！？]", rest, maxsplit=1)[0]
            if not sentence.strip() or markers(rest[:len(sentence)]) or re.search(r"[；;、]", sentence):
                continue
            nxt = rest[len(sentence) + 1:]
            if markers(nxt)[:1] and markers(nxt)[0].start == 0:
                continue
            out.append(Finding("list_count", "warning", i + 1, excerpt(line, m.start(), m.end() + len(sentence)),
                               f"前面说“{m.group(0).rstrip('：:')}”，冒号后只有一项；请补足几项，或改为单数说法"))
        for m in _COUNTED.finditer(line):
            said = parse_cn(m.group(1))
            given = _items_after_colon(line[m.end():])
            if said and given and given != said:
                out.append(Finding("list_count", "warning", i + 1, excerpt(line, m.start(), m.end()),
                                   f"前面说“{m.group(0).rstrip('：:')}”，后面实际{'只' if given < said else ''}列了"
                                   f"{given}项；请核对数目，改正其一"))
    return out
