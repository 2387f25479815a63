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
