"""Thin click layer: parses options, calls the library, turns domain errors into messages and exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from generator.errors import InputError, SpeechgenError
from generator.cli.errors import Group, ignore_file_size_signal, leave_now, short_lived, write_stdout


def _print(text: str) -> None:
    """Print what a command produces (a listing, a report) on stdout; a closed, full or size-limited
    stdout is exit 2 with a message, never a silent exit 0 with the output lost or cut."""
    write_stdout(text if text.endswith("\n") or not text else text + "\n", key=None, advice="")


def _notes(notes: list[str]) -> None:
    for note in notes:
        click.echo(f"注意：{note}", err=True)

def _templates(given) -> list[Path]:
    """--templates folders, then those of $SPEECHGEN_TEMPLATES."""
    from generator.resources import TEMPLATES_ENV, user_dirs

    return user_dirs(given, TEMPLATES_ENV)


def _phrases(given) -> list[Path]:
    """--phrases folders, then those of $SPEECHGEN_PHRASES."""
    from generator.resources import PHRASES_ENV, user_dirs

    return user_dirs(given, PHRASES_ENV)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(package_name="speechgen", message="speechgen %(version)s", help="显示版本号并退出。")
def cli() -> None:
    """speechgen：基层党建会议讲话稿起草工具（离线、可复现、不编造事实）。"""


# ---------------------------------------------------------------- corpus
@cli.group(cls=Group)
def corpus() -> None:
    """读取并清洗语料文件（编码、繁简、拼音注音、断行、网页杂质、重复段落）。"""


@corpus.command("clean")
@click.argument("file", type=click.Path(path_type=Path))
def corpus_clean(file: Path) -> None:
    """输出清洗后的文本，每段一行（FILE 可以是文件夹：逐个处理其中的文件）。"""
    from generator.corpus import read_corpus, read_speech

    if not file.is_dir():
        write_stdout(read_speech(file).clean_text(), key=None, advice="")
        return
    failed = 0
    notes: list[str] = []
    for path, result in read_corpus([file], notes=notes):
        if isinstance(result, SpeechgenError):
            failed += 1
            click.echo(f"跳过：{result.format()}", err=True)
            continue
        write_stdout(f"==> {path} <==\n{result.clean_text()}", key=None, advice="")
    _notes(notes)
    if failed:
        click.echo(f"错误：有 {failed} 个文件无法读取。", err=True)
        sys.exit(2)


@corpus.command("show")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出标题与各段（文本、角色、层级）。")
def corpus_show(file: Path, as_json: bool) -> None:
    """显示讲话的结构：标题、各段角色与标题层级（FILE 可以是文件夹）。"""
    from generator.corpus import read_corpus, read_speech

    def show(speech) -> str:
        lines = [f"标题：{speech.title}"]
        for i, p in enumerate(speech.paragraphs, 1):
            level = f"L{p.level}" if p.level else "  "
            lines.append(f"{i:>3} {level} [{p.role}] {p.text}")
        return "\n".join(lines)

    if not file.is_dir():
        speech = read_speech(file)
        _print(json.dumps(speech.to_dict(), ensure_ascii=False, indent=2) if as_json else show(speech))
        return
    failed, items = 0, []
    notes: list[str] = []
    for path, result in read_corpus([file], notes=notes):
        if isinstance(result, SpeechgenError):
            failed += 1
            click.echo(f"跳过：{result.format()}", err=True)
        elif as_json:
            items.append({"file": str(path), **result.to_dict()})
        else:
            _print(f"==> {path} <==\n{show(result)}")
    if as_json:
        _print(json.dumps(items, ensure_ascii=False, indent=2))
    _notes(notes)
    if failed:
        click.echo(f"错误：有 {failed} 个文件无法读取。", err=True)
        sys.exit(2)


# ---------------------------------------------------------------- mining & phrases
@cli.command()
@click.argument("corpus_paths", metavar="CORPUS...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path), help="输出文件夹。")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64), help="并行进程数。")
@click.option("--force", is_flag=True, help="允许覆盖输出文件夹中由挖掘生成的文件。")
@click.option("--update", is_flag=True,
              help="增量更新已有的短语库：只挖掘新增和改动的文件，删去语料中已没有的文件，结果与全部重新挖掘相同。")
def mine(corpus_paths: tuple[Path, ...], out_dir: Path, jobs: int, force: bool, update: bool) -> None:
    """用 jieba 从语料（.txt、.docx 讲话稿的文件夹）挖掘短语库条目和单元（带出处），并报告每类挖到多少、哪些文件没有挖到内容及原因。"""
    from generator.corpus.reader import corpus_files
    from generator.mining.miner import mine as run_mine

    found: list[str] = []  # folders the corpus reader leaves out (an earlier mine's phrasebank inside it)
    corpus_files(corpus_paths, notes=found)
    report = run_mine(list(corpus_paths), out_dir, jobs=jobs, progress=_ProgressBar() if sys.stderr.isatty() else None,
                      force=force, update=update)
    _notes([*found, *report.notes])
    click.echo(report.summary())  # with every file that gave nothing, and why


@cli.command()
@click.option("--category", "-c", help="按类别筛选，如 point、parallel、formula（加 --units 时为单元种类，如 measure）。")
@click.option("--theme", "-t", help="按主题筛选，如 政治建设。")
@click.option("--search", "-s", help="按文字检索。")
@click.option("--phrases", "phrase_dirs", multiple=True, type=click.Path(path_type=Path),
              help="额外的短语库文件夹（可多次给出）。")
@click.option("--units", "list_units", is_flag=True, help="列出挖掘出的单元（小标题、措施、目的、判断），而不是条目。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def phrases(category, theme, search, phrase_dirs, list_units, as_json) -> None:
    """浏览短语库：类别、主题，来自哪个短语库（内置或自己的文件夹）及其语料出处（文件:行号）。"""
    from generator.bank.entries import load_phrasebank
    from generator.bank.themes import load_themes
    from generator.bank.units import UNIT_KINDS
    from generator.writers.sources import item_origin, lines_zh

    bank = load_phrasebank(_phrases(phrase_dirs))
    if list_units:
        if category is not None and category not in UNIT_KINDS:
            raise InputError(f"未知的单元种类“{category}”，可用：{'、'.join(UNIT_KINDS)}", key="--category")
        items = sorted((u for u in bank.units if (category is None or u.kind == category)
                        and (theme is None or theme in u.themes) and (search is None or search in u.text)),
                       key=lambda u: u.id)
    else:
        items = bank.query(category=category, theme=theme, search=search)
    if theme and not items and theme not in load_themes():
        raise InputError(f"没有“{theme}”这个主题；可用的主题：{'、'.join(load_themes())}", key="--theme")

    def origin(item) -> dict:
        o = item_origin(item.id, item)
        return {k: o[k] for k in ("namespace", "builtin", "folder", "provenance")}

    if as_json:
        rows = []
        for item in items:
            data = item.to_dict() if not list_units else {
                "id": item.id, "kind": item.kind, "text": item.text, "body": list(item.body),
                "matter": list(item.matter), "themes": list(item.themes), "meeting_types": list(item.meeting_types),
                **({"era": dict(item.era)} if item.era else {}), "local": list(item.local),
                "sources": list(item.sources), "count": item.count}
            rows.append({**data, **origin(item)})
        _print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    lines = []
    for item in items:
        o = origin(item)
        if o["builtin"]:
            bank_zh = "内置挖掘" if o["namespace"] == "mined" else "内置手写"
        else:
            bank_zh = f"用户短语库“{o['namespace']}”（{o['folder']}）"
        kind = item.kind if list_units else item.category
        lines.append(f"{item.id}  [{kind}] {item.text}\n    主题：{'、'.join(item.themes) or '—'}  "
                     f"来源：{bank_zh}  出处：{lines_zh(o['provenance']) or '手写'}")
    _print("\n".join(lines))
    click.echo(f"共 {len(items)} {'个单元' if list_units else '条'}", err=True)


# ---------------------------------------------------------------- drafting
@cli.command()
@click.argument("type_name", metavar="TYPE")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), help="写入文件（默认打印）。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(path_type=Path),
              help="额外的模板包文件夹。")
def init(type_name: str, out: Path | None, force: bool, template_dirs) -> None:
    """生成带中文注释的起步配置（TYPE：shuzhi_speech / dianping / zuotan_outline 或中文名）。"""
    from generator.jobs import init_config

    text = init_config(type_name, _templates(template_dirs))
    if out is None or str(out) == "-":
        write_stdout(text)
        return
    from generator.atomic import atomic_write

    atomic_write(out, text, force=force)
    click.echo(f"已写入 {out}", err=True)


@cli.command()
@click.argument("config", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, help="输出文件（.docx / .md / .txt），- 表示打印。")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="随机种子，0 到 2⁶³−1 的整数（默认取配置中的 seed）。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(path_type=Path),
              help="额外的模板包文件夹（优先于内置模板）。")
@click.option("--phrases", "phrase_dirs", multiple=True, type=click.Path(path_type=Path),
              help="额外的短语库文件夹。")
@click.option("--style", "style_path", type=click.Path(path_type=Path), help="版式 YAML 文件（字体、字号、页码位置），或内置版式名（如 windows-fonts）。")
@click.option("--each", is_flag=True, help="点评：每位述职人单独成文，输出到 -o 指定的文件夹。")
@click.option("--strict", is_flag=True, help="检查发现错误时以退出码 1 结束。")
@click.option("--sources", is_flag=True, help="另写一份“出处”文件（OUT.sources.md）：每段每句来自模板、配置还是短语库及其语料行号。")
def render(config, out, seed, force, template_dirs, phrase_dirs, style_path, each, strict, sources) -> None:
    """按配置生成讲话稿草稿。"""
    short_lived()
    from generator import render as render_job

    result = render_job(config, out, seed=seed, force=force, template_dirs=_templates(template_dirs),
                            phrase_dirs=_phrases(phrase_dirs), style_path=style_path, each=each, sources=sources)
    if result.stdout_text is not None:
        write_stdout(result.stdout_text)
    for line in result.summary_lines:
        click.echo(line, err=True)
    if strict and result.errors:
        sys.exit(1)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
@click.option("--year", type=click.IntRange(1900, 2200), help="讲话年份（默认从落款日期或标题读取）。")
@click.option("--target-length", type=click.IntRange(min=1), help="目标字数（不含标题与空白）。")
@click.option("--corpus", "corpus_dirs", multiple=True, type=click.Path(path_type=Path),
              help="查重时额外比对的语料文件夹。")
@click.option("--level", help="讲话的行政层级（县、镇、街道……；默认从标题读取）。")
@click.option("--type", "meeting_type", help="会议类型（如 点评；默认从标题读取）。")
def check(file, as_json, year, target_length, corpus_dirs, level, meeting_type) -> None:
    """检查讲话稿：占位符、数目不符、序号、重复、过时提法、查重、字数、标点。"""
    short_lived()
    from generator.checking.registry import check_file, format_findings
    from generator.drafting.schema import LEVEL_WORDS

    if level is not None and level.strip() not in LEVEL_WORDS:
        raise InputError(f"没有“{level}”这个行政层级；可用的层级：{'、'.join(LEVEL_WORDS)}", key="--level")
    if meeting_type is not None:
        from generator.drafting.packs import resolve_type

        try:
            meeting_type = resolve_type(meeting_type, _templates(()))
        except InputError as exc:
            raise InputError(exc.message, key="--type") from None
    findings = check_file(file, year=year, target_length=target_length, corpus_dirs=list(corpus_dirs),
                          level=level.strip() if level else None, meeting_type=meeting_type)
    if as_json:
        _print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        _print(format_findings(findings, str(file)))
    if any(f.severity == "error" for f in findings):
        sys.exit(1)


@cli.command()
@click.option("--dir", "font_folders", multiple=True, type=click.Path(path_type=Path),
              help="另查这个字体文件夹（可多次给出）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def fonts(font_folders, as_json) -> None:
    """本机有哪些公文字体（方正小标宋简体、仿宋_GB2312、楷体_GB2312、黑体及替代字体），缺字体时 Word 用什么代替。"""
    from generator.writers.fonts import SUBSTITUTION_RULE, font_dirs, font_report, report_dict, scan_fonts

    scan = scan_fonts([*font_dirs(), *font_folders])
    statuses = font_report(scan=scan)
    if as_json:
        _print(json.dumps(report_dict(statuses, scan), ensure_ascii=False, indent=2))
        return
    _print("\n".join(status.line() for status in statuses))
    folders = "、".join(str(f) for f in scan.folders) or "（没有找到字体文件夹）"
    click.echo(f"查找了 {scan.files} 个字体文件：{folders}", err=True)
    if scan.skipped:
        click.echo(f"跳过 {len(scan.skipped)} 个无法读取的字体文件", err=True)
    if scan.truncated:
        click.echo("字体文件过多，只读了前一部分", err=True)
    click.echo(f"说明：{SUBSTITUTION_RULE}。", err=True)


# ---------------------------------------------------------------- template packs
@cli.group(cls=Group)
def templates() -> None:
    """模板包：列出、查看、新建、检查。"""


@templates.command("list")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(path_type=Path))
def templates__templates(template_dirs) -> None:
    """列出可用的会议类型模板包。"""
    from generator.drafting.packs import find_packs

    _print("\n".join(f"{pack.id}\t{pack.name}\t{pack.origin}" for pack in find_packs(_templates(template_dirs)).values()))


@templates.command("show")
@click.argument("type_name", metavar="TYPE")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(path_type=Path))
def templates_show(type_name, template_dirs) -> None:
    """显示模板包的说明与文件。"""
    from generator.drafting.packs import get_pack

    _print(get_pack(type_name, _templates(template_dirs)).describe())


@templates.command("new")
@click.argument("type_id", metavar="ID")
@click.option("--name", required=True, help="会议类型的中文名。")
@click.option("--from", "base", default="shuzhi_speech", show_default=True, help="以哪个内置模板包为起点。")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path), help="模板包文件夹的上级文件夹。")
def templates_new(type_id, name, base, out_dir) -> None:
    """以内置模板包为起点新建一个模板包。"""
    from generator.drafting.authoring import new_pack

    path = new_pack(type_id, name, base, out_dir)
    click.echo(f"已新建模板包：{path}")


@templates.command("check")
@click.argument("pack_dir", metavar="DIR")
@click.option("--phrases", "phrase_dirs", multiple=True, type=click.Path(path_type=Path),
              help="试渲染时加入的短语库文件夹（可多次给出），与 render --phrases 相同。")
def templates_check(pack_dir, phrase_dirs) -> None:
    """检查模板包（文件夹，或内置模板包的 id）：清单、语法，并用起步配置试渲染。"""
    from generator.drafting.authoring import check_pack

    warnings: list[str] = []
    # every problem inside the pack is a finding: exit 1
    problems = check_pack(pack_dir, warnings, phrase_dirs=_phrases(phrase_dirs))
    _print("\n".join([*(f"提示：{w}" for w in warnings), *problems, *([] if problems else ["模板包检查通过。"])]))
    if problems:
        sys.exit(1)


# ---------------------------------------------------------------- workbench
@cli.command()
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="端口（0 表示任选一个空闲端口）；只在本机 127.0.0.1 上监听。")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器。")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(path_type=Path),
              help="额外的模板包文件夹（可多次给出）。")
@click.option("--phrases", "phrase_dirs", multiple=True, type=click.Path(path_type=Path),
              help="可供选用的短语库文件夹（可多次给出）。")
@click.option("--style", "style_files", multiple=True, help="可供选用的版式 YAML 文件或内置版式名（可多次给出）。")
def serve(port, no_browser, template_dirs, phrase_dirs, style_files) -> None:
    """在浏览器中起草：本机工作台（表单、草稿、检查结果、每句出处、下载 Word）。"""
    from generator.web import serve as run_workbench

    run_workbench(port=port, open_browser=not no_browser, template_dirs=_templates(template_dirs),
                  phrase_dirs=_phrases(phrase_dirs), style_files=style_files,
                  echo=lambda line: click.echo(line, err=True))


class _ProgressBar:
    """mine's progress callback, drawn with click on stderr (created when the number of files is known)."""

    def __init__(self) -> None:
        self.bar: Any = None  # click's ProgressBar, generic in a type click does not export

    def __call__(self, done: int, total: int, name: str) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="挖掘", file=click.get_text_stream("stderr"))
            self.bar.__enter__()
        self.bar.update(1)
        if done >= total:
            self.bar.__exit__(None, None, None)
            self.bar = None


def main() -> None:
    ignore_file_size_signal()
    try:
        cli(prog_name="speechgen")
    except SystemExit as exc:
        leave_now(exc.code)  # render and check: no teardown of the heap (returns when not safe)
        raise


if __name__ == "__main__":
    main()
