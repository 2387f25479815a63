"""Template authoring: the generated reference is complete, and an author's first mistakes get Chinese messages."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import EXAMPLES, ROOT
from generator.drafting.plan import Plan
from generator.drafting.reference import API, PLAN, public_members, reference_markdown
from generator.drafting.schema import KEYS
from generator.errors import InputError
from generator.jobs import load
from generator.drafting.compose import compose


def test_reference_is_complete_and_current():
    assert set(public_members()) == set(API), "every s.* member needs an entry in reference.API"
    assert {f.name for f in dataclasses.fields(Plan)} == set(PLAN)
    doc = reference_markdown()
    assert all(f"`cfg.{k.name}`" in doc for k in KEYS) and all(f"`s.{n}" in doc for n in API)
    assert (ROOT / "docs" / "templates.md").read_text(encoding="utf-8") == doc, \
        "docs/templates.md 已过期：运行 python tests/golden/regen.py"


def _pack(tmp_path, body: str):
    pack = tmp_path / "packs" / "mine"
    pack.mkdir(parents=True)
    (pack / "manifest.yaml").write_text("id: mine\nname: 我的会议讲话\nextends: shuzhi_speech\n", encoding="utf-8")
    (pack / "speech.j2").write_text(body, encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text((EXAMPLES / "shuzhi_speech.yaml").read_text(encoding="utf-8").replace(
        "type: shuzhi_speech", "type: mine"), encoding="utf-8")
    dirs = [tmp_path / "packs"]
    return load(cfg, dirs), dirs


@pytest.mark.parametrize("body,words", [
    ("@title 标题\n@p {{ cfg.achievments }}\n", ["第2行", "没有 achievments", "是否想写 cfg.achievements"]),
    ("@title 标题\n@p {{ s.phrases(\"开头\", 2) }}\n", ["列表", "s.join"]),
    ("@title 标题\n@p {{ cfg.nothing_here }}\n", ["没有 nothing_here"]),
    ("@title 标题\n@p {{ s.phrase(\"没有的类别\") }}\n", ["未知的类别", "开头（opening）"]),
    ("@title 标题\n@p {{ cfg.__class__ }}\n", ["沙箱"]),
])
def test_template_mistakes_get_chinese_messages_with_file_and_line(tmp_path, body, words):
    config, dirs = _pack(tmp_path, body)
    with pytest.raises(InputError) as exc:
        compose(config, template_dirs=dirs)
    msg = exc.value.format()
    assert "speech.j2" in msg and all(w in msg for w in words), msg
    assert "dict object" not in msg and "Traceback" not in msg


def test_chinese_category_names_work_like_ids(tmp_path):
    config, dirs = _pack(tmp_path, '@title 标题\n@p {{ s.phrase("开头", match="^今天") }}\n@p {{ s.join(s.phrases("结尾", 1)) }}\n')
    draft = compose(config, template_dirs=dirs)
    assert draft.blocks[0].text.startswith("今天") and len(draft.blocks) == 2


def test_templates_check_warns_without_failing(tmp_path, runner):
    from generator.cli import cli

    body = ('{% extends "shuzhi_speech/speech.j2" %}\n{% block closing %}\n@p 我讲4点意见。'
            '{{ s.phrase("结尾", "没有这个主题") }}{{ s.phrase("opening", match="^永远不会有的开头") }}\n{% endblock %}\n')
    _pack(tmp_path, body)
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "packs" / "mine")])
    out = result.output
    assert result.exit_code == 0, out
    assert "阿拉伯数字" in out and "第3行" in out
    assert "主题“没有这个主题”在短语库里没有任何条目" in out
    assert "没有取到任何条目" in out and "模板包检查通过" in out


def test_templates_check_ignores_a_broken_sibling(tmp_path, runner):
    from generator.cli import cli

    _pack(tmp_path, '{% extends "shuzhi_speech/speech.j2" %}\n')
    broken = tmp_path / "packs" / "broken"
    broken.mkdir()
    (broken / "manifest.yaml").write_text("id: [\n", encoding="utf-8")
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "packs" / "mine")])
    assert result.exit_code == 0, result.output


def test_template_error_messages_never_echo_marks_or_paths(tmp_path):
    config, dirs = _pack(tmp_path, '@title 标题\n{% include "../../../private.txt" %}\n')
    with pytest.raises(InputError) as exc:
        compose(config, template_dirs=dirs)
    assert "private" not in exc.value.message and "模板包以外" in exc.value.message and "不会读取" in exc.value.message
    assert "模板出错：模板出错" not in exc.value.message and exc.value.line == 2
    config, dirs = _pack(tmp_path / "b", '@title 标题\n{% include cfg.place %}\n')
    with pytest.raises(InputError) as exc:
        compose(config, template_dirs=dirs)
    assert "\x01" not in exc.value.format() and "config:place" not in exc.value.format()
