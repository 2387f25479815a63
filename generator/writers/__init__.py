"""Writers: one document model, three formats (.docx per GB/T 9704-2012, Markdown, plain text)."""

from __future__ import annotations

from generator.document import Draft

FORMATS = (".docx", ".md", ".txt")


def serialize(draft: Draft, fmt: str, style=None) -> bytes:
    """The bytes of ``draft`` in format ``fmt`` ('.docx', '.md' or '.txt')."""
    if fmt == ".docx":
        from generator.writers.docx import render_docx

        return render_docx(draft, style)
    from generator.writers.text import to_markdown, to_text

    return (to_markdown(draft) if fmt == ".md" else to_text(draft)).encode("utf-8")
