"""The CLI is a thin shell: the library never imports click, folders come from options then the environment."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import EXAMPLES, ROOT
from generator.cli import cli
from generator.resources import user_dirs


def test_the_library_never_imports_click():
    code = ("import sys, generator, generator.jobs, generator.mining.miner, generator.checking.registry, "
            "generator.corpus, generator.writers.docx; print('click' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_env_folders_come_after_the_command_line(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    env = {"SPEECHGEN_TEMPLATES": f"{tmp_path / 'b'}:{tmp_path / 'a'}::"}
    assert user_dirs([tmp_path / "a"], "SPEECHGEN_TEMPLATES", env) == [tmp_path / "a", tmp_path / "b"]
    assert user_dirs([], "SPEECHGEN_TEMPLATES", {}) == []


def test_packs_are_found_through_the_environment(tmp_path, runner, monkeypatch):
    pack = tmp_path / "packs" / "minsheng"
    pack.mkdir(parents=True)
    (pack / "manifest.yaml").write_text("id: minsheng\nname: 民生会议讲话\nextends: shuzhi_speech\n", encoding="utf-8")
    (pack / "speech.j2").write_text('{% extends "shuzhi_speech/speech.j2" %}\n', encoding="utf-8")
    monkeypatch.setenv("SPEECHGEN_TEMPLATES", str(tmp_path / "packs"))
    result = runner.invoke(cli, ["templates", "list"])
    assert result.exit_code == 0 and "minsheng" in result.output


def test_mine_reports_progress_through_a_callback(tmp_path, seeds_dir):
    from generator import mine

    calls = []
    mine([seeds_dir], tmp_path / "pb", progress=lambda done, total, name: calls.append((done, total)))
    assert calls[-1] == (5, 5) and [d for d, _ in calls] == [1, 2, 3, 4, 5]


def test_render_through_the_public_api_is_what_the_cli_does(tmp_path, runner):
    out = tmp_path / "a.md"
    result = runner.invoke(cli, ["render", str(EXAMPLES / "zuotan_outline.yaml"), "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == (EXAMPLES / "zuotan_outline.md").read_text(encoding="utf-8")





@pytest.mark.parametrize("args,message", [
    (["mine", "x", "--jobs", "abc", "-o", "y"], "--jobs 应为整数，而不是“abc”"),
    (["render", "c.yaml"], "缺少选项 -o（或 --output）"),
    (["mine", "x", "--jobs", "0", "-o", "y"], "超出范围（1–64）"),
])
def test_usage_errors_in_chinese(runner, args, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and message in result.output and "'" not in result.output.split("\n")[0]


@pytest.mark.parametrize("args", [["--help"], ["render", "-h"], ["mine", "--help"], ["templates", "-h"],
                                  ["templates", "check", "-h"], ["corpus", "clean", "-h"]])
def test_help_pages_are_in_chinese(runner, args):
    """6.10: the help option's own line, the version option and the headings were click's English."""
    result = runner.invoke(cli, args)
    assert result.exit_code == 0 and result.output.startswith("用法：")
    assert "显示本帮助并退出。" in result.output
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Show the version", "[required]",
                    "[default:"):
        assert english not in result.output, english


def test_a_misspelt_command_and_a_bare_speechgen_are_chinese(runner):
    result = runner.invoke(cli, ["rendr", "x.yaml"])
    assert result.exit_code == 2 and "没有命令 rendr，是否想写 render？" in result.output
    assert "No such command" not in result.output and "Did you mean" not in result.output
    result = runner.invoke(cli, [])
    assert result.exit_code == 2 and result.output.startswith("用法：") and "错误：" not in result.output
    assert "命令：" in result.output and "Usage" not in result.output


@pytest.mark.parametrize("seed", ["-5", str(2**63), "1" + "0" * 30])
def test_seed_option_is_held_to_the_config_keys_range(runner, tmp_path, seed):
    """6.21: `render --seed -5` (or 10³⁰) drafted as usual, though the config's seed must be 0..2⁶³−1."""
    out = tmp_path / "o.md"
    result = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(out), "--seed", seed])
    assert result.exit_code == 2 and "--seed" in result.output and "超出范围" in result.output and not out.exists()
    result = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(out), "--seed",
                                 str(2**63 - 1)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("args, key", [(["--type", "猫"], "--type"), (["--level", "猫"], "--level"),
                                       (["--level", "全区"], "--level")])
def test_check_refuses_an_unknown_type_or_level(runner, args, key):
    """6.19: `check F --type 猫` checked as usual, where `phrases -t 猫` is refused."""
    result = runner.invoke(cli, ["check", str(EXAMPLES / "shuzhi_speech.md"), *args])
    assert result.exit_code == 2 and f"{key}：" in result.stderr and f"“{args[1]}”" in result.stderr, result.output


@pytest.mark.parametrize("args", [["--type", "点评"], ["--type", "shuzhi_speech"], ["--level", "区"],
                                  ["--type", "述职评议会讲话", "--level", "县"]])
def test_check_takes_a_known_type_or_level(runner, args):
    result = runner.invoke(cli, ["check", str(EXAMPLES / "shuzhi_speech.md"), *args])
    assert result.exit_code in (0, 1), result.output


def test_folders_from_the_environment_are_named_as_such(tmp_path, runner, monkeypatch):
    """6.17, 6.18: a bad $SPEECHGEN_TEMPLATES folder did not say where it came from; a plain file given as
    --templates or --phrases was called missing."""
    (tmp_path / "plainfile").write_text("a file\n", encoding="utf-8")
    monkeypatch.setenv("SPEECHGEN_TEMPLATES", str(tmp_path / "nonexistent"))
    result = runner.invoke(cli, ["templates", "list"])
    assert result.exit_code == 2 and "环境变量 SPEECHGEN_TEMPLATES" in result.stderr and "不存在" in result.stderr
    monkeypatch.setenv("SPEECHGEN_TEMPLATES", str(tmp_path / "plainfile"))
    result = runner.invoke(cli, ["templates", "list"])
    assert result.exit_code == 2 and "环境变量 SPEECHGEN_TEMPLATES" in result.stderr and "不是文件夹" in result.stderr
    monkeypatch.delenv("SPEECHGEN_TEMPLATES")
    monkeypatch.setenv("SPEECHGEN_PHRASES", str(tmp_path / "nonexistent"))
    result = runner.invoke(cli, ["phrases", "-c", "adjourn"])
    assert result.exit_code == 2 and "环境变量 SPEECHGEN_PHRASES" in result.stderr
    monkeypatch.delenv("SPEECHGEN_PHRASES")
    for option in ("--templates", "--phrases"):
        result = runner.invoke(cli, ["render", str(EXAMPLES / "shuzhi_speech.yaml"), "-o", str(tmp_path / "o.md"),
                                     option, str(tmp_path / "plainfile")])
        assert result.exit_code == 2 and "不是文件夹" in result.stderr and option in result.stderr
        assert "不存在" not in result.stderr


def test_a_render_process_ends_without_teardown_yet_runs_atexit_and_keeps_its_output(tmp_path):
    """render and check end with os._exit once stdout and stderr are flushed (short_lived / leave_now): the
    whole draft still reaches a pipe, the exit code is kept, and atexit functions still run."""
    script = ("import atexit, sys; atexit.register(lambda: print('atexit ran', file=sys.stderr)); "
              "from generator.cli import main; sys.argv = ['speechgen'] + sys.argv[1:]; main()")
    config = EXAMPLES / "shuzhi_speech.yaml"
    done = subprocess.run([sys.executable, "-c", script, "render", str(config), "-o", "-"], cwd=ROOT,
                          capture_output=True, text=True)
    whole = (ROOT / "examples" / "shuzhi_speech.md").read_text(encoding="utf-8").rstrip().splitlines()[-1]
    assert done.returncode == 0 and "atexit ran" in done.stderr
    assert done.stdout.rstrip().endswith(whole.lstrip("# ").strip()[-40:])  # the draft's last line reached the pipe
    bad = subprocess.run([sys.executable, "-c", script, "check", str(tmp_path / "none.md")], cwd=ROOT,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "atexit ran" in bad.stderr


def test_leave_now_returns_when_it_is_not_safe(monkeypatch):
    import threading

    from generator.cli import errors

    monkeypatch.setattr(errors, "_SHORT_LIVED", False)
    errors.leave_now(0)  # not a short-lived command: the interpreter's own exit
    monkeypatch.setattr(errors, "_SHORT_LIVED", True)
    errors.leave_now("错误")  # a message to print: SystemExit does that
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        errors.leave_now(0)  # another thread running: it must be let finish
    finally:
        stop.set()
        worker.join()
