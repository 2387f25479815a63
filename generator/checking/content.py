"""What the content rules share: the checker's word lists (data in phrasebank/curated/checker_words.yaml),
a head's "matter" as character bigrams, sentences with their offsets, and the sub-points of a draft.

No jieba here: ``render`` runs every rule, and rendering must never load the segmenter. A head's matter
is the set of its character bigrams that are not generic: a bigram both of whose characters lie inside a
generic verb or theme word (加强, 党组织 …) or that holds a function character (的, 在 …) is no matter.
A bigram across the edge of such a word stays (织覆 of 组织覆盖): it is the compound that names the matter.
"""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module
from dataclasses import dataclass

from generator.bank.words import Words, words  # noqa: F401  (re-exported for the rules)
from generator.checking.base import Doc

_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+”?|[^。！？!?]+$")
_MARKER = "[一二三四五六七八九十]"
#: A sub-point that opens its paragraph: 一要…。 二是…。 第一，…。 （一）…。 1.…。
_HEAD = re.compile(rf"^(?:{_MARKER}{{1,2}}[要是]|第{_MARKER}{{1,2}}[，,、]|[（(]{_MARKER}{{1,2}}[）)]|\d{{1,2}}[.．、])")
HEAD_MAX = 40  # characters: a first sentence longer than this is a paragraph's opening, not a head


def _mask(text: str, vocab) -> list[bool]:
    masked = [False] * len(text)
    for w in vocab:
        start = text.find(w)
        while start >= 0:
            for k in range(start, start + len(w)):
                masked[k] = True
            start = text.find(w, start + 1)
    return masked


def matter(text: str, extra=(), pure: bool = False) -> set[str]:
    """The content bigrams of ``text`` (see the module docstring); ``extra`` words are masked as well.
    ``pure``: only bigrams with neither character inside a generic or theme word (流失, not 治生 of 政治生态)."""
    w = words()
    masked = _mask(text, (*w.stop, *extra))
    out = set()
    for k in range(len(text) - 1):
        a, b = text[k], text[k + 1]
        if not (_CJK.match(a) and _CJK.match(b)) or a in w.function_chars or b in w.function_chars:
            continue
        if (masked[k] and masked[k + 1]) or (pure and (masked[k] or masked[k + 1])):
            continue
        out.add(a + b)
    return out


def sentences(line: str) -> list[tuple[int, str]]:
    """(offset, sentence) of each sentence of ``line``, cut after 。！？."""
    return [(m.start(), m.group(0)) for m in _SENTENCE.finditer(line) if m.group(0).strip()]


def strip_quotes(text: str) -> str:
    return re.sub(r"[“”\"'‘’《》]", "", text)


@dataclass(frozen=True)
class SubPoint:
    line: int  # 0-based line of the head
    marker: str  # 一要, （一）, 1. …
    head: str  # the head without its marker and final stop
    parent: int  # 0-based line of the heading it stands under (-1: none)
    body: tuple[tuple[int, int, str], ...]  # (line, offset, sentence) of the body, in order

    @property
    def clauses(self) -> list[str]:
        return [c for c in re.split(r"[，,；;]", self.head) if c]


def subpoints(doc: Doc) -> list[SubPoint]:
    """Every sub-point of the body whose head opens a paragraph: "一要X。body" (body in the same paragraph),
    or a heading line "（一）X" / "1.X" with its body in the paragraphs up to the next heading."""
    out: list[SubPoint] = []
    parents: dict[int, int] = {}  # heading level -> line
    lines = doc.lines
    for i, line in doc.body():
        h = doc.headings[i]
        m = _HEAD.match(line)
        if h and not m:
            parents = {lv: ln for lv, ln in parents.items() if lv < h[0]}
            parents[h[0]] = i
            continue
        if not m:
            continue
        level = h[0] if h else 9
        parent = max((ln for lv, ln in parents.items() if lv < level), default=-1)
        rest = line[m.end():]
        stop = re.search(r"[。！？]", rest)
        head = rest[:stop.start()] if stop else rest
        if not head or len(head) > HEAD_MAX:
            if h:
                parents = {lv: ln for lv, ln in parents.items() if lv < h[0]}
                parents[h[0]] = i
            continue
        body: list[tuple[int, int, str]] = []
        if stop:
            off = m.end() + stop.end()
            body = [(i, off + o, s) for o, s in sentences(line[off:])]
        if not body and h:
            for j in range(i + 1, len(lines)):
                if doc.headings[j] or _HEAD.match(lines[j]):
                    break
                body += [(j, o, s) for o, s in sentences(lines[j])]
        if h:
            parents = {lv: ln for lv, ln in parents.items() if lv < h[0]}
            parents[h[0]] = i
        out.append(SubPoint(i, m.group(0), head.strip("*").strip(), parent, tuple(body)))
    return out


def head_level_of(doc: Doc, sp: SubPoint) -> int:
    h = doc.headings[sp.line]
    return h[0] if h else 9
