"""The render job: config → Draft(s) → .docx/.md/.txt files, with a summary and the checker's verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.drafting.compose import compose
from generator.drafting.config import CHARS_PER_MINUTE, Config, load_config
from generator.document import Draft
from generator.errors import InputError
from generator.atomic import atomic_write, check_writable
from generator.drafting.packs import find_packs, get_pack, resolve_type, starter_text

FORMATS = (".docx", ".md", ".txt")


@dataclass
class RenderResult:
    outputs: list[Path] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    summary_lines: list[str] = field(default_factory=list)
    stdout_text: str | None = None
    errors: int = 0


def init_config(type_name: str, template_dirs=()) -> str:
    return starter_text(get_pack(type_name, template_dirs), template_dirs)


def load(config_path, template_dirs=()) -> Config:
    return load_config(config_path, type_resolver=lambda t: resolve_type(t, template_dirs))


def serialize(draft: Draft, fmt: str, style=None) -> bytes:
    """The bytes of ``draft`` in format ``fmt`` ('.docx', '.md' or '.txt')."""
    if fmt == ".docx":
        from generator.writers.docx import render_docx

        return render_docx(draft, style)
    from generator.writers.text import to_markdown, to_text

    return (to_markdown(draft) if fmt == ".md" else to_text(draft)).encode("utf-8")


def _style(config: Config, style_path):
    if style_path is None and config.style is None:
        return None
    from generator.writers.house_style import load_style, style_from_mapping

    if style_path is not None:
        return load_style(style_path)
    if isinstance(config.style, dict):
        return style_from_mapping(config.style, f"{config.source}: style")
    path = Path(config.style)
    if not path.is_absolute():
        path = Path(config.source).parent / path
    return load_style(path)


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "reporter"


def render_command(config_path, out: str, *, seed=None, force=False, template_dirs=(), phrase_dirs=(),
                   style_path=None, each=False, sources=False) -> RenderResult:
    """Everything ``speechgen render`` does, minus printing."""
    packs = find_packs(template_dirs)  # a bad --templates folder is reported as such, before the config
    config = load(config_path, template_dirs)
    result = RenderResult()
    to_stdout = str(out) == "-"
    if not to_stdout and Path(out).resolve() == Path(config_path).resolve():
        raise InputError("输出文件就是配置文件本身，不会覆盖；请换一个输出文件名", path=out)
    if each:
        if "reporters" not in packs[config.type].requires:
            raise InputError(f"--each 只用于点评（每位述职人一份）；{packs[config.type].name}不适用", key="--each")
        if to_stdout:
            raise InputError("--each 需要用 -o 指定输出文件夹", key="-o")
        folder = Path(out)
        if (folder.exists() and not folder.is_dir()) or folder.suffix.lower() in FORMATS:
            raise InputError("--each 的输出应为文件夹（每位述职人一份 .docx）", path=folder)
        fmt = ".docx"
        jobs = [(folder / f"{i + 1:02d}_{_safe_name(r.name)}{fmt}", [i]) for i, r in enumerate(config.reporters)]
    else:
        fmt = ".txt" if to_stdout else Path(out).suffix.lower()
        if fmt not in FORMATS:
            raise InputError(f"不支持的输出格式“{Path(out).suffix or '（无扩展名）'}”，请用 .docx、.md 或 .txt",
                             path=out)
        jobs = [(None if to_stdout else Path(out), None)]
    for path, _ in jobs:  # refuse before doing any work, and before writing anything
        if path is not None:
            check_writable(path, force)
    style = _style(config, style_path)  # checked even when not used, so a broken style file is found now
    if fmt != ".docx":
        style = None
    from generator.bank.entries import load_phrasebank

    bank = load_phrasebank(list(phrase_dirs))
    for path, reporters in jobs:
        draft = compose(config, seed=seed, template_dirs=template_dirs, bank=bank, reporters=reporters)
        data = serialize(draft, fmt, style)
        if path is None:
            result.stdout_text = data.decode("utf-8") + (f"\n{provenance(draft, bank)}" if sources else "")
        else:
            atomic_write(path, data, force=force)
            result.outputs.append(path)
            if sources:
                side = path.with_name(path.name + ".sources.md")
                atomic_write(side, provenance(draft, bank), force=force)
                result.outputs.append(side)
        result.drafts.append(draft)
        result.summary_lines.append(summary_line(draft, path))
        result.errors += _check(draft, config, result.summary_lines)
    return result


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


def summary_line(draft: Draft, path: Path | None) -> str:
    chars = draft.char_count()
    minutes = max(1, round(chars / CHARS_PER_MINUTE))
    where = f"已生成 {path}" if path else "已生成"
    line = (f"{where}：{chars} 字，约 {minutes} 分钟，待补 {len(draft.placeholders())} 处，"
            f"用到短语 {draft.meta.get('phrases_used', 0)} 条")
    target = draft.meta.get("target")
    lo, hi = draft.meta.get("reachable", (0, 0))
    if target and not draft.meta.get("length_ok", True):
        line += f"；目标 {target} 字，本模板在当前主题数下可写 {lo}–{hi} 字"
    return line


def _check(draft: Draft, config: Config, lines: list[str]) -> int:
    """Run the checker on the draft, append its verdict, and return the number of errors.

    Open 〔待补〕 gaps count as errors (for --strict) but are listed once in the summary, not one by one.
    """
    from generator.checking.registry import check_lines

    findings = check_lines(draft.paragraphs, year=config.year, target_length=draft.meta.get("target"))
    gaps = [f for f in findings if f.rule == "placeholder" and "〔待补" in f.excerpt]
    shown = [f for f in findings if f not in gaps and f.severity in ("error", "warning")]
    errors = sum(1 for f in findings if f.severity == "error")
    tail = f"（另有待补 {len(gaps)} 处）" if gaps else ""
    lines.append(f"检查：错误 {errors - len(gaps)}，警告 {sum(f.severity == 'warning' for f in shown)}{tail}")
    for f in shown:
        where = f" 第{f.paragraph}段" if f.paragraph else ""
        excerpt = f"（{f.excerpt}）" if f.excerpt else ""
        lines.append(f"  [{f.severity}] {f.rule}{where}：{f.message}{excerpt}")
    return errors
