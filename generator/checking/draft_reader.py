"""Reads a draft (.txt, .md or .docx, ours or hand-written) into its paragraph lines in reading order."""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # compiles CJK classes ~4× faster than the re module
from pathlib import Path

from generator.errors import InputError
from generator.loader import read_bytes

SUFFIXES = (".txt", ".md", ".docx")

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_BULLET = re.compile(r"^\s*(?:[-+]|\*(?!\*))\s+")  # "1." is a level-3 heading in a speech, so kept
_MD_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_MD_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_MD_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.S)


def read_draft(path) -> list[str]:
    """Non-empty paragraph lines of a draft, title first, stripped of surrounding whitespace.

    Raises InputError when the file is missing, empty, unreadable or of an unknown kind.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if p.is_dir():
        raise InputError("这是一个文件夹，请给出一份讲话稿（.docx、.md 或 .txt）", path=p)
    if suffix not in SUFFIXES:
        raise InputError(f"不支持的文件类型“{p.suffix or '无扩展名'}”，请给出 .docx、.md 或 .txt 文件", path=p)
    data = read_bytes(p, "draft")
    if suffix == ".docx":
        lines = _docx_lines(p, data)
    else:
        text = _decode(data, p.name)
        lines = md_lines(text) if suffix == ".md" else text_lines(text)
    if not lines:
        raise InputError("文件中没有文字", path=p)
    return lines


def _decode(data: bytes, name: str) -> str:
    from generator.corpus import decode_bytes  # same encoding detection as corpus reading

    return decode_bytes(data, name)


def text_lines(text: str) -> list[str]:
    """One paragraph a line, read as the corpus reader reads a hard-wrapped text (see corpus.text_paragraphs)."""
    from generator.corpus import text_paragraphs

    return text_paragraphs(text)


def md_lines(text: str) -> list[str]:
    """Paragraph lines of Markdown: #, bullets, quotes, ** and __ emphasis, rules and escapes removed.

    Single ``*`` is left alone: in these drafts a lone ``*`` is far more often a masked number than
    italics, and the checker must see it.
    """
    text = _MD_COMMENT.sub("", text)
    out = []
    for line in text.splitlines():
        if _MD_RULE.match(line):
            continue
        line = _MD_QUOTE.sub("", line)
        line = _MD_HEADING.sub("", line)
        line = _MD_BULLET.sub("", line)
        line = _MD_STRONG.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), line)
        line = _MD_ESCAPE.sub(r"\1", line)
        line = re.sub(r"\s{2,}$|\\$", "", line)  # Markdown hard line breaks
        out.append(line)
    return text_lines("\n".join(out))


def _docx_lines(p: Path, data: bytes) -> list[str]:
    from generator.loader import read_docx  # the hardened opening shared with corpus reading

    # Body paragraphs only: headers and footers hold page numbers, not the speech. A manual line
    # break inside a paragraph (a long title set on two lines) does not start a new paragraph.
    paragraphs = read_docx(p, "draft", lambda document: [par.text for par in document.paragraphs], data)
    return text_lines("\n".join(re.sub(r"\s*\n\s*", "", text) for text in paragraphs))
