"""The sources report (``render --sources``): where every stretch of a draft came from."""

from __future__ import annotations

from generator.document import Draft


def provenance(draft: Draft, bank) -> str:
    """Where every stretch of the draft came from: template, config key, or phrasebank entry and the
    corpus lines it was mined from. One section a paragraph, in reading order."""
    out = [f"# 出处：{draft.title}", ""]
    for i, block in enumerate(draft.blocks, 1):
        out.append(f"## 第{i}段")
        for span in block.spans:
            text = span.text if len(span.text) <= 40 else span.text[:38] + "……"
            where = _source_zh(span.source, bank)
            out.append(f"- {text} ← {where}")
        out.append("")
    return "\n".join(out)


def _source_zh(source: str, bank) -> str:
    kind, _, ref = source.partition(":")
    if kind == "phrase":
        entry = bank.get(ref)
        if entry is None:
            unit = bank.unit(ref) if hasattr(bank, "unit") else None
            if unit is not None:
                origin = "；".join(unit.sources[:3]) + ("…" if len(unit.sources) > 3 else "")
                return f"短语库单元 {ref}（{unit.kind}，{origin}）"
            return f"短语库 {ref}"
        origin = "；".join(entry.sources[:3]) + ("…" if len(entry.sources) > 3 else "") if entry.sources else "手写条目"
        return f"短语库 {ref}（{entry.category}，{origin}）"
    if kind == "config":
        return f"配置项 {ref}"
    if kind == "curated":
        return f"手写资料 {ref}"
    if kind == "placeholder":
        return "待补（配置中缺少这项事实）"
    return f"模板 {ref}" if ref else "模板"
