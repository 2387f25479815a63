"""The ``tics`` rule: one sentence opener (注重, 防止, 检验, 衡量, 必须 … — data in checker_words.yaml) used so
often that the draft reads as written from one mould. A warning with the count."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module

from generator.checking.base import Doc, Finding
from generator.checking.content import sentences, words

# At least this many sentences open with the same word …
TIC_MIN = 3
# … and more than this many per 1,000 characters of body. Measured on the 5 seeds (12,300 characters,
# 224 sentences, heads aside): each listed opener opens at most 1 sentence of a speech (0.5 per 1,000
# characters); our six review drafts open 3–10 sentences with 注重 (1.1–2.3 per 1,000).
TIC_RATE = 1.0
_MARKER = re.compile(r"^(?:[一二三四五六七八九十]{1,2}[要是]|第[一二三四五六七八九十]{1,2}[，,、]|[（(][一二三四五六七八九十]{1,2}[）)]|\d{1,2}[.．、])")


def openers(doc: Doc) -> dict[str, list[tuple[int, str]]]:
    """For each listed opener, the (line, sentence) of the body sentences that open with it."""
    found: dict[str, list[tuple[int, str]]] = {}
    for i, line in doc.body():
        for k, (_, s) in enumerate(sentences(line)):
            if k == 0 and (_MARKER.match(line) or doc.headings[i]):
                continue  # a head: parallel heads (一要强化……二要强化……) are a figure, not a tic
            s = s.lstrip("“”\"* ")
            for w in words().tic_openers:
                if s.startswith(tuple(w.split("|"))):
                    found.setdefault(w.replace("|", "”“"), []).append((i, s))
    return found


def check_tics(doc: Doc) -> list[Finding]:
    chars = sum(len(line) for _, line in doc.body())
    out = []
    for w, hits in openers(doc).items():
        if len(hits) >= TIC_MIN and len(hits) * 1000 > TIC_RATE * chars:
            i, s = hits[0]
            out.append(Finding("tics", "warning", i + 1, s[:40],
                               f"全文有 {len(hits)} 句以“{w}”开头（约每千字 {len(hits) * 1000 / max(chars, 1):.1f} 句），"
                               f"句式雷同，像口头禅；请换个说法或合并几句（此处为第一句）"))
    return out
