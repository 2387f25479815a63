"""The render job: config → Draft(s) → .docx/.md/.txt files, with a summary and the checker's verdict.

It sits above drafting, writers and checking (not inside drafting) because it is the one place that
ties the three together: drafting makes a Draft and knows nothing of files or findings; the CLI and
the web workbench both call this job, so neither holds that glue itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.drafting.chooser import save_pools
from generator.drafting.compose import compose
from generator.drafting.config import CHARS_PER_MINUTE, Config, load_config
from generator.document import Draft
from generator.writers import serialize
from generator.errors import InputError
from generator.atomic import check_outputs, write_all
from generator.drafting.packs import find_packs, get_pack, resolve_type, starter_text

from generator.writers import FORMATS


@dataclass
class RenderResult:
    outputs: list[Path] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    summary_lines: list[str] = field(default_factory=list)
    stdout_text: str | None = None
    errors: int = 0
    #: What the job read and found, for callers that show more than the summary (the workbench): the
    #: loaded config, the phrasebank the drafts were composed with, and each draft's checker findings.
    config: Config | None = None
    bank: object = None
    findings: list[list] = field(default_factory=list)


def init_config(type_name: str, template_dirs=()) -> str:
    return starter_text(get_pack(type_name, template_dirs), template_dirs)


def load(config_path, template_dirs=()) -> Config:
    packs = find_packs(template_dirs)
    return load_config(config_path, type_resolver=lambda t: resolve_type(t, template_dirs),
                       keys_for=lambda type_id: packs[type_id].keys if type_id in packs else ())


def _style(config: Config, style_path):
    if style_path is None and config.style is None:
        return None
    from generator.writers.house_style import is_style_name, load_style, shipped_styles, style_from_mapping

    if style_path is not None:
        return load_style(style_path)
    if isinstance(config.style, dict):
        return style_from_mapping(config.style, f"{config.source}: style")
    beside = Path(config.source).parent / config.style
    if is_style_name(config.style) and (config.style in shipped_styles() or not beside.is_file()):
        return load_style(config.style)  # a shipped style (style: windows-fonts), as for --style
    path = Path(config.style)
    if not path.is_absolute():
        path = Path(config.source).parent / path
    return load_style(path)


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "reporter"


def with_config_phrases(phrase_dirs, config) -> list:
    """The phrasebank folders of a render: those given (command line, then SPEECHGEN_PHRASES), then the
    config's ``phrases:`` (relative to the config file), each once."""
    out = list(phrase_dirs)
    seen = {str(Path(p).resolve()) for p in out}
    for p in getattr(config, "phrases", ()) or ():
        if str(Path(p).resolve()) not in seen:
            out.append(Path(p))
            seen.add(str(Path(p).resolve()))
    return out


def render_command(config_path, out: str, *, seed=None, force=False, template_dirs=(), phrase_dirs=(),
                   style_path=None, each=False, sources=False, alternatives=False) -> RenderResult:
    """Everything ``speechgen render`` does, minus printing. ``alternatives``: the drafts also list, per
    slot, the other sentences that fit there (``meta["slots"]``, for the workbench's 换一句); the text is
    the same either way."""
    packs = find_packs(template_dirs)  # a bad --templates folder is reported as such, before the config
    config = load(config_path, template_dirs)
    result = RenderResult(config=config)
    result.summary_lines.extend(f"提示：{note}" for note in config.notes)
    to_stdout = str(out) == "-"
    if each:
        if "reporters" not in packs[config.type].requires:
            raise InputError(f"--each 只用于点评（每位述职人一份）；{packs[config.type].name}不适用", key="--each")
        if to_stdout:
            raise InputError("--each 需要用 -o 指定输出文件夹", key="-o")
        folder = Path(out)
        if (folder.exists() and not folder.is_dir()) or folder.suffix.lower() in FORMATS:
            raise InputError("--each 的输出应为文件夹（每位述职人一份 .docx）", path=folder)
        fmt = ".docx"
        jobs: list[tuple[Path | None, list[int] | None]] = [
            (folder / f"{i + 1:02d}_{_safe_name(r.name)}{fmt}", [i]) for i, r in enumerate(config.reporters)]
    else:
        fmt = ".txt" if to_stdout else Path(out).suffix.lower()
        if fmt not in FORMATS:
            raise InputError(f"不支持的输出格式“{Path(out).suffix or '（无扩展名）'}”，请用 .docx、.md 或 .txt",
                             path=out)
        jobs = [(None if to_stdout else Path(out), None)]
    # Every file this run writes (drafts, their OUT.sources.md and OUT.sources.json), checked before any work and
    # before any is written: none is the config or style file, none repeats, each is new or --force allows replacing it.
    outputs = [path for path, _ in jobs if path is not None]
    if sources:
        outputs += [side for path in outputs for side in _sources_paths(path)]
    inputs = {config_path: "配置文件"}
    if style_path is not None:
        inputs[style_path] = "版式文件"
    elif isinstance(config.style, str):
        inputs[Path(config.source).parent / config.style] = "版式文件"
    check_outputs(outputs, force, inputs=inputs)
    style = _style(config, style_path)  # checked even when not used, so a broken style file is found now
    if fmt != ".docx":
        style = None
    from generator.bank.entries import load_phrasebank

    bank = result.bank = load_phrasebank(with_config_phrases(phrase_dirs, config))
    if sources:
        from generator.writers.sources import sources_data, sources_json, sources_markdown
    pending: list[tuple[Path, bytes]] = []  # written only once every draft has been made
    for path, reporters in jobs:
        draft = compose(config, seed=seed, template_dirs=template_dirs, bank=bank, reporters=reporters,
                        alternatives=alternatives)
        if not draft.char_count():
            pack = packs[config.type]
            raise InputError("模板没有写出任何内容（草稿 0 字）：模板是空的、只有注释，或没有输出 @p、@h1 等行；"
                             "未写入任何文件", path=pack.dir / pack.template)
        data = serialize(draft, fmt, style)
        if path is None:
            result.stdout_text = data.decode("utf-8") + (
                f"\n{sources_markdown(sources_data(draft, bank))}" if sources else "")
        else:
            pending.append((path, data))
            if sources:  # both forms from one set of data, so they cannot disagree
                where = sources_data(draft, bank)
                md_path, json_path = _sources_paths(path)
                pending += [(md_path, sources_markdown(where).encode("utf-8")), (json_path, sources_json(where))]
        result.drafts.append(draft)
        result.summary_lines.append(summary_line(draft, path))
        result.summary_lines.extend(f"提示：pins 中锁定的“{slot}”没有用上：{why}"
                                    for slot, why in draft.meta.get("pins_unused", {}).items())
        findings = _check(draft, config, result.summary_lines)
        result.findings.append(findings)
        result.errors += sum(1 for f in findings if f.severity == "error")
    # All or nothing: each file is written in full beside its target before any is moved into place.
    result.outputs.extend(write_all(pending, force=force))
    save_pools()  # what choosing worked out, for the next process (the user's cache)
    return result


def _sources_paths(path: Path) -> tuple[Path, Path]:
    """Where ``--sources`` writes the provenance of the draft at ``path``: OUT.sources.md and OUT.sources.json."""
    return path.with_name(path.name + ".sources.md"), path.with_name(path.name + ".sources.json")


def summary_line(draft: Draft, path: Path | None) -> str:
    chars = draft.char_count()
    minutes = max(1, round(chars / CHARS_PER_MINUTE))
    where = f"已生成 {path}" if path else "已生成"
    line = (f"{where}：{chars} 字，约 {minutes} 分钟，待补 {len(draft.placeholders())} 处，"
            f"用到短语 {draft.meta.get('phrases_used', 0)} 条")
    target = draft.meta.get("target")
    if target and not draft.meta.get("length_ok", True):
        lo, hi = draft.meta.get("reachable", (0, 0))  # worked out only here: it renders the extremes
        line += f"；目标 {target} 字，本模板在当前主题数下可写 {lo}–{hi} 字"
    return line


def _check(draft: Draft, config: Config, lines: list[str]) -> list:
    """Run the checker on the draft, append its verdict, and return its findings.

    Open 〔待补〕 gaps count as errors (for --strict) but are listed once in the summary, not one by one.
    """
    from generator.checking.registry import check_lines
    from generator.checking.report import finding_line

    quoted = {s.text for b in draft.blocks for s in b.spans if s.source.startswith("config:")}
    findings = check_lines(draft.paragraphs, year=config.year, target_length=draft.meta.get("target"),
                           level=config.level or None, meeting_type=config.type, quoted=sorted(quoted))
    gaps = [f for f in findings if f.rule == "placeholder" and "〔待补" in f.excerpt]
    shown = [f for f in findings if f not in gaps and f.severity in ("error", "warning")]
    errors = sum(1 for f in findings if f.severity == "error")
    # the summary line's 待补 N 处 counts each 〔待补〕; so does this (a finding covers a line's several)
    tail = f"（另有待补 {len(draft.placeholders())} 处）" if gaps else ""
    lines.append(f"检查：错误 {errors - len(gaps)}，警告 {sum(f.severity == 'warning' for f in shown)}{tail}")
    lines.extend(f"  {finding_line(f)}" for f in shown)
    return findings
