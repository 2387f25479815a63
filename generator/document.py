"""The draft's document model: what templates produce and what every writer (DOCX, Markdown, text) reads.

A Draft is a title, optional byline lines (speaker, date) and a flat list of Blocks. A Block is a
salutation, a heading (level 1–4: 一、 / （一） / 1. / （1）, enumerator included in its text) or a
body paragraph. A Block's text is a sequence of Spans; each Span records where its words came
from (a phrasebank entry id, a config key, or a template), so every sentence is traceable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.zh import TODO_RE

#: Marks a fact the writer still has to supply, e.g. 〔待补：述职人数〕.
PLACEHOLDER_RE = TODO_RE

BLOCK_KINDS = ("salutation", "heading", "paragraph")


@dataclass(frozen=True)
class Span:
    """A stretch of text with one origin.

    ``source`` is ``phrase:<entry id>``, ``config:<key path>`` (e.g. ``config:achievements[0]``),
    ``template:<pack>/<file>`` or ``placeholder``. ``emphasis`` marks the lead sentence of a
    sub-point (一要…), which house styles may set in bold.
    """

    text: str
    source: str = ""
    emphasis: bool = False
    slot: str = ""  # a phrase's place in the draft (``要求@加强流动党员管理#2``), for 换一句 and 锁定


@dataclass(frozen=True)
class Block:
    kind: str  # one of BLOCK_KINDS
    spans: tuple[Span, ...]
    level: int | None = None  # 1..4 for headings, None otherwise

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")
        if (self.kind == "heading") != (self.level is not None):
            raise ValueError("headings, and only headings, carry a level")

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @classmethod
    def of(cls, kind: str, text: str, level: int | None = None, source: str = "") -> Block:
        return cls(kind, (Span(text, source),), level)


@dataclass(frozen=True)
class Draft:
    title: str
    blocks: tuple[Block, ...]
    byline: tuple[str, ...] = ()  # lines under the title: speaker, date
    meta: dict = field(default_factory=dict, compare=False)  # type, seed, year, phrases used …

    @property
    def paragraphs(self) -> list[str]:
        """Every line of the draft as a reader sees it: title, byline, then each block."""
        return [self.title, *self.byline, *(b.text for b in self.blocks)]

    def char_count(self) -> int:
        """Characters of the speech itself (title and byline excluded), whitespace not counted."""
        return sum(len(re.sub(r"\s", "", b.text)) for b in self.blocks)

    def placeholders(self) -> list[str]:
        """Every 〔待补…〕 of the draft, one by one (the title's and byline's too: a reader fills them as well)."""
        return [m.group(0) for line in self.paragraphs for m in PLACEHOLDER_RE.finditer(line)]

    def sources(self) -> list[str]:
        return [s.source for b in self.blocks for s in b.spans if s.source]
