"""Template packs: discovery through the loader chain, user overrides, extends, sandboxing, checks."""

from __future__ import annotations

import textwrap

import pytest

from generator.cli import cli
from generator.drafting.compose import compose
from generator.drafting.config import parse_config
from generator.errors import InputError
from generator.drafting.authoring import check_pack, new_pack
from generator.drafting.packs import find_packs, get_pack, resolve_type


def build_tree(root, files: dict) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def config(text_type="shuzhi_speech", dirs=(), extra=""):
    text = f"type: {text_type}\nplace: 江北区\nlevel: 区\nyear: 2026\n{extra}"
    return parse_config(text, "t.yaml", type_resolver=lambda t: resolve_type(t, dirs))


def test_builtin_packs():
    packs = find_packs()
    assert list(packs) == ["dianping", "shuzhi_speech", "zuotan_outline"]
    assert {p.name for p in packs.values()} == {"述职评议会讲话", "述职评议点评", "座谈会讲话提纲"}
    assert packs["dianping"].requires == ("reporters",)


def test_unknown_type_suggests_and_lists():
    with pytest.raises(InputError) as exc:
        resolve_type("shuzhi_speach")
    assert "是否想写 shuzhi_speech？" in exc.value.format() and "dianping（述职评议点评）" in exc.value.format()


def test_user_pack_extends_builtin_and_overrides_a_block(tmp_path):
    build_tree(tmp_path, {
        "party_day/manifest.yaml": """
            id: party_day
            name: 主题党日讲话
            extends: shuzhi_speech
            length: {default: 2000, min: 1200, max: 5000}
        """,
        "party_day/speech.j2": """
            {% extends "shuzhi_speech/speech.j2" %}
            {% block head %}
            @title 在{{ cfg.place }}主题党日活动上的讲话
            @salutation 同志们：
            {% endblock %}
        """,
    })
    c = config("主题党日讲话", [tmp_path])
    draft = compose(c, template_dirs=[tmp_path])
    assert c.type == "party_day" and draft.title == "在江北区主题党日活动上的讲话"
    assert any(b.kind == "heading" for b in draft.blocks)  # the rest comes from the base pack


def test_user_folder_overrides_builtin_pack(tmp_path):
    build_tree(tmp_path, {
        "shuzhi_speech/manifest.yaml": "id: shuzhi_speech\nname: 述职评议会讲话\n",
        "shuzhi_speech/speech.j2": "@title 自定义\n@p {{ s.phrase('closing') }}\n",
    })
    assert get_pack("shuzhi_speech", [tmp_path]).origin == str(tmp_path)
    draft = compose(config(dirs=[tmp_path]), template_dirs=[tmp_path])
    assert draft.title == "自定义" and len(draft.blocks) == 1


def test_config_values_are_data_not_template_code(tmp_path):
    text = 'type: shuzhi_speech\nplace: "{{ cfg }}"\nlevel: 区\nyear: 2026\nachievements: ["{{ 7*7 }}{% raw %}"]\n'
    c = parse_config(text, "t.yaml", type_resolver=resolve_type)
    out = "\n".join(compose(c).paragraphs)
    assert "{{ 7*7 }}{% raw %}" in out and "49" not in out and "{{ cfg }}" in out


def test_sandbox_blocks_unsafe_template(tmp_path):
    build_tree(tmp_path, {
        "evil/manifest.yaml": "id: evil\nname: 恶意\n",
        "evil/speech.j2": "@title {{ s.__class__.__init__.__globals__ }}\n",
    })
    with pytest.raises(InputError, match="模板出错"):
        compose(config("evil", [tmp_path]), template_dirs=[tmp_path])


def test_undefined_variable_is_an_error_not_blank(tmp_path):
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\n", "tt/speech.j2": "@title {{ cfg.nosuchkey }}\n"})
    with pytest.raises(InputError, match="nosuchkey"):
        compose(config("tt", [tmp_path]), template_dirs=[tmp_path])


def test_new_pack_then_check_it(tmp_path, runner):
    result = runner.invoke(cli, ["templates", "new", "jiaoliu", "--name", "经验交流会讲话", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pack_dir = tmp_path / "jiaoliu"
    assert sorted(p.name for p in pack_dir.iterdir()) == ["manifest.yaml", "speech.j2", "starter.yaml"]
    assert "type: jiaoliu" in (pack_dir / "starter.yaml").read_text(encoding="utf-8")
    assert check_pack(pack_dir) == []
    result = runner.invoke(cli, ["templates", "check", str(pack_dir)])
    assert result.exit_code == 0 and "检查通过" in result.output
    with pytest.raises(InputError, match="已存在"):
        new_pack("jiaoliu", "x", "shuzhi_speech", tmp_path)


def test_check_reports_syntax_error_with_line(tmp_path):
    build_tree(tmp_path, {"bad/manifest.yaml": "id: bad\nname: 坏\n", "bad/speech.j2": "@title x\n{% if %}\n"})
    problems = check_pack(tmp_path / "bad")
    assert len(problems) == 1 and "第2行" in problems[0] and "模板语法错误" in problems[0]


def test_runtime_error_in_a_pack_is_bad_input_with_its_line(tmp_path):
    build_tree(tmp_path, {"tt/manifest.yaml": "id: tt\nname: 测试\n",
                          "tt/speech.j2": "@title x\n@p {{ range(10**9)|list|length }}\n"})
    with pytest.raises(InputError) as exc:
        compose(config("tt", [tmp_path]), template_dirs=[tmp_path])
    assert "模板运行出错" in exc.value.format() and exc.value.line == 2


def test_new_pack_may_not_take_a_builtin_name(tmp_path):
    with pytest.raises(InputError, match="重名"):
        new_pack("dianping", "点评二", "shuzhi_speech", tmp_path)
    with pytest.raises(InputError, match="重名"):
        new_pack("dp2", "述职评议点评", "shuzhi_speech", tmp_path)


def test_check_builtin_by_id_and_missing_folder(runner, tmp_path):
    assert runner.invoke(cli, ["templates", "check", "dianping"]).exit_code == 0
    result = runner.invoke(cli, ["templates", "check", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "不存在" in result.stderr


def test_templates_list_and_show(runner):
    out = runner.invoke(cli, ["templates", "list"]).output
    assert "shuzhi_speech\t述职评议会讲话\t内置" in out
    shown = runner.invoke(cli, ["templates", "show", "座谈会讲话提纲"]).output
    assert "zuotan_outline（座谈会讲话提纲）" in shown and "speech.j2" in shown
