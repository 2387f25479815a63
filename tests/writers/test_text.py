"""Markdown and text writers over the document model."""

from __future__ import annotations

from generator.document import Block, Draft, Span
from generator.writers.text import to_markdown, to_text

DRAFT = Draft(
    title="在云溪区述职评议会议上的讲话",
    byline=("区委书记",),
    blocks=(
        Block.of("salutation", "同志们："),
        Block.of("heading", "一、坚持把政治建设摆在首位", level=1),
        Block("paragraph", (Span("一要", "template:enumerator", True), Span("深化理论武装", "phrase:point.0001", True),
                            Span("。要健全学习机制。", "phrase:requirement.0002"))),
        Block.of("heading", "（一）周建国同志", level=2),
        Block.of("paragraph", "〔待补：成绩〕", source="placeholder"),
    ),
)


def test_markdown():
    assert to_markdown(DRAFT) == (
        "# 在云溪区述职评议会议上的讲话\n\n区委书记\n\n同志们：\n\n## 一、坚持把政治建设摆在首位\n\n"
        "**一要深化理论武装**。要健全学习机制。\n\n### （一）周建国同志\n\n〔待补：成绩〕\n")


def test_text():
    assert to_text(DRAFT) == ("在云溪区述职评议会议上的讲话\n区委书记\n\n同志们：\n一、坚持把政治建设摆在首位\n"
                              "一要深化理论武装。要健全学习机制。\n（一）周建国同志\n〔待补：成绩〕\n")


def test_draft_counts():
    assert DRAFT.placeholders() == ["〔待补：成绩〕"]
    assert DRAFT.char_count() == len("同志们：一、坚持把政治建设摆在首位一要深化理论武装。要健全学习机制。（一）周建国同志〔待补：成绩〕")
    assert "phrase:point.0001" in DRAFT.sources()
