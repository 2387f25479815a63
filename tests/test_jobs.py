"""The render job and the CLI around it: formats, --force, atomic writes, summaries, starters, goldens."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from generator.cli import cli
from generator.drafting.compose import compose
from generator.jobs import load, serialize

from conftest import EXAMPLES, ROOT

EXAMPLE_CONFIGS = sorted(p for p in EXAMPLES.glob("*.yaml") if not p.name.startswith("style"))
TYPES = ["shuzhi_speech", "dianping", "zuotan_outline", "dangjian_meeting"]


def test_every_type_has_an_example():
    assert sorted(p.stem for p in EXAMPLE_CONFIGS) == sorted(TYPES)


@pytest.mark.parametrize("config", EXAMPLE_CONFIGS, ids=lambda p: p.stem)
def test_example_markdown_matches_golden(config):
    rendered = serialize(compose(load(config)), ".md").decode("utf-8")
    golden = config.with_suffix(".md").read_text(encoding="utf-8")
    assert rendered == golden, "examples/ 已过期：运行 python tests/golden/regen.py 重新生成"


@pytest.mark.parametrize("config", EXAMPLE_CONFIGS, ids=lambda p: p.stem)
def test_example_docx_text_matches_golden(config):
    sys.path.insert(0, str(ROOT / "tests" / "golden"))
    from regen import docx_text

    text = docx_text(serialize(compose(load(config)), ".docx"))
    assert text == (ROOT / "tests" / "golden" / f"{config.stem}.docx.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", [".md", ".txt", ".docx"])
def test_render_writes_each_format_and_summarises(runner, tmp_path, fmt):
    out = tmp_path / f"draft{fmt}"
    result = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    assert "字，约" in result.stderr and "待补 0 处" in result.stderr and "用到短语" in result.stderr
    assert "检查：错误 0" in result.stderr


def test_summary_and_checker_count_the_same_gaps(runner, tmp_path):
    """Two 〔待补〕 in one paragraph are two on both lines (a reader found 待补 2 处 beside 另有待补 1 处)."""
    config = tmp_path / "c.yaml"
    config.write_text(
        "type: zuotan_outline\nplace: 青榆县\nlevel: 县\nyear: 2026\nspeaker: 县委书记\nvisits:\n"
        "  - {place: 河湾村, seen: 村党群服务中心把便民服务、议事协商放在一起}\n  - {place: 石桥镇}\n"
        "  - {place: 柳塘社区}\nspeakers: [刘志强]\npoints: [组织建设]\nsuperior: 市委\n", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(config), "-o", str(tmp_path / "d.md")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "d.md").read_text(encoding="utf-8")
    line = next(p for p in text.split("\n") if "在石桥镇，〔待补" in p)
    assert "在柳塘社区，〔待补" in line  # the case: two in one paragraph
    total = text.count("〔待补")
    assert f"待补 {total} 处" in result.stderr and f"另有待补 {total} 处" in result.stderr, result.stderr


def test_render_is_byte_identical_across_runs(runner, tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"d{i}.docx"
        assert runner.invoke(cli, ["render", str(EXAMPLES / "dianping.yaml"), "-o", str(out)]).exit_code == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_render_refuses_to_overwrite_without_force(runner, tmp_path):
    out = tmp_path / "d.md"
    out.write_text("手写的稿子", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(out)])
    assert result.exit_code == 2 and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "手写的稿子"
    assert runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(out), "--force"]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# 在云溪区")
    assert [p.name for p in tmp_path.iterdir()] == ["d.md"]  # no temporary files left behind


def test_render_to_stdout(runner):
    result = runner.invoke(cli, ["render", str(EXAMPLES / "zuotan_outline.yaml"), "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("在青榆县基层党建工作调研座谈会上的讲话提纲\n")


def test_seed_option_overrides_config(runner):
    a = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", "-", "--seed", "1"]).stdout
    b = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", "-", "--seed", "2"]).stdout
    assert a != b


def test_each_writes_one_docx_per_reporter(runner, tmp_path):
    out = tmp_path / "点评"
    result = runner.invoke(cli, ["render", str(EXAMPLES / "dianping.yaml"), "-o", str(out), "--each"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["01_刘志强.docx", "02_孙丽.docx", "03_马文斌.docx"]


@pytest.mark.parametrize("args,message", [
    (["render", "missing.yaml", "-o", "x.md"], "配置文件不存在"),
    (["render", "EX", "-o", "x.pdf"], "不支持的输出格式"),
    (["init", "年终总结"], "未知的会议类型"),
])
def test_bad_input_exit_2_without_traceback(runner, tmp_path, args, message):
    args = [str(EXAMPLES / "shuzhi_speech.yaml") if a == "EX" else a for a in args]
    args = [str(tmp_path / a) if a.endswith((".md", ".pdf")) else a for a in args]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_bad_config_reports_every_problem(runner, tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("type: shuzhi_speech\nplace: 江北区\nlevel: 区\nyear: 2026\nlength: 很长\npoint: [a]\n", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(tmp_path / "x.md")])
    assert result.exit_code == 2
    assert '第5行 length: 应为整数或"N分钟"' in result.stderr and "第6行 point: 未知的配置项，是否想写 points？" in result.stderr


@pytest.mark.parametrize("type_", TYPES + ["述职评议会讲话"])
def test_init_starter_renders_as_it_is(runner, tmp_path, type_):
    cfg = tmp_path / "c.yaml"
    assert runner.invoke(cli, ["init", type_, "-o", str(cfg)]).exit_code == 0
    text = cfg.read_text(encoding="utf-8")
    assert text.startswith("# speechgen 起步配置") and text.count("#") > 10
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(tmp_path / "d.md")])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["init", type_, "-o", str(cfg)]).exit_code == 2  # no overwrite without --force


def test_python_dash_m_is_the_same_cli():
    out = subprocess.run([sys.executable, "-m", "generator", "templates", "list"], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert [line.split("\t")[0] for line in out.splitlines()] == sorted(TYPES)


def test_strict_fails_on_remaining_errors(runner, tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("type: shuzhi_speech\nplace: 江北区\nlevel: 区\nyear: 2026\n", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(tmp_path / "d.md"), "--strict"])
    assert result.exit_code == 1  # the 〔待补〕 gaps are still open
    assert "待补 " in result.stderr


@pytest.mark.parametrize("args,message", [
    (["render", "c.yaml", "-o", "x.md", "--seed", "abc"], "--seed 应为整数，而不是“abc”"),
    (["check", "x.md", "--year", "1800"], "--year 的值 1800 超出范围（1900–2200）"),
    (["mine", "x", "-o", "y", "--jobs", "0"], "--jobs 的值 0 超出范围（1–64）"),
    (["init"], "缺少参数 TYPE"),
    (["render", "c.yaml", "-o", "x.md", "--forse"], "没有选项 --forse，是否想写 --force"),
])
def test_usage_errors_are_in_chinese(runner, args, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_render_never_imports_the_miner(tmp_path):
    """Drafting and writing use the mined phrasebank; they never load jieba or the miner."""
    code = ("import sys; from generator.jobs import render_command; "
            f"render_command({str(EXAMPLES / 'shuzhi_speech.yaml')!r}, {str(tmp_path / 'd.docx')!r}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jieba',) or m in "
            "('generator.mining.miner', 'generator.mining.extract', 'generator.mining.segment')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"


def test_each_wants_a_folder_not_a_file_name(runner, tmp_path):
    result = runner.invoke(cli, ["render", str(EXAMPLES / "dianping.yaml"), "-o", str(tmp_path / "x.md"), "--each"])
    assert result.exit_code == 2 and "文件夹" in result.stderr and not (tmp_path / "x.md").exists()


def test_each_is_only_for_dianping(runner, tmp_path):
    result = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(tmp_path / "d"), "--each"])
    assert result.exit_code == 2 and "--each 只用于点评" in result.stderr


def test_config_is_never_its_own_output(runner, tmp_path):
    cfg = tmp_path / "c.md"
    cfg.write_text((EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(cfg), "--force"])
    assert result.exit_code == 2 and "配置文件本身" in result.stderr
    assert cfg.read_text(encoding="utf-8").startswith("# 示例")


def test_sources_file_is_never_the_config(runner, tmp_path):
    """`render X.md.sources.md -o X.md --sources --force` once replaced the config with the provenance."""
    cfg = tmp_path / "X.md.sources.md"
    text = (EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8")
    cfg.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["render", str(cfg), "-o", str(tmp_path / "X.md"), "--sources", "--force"])
    assert result.exit_code == 2 and "配置文件本身" in result.stderr and "Traceback" not in result.output
    assert cfg.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X.md.sources.md"]  # the draft was not written either


def test_every_output_is_checked_before_any_is_written(runner, tmp_path):
    side = tmp_path / "d.md.sources.md"
    side.write_text("手写的出处笔记", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(tmp_path / "d.md"),
                                 "--sources"])
    assert result.exit_code == 2 and "--force" in result.stderr and "d.md.sources.md" in result.stderr
    assert not (tmp_path / "d.md").exists() and side.read_text(encoding="utf-8") == "手写的出处笔记"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.md.sources.md"]


def test_each_checks_every_reporter_file_before_writing_any(runner, tmp_path):
    out = tmp_path / "点评"
    out.mkdir()
    (out / "03_马文斌.docx").write_bytes(b"hand-made")
    result = runner.invoke(cli, ["render", str(EXAMPLES / "dianping.yaml"), "-o", str(out), "--each"])
    assert result.exit_code == 2 and "03_马文斌.docx" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["03_马文斌.docx"]


def test_style_file_is_never_an_output(runner, tmp_path):
    style = tmp_path / "style.md"
    style.write_text("font: 仿宋_GB2312\n", encoding="utf-8")
    result = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(style), "--force",
                                 "--style", str(style)])
    assert result.exit_code == 2 and "版式文件本身" in result.stderr
    assert style.read_text(encoding="utf-8") == "font: 仿宋_GB2312\n"


def test_output_folder_is_named_as_such(runner, tmp_path):
    result = runner.invoke(cli, ["init", "dianping", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "文件夹" in result.stderr


def test_sources_lists_where_every_stretch_came_from(runner, tmp_path):
    out = tmp_path / "d.md"
    result = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(out), "--sources"])
    assert result.exit_code == 0, result.output
    side = (tmp_path / "d.md.sources.md").read_text(encoding="utf-8")
    assert "← 配置项 achievements[0]" in side and "← 模板 shuzhi_speech/speech.j2" in side
    assert "（point，手写条目）" in side or "（point，0" in side
    assert re.search(r"短语库(?:单元)? \w+\.[0-9a-f]{8,}（\w+，\d{3}_[0-9a-f]+\.txt:\d+", side)  # mined: file:line
    assert side.count("## 第") == len(compose(load(EXAMPLES / "shuzhi_speech.yaml")).blocks)  # every paragraph


def test_the_configs_phrases_folders_feed_the_draft(tmp_path, seeds_dir):
    """``phrases:`` in a config works like --phrases: its folder's entries are used, namespaced by folder."""
    from generator.jobs import load
    from generator.drafting.compose import compose
    from generator.mining.miner import mine

    mine([seeds_dir], tmp_path / "ours")
    text = (EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8") + "phrases: [ours]\n"
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    draft = compose(load(tmp_path / "c.yaml"))
    assert any(s.source.startswith("phrase:ours:") for b in draft.blocks for s in b.spans)
