"""Markdown and plain-text writers over the Draft model."""

from __future__ import annotations

from generator.document import Draft

_MD_HEADING = {1: "##", 2: "###", 3: "####", 4: "#####"}


def to_markdown(draft: Draft) -> str:
    """Title as ``#``, levels 一、/（一）/1./（1） as ``##``–``#####``, sub-point leads in bold."""
    out = [f"# {draft.title}", ""]
    for line in draft.byline:
        out += [line, ""]
    for block in draft.blocks:
        if block.kind == "heading":
            assert block.level is not None  # Block guarantees headings carry a level
            out.append(f"{_MD_HEADING[block.level]} {block.text}")
        else:
            out.append("".join(f"**{s.text}**" if s.emphasis else s.text for s in _merge_emphasis(block.spans)))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _merge_emphasis(spans):
    """Join adjacent emphasised spans so Markdown gets one **…** per lead sentence."""
    merged = []
    for s in spans:
        if merged and s.emphasis and merged[-1].emphasis:
            merged[-1] = type(s)(merged[-1].text + s.text, merged[-1].source, True)
        else:
            merged.append(s)
    return merged


def to_text(draft: Draft) -> str:
    """Plain text: title, byline, a blank line, then one paragraph a line."""
    lines = [draft.title, *draft.byline, ""]
    lines += [b.text for b in draft.blocks]
    return "\n".join(lines) + "\n"
